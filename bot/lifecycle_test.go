package bot_test

import (
	"regexp"
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
		"gas":       map[string]any{"gas": map[string]any{"selected_option": map[string]any{"value": "-1"}}},
		"outcome":   map[string]any{"outcome": map[string]any{"selected_option": map[string]any{"value": "adjust"}}},
		"took_part": map[string]any{"took_part": map[string]any{"selected_option": map[string]any{"value": "yes"}}},
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
	if !strings.Contains(last.Blocks, "Skal målet ændres?") || !strings.Contains(last.Blocks, "/maal ret AB-1 ") {
		t.Fatalf("confirmation lacks the edit hint: %s", last.Blocks)
	}
	// The confirmation's button opens the edit form on the goal as it is;
	// saved, it records each change.
	m := regexp.MustCompile(`"action_id":"(edit:\d+)[^"]*"`).FindStringSubmatch(last.Blocks)
	if m == nil {
		t.Fatalf("confirmation lacks the edit button: %s", last.Blocks)
	}
	e.press("UANNA", m[1])
	e.bot.Wait()
	blocks, emeta, title := view(t, e.fake.lastView(t, "views.update").View)
	if title != "Ret mål" || !strings.Contains(blocks, `"initial_value":"Tage bussen alene"`) || !strings.Contains(blocks, `"initial_value":"42"`) {
		t.Fatalf("edit form: %q %s", title, blocks)
	}
	_, resp = e.interact(viewPayload("view_submission", "V10", emeta, nil, map[string]any{
		"title": map[string]any{"title": map[string]any{"type": "plain_text_input", "value": "Tage bussen med en voksen"}},
		"every": map[string]any{"every": map[string]any{"type": "plain_text_input", "value": "28"}},
	}))
	if !strings.Contains(resp, "clear") {
		t.Fatalf("edit form: %s", resp)
	}
	e.bot.Wait()
	if n := e.count(`SELECT count(*) FROM goal_changes WHERE author = 'UANNA'`); n != 2 {
		t.Fatalf("changes after the edit form = %d, want 2 (title, cadence)", n)
	}
	// A form left as it was changes nothing and says so.
	_, resp = e.interact(viewPayload("view_submission", "V11", emeta, nil, map[string]any{
		"title": map[string]any{"title": map[string]any{"type": "plain_text_input", "value": "Tage bussen med en voksen"}},
		"every": map[string]any{"every": map[string]any{"type": "plain_text_input", "value": "28"}},
	}))
	if !strings.Contains(resp, `"errors"`) {
		t.Fatalf("an unchanged edit form: %s", resp)
	}
	out := e.command("UANNA", "C1", "ret AB-1 Tage bussen alene igen")
	if !strings.Contains(out, "er rettet") {
		t.Fatalf("edit: %s", out)
	}
	if n := e.count(`SELECT count(*) FROM goal_changes WHERE field = 'title' AND author = 'UANNA'`); n != 2 {
		t.Fatalf("title changes = %d, want 2", n)
	}
}
