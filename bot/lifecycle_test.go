package bot_test

import (
	"strings"
	"testing"
)

// In Slack, the confirmation of a revision form saying ændres carries the
// edit command prefilled, and that command, typed, edits the goal.
func TestReviseFormAdjustOffersEdit(t *testing.T) {
	e := newSlackEnv(t)
	setupTeams(e)
	e.slash("UANNA", "C1", "revider AB-1")
	_, meta, title := view(t, e.fake.lastView(t, "views.update").View)
	if title != "Revidér" {
		t.Fatalf("revision form: %q", title)
	}
	_, resp := e.interact(viewPayload("view_submission", "V9", meta, nil, map[string]any{
		"gas":     map[string]any{"gas": map[string]any{"selected_option": map[string]any{"value": "-1"}}},
		"outcome": map[string]any{"outcome": map[string]any{"selected_option": map[string]any{"value": "adjust"}}},
	}))
	if !strings.Contains(resp, "clear") {
		t.Fatalf("revision: %s", resp)
	}
	e.bot.Wait()
	eph := e.fake.ephemeralCopy()
	if len(eph) == 0 {
		t.Fatal("no confirmation")
	}
	last := eph[len(eph)-1]
	if !strings.Contains(last.Blocks, "Målet skal ændres?") || !strings.Contains(last.Blocks, "/maal ret AB-1 ") {
		t.Fatalf("confirmation lacks the edit hint: %s", last.Blocks)
	}
	out := e.command("UANNA", "C1", "ret AB-1 Tage bussen med en voksen")
	if !strings.Contains(out, "er rettet") {
		t.Fatalf("edit: %s", out)
	}
	if n := e.count(`SELECT count(*) FROM goal_changes WHERE field = 'title' AND author = 'UANNA'`); n != 1 {
		t.Fatalf("title changes = %d, want 1", n)
	}
}
