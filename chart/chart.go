package chart

import (
	"bytes"
	"fmt"
	"image/color"
	"image/png"
	"strconv"
	"strings"
	"unicode"

	stdfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Width and Height are the pixel size of a goal chart (GoalPNG). A team chart
// (TeamPNG) is Width wide and TeamMinHeight to TeamMaxHeight high.
const (
	Width  = 1200
	Height = 800

	TeamMinHeight = 400
	TeamMaxHeight = 2400

	// TeamMaxGoals is how many goals a team chart shows; the rest are
	// summed up in a last row "+N".
	TeamMaxGoals = 30

	// TitleRunes is how many runes of a goal's title GoalPNG shows before
	// it cuts the title with "…".
	TitleRunes = 40
)

// Type sizes in points (at dpi, a point is two pixels).
const (
	dpi = 144

	titleSize    = 24 // shrinks to minTitleSize before a title is cut further
	minTitleSize = 20
	labelSize    = 17 // axis labels and legend
	tickSize     = 16
	margin       = 14 // around the whole chart
)

// Colours: dark blue and orange stay apart for all common kinds of colour
// blindness; lines and markers differ as well.
var (
	colStaff   = color.RGBA{R: 0x0b, G: 0x3c, B: 0x7d, A: 0xff} // dark blue
	colCitizen = color.RGBA{R: 0xe0, G: 0x6c, B: 0x00, A: 0xff} // orange
	colTarget  = color.RGBA{R: 0x4d, G: 0x4d, B: 0x4d, A: 0xff} // dark grey
	colBar     = color.RGBA{R: 0x3b, G: 0x78, B: 0xc2, A: 0xff} // mid blue
	colText    = color.RGBA{R: 0x1a, G: 0x1a, B: 0x1a, A: 0xff}
	colAxis    = color.RGBA{R: 0x33, G: 0x33, B: 0x33, A: 0xff}
	colGrid    = color.RGBA{R: 0xdd, G: 0xdd, B: 0xdd, A: 0xff}
	colMuted   = color.RGBA{R: 0x6b, G: 0x6b, B: 0x6b, A: 0xff}
)

// sans is the embedded Liberation Sans of gonum/plot's default font cache.
func sans(size vg.Length, bold bool) font.Font {
	f := font.Font{Typeface: plot.DefaultFont.Typeface, Variant: "Sans", Size: size}
	if bold {
		f.Weight = stdfont.WeightBold
	}
	return f
}

// handler is a plain text handler: no LaTeX or Markdown, so "$" and "_" in a
// title stay as typed.
var handler text.Handler = text.Plain{Fonts: font.DefaultCache}

func textStyle(size vg.Length, bold bool, xa draw.XAlignment, ya draw.YAlignment) text.Style {
	return text.Style{
		Color:   colText,
		Font:    sans(size, bold),
		XAlign:  xa,
		YAlign:  ya,
		Handler: handler,
	}
}

// newPlot returns a plot with large type and quiet axes, ready for the
// caller's tickers and ranges. It has no title and an empty legend: the
// charts draw both themselves, above the plot.
func newPlot() *plot.Plot {
	p := plot.New()
	p.TextHandler = handler
	p.BackgroundColor = nil // the canvas is already white
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.LineStyle = draw.LineStyle{Color: colAxis, Width: vg.Points(1.5)}
		a.Padding = vg.Points(8)
		a.Label.TextStyle = textStyle(labelSize, false, draw.XCenter, draw.YBottom)
		a.Label.Padding = vg.Points(6)
		a.Tick.LineStyle = draw.LineStyle{Color: colAxis, Width: vg.Points(1.2)}
		a.Tick.Length = vg.Points(6)
	}
	p.X.Tick.Label = textStyle(tickSize, false, draw.XCenter, draw.YTop)
	p.Y.Tick.Label = textStyle(tickSize, false, draw.XRight, draw.YCenter)
	return p
}

// page is a chart's canvas: a white image of w×h pixels and its drawing area
// inside the margins.
type page struct {
	img  *vgimg.Canvas
	area draw.Canvas
}

