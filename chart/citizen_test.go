package chart

import (
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"
)

var daFull = Labels{Staff: "Personale", Citizen: "Borger", Target: "Målscore", TargetAt: "målscore", Score: "Score", Date: "Dato",
	Revision: "GAS", Empty: "Ingen registreringer endnu"}

// drawn returns the texts fn draws on a canvas of w×h pixels, in order.
func drawn(w, h int, fn func(c draw.Canvas)) []string { return drawnTexts(w, h, fn) }

func TestGoalDrawn(t *testing.T) {
	g := sampleGoal()
	g.Revisions = []Revision{{day(2025, 3, 17), 0}, {day(2025, 4, 7), 1}}
	gas := Goal{Ref: "CD-3", Min: -2, Max: 2, Target: intp(1), Staff: []Point{{day(2025, 1, 6), -1}},
		Revisions: []Revision{{day(2025, 1, 20), -1}}}
	tests := []struct {
		name       string
		goal       Goal
		want, lack []string
	}{
		{"target labelled, revisions marked", g, []string{"målscore 8", "GAS 0", "GAS +1", "GAS", "Personale", "Borger"},
			[]string{"Ingen registreringer endnu"}},
		{"GAS target signed", gas, []string{"målscore +1", "GAS −1"}, []string{"Ingen registreringer endnu"}},
		{"no revisions: no GAS legend", sampleGoal(), []string{"målscore 8"}, []string{"GAS"}},
		{"empty says so", Goal{Ref: "AB-9", Min: 1, Max: 10, Target: intp(7), Revisions: []Revision{{day(2025, 1, 20), 1}}},
			[]string{"Ingen registreringer endnu", "målscore 7"}, []string{"GAS +1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			texts := drawn(Width, Height, func(c draw.Canvas) { drawGoalPage(c, tt.goal, daFull) })
			for _, w := range tt.want {
				if !slices.Contains(texts, w) {
					t.Errorf("%q not drawn; drawn: %q", w, texts)
				}
			}
			for _, l := range tt.lack {
				if slices.Contains(texts, l) {
					t.Errorf("%q drawn; drawn: %q", l, texts)
				}
			}
		})
	}
}

// TestDayLine: several scores on one day are markers on one point of the
// line (their mean), never a vertical stroke.
func TestDayLine(t *testing.T) {
	s := series([]Point{{day(2025, 3, 4), 8}, {day(2025, 3, 3), 2}, {day(2025, 3, 3), 5}, {day(2025, 3, 3), 8}})
	got := dayLine(s)
	want := plotter.XYs{{X: dayNum(day(2025, 3, 3)), Y: 5}, {X: dayNum(day(2025, 3, 4)), Y: 8}}
	if !slices.Equal(got, want) {
		t.Errorf("dayLine = %v, want %v", got, want)
	}
	if len(s) != 4 {
		t.Errorf("markers = %d, want all 4 scores", len(s))
	}
	for i := 1; i < len(got); i++ {
		if got[i].X == got[i-1].X {
			t.Errorf("vertical segment at %v", got[i].X)
		}
	}
}

func TestCitizenPNG(t *testing.T) {
	goals := []Goal{sampleGoal(),
		{Ref: "AB-2", Title: "Sige fra", Min: -2, Max: 2, Staff: []Point{{day(2025, 1, 6), -1}, {day(2025, 2, 6), 1}},
			Revisions: []Revision{{day(2025, 2, 6), 1}}},
		{Ref: "AB-3", Title: "Spise morgenmad", Min: 1, Max: 5}}
	for _, n := range []int{1, 3, CitizenMaxGoals + 2} {
		gs := goals[:min(n, len(goals))]
		for len(gs) < n {
			gs = append(gs, sampleGoal())
		}
		b, err := CitizenPNG("AB", gs, daFull)
		if err != nil {
			t.Fatalf("%d goals: %v", n, err)
		}
		decode(t, b, Width, CitizenHeight(n))
		if r := inkRatio(decode(t, b, Width, CitizenHeight(n))); r < 0.02 || r > 0.4 {
			t.Errorf("%d goals: ink ratio %.3f", n, r)
		}
	}
	if h := CitizenHeight(3); h != citizenHead+3*citizenPanel {
		t.Errorf("CitizenHeight(3) = %d", h)
	}
	if CitizenHeight(100) != CitizenHeight(CitizenMaxGoals) {
		t.Error("CitizenHeight is not capped")
	}
	texts := drawn(Width, CitizenHeight(3), func(c draw.Canvas) { drawCitizenPage(c, "AB", goals, daFull) })
	joined := strings.Join(texts, "|")
	for _, w := range []string{"AB", "AB-1 Tage bussen alene til arbejde og hjem i…", "AB-2 Sige fra", "AB-3 Spise morgenmad",
		"Ingen registreringer endnu", "GAS +1", "målscore 8"} {
		if !slices.Contains(texts, w) {
			t.Errorf("%q not drawn: %s", w, joined)
		}
	}
	if n := strings.Count(joined, "Personale"); n != 1 {
		t.Errorf("legend drawn %d times, want once", n)
	}
	if _, err := CitizenPNG("AB", []Goal{{Ref: "AB-1", Min: 3, Max: 3}}, daFull); err != ErrScale {
		t.Errorf("bad scale: %v", err)
	}
}
