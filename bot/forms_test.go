package bot_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"smallgoals/store/storetest"
)

// setupTeam makes team Slusen in C1 (UANNA coordinator) with AB and AB-1,
// and team Lyngen in C2 (UCARL) with XY and XY-1.
func setupTeams(e *slackEnv) (ab, ab1 int64) {
	e.t.Helper()
	e.fake.setMembers("C1", "UANNA", "UBOT")
	e.fake.setMembers("C2", "UCARL")
	for _, c := range []struct{ user, ch, text string }{
		{"UANNA", "C1", "team opret Slusen"}, {"UANNA", "C1", "borger ny AB"}, {"UANNA", "C1", "ny AB Tage bussen alene"},
		{"UCARL", "C2", "team opret Lyngen"}, {"UCARL", "C2", "borger ny XY"}, {"UCARL", "C2", "ny XY Lave mad selv"},
	} {
		e.command(c.user, c.ch, c.text)
		// Its work done, to the last: with MaxWork 1 the next command
		// would find the bot busy.
		e.bot.Wait()
	}
	e.raw.QueryRow(`SELECT c.id, g.id FROM citizens c JOIN goals g ON g.citizen_id = c.id WHERE c.alias = 'AB'`).Scan(&ab, &ab1)
	return ab, ab1
}

// view decodes a view's JSON.
func view(t *testing.T, raw string) (blocks string, meta string, title string) {
	t.Helper()
	var v struct {
		Blocks          json.RawMessage `json:"blocks"`
		PrivateMetadata string          `json:"private_metadata"`
		Title           struct {
			Text string `json:"text"`
		} `json:"title"`
	}
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		t.Fatalf("view is not JSON: %v: %s", err, raw)
	}
	return string(v.Blocks), v.PrivateMetadata, v.Title.Text
}

func viewPayload(typ, viewID, meta string, actions []map[string]any, values map[string]any) map[string]any {
	p := map[string]any{
		"type": typ,
		"user": map[string]any{"id": "UANNA"},
		"view": map[string]any{"id": viewID, "hash": "hash-" + viewID, "type": "modal", "private_metadata": meta,
			"state": map[string]any{"values": values}},
	}
	if actions != nil {
		p["actions"] = actions
	}
	return p
}

func selectAction(id, value string) []map[string]any {
	return []map[string]any{{"action_id": id, "block_id": id, "type": "static_select", "selected_option": map[string]any{"value": value}}}
}

// The log form: /maal opens it, choosing a borger updates the goal list,
// choosing a goal shows its scale, and submitting saves one entry — also
// when Slack delivers the submission again.
func TestLogForm(t *testing.T) {
	e := newSlackEnv(t)
	ab, ab1 := setupTeams(e)

	openHome(e, "UANNA", "EvLog")
	if resp := e.slash("UANNA", "C1", ""); resp != "" {
		t.Fatalf("/maal answered %q; want an empty acknowledgement and a form", resp)
	}
	blocks, meta, title := view(t, e.fake.lastView(t, "views.update").View)
	if title != "Registrér" || !strings.Contains(blocks, "AB · Slusen") || strings.Contains(blocks, "XY") {
		t.Fatalf("log form = %q %s", title, blocks)
	}

	e.interact(viewPayload("block_actions", "V1", meta, selectAction("citizen", fmt.Sprint(ab)), nil))
	upd := e.fake.lastView(t, "views.update")
	blocks, meta, _ = view(t, upd.View)
	if upd.ViewID != "V1" || !strings.Contains(blocks, "AB-1 Tage bussen alene") {
		t.Fatalf("after choosing AB: %+v", upd)
	}

	e.interact(viewPayload("block_actions", "V1", meta, selectAction("goal", fmt.Sprint(ab1)), nil))
	blocks, meta, _ = view(t, e.fake.lastView(t, "views.update").View)
	if !strings.Contains(blocks, `"radio_buttons"`) || !strings.Contains(blocks, fmt.Sprintf("score-%d", ab1)) || !strings.Contains(blocks, `"datepicker"`) {
		t.Fatalf("after choosing AB-1 no score choices: %s", blocks)
	}

	values := map[string]any{
		fmt.Sprintf("score-%d", ab1):         map[string]any{"score": map[string]any{"type": "radio_buttons", "selected_option": map[string]any{"value": "6"}}},
		fmt.Sprintf("citizen_score-%d", ab1): map[string]any{"citizen_score": map[string]any{"type": "radio_buttons", "selected_option": map[string]any{"value": "7"}}},
		"date":                               map[string]any{"date": map[string]any{"type": "datepicker", "selected_date": time.Now().Format("2006-01-02")}},
		"note-false":                         map[string]any{"note": map[string]any{"type": "plain_text_input", "value": "Tog selv bussen\nog kom til tiden"}},
	}
	for i := 0; i < 3; i++ { // Slack redelivers
		status, resp := e.interact(viewPayload("view_submission", "V1", meta, nil, values))
		if status != 200 || !strings.Contains(resp, `"response_action":"clear"`) {
			t.Fatalf("submission %d: %d %s", i, status, resp)
		}
	}
	if notes := storetest.Plaintexts(t, e.raw, "entries.note", `SELECT note, key_id FROM entries WHERE staff_score = 6 AND citizen_score = 7`); len(notes) != 1 || notes[0] != "Tog selv bussen\nog kom til tiden" {
		t.Fatalf("entries' notes = %q, want exactly 1", notes)
	}
	eph := e.fake.ephemeralCopy()
	if len(eph) != 1 || eph[0].Channel != "C1" || !strings.Contains(eph[0].Text, "Registreret på AB-1: personale 6 · borger 7") {
		t.Fatalf("confirmations = %+v, want one in C1", eph)
	}
	if home := e.fake.lastHome(t, "UANNA"); !strings.Contains(home.View, "AB-1") {
		t.Errorf("App Home not refreshed after the entry: %+v", home)
	}
}

