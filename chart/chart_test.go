package chart

import (
	"bytes"
	"errors"
	"image"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gonum.org/v1/plot/vg"
)

func intp(v int) *int { return &v }

var (
	daLabels   = Labels{Staff: "Personale", Citizen: "Borger", Target: "Målscore", Score: "Score", Date: "Dato"}
	daTeam     = TeamLabels{Now: "Seneste", Before: "For en uge siden", Scale: "% af skalaen"}
	copenhagen = mustZone("Europe/Copenhagen")
)

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.FixedZone("CET", 3600)
	}
	return loc
}

func day(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 14, 30, 0, 0, copenhagen)
}

// sampleGoal has six weeks of staff scores (in no order), fewer borger
// scores, a target above every score and a long Danish title.
func sampleGoal() Goal {
	return Goal{
		Ref:    "AB-1",
		Title:  "Tage bussen alene til arbejde og hjem igen hver dag i ugen",
		Min:    1,
		Max:    10,
		Target: intp(8),
		Staff: []Point{
			{day(2025, 3, 17), 4}, {day(2025, 3, 3), 2}, {day(2025, 3, 10), 3},
			{day(2025, 3, 24), 4}, {day(2025, 3, 31), 6}, {day(2025, 4, 7), 7},
		},
		Citizen: []Point{
			{day(2025, 3, 3), 4}, {day(2025, 3, 17), 5}, {day(2025, 3, 31), 6}, {day(2025, 4, 7), 7},
		},
	}
}

func sampleTeam(n int) []TeamGoal {
	gs := make([]TeamGoal, n)
	for i := range gs {
		g := TeamGoal{Ref: "AB-" + strconv.Itoa(n-i), Min: 1, Max: 10}
		switch i % 4 {
		case 0:
			g.Now, g.Before = intp(1+(i*3+6)%10), intp(1+(i*7+4)%10)
		case 1:
			g.Min, g.Max = -2, 2
			g.Now, g.Before = intp(i%5-2), intp((i+3)%5-2)
		case 2:
			g.Min, g.Max = 0, 10
			g.Now = intp(10)
		case 3:
			g.Before = intp(5)
		}
		gs[i] = g
	}
	return gs
}

// decode checks that b is a PNG of exactly w×h pixels and returns it.
func decode(t testing.TB, b []byte, w, h int) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("decode png: %v", err)
	}
	if got := img.Bounds().Size(); got != (image.Point{X: w, Y: h}) {
		t.Fatalf("size = %v, want %dx%d", got, w, h)
	}
	return img
}

// rgba returns img as *image.RGBA, converting when needed.
func rgba(img image.Image) *image.RGBA {
	if m, ok := img.(*image.RGBA); ok {
		return m
	}
	m := image.NewRGBA(img.Bounds())
	draw.Draw(m, m.Bounds(), img, img.Bounds().Min, draw.Src)
	return m
}

// inkRatio is the share of pixels that are not white: a rough check that
// something was drawn, and not too much.
func inkRatio(img image.Image) float64 {
	m := rgba(img)
	ink := 0
	for i := 0; i < len(m.Pix); i += 4 {
		if m.Pix[i] < 0xf0 || m.Pix[i+1] < 0xf0 || m.Pix[i+2] < 0xf0 {
			ink++
		}
	}
	return float64(ink) / float64(len(m.Pix)/4)
}

// belowLegend is a y in pixels below the title and the legend row.
const belowLegend = 160

// hasColour reports whether some pixel below the legend is close to c.
func hasColour(img image.Image, c [3]uint8) bool {
	m := rgba(img)
	for i := belowLegend * m.Stride; i < len(m.Pix); i += 4 {
		if near(m.Pix[i], c[0]) && near(m.Pix[i+1], c[1]) && near(m.Pix[i+2], c[2]) {
			return true
		}
	}
	return false
}

func near(v, w uint8) bool { return max(v, w)-min(v, w) <= 8 }

var (
	rgbStaff   = [3]uint8{colStaff.R, colStaff.G, colStaff.B}
	rgbCitizen = [3]uint8{colCitizen.R, colCitizen.G, colCitizen.B}
	rgbBar     = [3]uint8{colBar.R, colBar.G, colBar.B}
)

