package chart

import (
	"cmp"
	"errors"
	"image/color"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Point is one score on a day.
type Point struct {
	Day   time.Time // only the calendar date counts, in Day's own location
	Score int
}

// Goal is what a goal's chart shows.
type Goal struct {
	Ref, Title string  // e.g. "AB-1", "Tage bussen alene til arbejde" (may contain æøå)
	Min, Max   int     // the scale, e.g. 1..10, 0..10, 1..5 or -2..2 (GAS)
	Target     *int    // optional target line
	Staff      []Point // staff scores, any order (sorted by day)
	Citizen    []Point // the borger's own scores
}

// Labels are the chart's words in the reader's language (the caller
// translates), e.g. "Personale", "Borger", "Mål", "Score", "Dato".
type Labels struct {
	Staff, Citizen, Target, Score, Date string
}

// ErrScale is returned for a goal whose Min is not below its Max.
var ErrScale = errors.New("chart: scale needs Min < Max")

// GoalPNG renders a goal's chart, Width×Height pixels: staff and borger
// scores over time as a solid dark blue line with circles and a dashed orange
// line with triangles, a dashed grey line at the target when Target is set,
// the y axis from Min to Max with integer ticks ("+1"/"−1" on a scale that
// goes below zero), dates on the x axis as D/M (D/M-YY when the scores span
// about a year or more), the title "REF Title" (title cut to TitleRunes runes
// with "…", and further when it does not fit) and a legend row under the
// title.
//
// Scores on the same day are joined in the order given. A score or target
// outside Min..Max widens the axis rather than being hidden. With no points
// it still renders the axes, the legend and the target line.
func GoalPNG(g Goal, l Labels) (out []byte, err error) {
	if g.Min >= g.Max {
		return nil, ErrScale
	}
	defer recoverErr(&err)

	staff := series(g.Staff)
	citizen := series(g.Citizen)

	pg := newPage(Width, Height)
	c := pg.area

	title := clean(g.Ref)
	if t := clean(g.Title); t != "" {
		title = strings.TrimSpace(title + " " + cut(t, TitleRunes))
	}
	c = drawTitle(c, title)

	staffLine := &plotter.Line{LineStyle: draw.LineStyle{Color: colStaff, Width: vg.Points(3)}}
	staffDots := &plotter.Scatter{GlyphStyle: draw.GlyphStyle{
		Color: colStaff, Radius: vg.Points(8), Shape: halo{draw.CircleGlyph{}},
	}}
	citizenLine := &plotter.Line{LineStyle: draw.LineStyle{
		Color: colCitizen, Width: vg.Points(3),
		Dashes: []vg.Length{vg.Points(10), vg.Points(6)},
	}}
	citizenDots := &plotter.Scatter{GlyphStyle: draw.GlyphStyle{
		Color: colCitizen, Radius: vg.Points(6), Shape: halo{draw.PyramidGlyph{}},
	}}
	target := &hline{style: draw.LineStyle{
		Color: colTarget, Width: vg.Points(2.5),
		Dashes: []vg.Length{vg.Points(4), vg.Points(4)},
	}}

	entries := []legendEntry{
		{l.Staff, []plot.Thumbnailer{staffLine, staffDots}},
		{l.Citizen, []plot.Thumbnailer{citizenLine, citizenDots}},
	}
	if g.Target != nil {
		entries = append(entries, legendEntry{l.Target, []plot.Thumbnailer{target}})
	}
	c = drawLegend(c, entries)

	p := newPlot()
	p.X.Label.Text = l.Date
	p.Y.Label.Text = l.Score

	// y: the scale, widened to any score or target outside it.
	lo, hi := g.Min, g.Max
	for _, pts := range [][]Point{g.Staff, g.Citizen} {
		for _, pt := range pts {
			lo, hi = min(lo, pt.Score), max(hi, pt.Score)
		}
	}
	if g.Target != nil {
		lo, hi = min(lo, *g.Target), max(hi, *g.Target)
	}
	p.Y.Tick.Marker = scoreTicks{min: g.Min}

	// x: the days with scores, at least a week.
	first, last := math.Inf(1), math.Inf(-1)
	for _, s := range [][]plotter.XY{staff, citizen} {
		for _, xy := range s {
			first, last = math.Min(first, xy.X), math.Max(last, xy.X)
		}
	}
	if math.IsInf(first, 0) {
		first, last = 0, 1
		p.X.Tick.Marker = plot.ConstantTicks(nil)
	} else {
		if span := last - first; span < 6 {
			first -= math.Floor((6 - span) / 2)
			last = first + 6
		}
		p.X.Tick.Marker = dayTicks{}
	}

	grid := plotter.NewGrid()
	grid.Vertical.Color = nil
	grid.Horizontal = draw.LineStyle{Color: colGrid, Width: vg.Points(1)}
	p.Add(grid)
	if g.Target != nil {
		target.y = float64(*g.Target)
		p.Add(target)
	}
	// The borger's dashed line goes over the staff line, so where they
	// agree the staff line shows through the gaps.
	staffLine.XYs, staffDots.XYs = staff, staff
	citizenLine.XYs, citizenDots.XYs = citizen, citizen
	p.Add(staffLine, citizenLine, staffDots, citizenDots)
	p.X.Min, p.X.Max = first, last
	p.Y.Min, p.Y.Max = float64(lo), float64(hi)

	p.Draw(draw.Crop(c, 0, -vg.Points(8), 0, 0))
	return pg.png()
}

// series turns points into plot coordinates, x being the calendar day.
func series(pts []Point) plotter.XYs {
	s := slices.Clone(pts)
	slices.SortStableFunc(s, func(a, b Point) int { return cmp.Compare(dayNum(a.Day), dayNum(b.Day)) })
	xys := make(plotter.XYs, len(s))
	for i, pt := range s {
		xys[i] = plotter.XY{X: dayNum(pt.Day), Y: float64(pt.Score)}
	}
	return xys
}

// dayNum is the number of days from 1970-01-01 to t's calendar date in t's
// own location (no daylight-saving drift).
func dayNum(t time.Time) float64 {
	y, m, d := t.Date()
	return float64(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

func dayTime(n float64) time.Time {
	return time.Unix(int64(n)*86400, 0).UTC()
}

// dayTicks marks days on the x axis: every 1, 2, 3, 7 or 14 days counted
// from the first day, or the first of every 1, 2, 3, 6 or 12 months, so that
// at most maxDayTicks are labelled.
type dayTicks struct{}

const maxDayTicks = 7

func (dayTicks) Ticks(lo, hi float64) []plot.Tick {
	lo, hi = math.Ceil(lo), math.Floor(hi)
	span := hi - lo
	label := func(t time.Time) string {
		s := strconv.Itoa(t.Day()) + "/" + strconv.Itoa(int(t.Month()))
		if span > 300 {
			s += "-" + strconv.Itoa(t.Year()%100)
		}
		return s
	}
	var ticks []plot.Tick
	for _, step := range []float64{1, 2, 3, 7, 14} {
		if span/step+1 > maxDayTicks {
			continue
		}
		for d := lo; d <= hi; d++ {
			if math.Mod(d-lo, step) == 0 {
				ticks = append(ticks, plot.Tick{Value: d, Label: label(dayTime(d))})
			} else if step <= 7 {
				ticks = append(ticks, plot.Tick{Value: d}) // minor: one a day
			}
		}
		return ticks
	}
	start := dayTime(lo)
	for _, months := range []int{1, 2, 3, 6, 12, 24, 60, 120} {
		ticks = ticks[:0]
		m := time.Date(start.Year(), start.Month(), 1, 0, 0, 0, 0, time.UTC)
		for ; dayNum(m) <= hi; m = m.AddDate(0, 1, 0) {
			if (m.Year()*12+int(m.Month())-1)%months != 0 || dayNum(m) < lo {
				continue
			}
			ticks = append(ticks, plot.Tick{Value: dayNum(m), Label: label(m)})
		}
		if len(ticks) <= maxDayTicks {
			break
		}
	}
	return ticks
}

// scoreTicks marks whole scores on the y axis, every 1, 2, 5, 10, … so that
// at most 11 are labelled, counted from the scale's minimum.
type scoreTicks struct{ min int }

func (t scoreTicks) Ticks(lo, hi float64) []plot.Tick {
	l, h := int(math.Ceil(lo)), int(math.Floor(hi))
	step := 1
	for i := 1; (h-l)/step > 10; i++ {
		step = []int{1, 2, 5}[i%3] * int(math.Pow10(i/3)) // 2, 5, 10, 20, …
	}
	var ticks []plot.Tick
	for v := l; v <= h; v++ {
		if (v-t.min)%step == 0 {
			ticks = append(ticks, plot.Tick{Value: float64(v), Label: scoreLabel(v, t.min)})
		}
	}
	return ticks
}

// hline is a horizontal line across the whole data area at y.
type hline struct {
	y     float64
	style draw.LineStyle
}

func (h *hline) Plot(c draw.Canvas, p *plot.Plot) {
	y := c.Y(p.Y.Norm(h.y))
	c.StrokeLine2(h.style, c.Min.X, y, c.Max.X, y)
}

func (h *hline) Thumbnail(c *draw.Canvas) {
	y := c.Center().Y
	c.StrokeLine2(h.style, c.Min.X, y, c.Max.X, y)
}

// halo draws a glyph on a white disc of a slightly larger glyph, so markers
// stand out from the lines and from each other where they overlap.
type halo struct{ shape draw.GlyphDrawer }

func (h halo) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	white := sty
	white.Color = color.White
	white.Radius += vg.Points(2)
	c.SetColor(white.Color)
	h.shape.DrawGlyph(c, white, pt)
	c.SetColor(sty.Color)
	h.shape.DrawGlyph(c, sty, pt)
}