// A saved form's confirmation that Slack does not take as an ephemeral
// message — refused, rate limited, failing — comes as a DM instead.
func TestConfirmationFallsBackToDM(t *testing.T) {
	e := newSlackEnv(t)
	ab, ab1 := setupTeams(e)
	meta := fmt.Sprintf(`{"k":"log","ch":"C1","c":%d,"g":%d}`, ab, ab1)
	for i, answer := range []http.HandlerFunc{slackError("user_not_in_channel"), rateLimited("1"),
		func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusInternalServerError) }} {
		e.fake.fault("chat.postEphemeral", 1, answer)
		before := len(e.fake.postsCopy())
		values := map[string]any{
			fmt.Sprintf("score-%d", ab1): map[string]any{"score": map[string]any{"type": "radio_buttons", "selected_option": map[string]any{"value": "6"}}},
			"date":                       map[string]any{"date": map[string]any{"type": "datepicker", "selected_date": time.Now().Format("2006-01-02")}},
		}
		if status, resp := e.interact(viewPayload("view_submission", fmt.Sprintf("VDM%d", i), meta, nil, values)); status != 200 ||
			!strings.Contains(resp, `"response_action":"clear"`) {
			t.Fatalf("case %d: submission answered %d %s", i, status, resp)
		}
		var dm []fakePost
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			if dm = e.fake.postsCopy()[before:]; len(dm) > 0 {
				break
			}
		}
		if len(dm) != 1 || dm[0].Channel != "DUANNA" || !strings.Contains(dm[0].Text, "AB-1") {
			t.Errorf("case %d: posts after a failed ephemeral = %+v, want the confirmation as a DM to UANNA", i, dm)
		}
	}
	if got := len(e.fake.ephemeralCopy()); got != 0 {
		t.Errorf("%d ephemeral messages recorded; every one failed", got)
	}
}