func TestGoalPNG(t *testing.T) {
	full := sampleGoal()
	tests := []struct {
		name             string
		goal             Goal
		staff, citizen   bool // whether the series' colour must show
		minInk, maxInkOK float64
	}{
		{"full 1..10 with target", full, true, true, 0.03, 0.35},
		{"GAS -2..2", Goal{Ref: "CD-3", Title: "Sige til når det bliver for meget", Min: -2, Max: 2, Target: intp(1),
			Staff:   []Point{{day(2025, 1, 6), -2}, {day(2025, 1, 20), -1}, {day(2025, 2, 3), 0}, {day(2025, 2, 17), 1}},
			Citizen: []Point{{day(2025, 1, 6), -1}, {day(2025, 2, 17), 2}}}, true, true, 0.03, 0.35},
		{"scale 0..10 without target", Goal{Ref: "EF-2", Title: "Rydde op", Min: 0, Max: 10,
			Staff: []Point{{day(2025, 5, 1), 0}, {day(2025, 5, 2), 10}}}, true, false, 0.02, 0.35},
		{"scale 1..5, borger only", Goal{Ref: "GH-1", Title: "Spise morgenmad", Min: 1, Max: 5,
			Citizen: []Point{{day(2025, 6, 1), 3}}}, false, true, 0.02, 0.35},
		{"empty series", Goal{Ref: "AB-9", Title: "Ingen registreringer endnu", Min: 1, Max: 10}, false, false, 0.01, 0.30},
		{"empty series with target", Goal{Ref: "AB-9", Min: 1, Max: 10, Target: intp(7)}, false, false, 0.01, 0.30},
		{"target outside the points", Goal{Ref: "AB-4", Title: "Gå en tur", Min: 1, Max: 10, Target: intp(10),
			Staff: []Point{{day(2025, 3, 3), 2}, {day(2025, 3, 4), 3}}}, true, false, 0.02, 0.35},
		{"target and score outside the scale", Goal{Ref: "AB-5", Min: 1, Max: 5, Target: intp(7),
			Staff: []Point{{day(2025, 3, 3), 0}, {day(2025, 3, 9), 6}}}, true, false, 0.02, 0.35},
		{"æøå in title", Goal{Ref: "ÆØ-1", Title: "Æble Øre Åse — æøå ÆØÅ", Min: 1, Max: 10,
			Staff: []Point{{day(2025, 3, 3), 5}}}, true, false, 0.02, 0.35},
		{"a year of weekly scores", yearGoal(), true, false, 0.03, 0.4},
		{"same day twice", Goal{Ref: "AB-6", Min: 1, Max: 10,
			Staff: []Point{{day(2025, 3, 3), 2}, {day(2025, 3, 3).Add(time.Hour), 5}}}, true, false, 0.02, 0.35},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b, err := GoalPNG(tt.goal, daLabels)
			if err != nil {
				t.Fatalf("GoalPNG: %v", err)
			}
			img := decode(t, b, Width, Height)
			if r := inkRatio(img); r < tt.minInk || r > tt.maxInkOK {
				t.Errorf("ink ratio = %.3f, want %.2f..%.2f", r, tt.minInk, tt.maxInkOK)
			}
			if got := hasColour(img, rgbStaff); got != tt.staff {
				t.Errorf("staff colour shown = %v, want %v", got, tt.staff)
			}
			if got := hasColour(img, rgbCitizen); got != tt.citizen {
				t.Errorf("borger colour shown = %v, want %v", got, tt.citizen)
			}
		})
	}
}

func yearGoal() Goal {
	g := Goal{Ref: "AB-7", Title: "Et år", Min: 1, Max: 10}
	for i := range 53 {
		g.Staff = append(g.Staff, Point{day(2024, 6, 3).AddDate(0, 0, 7*i), 1 + (i/3)%10})
	}
	return g
}

func TestGoalPNGBadScale(t *testing.T) {
	for _, s := range [][2]int{{5, 5}, {10, 1}} {
		_, err := GoalPNG(Goal{Ref: "AB-1", Min: s[0], Max: s[1]}, daLabels)
		if !errors.Is(err, ErrScale) {
			t.Errorf("scale %d..%d: err = %v, want ErrScale", s[0], s[1], err)
		}
	}
}

func TestGoalPNGDeterministic(t *testing.T) {
	a, err := GoalPNG(sampleGoal(), daLabels)
	if err != nil {
		t.Fatal(err)
	}
	b, err := GoalPNG(sampleGoal(), daLabels)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Error("same goal gave different bytes")
	}
	// The order of the points does not matter.
	g := sampleGoal()
	g.Staff[0], g.Staff[5] = g.Staff[5], g.Staff[0]
	c, err := GoalPNG(g, daLabels)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, c) {
		t.Error("reordered points gave different bytes")
	}
}

