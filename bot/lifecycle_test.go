package bot_test

import (
	"fmt"
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

// The edit form offers the goal's theme from the catalogue, as it is:
// phone users change it there as `ret REF tema:KODE` does.
func TestEditFormTheme(t *testing.T) {
	e := newSlackEnv(t)
	_, ab1 := setupTeams(e)
	open := func() (string, string) {
		e.press("UANNA", fmt.Sprintf("edit:%d", ab1))
		e.bot.Wait()
		blocks, meta, _ := view(t, e.fake.lastView(t, "views.update").View)
		return blocks, meta
	}
	blocks, meta := open()
	if !strings.Contains(blocks, `"block_id":"theme"`) || !strings.Contains(blocks, `"initial_option":{"text":{"type":"plain_text","text":"Intet tema"`) {
		t.Fatalf("edit form without the theme as it is: %s", blocks)
	}
	_, resp := e.interact(viewPayload("view_submission", "VT1", meta, nil, map[string]any{
		"title": map[string]any{"title": map[string]any{"type": "plain_text_input", "value": "Tage bussen alene"}},
		"every": map[string]any{"every": map[string]any{"type": "plain_text_input", "value": "42"}},
		"theme": map[string]any{"theme": map[string]any{"type": "static_select", "selected_option": map[string]any{"value": "mobilitet"}}},
	}))
	if !strings.Contains(resp, "clear") {
		t.Fatalf("edit form with a theme: %s", resp)
	}
	e.bot.Wait()
	if n := e.count(`SELECT count(*) FROM goals WHERE id = $1 AND theme = 'mobilitet'`, ab1); n != 1 {
		t.Fatal("the theme was not set")
	}
	if n := e.count(`SELECT count(*) FROM goal_changes WHERE goal_id = $1 AND field = 'theme'`, ab1); n != 1 {
		t.Fatalf("theme changes = %d, want 1", n)
	}
	if blocks, _ = open(); !strings.Contains(blocks, `"initial_option":{"text":{"type":"plain_text","text":"Mobilitet"`) {
		t.Fatalf("edit form after the change: %s", blocks)
	}
}