// Refusals show inline on their fields and store nothing.
func TestLogFormInlineErrors(t *testing.T) {
	e := newSlackEnv(t)
	ab, ab1 := setupTeams(e)
	meta := fmt.Sprintf(`{"k":"log","ch":"C1","c":%d,"g":%d}`, ab, ab1)
	// The form as the user has it open, from AB-1's button.
	e.interact(map[string]any{"type": "block_actions", "user": map[string]any{"id": "UANNA"}, "channel": map[string]any{"id": "C1"},
		"actions": []map[string]any{{"action_id": fmt.Sprintf("log:%d", ab1), "block_id": "b", "type": "button"}}})
	score := func(v string) map[string]any {
		return map[string]any{"score": map[string]any{"type": "radio_buttons", "selected_option": map[string]any{"value": v}}}
	}
	cases := []struct {
		name   string
		values map[string]any
		block  string
		want   string
	}{
		{"CPR in the note", map[string]any{fmt.Sprintf("score-%d", ab1): score("5"),
			"note-false": map[string]any{"note": map[string]any{"value": "ring 010190-1234"}}}, "note-false", "CPR"},
		{"future day", map[string]any{fmt.Sprintf("score-%d", ab1): score("5"),
			"date": map[string]any{"date": map[string]any{"selected_date": "2099-01-01"}}}, "date", "fremtiden"},
		{"score off the scale", map[string]any{fmt.Sprintf("score-%d", ab1): score("11")}, fmt.Sprintf("score-%d", ab1), "skalaen"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, resp := e.interact(viewPayload("view_submission", "V9", meta, nil, c.values))
			var ack struct {
				Action string            `json:"response_action"`
				Errors map[string]string `json:"errors"`
			}
			json.Unmarshal([]byte(resp), &ack)
			if status != 200 || ack.Action != "errors" || !strings.Contains(ack.Errors[c.block], c.want) {
				t.Fatalf("ack = %d %s; want errors on %s with %q", status, resp, c.block, c.want)
			}
			if strings.Contains(resp, "010190") {
				t.Error("the CPR number was echoed")
			}
		})
	}
	if n := e.count(`SELECT count(*) FROM entries`); n != 0 {
		t.Fatalf("entries = %d after refusals", n)
	}
	// Corrected, the same form (same view and hash) saves.
	status, resp := e.interact(viewPayload("view_submission", "V9", meta, nil, map[string]any{fmt.Sprintf("score-%d", ab1): score("5")}))
	if status != 200 || !strings.Contains(resp, "clear") || e.count(`SELECT count(*) FROM entries`) != 1 {
		t.Fatalf("corrected submission: %d %s", status, resp)
	}
}

// A form naming a goal of another team answers as for an unknown goal and
// stores nothing.
func TestFormOutsider(t *testing.T) {
	e := newSlackEnv(t)
	ab, ab1 := setupTeams(e)
	payload := viewPayload("view_submission", "V5", fmt.Sprintf(`{"k":"log","ch":"C2","c":%d,"g":%d}`, ab, ab1), nil,
		map[string]any{fmt.Sprintf("score-%d", ab1): map[string]any{"score": map[string]any{"selected_option": map[string]any{"value": "5"}}}})
	payload["user"] = map[string]any{"id": "UCARL"}
	_, resp := e.interact(payload)
	if !strings.Contains(resp, "kan jeg ikke finde") || strings.Contains(resp, "Tage bussen") {
		t.Fatalf("outsider submission: %s", resp)
	}
	if n := e.count(`SELECT count(*) FROM entries`); n != 0 {
		t.Fatalf("an outsider stored %d entries", n)
	}
	if n := e.count(`SELECT count(*) FROM audit_events WHERE actor = 'UCARL' AND NOT allowed`); n != 1 {
		t.Errorf("refusal audited %d times", n)
	}
	// Buttons with another team's goal open a form that knows nothing of it.
	e.interact(map[string]any{"type": "block_actions", "user": map[string]any{"id": "UCARL"}, "channel": map[string]any{"id": "C2"},
		"actions": []map[string]any{{"action_id": fmt.Sprintf("revise:%d", ab1), "block_id": "b1", "type": "button", "value": fmt.Sprint(ab1)}}})
	blocks, _, _ := view(t, e.fake.lastView(t, "views.update").View)
	if strings.Contains(blocks, "Tage bussen") || strings.Contains(blocks, "AB") {
		t.Fatalf("outsider's revision form shows AB: %s", blocks)
	}
}

