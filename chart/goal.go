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
	"gonum.org/v1/plot/vg/recorder"
)

// Point is one score on a day.
type Point struct {
	Day   time.Time // only the calendar date counts, in Day's own location
	Score int
}

// Revision is a revision of the goal on a day, with the GAS attainment
// level (−2..+2) it was given.
type Revision struct {
	Day   time.Time
	Level int
}

// Goal is what a goal's chart shows.
type Goal struct {
	Ref, Title string     // e.g. "AB-1", "Tage bussen alene til arbejde" (may contain æøå)
	Min, Max   int        // the scale, e.g. 1..10, 0..10, 1..5 or -2..2 (GAS)
	Target     *int       // optional target line
	Staff      []Point    // staff scores, any order (sorted by day)
	Citizen    []Point    // the borger's own scores
	Revisions  []Revision // revisions, marked with their GAS level
}

// Labels are the chart's words in the reader's language (the caller
// translates), e.g. "Personale", "Borger", "Målscore", "Score", "Dato".
// Target names the target line in the legend; TargetAt prefixes its
// score at the line ("målscore" gives "målscore 8"; "" uses Target).
// Revision prefixes a revision's GAS level at its mark ("GAS" gives
// "GAS +1") and names the marks in the legend; Empty is written across a
// chart without scores ("Ingen registreringer endnu"). Day writes a date
// on the x axis (27. nov.; with year, when the scores span about a year
// or more: 27.11.2026); nil writes D/M and D/M-YY.
type Labels struct {
	Staff, Citizen, Target, Score, Date string
	TargetAt, Revision, Empty           string
	Day                                 func(d time.Time, year bool) string
}

// ErrScale is returned for a goal whose Min is not below its Max.
var ErrScale = errors.New("chart: scale needs Min < Max")

// Type sizes of goal charts, in points: larger than the team chart's, for a
// borger reading on a phone.
const (
	goalLabelSize = 21 // axis labels, legend, target and revision labels
	goalTickSize  = 20
	panelTitle    = 24 // a goal's title on a borger's page
	emptySize     = 26 // the "nothing yet" text
)

// GoalPNG renders a goal's chart, Width×Height pixels: staff and borger
// scores over time as a solid dark blue line with circles and a dashed orange
// line with triangles, a dashed grey line at the target when Target is set
// (labelled "TargetAt N" at its left end), each revision as a dotted vertical
// line labelled with its GAS level ("GAS +1"), the y axis from Min to Max
// with integer ticks ("+1"/"−1" on a scale that goes below zero), dates on
// the x axis as l.Day writes them (with the year when the scores span about
// a year or more; as many as fit), the title "REF Title" (title cut to
// TitleRunes runes with "…", and further when it does not fit) and a legend
// row under the title.
//
// Several scores on one day are each drawn as a marker; the line goes
// through the day's mean, so it never runs vertically. A score or target
// outside Min..Max widens the axis rather than being hidden. With no scores
// it renders the axes with l.Empty written across them (callers that can
// say so in words should rather not send such a chart).
func GoalPNG(g Goal, l Labels) (out []byte, err error) {
	if g.Min >= g.Max {
		return nil, ErrScale
	}
	defer recoverErr(&err)
	pg := newPage(Width, Height)
	drawGoalPage(pg.area, g, l)
	return pg.png()
}

// GoalTexts returns the words GoalPNG draws for g with l, in drawing
// order: title, legend, ticks, labels. A PNG cannot be read back, so this
// is how a caller's test sees the chart's words (and an alt text could).
func GoalTexts(g Goal, l Labels) (texts []string, err error) {
	if g.Min >= g.Max {
		return nil, ErrScale
	}
	defer recoverErr(&err)
	return drawnTexts(Width, Height, func(c draw.Canvas) { drawGoalPage(c, g, l) }), nil
}

// drawnTexts returns the texts fn draws on a canvas of w×h pixels, in order.
func drawnTexts(w, h int, fn func(c draw.Canvas)) []string {
	rec := &recorder.Canvas{}
	fn(draw.NewCanvas(rec, vg.Length(w)*vg.Inch/dpi, vg.Length(h)*vg.Inch/dpi))
	var out []string
	for _, a := range rec.Actions {
		if f, ok := a.(*recorder.FillString); ok {
			out = append(out, f.String)
		}
	}
	return out
}

// drawGoalPage draws a goal's chart with its title and legend into c.
func drawGoalPage(c draw.Canvas, g Goal, l Labels) {
	c = drawTitle(c, goalTitle(g))
	c = drawLegendSized(c, legend(l, g.Target != nil, len(g.Revisions) > 0), goalLabelSize)
	drawGoal(c, g, l)
}

