package bot_test

import (
	"strings"
	"testing"
)

// The revision form asks every time whether the borger took part (a
// required choice of yes or no), and a second revision of the goal the
// same day is refused on the form until the box that confirms it is
// ticked.
func TestRevisionFormTookPartAndConfirm(t *testing.T) {
	e := newSlackEnv(t)
	_, ab1 := setupTeams(e)
	open := func() (blocks, meta string) {
		t.Helper()
		e.slash("UANNA", "C1", "revider AB-1")
		blocks, meta, _ = view(t, e.fake.lastView(t, "views.update").View)
		return blocks, meta
	}
	submit := func(meta string, confirm bool) string {
		t.Helper()
		values := map[string]any{
			"gas":       map[string]any{"gas": map[string]any{"selected_option": map[string]any{"value": "+1"}}},
			"outcome":   map[string]any{"outcome": map[string]any{"selected_option": map[string]any{"value": "continue"}}},
			"took_part": map[string]any{"took_part": map[string]any{"selected_option": map[string]any{"value": "no"}}},
		}
		if confirm {
			values["confirm"] = map[string]any{"confirm": map[string]any{"selected_options": []map[string]any{{"value": "yes"}}}}
		}
		_, resp := e.interact(viewPayload("view_submission", "VR"+randomID(), meta, nil, values))
		return resp
	}
	blocks, meta := open()
	took := blocks[strings.Index(blocks, `"block_id":"took_part"`)-200:]
	if !strings.Contains(blocks, `"radio_buttons","action_id":"took_part"`) || !strings.Contains(blocks, "Nej, uden borgeren") {
		t.Fatalf("took part is not a yes/no choice: %s", took)
	}
	if strings.Contains(blocks, `"block_id":"confirm"`) {
		t.Fatalf("confirm box on the day's first revision: %s", blocks)
	}
	if resp := submit(meta, false); !strings.Contains(resp, "clear") {
		t.Fatalf("first revision: %s", resp)
	}

	blocks, meta = open()
	if !strings.Contains(blocks, `"block_id":"confirm"`) || !strings.Contains(blocks, "Gem en revision mere") {
		t.Fatalf("no confirm box on the second revision today: %s", blocks)
	}
	resp := submit(meta, false)
	if !strings.Contains(resp, `"errors"`) || !strings.Contains(resp, `"confirm"`) || !strings.Contains(resp, "allerede revideret i dag") {
		t.Fatalf("second revision unconfirmed: %s", resp)
	}
	if n := e.count(`SELECT count(*) FROM revisions WHERE goal_id = $1`, ab1); n != 1 {
		t.Fatalf("revisions = %d after an unconfirmed second one, want 1", n)
	}
	if resp := submit(meta, true); !strings.Contains(resp, "clear") {
		t.Fatalf("confirmed: %s", resp)
	}
	if n := e.count(`SELECT count(*) FROM revisions WHERE goal_id = $1 AND citizen_took_part = false`, ab1); n != 2 {
		t.Fatalf("revisions without the borger = %d, want 2", n)
	}
}
