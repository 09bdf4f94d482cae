package chart

import (
	"cmp"
	"image/color"
	"math"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"smallgoals"
)

// TeamGoal is one goal on a team's overview chart: its latest staff score and
// the one a week before (nil when none).
type TeamGoal struct {
	Ref         string
	Min, Max    int
	Now, Before *int
}

// TeamLabels are a team chart's words in the reader's language, e.g.
// "Seneste", "For en uge siden", "% af skalaen".
type TeamLabels struct {
	Now, Before, Scale string
}

// Team chart rows, in points (two pixels each).
const (
	teamBase = 150 // title, legend, x axis and margins
	teamRow  = 30  // one goal
)

// TeamHeight is the pixel height of a team chart with n goals: it grows with
// the number of rows shown and stays within TeamMinHeight..TeamMaxHeight.
func TeamHeight(n int) int {
	rows := min(n, TeamMaxGoals)
	if n > TeamMaxGoals {
		rows++ // "+N"
	}
	h := (teamBase + teamRow*rows) * dpi / 72
	return min(max(h, TeamMinHeight), TeamMaxHeight)
}

// TeamPNG renders an overview of a team's goals for the weekly digest, Width
// pixels wide and TeamHeight(len(goals)) high: one horizontal bar per goal,
// sorted by ref ("AB-2" before "AB-10"), showing the latest staff score as
// 0–100 % of the goal's own scale, with the score written after the bar
// ("7/10", "+1" on a GAS scale, "–" when there is none), a black mark where
// it was a week before, and the ref on the y axis. At most TeamMaxGoals goals
// are shown; a last row "+N" counts the rest. A goal whose scale is not
// Min < Max gets no bar. With no goals it renders an empty chart.
func TeamPNG(title string, goals []TeamGoal, l TeamLabels) (out []byte, err error) {
	defer recoverErr(&err)

	gs := slices.Clone(goals)
	slices.SortStableFunc(gs, func(a, b TeamGoal) int { return compareRefs(a.Ref, b.Ref) })
	more := 0
	if len(gs) > TeamMaxGoals {
		more = len(gs) - TeamMaxGoals
		gs = gs[:TeamMaxGoals]
	}

	pg := newPage(Width, TeamHeight(len(goals)))
	c := drawTitle(pg.area, clean(title))

	bars := &teamBars{goals: gs}
	c = drawLegend(c, []legendEntry{
		{l.Now, []plot.Thumbnailer{barThumb{}}},
		{l.Before, []plot.Thumbnailer{markThumb{}}},
	})

	p := newPlot()
	p.X.Label.Text = l.Scale
	p.X.Min, p.X.Max = 0, 100
	p.X.Tick.Marker = plot.ConstantTicks([]plot.Tick{
		{Value: 0, Label: "0"}, {Value: 25, Label: "25"}, {Value: 50, Label: "50"},
		{Value: 75, Label: "75"}, {Value: 100, Label: "100"},
	})
	p.X.Padding = 0
	p.Y.Padding = 0

	rows := len(gs)
	if more > 0 {
		rows++
	}
	ticks := make([]plot.Tick, 0, rows)
	for i, g := range gs {
		ticks = append(ticks, plot.Tick{Value: rowY(i, rows), Label: clean(g.Ref)})
	}
	if more > 0 {
		ticks = append(ticks, plot.Tick{Value: rowY(rows-1, rows), Label: "+" + strconv.Itoa(more)})
	}
	p.Y.Min, p.Y.Max = -0.5, math.Max(float64(rows)-0.5, 0.5)
	p.Y.Tick.Marker = plot.ConstantTicks(ticks)
	p.Y.Tick.Length = 0
	bars.rows = rows

	// Room right of the data for the scores written after the bars.
	vsty := valueStyle()
	room := vsty.Width("10/10")
	for _, g := range gs {
		room = max(room, vsty.Width(valueLabel(g)))
	}
	p.Add(vgrid{}, bars)
	p.Draw(draw.Crop(c, 0, -(room + vg.Points(10)), 0, 0))
	return pg.png()
}

// rowY is the y of row i of n, the first row at the top.
func rowY(i, n int) float64 { return float64(n - 1 - i) }

func valueStyle() draw.TextStyle {
	return textStyle(tickSize, true, draw.XLeft, draw.YCenter)
}

// percent is v as 0–100 % of the goal's scale, clamped; ok is false when the
// scale cannot be normalised.
func percent(v, lo, hi int) (float64, bool) {
	if lo >= hi {
		return 0, false
	}
	return math.Min(math.Max(100*float64(v-lo)/float64(hi-lo), 0), 100), true
}

// valueLabel is the latest score as written after a bar.
func valueLabel(g TeamGoal) string {
	if g.Now == nil {
		return "–"
	}
	if g.Min < 0 {
		return signed(*g.Now)
	}
	return strconv.Itoa(*g.Now) + "/" + strconv.Itoa(g.Max)
}