func goalTitle(g Goal) string {
	title := clean(g.Ref)
	if t := clean(g.Title); t != "" {
		title = strings.TrimSpace(title + " " + cut(t, TitleRunes))
	}
	return title
}

// The goal chart's series styles, shared by the plot and the legend.
var (
	staffLineStyle = draw.LineStyle{Color: colStaff, Width: vg.Points(3.5)}
	staffGlyph     = draw.GlyphStyle{Color: colStaff, Radius: vg.Points(9), Shape: halo{draw.CircleGlyph{}}}
	citizenLine    = draw.LineStyle{Color: colCitizen, Width: vg.Points(3.5), Dashes: []vg.Length{vg.Points(10), vg.Points(6)}}
	citizenGlyph   = draw.GlyphStyle{Color: colCitizen, Radius: vg.Points(7), Shape: halo{draw.PyramidGlyph{}}}
	targetStyle    = draw.LineStyle{Color: colTarget, Width: vg.Points(2.5), Dashes: []vg.Length{vg.Points(4), vg.Points(4)}}
	revisionStyle  = draw.LineStyle{Color: colMuted, Width: vg.Points(2), Dashes: []vg.Length{vg.Points(2), vg.Points(5)}}
)

// legend is a goal chart's legend: staff, borger, and the target and
// revision marks where the chart has them.
func legend(l Labels, target, revisions bool) []legendEntry {
	entries := []legendEntry{
		{l.Staff, []plot.Thumbnailer{&plotter.Line{LineStyle: staffLineStyle}, &plotter.Scatter{GlyphStyle: staffGlyph}}},
		{l.Citizen, []plot.Thumbnailer{&plotter.Line{LineStyle: citizenLine}, &plotter.Scatter{GlyphStyle: citizenGlyph}}},
	}
	if target {
		entries = append(entries, legendEntry{l.Target, []plot.Thumbnailer{&hline{style: targetStyle}}})
	}
	if revisions && l.Revision != "" {
		entries = append(entries, legendEntry{l.Revision, []plot.Thumbnailer{&hline{style: revisionStyle}}})
	}
	return entries
}

// drawGoal draws a goal's plot (no title, no legend) into c.
func drawGoal(c draw.Canvas, g Goal, l Labels) {
	staff := series(g.Staff)
	citizen := series(g.Citizen)

	p := newPlot()
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font.Size = goalLabelSize
		a.Tick.Label.Font.Size = goalTickSize
	}
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

	// x: the days with scores and revisions, at least a week.
	first, last := math.Inf(1), math.Inf(-1)
	for _, s := range [][]plotter.XY{staff, citizen} {
		for _, xy := range s {
			first, last = math.Min(first, xy.X), math.Max(last, xy.X)
		}
	}
	empty := math.IsInf(first, 0)
	var revs []revisionMark
	if !empty {
		for _, r := range g.Revisions {
			d := dayNum(r.Day)
			revs = append(revs, revisionMark{x: d, label: strings.TrimSpace(l.Revision + " " + signed(r.Level))})
			first, last = math.Min(first, d), math.Max(last, d)
		}
	}
	if empty {
		first, last = 0, 1
		p.X.Tick.Marker = plot.ConstantTicks(nil)
	} else {
		if span := last - first; span < 6 {
			first -= math.Floor((6 - span) / 2)
			last = first + 6
		}
		// As many dates as fit: the y axis takes about a sixth of the width.
		p.X.Tick.Marker = dayTicks{label: l.Day, room: (c.Max.X - c.Min.X) * 5 / 6, width: p.X.Tick.Label.Width}
	}

	grid := plotter.NewGrid()
	grid.Vertical.Color = nil
	grid.Horizontal = draw.LineStyle{Color: colGrid, Width: vg.Points(1)}
	p.Add(grid)
	if len(revs) > 0 {
		p.Add(&revisionMarks{marks: revs})
	}
	if g.Target != nil {
		at := l.TargetAt
		if at == "" {
			at = l.Target
		}
		p.Add(&hline{y: float64(*g.Target), style: targetStyle, label: strings.TrimSpace(at + " " + scoreLabel(*g.Target, g.Min))})
	}
	// The borger's dashed line goes over the staff line, so where they
	// agree the staff line shows through the gaps.
	p.Add(&plotter.Line{XYs: dayLine(staff), LineStyle: staffLineStyle},
		&plotter.Line{XYs: dayLine(citizen), LineStyle: citizenLine},
		&plotter.Scatter{XYs: staff, GlyphStyle: staffGlyph},
		&plotter.Scatter{XYs: citizen, GlyphStyle: citizenGlyph})
	if empty && l.Empty != "" {
		p.Add(centredText{text: l.Empty})
	}
	p.X.Min, p.X.Max = first, last
	p.Y.Min, p.Y.Max = float64(lo), float64(hi)

	p.Draw(draw.Crop(c, 0, -vg.Points(8), 0, 0))
}