// The message shortcut opens the log form from a message in a thread; the
// note stays empty unless the user asks for the message's text.
func TestShortcutFromThread(t *testing.T) {
	e := newSlackEnv(t)
	ab, ab1 := setupTeams(e)
	status, _ := e.interact(map[string]any{
		"type": "message_action", "callback_id": "log_from_message", "user": map[string]any{"id": "UANNA"},
		"channel": map[string]any{"id": "C1"},
		"message": map[string]any{"type": "message", "ts": "1700000001.000200", "thread_ts": "1700000000.000100",
			"text": "AB tog bussen i dag med <@UCARL> og <@UANNA|anna> &amp; fandt <https://rejseplanen.dk|Rejseplanen> selv &lt;3 <!here>"},
	})
	if status != 200 {
		t.Fatalf("shortcut status %d", status)
	}
	blocks, meta, _ := view(t, e.fake.lastView(t, "views.update").View)
	if !strings.Contains(blocks, "AB · Slusen") {
		t.Fatalf("shortcut form: %s", blocks)
	}
	e.interact(viewPayload("block_actions", "V2", meta, selectAction("goal", fmt.Sprint(ab1)), nil))
	blocks, meta, _ = view(t, e.fake.lastView(t, "views.update").View)
	if strings.Contains(blocks, "tog bussen i dag") || !strings.Contains(blocks, "use_message") {
		t.Fatalf("note pre-filled without asking, or no choice offered: %s", blocks)
	}
	e.interact(viewPayload("block_actions", "V2", meta, []map[string]any{{"action_id": "use_message", "block_id": "use_message",
		"type": "checkboxes", "selected_options": []map[string]any{{"value": "yes"}}}}, nil))
	blocks, _, _ = view(t, e.fake.lastView(t, "views.update").View)
	// The note is the message as a person reads it, not Slack's markup.
	if want := `"initial_value":"AB tog bussen i dag med @carl og @anna \u0026 fandt Rejseplanen selv \u003c3 @here"`; !strings.Contains(blocks, want) {
		t.Fatalf("note not filled as read when asked: %s\nwant %s", blocks, want)
	}
	_, meta, _ = view(t, e.fake.lastView(t, "views.update").View)
	_, resp := e.interact(viewPayload("view_submission", "V2", meta, nil, map[string]any{
		fmt.Sprintf("score-%d", ab1): map[string]any{"score": map[string]any{"type": "radio_buttons", "selected_option": map[string]any{"value": "7"}}},
		"note-true":                  map[string]any{"note": map[string]any{"type": "plain_text_input", "value": "AB tog bussen i dag med @carl"}},
	}))
	if !strings.Contains(resp, "clear") {
		t.Fatalf("shortcut submission: %s", resp)
	}
	// The confirmation goes to the thread the message was in.
	eph := e.fake.ephemeralCopy()
	if len(eph) == 0 || eph[len(eph)-1].Thread != "1700000000.000100" || eph[len(eph)-1].Channel != "C1" {
		t.Fatalf("confirmation not in the thread: %+v", eph)
	}
	_ = ab
}