// teamBars draws one bar per goal, the mark of the week before and the score.
type teamBars struct {
	goals []TeamGoal
	rows  int
}

const (
	barShare   = 0.6 // of a row's height
	maxBarHalf = 9   // points: a bar is at most 18 pt thick, however few the rows
	minBar     = 3   // points: a score at the bottom of its scale still shows
)

func (b *teamBars) Plot(c draw.Canvas, p *plot.Plot) {
	if b.rows == 0 {
		return
	}
	tx, ty := p.Transforms(&c)
	half := min((ty(1)-ty(0))*barShare/2, vg.Points(maxBarHalf))
	vsty := valueStyle()
	for i, g := range b.goals {
		y := ty(rowY(i, b.rows))
		x0 := tx(0)
		if g.Now != nil {
			if pct, ok := percent(*g.Now, g.Min, g.Max); ok {
				end := max(tx(pct), x0+vg.Points(minBar))
				c.FillPolygon(colBar, []vg.Point{
					{X: x0, Y: y - half}, {X: end, Y: y - half},
					{X: end, Y: y + half}, {X: x0, Y: y + half},
				})
			}
		}
		if g.Before != nil {
			if pct, ok := percent(*g.Before, g.Min, g.Max); ok {
				drawMark(c, tx(pct), y, half*1.45)
			}
		}
		vs := vsty
		if g.Now == nil {
			vs.Color = colMuted
		}
		c.FillText(vs, vg.Point{X: c.Max.X + vg.Points(10), Y: y}, valueLabel(g))
	}
}

// drawMark draws the week-before mark: a black bar with a white edge, so it
// shows on the blue bar and on the white background alike.
func drawMark(c draw.Canvas, x, y, half vg.Length) {
	c.StrokeLine2(draw.LineStyle{Color: color.White, Width: vg.Points(7)}, x, y-half-1, x, y+half+1)
	c.StrokeLine2(draw.LineStyle{Color: color.Black, Width: vg.Points(4)}, x, y-half, x, y+half)
}

// vgrid draws light vertical lines at the x ticks.
type vgrid struct{}

func (vgrid) Plot(c draw.Canvas, p *plot.Plot) {
	sty := draw.LineStyle{Color: colGrid, Width: vg.Points(1)}
	for _, t := range p.X.Tick.Marker.Ticks(p.X.Min, p.X.Max) {
		x := c.X(p.X.Norm(t.Value))
		c.StrokeLine2(sty, x, c.Min.Y, x, c.Max.Y)
	}
}

type barThumb struct{}

func (barThumb) Thumbnail(c *draw.Canvas) {
	h := (c.Max.Y - c.Min.Y) * 0.35
	y := c.Center().Y
	c.FillPolygon(colBar, []vg.Point{
		{X: c.Min.X, Y: y - h}, {X: c.Max.X, Y: y - h},
		{X: c.Max.X, Y: y + h}, {X: c.Min.X, Y: y + h},
	})
}

type markThumb struct{}

func (markThumb) Thumbnail(c *draw.Canvas) {
	drawMark(*c, c.Center().X, c.Center().Y, (c.Max.Y-c.Min.Y)*0.45)
}

// compareRefs orders refs as smallgoals.CompareRefs does — "AB-2" before
// "AB-10" before "B-1", aliases in Danish order with Æ, Ø, Å after Z — and
// text that is not quite a ref ("ab-007", "AB") alike: the part before the
// last '-' as an alias, then a 'P' (plan goals after small goals), then
// the number by value, then what follows it.
func compareRefs(a, b string) int {
	aa, ap, an, ar := splitRef(a)
	ba, bp, bn, br := splitRef(b)
	if c := smallgoals.CompareAliases(aa, ba); c != 0 {
		return c
	}
	if ap != bp {
		if ap {
			return 1
		}
		return -1
	}
	an, bn = strings.TrimLeft(an, "0"), strings.TrimLeft(bn, "0")
	return cmp.Or(cmp.Compare(len(an), len(bn)), strings.Compare(an, bn), strings.Compare(ar, br))
}

// splitRef splits "AB-P12x" into its alias "AB", plan true, digits "12"
// and the rest "x".
func splitRef(s string) (alias string, plan bool, digits, rest string) {
	i := strings.LastIndexByte(s, '-')
	if i < 0 {
		return s, false, "", ""
	}
	alias, rest = s[:i], s[i+1:]
	if rest != "" && (rest[0] == 'P' || rest[0] == 'p') {
		plan, rest = true, rest[1:]
	}
	n := strings.IndexFunc(rest, func(r rune) bool { return r < '0' || r > '9' })
	if n < 0 {
		n = len(rest)
	}
	return alias, plan, rest[:n], rest[n:]
}
