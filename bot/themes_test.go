package bot_test

import (
	"strings"
	"testing"
)

// The new-goal form offers the theme catalogue; the theme chosen is
// stored, and a value not in the catalogue is refused on its field.
func TestNewGoalFormTheme(t *testing.T) {
	e := newSlackEnv(t)
	ab, _ := setupTeams(e)
	e.slash("UANNA", "C1", "ny AB")
	blocks, meta, _ := view(t, e.fake.lastView(t, "views.update").View)
	for _, want := range []string{`"block_id":"theme"`, "Intet tema", `"value":"egenomsorg"`, "Egenomsorg", "Praktiske opgaver"} {
		if !strings.Contains(blocks, want) {
			t.Fatalf("new-goal form lacks %q: %s", want, blocks)
		}
	}
	text := func(v string) map[string]any { return map[string]any{"value": v} }
	theme := func(v string) map[string]any {
		return map[string]any{"theme": map[string]any{"selected_option": map[string]any{"value": v}}}
	}
	_, resp := e.interact(viewPayload("view_submission", "V3", meta, nil, map[string]any{
		"title": map[string]any{"title": text("Smører selv madpakke")}, "theme": theme("findes-ikke"),
	}))
	if !strings.Contains(resp, `"theme"`) || !strings.Contains(resp, "ikke et tema i kataloget") {
		t.Fatalf("an unknown theme: %s", resp)
	}
	if n := e.count(`SELECT count(*) FROM goals WHERE citizen_id = $1 AND number = 2`, ab); n != 0 {
		t.Fatal("a goal was stored with an unknown theme")
	}
	_, resp = e.interact(viewPayload("view_submission", "V3", meta, nil, map[string]any{
		"title": map[string]any{"title": text("Smører selv madpakke")}, "theme": theme("egenomsorg"),
	}))
	if !strings.Contains(resp, "clear") {
		t.Fatalf("new goal: %s", resp)
	}
	if n := e.count(`SELECT count(*) FROM goals WHERE citizen_id = $1 AND number = 2 AND theme = 'egenomsorg'`, ab); n != 1 {
		t.Fatal("the theme was not stored")
	}
}