// The revision form shows the goal's recent scores and its own GAS level
// descriptions; choosing "close" hides the next date; submitting closes.
func TestRevisionAndNewGoalForms(t *testing.T) {
	e := newSlackEnv(t)
	ab, _ := setupTeams(e)
	e.slash("UANNA", "C1", "ny AB")
	blocks, meta, title := view(t, e.fake.lastView(t, "views.update").View)
	if title != "Nyt lille mål" || !strings.Contains(blocks, "sluttilstand") || !strings.Contains(blocks, "gas+2") {
		t.Fatalf("new-goal form: %q %s", title, blocks)
	}
	text := func(v string) map[string]any { return map[string]any{"value": v} }
	_, resp := e.interact(viewPayload("view_submission", "V3", meta, nil, map[string]any{
		"title": map[string]any{"title": text("Smører selv madpakke")}, "scale": map[string]any{"scale": map[string]any{"selected_option": map[string]any{"value": "gas"}}},
		"every": map[string]any{"every": text("14")}, "gas+2": map[string]any{"gas+2": text("Hver dag uden hjælp")},
		"gas-2": map[string]any{"gas-2": text("Aldrig")},
	}))
	if !strings.Contains(resp, "clear") {
		t.Fatalf("new goal: %s", resp)
	}
	var ab2 int64
	if err := e.raw.QueryRow(`SELECT id FROM goals WHERE citizen_id = $1 AND number = 2 AND scale_min = -2 AND cadence_days = 14`, ab).Scan(&ab2); err != nil {
		t.Fatalf("AB-2 not stored as filled in: %v", err)
	}
	if gas := storetest.Plaintexts(t, e.raw, "goals.gas_levels", `SELECT gas_levels, key_id FROM goals WHERE id = $1`, ab2); len(gas) != 1 || gas[0] != `["Aldrig","","","","Hver dag uden hjælp"]` {
		t.Fatalf("AB-2's GAS levels = %q", gas)
	}
	e.command("UANNA", "C1", "AB-2 +1 første")

	e.slash("UANNA", "C1", "revider AB-2")
	blocks, meta, title = view(t, e.fake.lastView(t, "views.update").View)
	if title != "Revidér" || !strings.Contains(blocks, "+2 — Hver dag uden hjælp") || !strings.Contains(blocks, ": 1") || !strings.Contains(blocks, `"next"`) {
		t.Fatalf("revision form: %s", blocks)
	}
	e.interact(viewPayload("block_actions", "V4", meta, []map[string]any{{"action_id": "outcome", "block_id": "outcome",
		"type": "radio_buttons", "selected_option": map[string]any{"value": "close"}}}, nil))
	blocks, meta, _ = view(t, e.fake.lastView(t, "views.update").View)
	if strings.Contains(blocks, `"block_id":"next"`) {
		t.Fatalf("next date shown when closing: %s", blocks)
	}
	_, resp = e.interact(viewPayload("view_submission", "V4", meta, nil, map[string]any{
		"gas":        map[string]any{"gas": map[string]any{"selected_option": map[string]any{"value": "+2"}}},
		"outcome":    map[string]any{"outcome": map[string]any{"selected_option": map[string]any{"value": "close"}}},
		"took_part":  map[string]any{"took_part": map[string]any{"selected_options": []map[string]any{{"value": "yes"}}}},
		"reflection": map[string]any{"reflection": text("Nået")},
	}))
	if !strings.Contains(resp, "clear") {
		t.Fatalf("revision: %s", resp)
	}
	if refl := storetest.Plaintexts(t, e.raw, "revisions.reflection", `SELECT r.reflection, r.key_id FROM revisions r JOIN goals g ON g.id = r.goal_id
		WHERE g.id = $1 AND r.gas_level = 2 AND r.outcome = 'close' AND r.citizen_took_part AND g.status = 'closed'`, ab2); len(refl) != 1 || refl[0] != "Nået" {
		t.Fatalf("revision not stored as filled in: %q", refl)
	}
}

// App Home lists only the user's own teams' borgere; a user with no team
// gets the onboarding; the language follows the Slack locale.
func TestAppHome(t *testing.T) {
	e := newSlackEnv(t)
	e.fake.locales["UCARL"] = "en-GB"
	setupTeams(e)
	openHome(e, "UANNA", "Ev0")
	e.command("UANNA", "C1", "AB-1 4 b:6 Tog bussen")
	e.bot.Wait()
	// A change made by a typed command refreshes App Home too.
	if home := e.fake.lastHome(t, "UANNA"); !strings.Contains(home.View, "4 · borger 6") {
		t.Fatalf("home not refreshed after a typed entry: %s", home.View)
	}
	event := func(user, id string) {
		body := fmt.Sprintf(`{"token":"x","team_id":"%s","type":"event_callback","event_id":"%s","event_time":1,
			"event":{"type":"app_home_opened","user":"%s","channel":"D1","tab":"home"}}`, e.fake.teamID, id, user)
		status, _ := e.post("/slack/events", body, sign(body, time.Now(), testSecret))
		if status != http.StatusOK {
			t.Fatalf("event status %d", status)
		}
		e.bot.Wait()
	}
	event("UANNA", "Ev1")
	home := e.fake.lastHome(t, "UANNA")
	if home.User != "UANNA" || !strings.Contains(home.View, "AB-1") || !strings.Contains(home.View, "4 · borger 6") ||
		strings.Contains(home.View, "XY") || !strings.Contains(home.View, "Registrér AB-1") {
		t.Fatalf("anna's home: %s", home.View)
	}
	if strings.Contains(home.View, "Tog bussen") {
		t.Error("a note reached App Home")
	}
	event("UCARL", "Ev2")
	home = e.fake.lastHome(t, "UCARL")
	if home.User != "UCARL" || strings.Contains(home.View, "AB") || !strings.Contains(home.View, "XY-1") || !strings.Contains(home.View, "Your citizens") {
		t.Fatalf("carl's home: %s", home.View)
	}
	n := len(e.fake.viewsCopy())
	event("UCARL", "Ev2") // redelivered
	if len(e.fake.viewsCopy()) != n {
		t.Error("a redelivered event published again")
	}
	event("UNEW", "Ev3")
	home = e.fake.lastHome(t, "UNEW")
	if home.User != "UNEW" || !strings.Contains(home.View, "Kom i gang") || strings.Contains(home.View, "AB-1") || strings.Contains(home.View, "XY") {
		t.Fatalf("new user's home: %s", home.View)
	}
	// The language switch on App Home.
	e.interact(map[string]any{"type": "block_actions", "user": map[string]any{"id": "UANNA"},
		"actions": []map[string]any{{"action_id": "lang:en", "block_id": "b2", "type": "button", "value": "en"}}})
	if home = e.fake.lastHome(t, "UANNA"); !strings.Contains(home.View, "your overview") {
		t.Fatalf("home after switching to English: %s", home.View)
	}
}