func TestGoalPNGConcurrent(t *testing.T) {
	want, err := GoalPNG(sampleGoal(), daLabels)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			got, err := GoalPNG(sampleGoal(), daLabels)
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("concurrent render differs (err %v)", err)
			}
			if _, err := TeamPNG("Team", sampleTeam(5), daTeam); err != nil {
				t.Errorf("TeamPNG: %v", err)
			}
		})
	}
	wg.Wait()
}

func TestTitle(t *testing.T) {
	long := "Tage bussen alene til arbejde og hjem igen hver eneste dag i ugen"
	tests := []struct {
		name, in, want string
	}{
		{"short", "Æble Øre Åse", "Æble Øre Åse"},
		{"cut at 40 runes", long, "Tage bussen alene til arbejde og hjem i…"},
		{"exactly 40", long[:40], long[:40]},
		{"newlines and tabs", "Gå\nen\ttur  i parken", "Gå en tur i parken"},
		{"no trailing space before …", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa bbbb", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cut(clean(tt.in), TitleRunes); got != tt.want {
				t.Errorf("cut(clean(%q)) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	// A title that is too wide even at the smallest size is cut to fit.
	sty, s := fitTitle("AÆØÅBCDEFGHIJ-99 "+cut(long+long, TitleRunes), 300)
	if sty.Font.Size != minTitleSize || sty.Width(s) > 300 || []rune(s)[len([]rune(s))-1] != '…' {
		t.Errorf("fitTitle: size %v, width %v, %q", sty.Font.Size, sty.Width(s), s)
	}
	if sty, s := fitTitle("AB-1 Kort", 576); sty.Font.Size != titleSize || s != "AB-1 Kort" {
		t.Errorf("fitTitle short: size %v, %q", sty.Font.Size, s)
	}
}

func TestDayTicks(t *testing.T) {
	d := func(y int, m time.Month, dd int) float64 { return dayNum(time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)) }
	labels := func(lo, hi float64) []string {
		var out []string
		for _, tk := range (dayTicks{}).Ticks(lo, hi) {
			if tk.Label != "" {
				out = append(out, tk.Label)
			}
		}
		return out
	}
	tests := []struct {
		name   string
		lo, hi float64
		want   []string
	}{
		{"a week, daily", d(2025, 3, 3), d(2025, 3, 9), []string{"3/3", "4/3", "5/3", "6/3", "7/3", "8/3", "9/3"}},
		{"two weeks, every third day", d(2025, 3, 3), d(2025, 3, 17), []string{"3/3", "6/3", "9/3", "12/3", "15/3"}},
		{"six weeks, weekly", d(2025, 3, 3), d(2025, 4, 7), []string{"3/3", "10/3", "17/3", "24/3", "31/3", "7/4"}},
		{"over new year", d(2024, 12, 23), d(2025, 1, 6), []string{"23/12", "26/12", "29/12", "1/1", "4/1"}},
		{"half a year, monthly", d(2025, 1, 10), d(2025, 6, 20), []string{"1/2", "1/3", "1/4", "1/5", "1/6"}},
		{"a year, with year", d(2024, 6, 3), d(2025, 6, 2), []string{"1/7-24", "1/9-24", "1/11-24", "1/1-25", "1/3-25", "1/5-25"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := labels(tt.lo, tt.hi)
			if strconv.Quote(join(got)) != strconv.Quote(join(tt.want)) {
				t.Errorf("labels = %v, want %v", got, tt.want)
			}
		})
	}
}

func join(s []string) string {
	var b bytes.Buffer
	for i, x := range s {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(x)
	}
	return b.String()
}

func TestScoreTicks(t *testing.T) {
	tests := []struct {
		name     string
		min, max int
		want     string
	}{
		{"1..10", 1, 10, "1 2 3 4 5 6 7 8 9 10"},
		{"0..10", 0, 10, "0 1 2 3 4 5 6 7 8 9 10"},
		{"1..5", 1, 5, "1 2 3 4 5"},
		{"GAS", -2, 2, "−2 −1 0 +1 +2"},
		{"0..100", 0, 100, "0 10 20 30 40 50 60 70 80 90 100"},
		{"0..30", 0, 30, "0 5 10 15 20 25 30"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, tk := range (scoreTicks{min: tt.min}).Ticks(float64(tt.min), float64(tt.max)) {
				got = append(got, tk.Label)
			}
			if join(got) != tt.want {
				t.Errorf("ticks = %q, want %q", join(got), tt.want)
			}
		})
	}
}

func TestTeamPNG(t *testing.T) {
	tests := []struct {
		name  string
		goals []TeamGoal
		h     int
		bar   bool
	}{
		{"no goals", nil, TeamMinHeight, false},
		{"one goal", sampleTeam(1), TeamMinHeight, true},
		{"one goal without scores", []TeamGoal{{Ref: "AB-1", Min: 1, Max: 10}}, TeamMinHeight, false},
		{"bad scale gets no bar", []TeamGoal{{Ref: "AB-1", Min: 3, Max: 3, Now: intp(3), Before: intp(3)}}, TeamMinHeight, false},
		{"eight goals", sampleTeam(8), 780, true},
		{"thirty goals", sampleTeam(30), 2100, true},
		{"thirty-five goals: 30 and +5", sampleTeam(35), 2160, true},
		{"two hundred goals", sampleTeam(200), 2160, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := TeamHeight(len(tt.goals)); got != tt.h {
				t.Errorf("TeamHeight(%d) = %d, want %d", len(tt.goals), got, tt.h)
			}
			b, err := TeamPNG("Team Solsikken — uge 12: æøå", tt.goals, daTeam)
			if err != nil {
				t.Fatalf("TeamPNG: %v", err)
			}
			img := decode(t, b, Width, tt.h)
			if got := hasColour(img, rgbBar); got != tt.bar {
				t.Errorf("bar colour shown = %v, want %v", got, tt.bar)
			}
			if r := inkRatio(img); r < 0.01 || r > 0.5 {
				t.Errorf("ink ratio = %.3f", r)
			}
		})
	}
}