func newPage(wpx, hpx int) page {
	w := vg.Length(wpx) * vg.Inch / dpi
	h := vg.Length(hpx) * vg.Inch / dpi
	img := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(dpi), vgimg.UseBackgroundColor(color.White))
	m := vg.Points(margin)
	return page{img: img, area: draw.Crop(draw.New(img), m, -m, m, -m)}
}

// png encodes the page.
func (pg page) png() ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(64 << 10)
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, pg.img.Image()); err != nil {
		return nil, fmt.Errorf("chart: encode png: %w", err)
	}
	return buf.Bytes(), nil
}

// drawTitle draws a bold title at the top left of c, shrinking it from
// titleSize to minTitleSize and then cutting it with "…" until it fits the
// width, and returns c below the title.
func drawTitle(c draw.Canvas, title string) draw.Canvas {
	if title == "" {
		return c
	}
	sty, s := fitTitle(title, c.Max.X-c.Min.X)
	c.FillText(sty, vg.Point{X: c.Min.X, Y: c.Max.Y}, s)
	c.Max.Y -= sty.Height(s) + vg.Points(6)
	return c
}

func fitTitle(title string, maxW vg.Length) (text.Style, string) {
	sty := textStyle(titleSize, true, draw.XLeft, draw.YTop)
	for size := vg.Length(titleSize); size >= minTitleSize; size-- {
		sty.Font.Size = size
		if sty.Width(title) <= maxW {
			return sty, title
		}
	}
	r := []rune(title)
	for n := len(r) - 1; n > 1; n-- {
		s := cut(title, n)
		if sty.Width(s) <= maxW {
			return sty, s
		}
	}
	return sty, cut(title, 1)
}

// cut shortens s to at most n runes, ending with "…" when it was cut.
func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimRightFunc(string(r[:n-1]), unicode.IsSpace) + "…"
}

// clean turns control characters (newlines, tabs) into spaces and trims, so
// a title is always one line.
func clean(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// legendEntry is one item of a legend row: a thumbnail drawn by its
// thumbnailers and a text.
type legendEntry struct {
	text   string
	thumbs []plot.Thumbnailer
}

const thumbWidth = 44 // points

// drawLegend draws the entries in one row at the top left of c (wrapping to
// further rows when they do not fit) and returns c below the legend.
func drawLegend(c draw.Canvas, entries []legendEntry) draw.Canvas {
	return drawLegendSized(c, entries, labelSize)
}

// drawLegendSized is drawLegend with type of the given size.
func drawLegendSized(c draw.Canvas, entries []legendEntry, size vg.Length) draw.Canvas {
	if len(entries) == 0 {
		return c
	}
	sty := textStyle(size, false, draw.XLeft, draw.YCenter)
	rowH := sty.Height("Åg") * 1.25
	gap := vg.Points(10)
	tw := vg.Points(thumbWidth)
	x, y := c.Min.X, c.Max.Y-rowH/2
	for _, e := range entries {
		w := tw + gap + sty.Width(e.text)
		if x > c.Min.X && x+w > c.Max.X {
			x = c.Min.X
			y -= rowH
		}
		thumb := draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
			Min: vg.Point{X: x, Y: y - rowH/2},
			Max: vg.Point{X: x + tw, Y: y + rowH/2},
		}}
		for _, t := range e.thumbs {
			t.Thumbnail(&thumb)
		}
		c.FillText(sty, vg.Point{X: x + tw + gap, Y: y}, e.text)
		x += w + vg.Points(28)
	}
	c.Max.Y = y - rowH/2 - vg.Points(8)
	return c
}

// signed formats a score of a scale that goes below zero (GAS) the way the
// method writes it: "+1", "0", "−2" (with a real minus sign).
func signed(v int) string {
	switch {
	case v > 0:
		return "+" + strconv.Itoa(v)
	case v < 0:
		return "−" + strconv.Itoa(-v)
	}
	return "0"
}

// scoreLabel formats a score for a scale from min: signed when the scale goes
// below zero.
func scoreLabel(v, min int) string {
	if min < 0 {
		return signed(v)
	}
	return strconv.Itoa(v)
}

// recoverErr turns a panic inside gonum/plot into an error, so a bad chart
// never takes the bot down. The panic's value is left out (it may quote
// the text being drawn, a goal's title, and the error is logged): only
// its type.
func recoverErr(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("chart: render: a panic (%T)", r)
	}
}