// The reminder DM's buttons: "Revidér nu" opens the revision form;
// "Udsæt 7 dage" moves the date and answers through response_url.
func TestReminderButtons(t *testing.T) {
	e := newSlackEnv(t)
	_, ab1 := setupTeams(e)
	var before string
	e.raw.QueryRow(`SELECT next_revision::text FROM goals WHERE id = $1`, ab1).Scan(&before)
	e.interact(map[string]any{"type": "block_actions", "user": map[string]any{"id": "UANNA"}, "channel": map[string]any{"id": "DUANNA"},
		"response_url": e.fake.ResponseURL("snooze"),
		"actions":      []map[string]any{{"action_id": fmt.Sprintf("snooze:%d", ab1), "block_id": "b", "type": "button"}}})
	var after string
	e.raw.QueryRow(`SELECT next_revision::text FROM goals WHERE id = $1`, ab1).Scan(&after)
	rs := e.fake.responsesCopy()
	shown := after // the answer says the day as 20.01.2027
	if d, err := time.Parse(time.DateOnly, after); err == nil {
		shown = d.Format("02.01.2006")
	}
	if len(rs) != 1 || !strings.Contains(rs[0]["text"].(string), "udsat til "+shown) || after == before {
		t.Fatalf("snooze: %s → %s, answers %v", before, after, rs)
	}
	if n := e.count(`SELECT count(*) FROM audit_events WHERE action = 'goal.snooze' AND actor = 'UANNA' AND allowed`); n != 1 {
		t.Errorf("snooze not audited")
	}
	e.interact(map[string]any{"type": "block_actions", "user": map[string]any{"id": "UANNA"}, "channel": map[string]any{"id": "DUANNA"},
		"actions": []map[string]any{{"action_id": fmt.Sprintf("revise:%d", ab1), "block_id": "b", "type": "button"}}})
	if blocks, _, title := view(t, e.fake.lastView(t, "views.update").View); title != "Revidér" || !strings.Contains(blocks, "AB-1") {
		t.Fatalf("revise now: %q %s", title, blocks)
	}
	// An outsider's postpone changes nothing.
	e.interact(map[string]any{"type": "block_actions", "user": map[string]any{"id": "UCARL"}, "channel": map[string]any{"id": "DUCARL"},
		"response_url": e.fake.ResponseURL("snooze2"),
		"actions":      []map[string]any{{"action_id": fmt.Sprintf("snooze:%d", ab1), "block_id": "b", "type": "button"}}})
	var again string
	e.raw.QueryRow(`SELECT next_revision::text FROM goals WHERE id = $1`, ab1).Scan(&again)
	if again != after {
		t.Errorf("an outsider moved the date to %s", again)
	}
}

// openHome sends app_home_opened for user, as Slack does when the tab opens.
func openHome(e *slackEnv, user, eventID string) {
	e.t.Helper()
	body := fmt.Sprintf(`{"token":"x","team_id":"%s","type":"event_callback","event_id":"%s","event_time":1,
		"event":{"type":"app_home_opened","user":"%s","channel":"D1","tab":"home"}}`, e.fake.teamID, eventID, user)
	if status, _ := e.post("/slack/events", body, sign(body, time.Now(), testSecret)); status != http.StatusOK {
		e.t.Fatalf("event status %d", status)
	}
	e.bot.Wait()
}