func TestTeamHeightBounds(t *testing.T) {
	prev := 0
	for n := range 100 {
		h := TeamHeight(n)
		if h < TeamMinHeight || h > TeamMaxHeight || h < prev {
			t.Fatalf("TeamHeight(%d) = %d (previous %d)", n, h, prev)
		}
		prev = h
	}
}

func TestTeamPNGSortsAndDoesNotTouchInput(t *testing.T) {
	goals := []TeamGoal{{Ref: "AB-10"}, {Ref: "ab-2"}, {Ref: "B-1"}, {Ref: "AB-1"}}
	in := append([]TeamGoal(nil), goals...)
	if _, err := TeamPNG("", goals, daTeam); err != nil {
		t.Fatal(err)
	}
	for i := range goals {
		if goals[i].Ref != in[i].Ref {
			t.Fatalf("input reordered: %v", goals)
		}
	}
}

func TestCompareRefs(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"AB-2", "AB-10", -1},
		{"AB-10", "AB-2", 1},
		{"ab-2", "AB-3", -1},
		{"AB-9", "B-1", -1},
		{"AB-P1", "AB-1", 1},
		{"AB-1", "AB-1", 0},
		{"AB", "AB-1", -1},
		{"ÆB-1", "ØB-1", -1},
		{"AB-007", "AB-7", 0},
		{"ZOE-1", "ÆB-1", -1},
		{"ØB-1", "ÅB-1", -1},
		{"ÅB-1", "ÆB-1", 1}, // Danish order: Æ, Ø, Å
		{"AÅ-1", "AØ-1", 1},
	}
	for _, tt := range tests {
		if got := compareRefs(tt.a, tt.b); got != tt.want {
			t.Errorf("compareRefs(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestPercentAndValueLabel(t *testing.T) {
	tests := []struct {
		g     TeamGoal
		pct   float64
		label string
	}{
		{TeamGoal{Min: 1, Max: 10, Now: intp(1)}, 0, "1/10"},
		{TeamGoal{Min: 1, Max: 10, Now: intp(10)}, 100, "10/10"},
		{TeamGoal{Min: 0, Max: 10, Now: intp(5)}, 50, "5/10"},
		{TeamGoal{Min: -2, Max: 2, Now: intp(1)}, 75, "+1"},
		{TeamGoal{Min: -2, Max: 2, Now: intp(-2)}, 0, "−2"},
		{TeamGoal{Min: 1, Max: 5, Now: intp(9)}, 100, "9/5"},
	}
	for _, tt := range tests {
		pct, ok := percent(*tt.g.Now, tt.g.Min, tt.g.Max)
		if !ok || pct != tt.pct {
			t.Errorf("percent(%d, %d..%d) = %v, %v; want %v", *tt.g.Now, tt.g.Min, tt.g.Max, pct, ok, tt.pct)
		}
		if got := valueLabel(tt.g); got != tt.label {
			t.Errorf("valueLabel = %q, want %q", got, tt.label)
		}
	}
	if got := valueLabel(TeamGoal{Min: 1, Max: 10}); got != "–" {
		t.Errorf("valueLabel(no score) = %q", got)
	}
}

// TestWritePNGs writes sample charts to $CHART_PNG_DIR to look at; it is
// skipped when that is unset.
func TestWritePNGs(t *testing.T) {
	dir := os.Getenv("CHART_PNG_DIR")
	if dir == "" {
		t.Skip("set CHART_PNG_DIR to write sample charts")
	}
	write := func(name string, b []byte, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := GoalPNG(sampleGoal(), daLabels)
	write("chart-goal.png", b, err)
	gas := Goal{Ref: "CD-3", Title: "Sige fra når det bliver for meget", Min: -2, Max: 2, Target: intp(1),
		Staff:   []Point{{day(2025, 1, 6), -2}, {day(2025, 1, 20), -1}, {day(2025, 2, 3), 0}, {day(2025, 2, 17), 1}, {day(2025, 3, 3), 1}},
		Citizen: []Point{{day(2025, 1, 6), -1}, {day(2025, 2, 3), 0}, {day(2025, 3, 3), 2}}}
	b, err = GoalPNG(gas, Labels{Staff: "Staff", Citizen: "Citizen", Target: "Target", Score: "GAS level", Date: "Date"})
	write("chart-goal-gas.png", b, err)
	b, err = GoalPNG(Goal{Ref: "AB-9", Title: "Æble Øre Åse", Min: 1, Max: 10, Target: intp(7)}, daLabels)
	write("chart-goal-empty.png", b, err)
	b, err = GoalPNG(yearGoal(), daLabels)
	write("chart-goal-year.png", b, err)
	rev := sampleGoal()
	rev.Revisions = []Revision{{day(2025, 3, 17), 0}, {day(2025, 4, 7), 1}}
	rev.Staff = append(rev.Staff, Point{day(2025, 4, 7), 4})
	b, err = GoalPNG(rev, daFull)
	write("chart-goal-revisions.png", b, err)
	b, err = CitizenPNG("AB", []Goal{rev, gas, {Ref: "AB-3", Title: "Spise morgenmad", Min: 1, Max: 5}}, daFull)
	write("chart-citizen.png", b, err)
	b, err = TeamPNG("Solsikken — uge 12", sampleTeam(8), daTeam)
	write("chart-team.png", b, err)
	b, err = TeamPNG("Solsikken — uge 12", sampleTeam(35), daTeam)
	write("chart-team-35.png", b, err)
	b, err = TeamPNG("Solsikken — uge 12", sampleTeam(1), daTeam)
	write("chart-team-1.png", b, err)
	b, err = TeamPNG("Solsikken — uge 12", nil, daTeam)
	write("chart-team-0.png", b, err)
}

func BenchmarkGoalPNG(b *testing.B) {
	g := sampleGoal()
	for b.Loop() {
		if _, err := GoalPNG(g, daLabels); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTeamPNG(b *testing.B) {
	goals := sampleTeam(12)
	for b.Loop() {
		if _, err := TeamPNG("Solsikken — uge 12", goals, daTeam); err != nil {
			b.Fatal(err)
		}
	}
}

// TestDayTicksFit: the caller's dates, and only as many as fit the room.
func TestDayTicksFit(t *testing.T) {
	d := func(dd int) float64 { return dayNum(time.Date(2025, 3, dd, 0, 0, 0, 0, time.UTC)) }
	label := func(t time.Time, _ bool) string { return strconv.Itoa(t.Day()) + ". mar." }
	width := func(s string) vg.Length { return vg.Length(10 * len(s)) }
	count := func(dt dayTicks) (n int, first string) {
		for _, tk := range dt.Ticks(d(3), d(9)) {
			if tk.Label != "" {
				if n == 0 {
					first = tk.Label
				}
				n++
			}
		}
		return n, first
	}
	// A week, daily: 7 labels fit in plenty of room, 4 in room for 4.
	if n, first := count(dayTicks{label: label, room: 10000, width: width}); n != 7 || first != "3. mar." {
		t.Errorf("plenty of room: %d labels from %q, want 7 from 3. mar.", n, first)
	}
	room := 4 * (width("28. mar.") + vg.Points(goalTickSize/2))
	if n, _ := count(dayTicks{label: label, room: room, width: width}); n != 4 {
		t.Errorf("room for 4: %d labels", n)
	}
}

// A panic while drawing becomes an error that does not quote what was
// being drawn: the error is logged, and the text may be a goal's title.
func TestRecoverErrQuotesNothing(t *testing.T) {
	draw := func() (err error) {
		defer recoverErr(&err)
		panic("text: cannot lay out «Tager bussen HEMMELIG alene»")
	}
	err := draw()
	if err == nil || strings.Contains(err.Error(), "HEMMELIG") {
		t.Errorf("recovered panic = %v; want an error without the panic's text", err)
	}
}
