package bot_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image/png"
	"strings"
	"testing"
	"time"

	"smallgoals/chart"
)

// buttonAction is a press of a button in an open form.
func buttonAction(id, value string) []map[string]any {
	return []map[string]any{{"action_id": id, "block_id": id, "type": "button", "value": value}}
}

// The borger's turn: a button in the log form shows a screen with only
// the borger's choices, in easy words; a tap goes back to the staff view
// with the borger's score chosen and what the staff had entered kept.
// The fake Slack validates every views.update.
func TestCitizenTurn(t *testing.T) {
	e := newSlackEnv(t)
	_, ab1 := setupTeams(e)
	e.press("UANNA", fmt.Sprintf("log:%d", ab1))
	blocks, meta, _ := view(t, e.fake.lastView(t, "views.update").View)
	if !strings.Contains(blocks, `"action_id":"citizen_turn"`) || !strings.Contains(blocks, "Borgerens tur") {
		t.Fatalf("the log form has no Borgerens tur button: %s", blocks)
	}

	// The staff member has chosen 6, a day and a note, then hands over.
	today := time.Now().Format("2006-01-02")
	state := map[string]any{
		fmt.Sprintf("score-%d", ab1): map[string]any{"score": map[string]any{"type": "radio_buttons", "selected_option": map[string]any{"value": "6"}}},
		"date":                       map[string]any{"date": map[string]any{"type": "datepicker", "selected_date": today}},
		"note-false":                 map[string]any{"note": map[string]any{"type": "plain_text_input", "value": "Tog bussen alene"}},
	}
	e.interact(viewPayload("block_actions", "V1", meta, buttonAction("citizen_turn", "turn"), state))
	upd := e.fake.lastView(t, "views.update")
	blocks, meta, title := view(t, upd.View)
	if title != "Borgerens tur" || upd.ViewID != "V1" {
		t.Fatalf("turn screen: %q %+v", title, upd)
	}
	for _, want := range []string{"Hvordan gik det?", "1 😟 Svært", "5 😐 Okay", "10 😄 Rigtig godt", `"action_id":"turn:7"`, "Tilbage"} {
		if !strings.Contains(blocks, want) {
			t.Errorf("turn screen lacks %q: %s", want, blocks)
		}
	}
	for _, not := range []string{"Tog bussen alene", "Personalets score", `"type":"input"`, "radio_buttons", `"submit"`} {
		if strings.Contains(blocks, not) || strings.Contains(upd.View, `"submit"`) {
			t.Errorf("turn screen shows %q: %s", not, upd.View)
		}
	}

	// The borger taps 7: back to the staff view, 7 chosen, the rest kept.
	e.interact(viewPayload("block_actions", "V1", meta, buttonAction("turn:7", "7"), nil))
	blocks, meta, title = view(t, e.fake.lastView(t, "views.update").View)
	if title != "Registrér" {
		t.Fatalf("not back to the staff view: %q %s", title, blocks)
	}
	got := initials(t, e.fake.lastView(t, "views.update").View)
	if got[fmt.Sprintf("citizen_score-%d", ab1)] != "7" || got[fmt.Sprintf("score-%d", ab1)] != "6" || got["date"] != today ||
		got["note-false"] != "Tog bussen alene" {
		t.Errorf("staff view after the turn: %v", got)
	}
	if !strings.Contains(blocks, "Borgeren valgte *7*") {
		t.Errorf("the staff view does not say what the borger chose: %s", blocks)
	}
	if strings.Contains(meta, `"cy"`) || strings.Contains(meta, `"bt"`) {
		t.Errorf("the carried inputs stay in the metadata after use: %s", meta)
	}

	// Saved as ever: one entry with both scores.
	values := map[string]any{
		fmt.Sprintf("score-%d", ab1):         state[fmt.Sprintf("score-%d", ab1)],
		fmt.Sprintf("citizen_score-%d", ab1): map[string]any{"citizen_score": map[string]any{"type": "radio_buttons", "selected_option": map[string]any{"value": "7"}}},
		"date":                               state["date"],
	}
	e.interact(viewPayload("view_submission", "V1", meta, nil, values))
	if n := e.count(`SELECT count(*) FROM entries WHERE staff_score = 6 AND citizen_score = 7`); n != 1 {
		t.Errorf("entries with 6 and borger 7 = %d", n)
	}

	// Back without choosing keeps the borger's score unset.
	e.press("UANNA", fmt.Sprintf("log:%d", ab1))
	_, meta, _ = view(t, e.fake.lastView(t, "views.update").View)
	e.interact(viewPayload("block_actions", "V2", meta, buttonAction("citizen_turn", "turn"), nil))
	_, meta, _ = view(t, e.fake.lastView(t, "views.update").View)
	e.interact(viewPayload("block_actions", "V2", meta, buttonAction("turn:back", "back"), nil))
	blocks, _, title = view(t, e.fake.lastView(t, "views.update").View)
	if title != "Registrér" || strings.Contains(blocks, "Borgeren valgte") ||
		initials(t, e.fake.lastView(t, "views.update").View)[fmt.Sprintf("citizen_score-%d", ab1)] != "" {
		t.Errorf("back without choosing: %q %s", title, blocks)
	}
}