// A borger with no active goals: the log form offers no Gem, and a
// submission all the same is answered on a block the form has.
func TestLogFormWithoutGoals(t *testing.T) {
	e := newSlackEnv(t)
	setupTeams(e)
	e.command("UANNA", "C1", "borger ny CD")
	var cd int64
	e.raw.QueryRow(`SELECT id FROM citizens WHERE alias = 'CD'`).Scan(&cd)
	e.slash("UANNA", "C1", "")
	_, meta, _ := view(t, e.fake.lastView(t, "views.update").View)
	e.interact(viewPayload("block_actions", "V1", meta, selectAction("citizen", fmt.Sprint(cd)), nil))
	form := e.fake.lastView(t, "views.update").View
	if strings.Contains(form, `"submit"`) || !strings.Contains(form, "ingen aktive mål") {
		t.Fatalf("the form for a borger without goals: %s", form)
	}
	_, meta, _ = view(t, form)
	// interact checks the answer against the form as Slack would.
	_, resp := e.interact(viewPayload("view_submission", "V1", meta, nil, map[string]any{}))
	if !strings.Contains(resp, `"response_action"`) || strings.Contains(resp, `"score-0"`) {
		t.Fatalf("submission without a goal: %s", resp)
	}
	if n := e.count(`SELECT count(*) FROM entries`); n != 0 {
		t.Fatalf("%d entries stored", n)
	}
}

// A save that waits on a stalled database is acknowledged within Slack's
// 3 seconds; the entry is saved once the database answers, and the user
// is told then.
func TestSlowSaveAnsweredInTime(t *testing.T) {
	e := newSlackEnv(t)
	_, ab1 := setupTeams(e)
	e.interact(map[string]any{"type": "block_actions", "user": map[string]any{"id": "UANNA"}, "channel": map[string]any{"id": "C1"},
		"actions": []map[string]any{{"action_id": fmt.Sprintf("log:%d", ab1), "block_id": "b", "type": "button"}}})
	_, meta, _ := view(t, e.fake.lastView(t, "views.update").View)
	before := len(e.fake.ephemeralCopy())

	e.stall("entries", 4*time.Second)

	p := viewPayload("view_submission", "V1", meta, nil, map[string]any{
		fmt.Sprintf("score-%d", ab1): map[string]any{"score": map[string]any{"type": "radio_buttons", "selected_option": map[string]any{"value": "3"}}}})
	p["team"], p["trigger_id"] = map[string]any{"id": e.fake.teamID}, randomID()
	p["view"].(map[string]any)["blocks"] = e.fake.lastModalBlocks()
	b, _ := json.Marshal(p)
	body := url.Values{"payload": {string(b)}}.Encode()
	start := time.Now()
	status, resp := e.post("/slack/interactions", body, sign(body, time.Now(), testSecret))
	took := time.Since(start)
	if status != 200 || !strings.Contains(resp, "clear") || took > 2500*time.Millisecond {
		t.Fatalf("under a stall the form was answered %d %s after %v; Slack waits 3 s", status, resp, took)
	}
	e.bot.Wait()
	if n := e.count(`SELECT count(*) FROM entries WHERE goal_id = $1 AND staff_score = 3`, ab1); n != 1 {
		t.Fatalf("entries after the stall = %d, want 1", n)
	}
	eph := e.fake.ephemeralCopy()
	if len(eph) != before+1 || !strings.Contains(eph[len(eph)-1].Text, "AB-1") {
		t.Fatalf("no confirmation after the stall: %+v", eph[before:])
	}
}

// When Slack cannot tell which teams the user is on, the form opens all
// the same and says it could not be loaded, instead of not opening.
func TestFormSaysWhenItCannotLoad(t *testing.T) {
	e := newSlackEnv(t)
	setupTeams(e)
	e.slack.ForgetAll()
	e.fake.fault("users.conversations", -1, slackError("internal_error"))
	e.slash("UANNA", "C1", "")
	if v := e.fake.lastView(t, "views.update"); !strings.Contains(v.View, "kunne ikke hentes") {
		t.Fatalf("form after a failed lookup: %s", v.View)
	}
}

// A stalled database does not keep a form from opening in time.
func TestFormOpensWhileDatabaseStalls(t *testing.T) {
	e := newSlackEnv(t)
	_, ab1 := setupTeams(e)
	e.stall("users", 4*time.Second)
	start := time.Now()
	e.interact(map[string]any{"type": "block_actions", "user": map[string]any{"id": "UANNA"}, "channel": map[string]any{"id": "C1"},
		"actions": []map[string]any{{"action_id": fmt.Sprintf("log:%d", ab1), "block_id": "b", "type": "button"}}})
	for _, c := range e.fake.callsSince(start) {
		if c.Method == "views.open" {
			if d := c.At.Sub(start); d > 1500*time.Millisecond {
				t.Fatalf("views.open after %v while the database stalled", d)
			}
			return
		}
	}
	t.Fatal("no views.open")
}