// dayLine is the line through a sorted series: one point per day, at the
// mean of the day's scores, so several scores on a day are markers on the
// line and never a vertical stroke.
func dayLine(s plotter.XYs) plotter.XYs {
	var out plotter.XYs
	n := 0
	for _, xy := range s {
		if len(out) > 0 && out[len(out)-1].X == xy.X {
			last := &out[len(out)-1]
			last.Y = (last.Y*float64(n) + xy.Y) / float64(n+1)
			n++
			continue
		}
		out = append(out, xy)
		n = 1
	}
	return out
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
// at most maxDayTicks are labelled, each as label writes it (nil: D/M, or
// D/M-YY over about a year) — fewer when the widest date, by width, does
// not fit that many times into room.
type dayTicks struct {
	label func(d time.Time, year bool) string
	room  vg.Length
	width func(string) vg.Length
}

const maxDayTicks = 7

func (dt dayTicks) Ticks(lo, hi float64) []plot.Tick {
	lo, hi = math.Ceil(lo), math.Floor(hi)
	span := hi - lo
	label := func(t time.Time) string {
		if dt.label != nil {
			return dt.label(t, span > 300)
		}
		s := strconv.Itoa(t.Day()) + "/" + strconv.Itoa(int(t.Month()))
		if span > 300 {
			s += "-" + strconv.Itoa(t.Year()%100)
		}
		return s
	}
	most := maxDayTicks
	if dt.width != nil && dt.room > 0 {
		var widest vg.Length
		for m := time.January; m <= time.December; m++ {
			widest = max(widest, dt.width(label(time.Date(2028, m, 28, 0, 0, 0, 0, time.UTC))))
		}
		most = max(2, min(most, int(dt.room/(widest+vg.Points(goalTickSize/2)))))
	}
	var ticks []plot.Tick
	for _, step := range []float64{1, 2, 3, 7, 14} {
		if span/step+1 > float64(most) {
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
		if len(ticks) <= most {
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

// hline is a horizontal line across the whole data area at y, with its
// label (if any) above its left end.
type hline struct {
	y     float64
	style draw.LineStyle
	label string
}

func (h *hline) Plot(c draw.Canvas, p *plot.Plot) {
	y := c.Y(p.Y.Norm(h.y))
	c.StrokeLine2(h.style, c.Min.X, y, c.Max.X, y)
	if h.label != "" {
		// At the left end, where scores usually start far from the target.
		sty := textStyle(goalLabelSize, true, draw.XLeft, draw.YBottom)
		sty.Color = colTarget
		if y+sty.Height(h.label)+vg.Points(4) > c.Max.Y {
			sty.YAlign = draw.YTop // at the top of the plot: under the line
			c.FillText(sty, vg.Point{X: c.Min.X + vg.Points(4), Y: y - vg.Points(4)}, h.label)
			return
		}
		c.FillText(sty, vg.Point{X: c.Min.X + vg.Points(4), Y: y + vg.Points(3)}, h.label)
	}
}

func (h *hline) Thumbnail(c *draw.Canvas) {
	y := c.Center().Y
	c.StrokeLine2(h.style, c.Min.X, y, c.Max.X, y)
}

// revisionMark is a revision on the x axis (a day) with its label.
type revisionMark struct {
	x     float64
	label string
}

// revisionMarks draws each revision as a dotted vertical line across the
// data area, its label at the top, right of the line (left of it near the
// right edge).
type revisionMarks struct{ marks []revisionMark }

func (r *revisionMarks) Plot(c draw.Canvas, p *plot.Plot) {
	sty := textStyle(goalLabelSize-3, true, draw.XLeft, draw.YTop)
	sty.Color = colMuted
	for _, m := range r.marks {
		x := c.X(p.X.Norm(m.x))
		c.StrokeLine2(revisionStyle, x, c.Min.Y, x, c.Max.Y)
		at := vg.Point{X: x + vg.Points(4), Y: c.Max.Y}
		s := sty
		if at.X+sty.Width(m.label) > c.Max.X {
			s.XAlign = draw.XRight
			at.X = x - vg.Points(4)
		}
		c.FillText(s, at, m.label)
	}
}

// centredText writes a text in the middle of the data area.
type centredText struct{ text string }

func (t centredText) Plot(c draw.Canvas, _ *plot.Plot) {
	sty := textStyle(emptySize, true, draw.XCenter, draw.YCenter)
	sty.Color = colMuted
	c.FillText(sty, c.Center(), t.text)
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
