package commands

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"smallgoals"
	"smallgoals/chart"
)

// TestChartWords: a goal's chart reads as the message files say, in
// Danish and English — dates on the axis in the language's form, with the
// year over about a year, and the target as the glossary's målscore.
func TestChartWords(t *testing.T) {
	h, err := New(Config{Store: NewStore(func(context.Context, func(Tx) error) error { return nil }), Scores: noScores{}})
	if err != nil {
		t.Fatal(err)
	}
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	eight := 8
	week := chart.Goal{Ref: "AB-1", Title: "Tage bussen", Min: 1, Max: 10, Target: &eight,
		Staff: []chart.Point{{Day: day(2026, 11, 27), Score: 4}, {Day: day(2026, 12, 3), Score: 6}}}
	year := week
	year.Staff = []chart.Point{{Day: day(2025, 12, 3), Score: 4}, {Day: day(2026, 11, 27), Score: 6}}
	tests := []struct {
		lang                 string
		want, wantYear, lack []string
	}{
		{smallgoals.LangDanish, []string{"27. nov.", "3. dec.", "Målscore", "målscore 8", "Personale", "Borger"},
			[]string{"01.01.2026", "01.07.2026"}, []string{"27/11", "Mål 8", "Mål"}},
		{smallgoals.LangEnglish, []string{"27 Nov", "3 Dec", "Target", "target 8", "Staff", "Citizen"},
			[]string{"1 Jan 2026", "1 Jul 2026"}, []string{"27/11", "Target 8", "Mål"}},
	}
	for _, tt := range tests {
		c := &call{h: h, lang: tt.lang, req: Request{Command: "/maal"}}
		texts, err := chart.GoalTexts(week, c.chartLabels())
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range tt.want {
			if !slices.Contains(texts, w) {
				t.Errorf("%s: %q not drawn; drawn %q", tt.lang, w, texts)
			}
		}
		for _, l := range tt.lack {
			if slices.Contains(texts, l) {
				t.Errorf("%s: %q drawn; drawn %q", tt.lang, l, texts)
			}
		}
		texts, err = chart.GoalTexts(year, c.chartLabels())
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range tt.wantYear {
			if !slices.Contains(texts, w) {
				t.Errorf("%s, a year: %q not drawn; drawn %q", tt.lang, w, texts)
			}
		}
		if dir := os.Getenv("CHART_PNG_DIR"); dir != "" { // to look at
			for name, g := range map[string]chart.Goal{"week": week, "year": year} {
				b, err := chart.GoalPNG(g, c.chartLabels())
				if err != nil {
					t.Fatal(err)
				}
				os.WriteFile(filepath.Join(dir, "words-"+tt.lang+"-"+name+".png"), b, 0o644)
			}
		}
	}
}
