package bot_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// The log form in Slack takes the borger's score alone (issue 15, item
// 7): the staff score is optional, the borger's alone is stored with no
// staff score, and neither is refused on the staff score's field.
func TestLogFormCitizenOnly(t *testing.T) {
	e := newSlackEnv(t)
	ab, ab1 := setupTeams(e)
	openHome(e, "UANNA", "EvLogC")
	e.slash("UANNA", "C1", "")
	_, meta, _ := view(t, e.fake.lastView(t, "views.update").View)
	e.interact(viewPayload("block_actions", "V1", meta, selectAction("citizen", fmt.Sprint(ab)), nil))
	_, meta, _ = view(t, e.fake.lastView(t, "views.update").View)
	e.interact(viewPayload("block_actions", "V1", meta, selectAction("goal", fmt.Sprint(ab1)), nil))
	blocks, meta, _ := view(t, e.fake.lastView(t, "views.update").View)
	var bs []struct {
		BlockID  string `json:"block_id"`
		Optional bool   `json:"optional"`
	}
	if err := json.Unmarshal([]byte(blocks), &bs); err != nil {
		t.Fatal(err)
	}
	scoreBlock := fmt.Sprintf("score-%d", ab1)
	for _, b := range bs {
		if b.BlockID == scoreBlock && !b.Optional {
			t.Errorf("the staff score is required in the log form")
		}
	}

	status, resp := e.interact(viewPayload("view_submission", "V1", meta, nil, map[string]any{}))
	var ack struct {
		Action string            `json:"response_action"`
		Errors map[string]string `json:"errors"`
	}
	json.Unmarshal([]byte(resp), &ack)
	if status != 200 || ack.Action != "errors" || !strings.Contains(ack.Errors[scoreBlock], "borgerens eller begge") {
		t.Fatalf("no score at all: %d %s", status, resp)
	}
	if n := e.count(`SELECT count(*) FROM entries`); n != 0 {
		t.Fatalf("%d entries after the refusal", n)
	}
	values := map[string]any{
		fmt.Sprintf("citizen_score-%d", ab1): map[string]any{"citizen_score": map[string]any{"type": "radio_buttons", "selected_option": map[string]any{"value": "7"}}},
	}
	status, resp = e.interact(viewPayload("view_submission", "V1", meta, nil, values))
	if status != 200 || !strings.Contains(resp, "clear") {
		t.Fatalf("borger-only submission: %d %s", status, resp)
	}
	if n := e.count(`SELECT count(*) FROM entries WHERE staff_score IS NULL AND citizen_score = 7`); n != 1 {
		t.Fatalf("%d borger-only entries, want 1", n)
	}
	eph := e.fake.ephemeralCopy()
	if len(eph) == 0 || !strings.Contains(eph[len(eph)-1].Text, "Registreret på AB-1: borger 7") {
		t.Errorf("confirmation: %+v", eph)
	}
	// App Home shows the entry's own pair: the borger's score alone.
	if home := e.fake.lastHome(t, "UANNA"); !strings.Contains(home.View, "borger 7") {
		t.Errorf("App Home: %s", home.View)
	}
}