// stall makes the database stall on table for d, as another session
// holding a lock on it would.
func (e *slackEnv) stall(table string, d time.Duration) {
	e.t.Helper()
	tx, err := e.raw.Begin()
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := tx.Exec(`LOCK TABLE ` + table + ` IN ACCESS EXCLUSIVE MODE`); err != nil {
		e.t.Fatal(err)
	}
	go func() { time.Sleep(d); tx.Rollback() }()
}

// waitLocked waits (at most 10 s) until a query waits for table, locked by
// stall: a fixed sleep is too short on a busy machine.
func (e *slackEnv) waitLocked(table string) {
	e.t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		var waiting bool
		if err := e.raw.QueryRow(`SELECT EXISTS (SELECT 1 FROM pg_locks WHERE NOT granted AND relation = $1::regclass)`, table).Scan(&waiting); err != nil {
			e.t.Fatal(err)
		}
		if waiting {
			return
		}
	}
	e.t.Fatalf("nothing waited for %s", table)
}

// "Udsæt 7 dage" pressed three times on the same reminder DM — a double
// tap, or Slack sending the click again — moves the revision once.
func TestSnoozeOncePerMessage(t *testing.T) {
	e := newSlackEnv(t)
	_, ab1 := setupTeams(e)
	var before string
	e.raw.QueryRow(`SELECT next_revision::text FROM goals WHERE id = $1`, ab1).Scan(&before)
	for i := range 3 {
		e.interact(map[string]any{"type": "block_actions", "user": map[string]any{"id": "UANNA"}, "channel": map[string]any{"id": "DUANNA"},
			"response_url": e.fake.ResponseURL(fmt.Sprint("snooze", i)), "message": map[string]any{"ts": "1700000000.000100", "text": "Små mål til revision"},
			"actions": []map[string]any{{"action_id": fmt.Sprintf("snooze:%d", ab1), "block_id": "b", "type": "button",
				"action_ts": fmt.Sprintf("1700000100.00%d", i)}}})
	}
	var after string
	e.raw.QueryRow(`SELECT next_revision::text FROM goals WHERE id = $1`, ab1).Scan(&after)
	b, _ := time.Parse("2006-01-02", before)
	a, _ := time.Parse("2006-01-02", after)
	if days := int(a.Sub(b).Hours() / 24); days != 7 {
		t.Fatalf("three presses moved the revision %d days (%s → %s), want 7", days, before, after)
	}
	if n := e.count(`SELECT count(*) FROM audit_events WHERE action = 'goal.snooze' AND allowed`); n != 1 {
		t.Errorf("%d snoozes audited, want 1", n)
	}
}

// A message with a CPR number is never offered as the note: the shortcut's
// form neither carries nor shows it (private_metadata included), and says
// why the message cannot be used.
func TestShortcutMessageWithCPR(t *testing.T) {
	e := newSlackEnv(t)
	_, ab1 := setupTeams(e)
	for _, text := range []string{"AB ringede fra 010190-1234", "AB: 01.01.90\u00a01234", "<@UANNA> ring til *010190\u20131234*"} {
		e.interact(map[string]any{
			"type": "message_action", "callback_id": "log_from_message", "user": map[string]any{"id": "UANNA"},
			"channel": map[string]any{"id": "C1"},
			"message": map[string]any{"type": "message", "ts": "1700000001.000200", "text": text},
		})
		v := e.fake.lastView(t, "views.update").View
		blocks, meta, _ := view(t, v)
		e.interact(viewPayload("block_actions", "V2", meta, selectAction("goal", fmt.Sprint(ab1)), nil))
		after, meta2, _ := view(t, e.fake.lastView(t, "views.update").View)
		for _, s := range []string{blocks, meta, after, meta2} {
			if strings.Contains(s, "1234") {
				t.Fatalf("the form for %q carries the CPR number: %s", text, s)
			}
		}
		if strings.Contains(after, "use_message") || !strings.Contains(after, "CPR") {
			t.Fatalf("the form for %q offers the message or does not say why not: %s", text, after)
		}
	}
}