// On GAS the turn screen has five levels, with the goal's own level texts
// where it has them; a note with a CPR number is not carried.
func TestCitizenTurnGAS(t *testing.T) {
	e := newSlackEnv(t)
	ab, _ := setupTeams(e)
	e.command("UANNA", "C1", "ny AB Sige fra skala:gas")
	var ab2 int64
	e.raw.QueryRow(`SELECT id FROM goals WHERE citizen_id = $1 AND number = 2`, ab).Scan(&ab2)
	meta := fmt.Sprintf(`{"k":"log","ch":"C1","c":%d,"g":%d}`, ab, ab2)
	state := map[string]any{"note-false": map[string]any{"note": map[string]any{"type": "plain_text_input", "value": "ring 010190-1234"}}}
	e.interact(viewPayload("block_actions", "V1", meta, buttonAction("citizen_turn", "turn"), state))
	blocks, meta, _ := view(t, e.fake.lastView(t, "views.update").View)
	for _, want := range []string{"-2 😟 Meget dårligere, end vi havde håbet", "0 🙂 Som vi håbede", "+2 😄 Meget bedre, end vi havde håbet", `"turn:+1"`} {
		if !strings.Contains(blocks, want) {
			t.Errorf("GAS turn screen lacks %q: %s", want, blocks)
		}
	}
	if strings.Contains(meta, "010190") {
		t.Errorf("a CPR number rides in the metadata: %s", meta)
	}
	e.interact(viewPayload("block_actions", "V1", meta, buttonAction("turn:+1", "+1"), nil))
	blocks, _, _ = view(t, e.fake.lastView(t, "views.update").View)
	if !strings.Contains(blocks, "CPR-nummer") || strings.Contains(blocks, "010190") || !strings.Contains(blocks, `"value":"+1"`) {
		t.Errorf("staff view after a GAS turn: %s", blocks)
	}
}

// App Home's Vis graf sends the goal's chart to the user's DM, as graf
// REF; a goal without entries gets words instead.
func TestHomeChartButton(t *testing.T) {
	e := newSlackEnv(t)
	_, ab1 := setupTeams(e)
	openHome(e, "UANNA", "EvChart")
	if home := e.fake.lastHome(t, "UANNA"); !strings.Contains(home.View, "Vis graf AB-1") ||
		!strings.Contains(home.View, fmt.Sprintf(`"chart:%d`, ab1)) {
		t.Fatalf("no Vis graf button on App Home: %s", home.View)
	}
	home := func(user string) {
		e.interact(map[string]any{"type": "block_actions", "user": map[string]any{"id": user},
			"actions": []map[string]any{{"action_id": fmt.Sprintf("chart:%d", ab1), "block_id": "b", "type": "button"}}})
	}
	home("UANNA")
	if files, _ := e.fake.filesCopy(); len(files) != 0 {
		t.Fatalf("a chart of a goal without entries was sent")
	}
	e.command("UANNA", "C1", "AB-1 5 b:6 Tog bussen")
	home("UANNA")
	files, _ := e.fake.filesCopy()
	if len(files) != 1 {
		t.Fatalf("files = %d", len(files))
	}
	img, err := png.Decode(bytes.NewReader(files[0].Data))
	if err != nil || img.Bounds().Dx() != chart.Width || img.Bounds().Dy() != chart.Height {
		t.Fatalf("chart: %v", err)
	}
	home("UCARL") // not on the team
	if files, _ := e.fake.filesCopy(); len(files) != 1 {
		t.Errorf("an outsider got the chart")
	}
	if n := e.count(`SELECT count(*) FROM audit_events WHERE action = 'goal.chart' AND actor = 'UCARL' AND NOT allowed`); n != 1 {
		t.Errorf("the outsider's refusal audited %d times", n)
	}
}

// initials returns a view's initial values by block ID.
func initials(t *testing.T, raw string) map[string]string {
	t.Helper()
	var v struct {
		Blocks []struct {
			BlockID string `json:"block_id"`
			Element struct {
				Initial struct {
					Value string `json:"value"`
				} `json:"initial_option"`
				InitialDate  string `json:"initial_date"`
				InitialValue string `json:"initial_value"`
			} `json:"element"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, b := range v.Blocks {
		got[b.BlockID] = b.Element.Initial.Value + b.Element.InitialDate + b.Element.InitialValue
	}
	return got
}
