package bot_test

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// marker is planted in every free-text field; it may appear only in
// answers to team members.
const marker = "MARKØR7Q"

// Every command, form, button and App Home view, as an outsider and as a
// member without the coordinator role: nothing about the team's borgere
// reaches them, and every refusal is audited.
func TestAuthorizationEverywhere(t *testing.T) {
	e := newSlackEnv(t)
	e.fake.setMembers("C1", "UANNA", "USTAFF")
	e.fake.setMembers("C2", "UOUT")
	for _, c := range []string{"team opret Slusen", "borger ny AB", "plan AB Plan " + marker,
		"ny AB Titel " + marker, "AB-1 5 Note " + marker, "revider AB-1 +1 fortsættes Refleksion " + marker} {
		e.command("UANNA", "C1", c)
	}
	e.command("UOUT", "C2", "team opret Andet")
	var ab, ab1 int64
	e.raw.QueryRow(`SELECT c.id, g.id FROM citizens c JOIN goals g ON g.citizen_id = c.id`).Scan(&ab, &ab1)

	refusals := func(user string) int {
		return e.count(`SELECT count(*) FROM audit_events WHERE actor = $1 AND NOT allowed`, user)
	}
	// Typed commands: the outsider gets the unknown answer; each refusal is audited.
	for _, cmd := range []string{"AB", "AB-1 5", "vis AB-1", "ny AB X", "plan AB X", "revider AB-1 0 fortsættes",
		"fortryd AB-1", "adgangslog AB", "borger slet AB bekræft tving", "revider AB-1", "ny AB"} {
		before := refusals("UOUT")
		out := e.command("UOUT", "C2", cmd)
		if strings.Contains(out, marker) || strings.Contains(out, "Slusen") || !(strings.Contains(out, "intet mål") || strings.Contains(out, "ingen borger")) {
			t.Errorf("outsider %q: %s", cmd, out)
		}
		if refusals("UOUT") != before+1 {
			t.Errorf("outsider %q: refusal not audited", cmd)
		}
	}
	// A member without the coordinator role: coordinator commands refused and audited.
	for _, cmd := range []string{"adgangslog AB", "borger slet AB bekræft tving", "team indstil sprog:en", "koordinator @USTAFF"} {
		before := refusals("USTAFF")
		out := e.command("USTAFF", "C1", cmd)
		if !strings.Contains(out, "koordinatorer") || refusals("USTAFF") != before+1 {
			t.Errorf("staff %q: %s", cmd, out)
		}
	}
	// Buttons and forms naming AB's goal, from the outsider.
	for _, action := range []string{fmt.Sprintf("log:%d", ab1), fmt.Sprintf("revise:%d", ab1), fmt.Sprintf("new:%d", ab)} {
		e.interact(map[string]any{"type": "block_actions", "user": map[string]any{"id": "UOUT"},
			"actions": []map[string]any{{"action_id": action, "block_id": "b", "type": "button"}}})
		if v := e.fake.lastView(t, "views.update"); strings.Contains(v.View, marker) || strings.Contains(v.View, `"AB`) {
			t.Errorf("outsider's form from %s shows AB: %s", action, v.View)
		}
	}
	for _, kind := range []string{"log", "revise"} {
		before := refusals("UOUT")
		p := viewPayload("view_submission", "VX"+kind, fmt.Sprintf(`{"k":"%s","ch":"C2","c":%d,"g":%d}`, kind, ab, ab1), nil,
			map[string]any{fmt.Sprintf("score-%d", ab1): map[string]any{"score": map[string]any{"selected_option": map[string]any{"value": "5"}}},
				"gas":     map[string]any{"gas": map[string]any{"selected_option": map[string]any{"value": "0"}}},
				"outcome": map[string]any{"outcome": map[string]any{"selected_option": map[string]any{"value": "close"}}}})
		p["user"] = map[string]any{"id": "UOUT"}
		if _, resp := e.interact(p); !strings.Contains(resp, "kan jeg ikke finde") || strings.Contains(resp, marker) {
			t.Errorf("outsider's %s submission: %s", kind, resp)
		}
		if refusals("UOUT") != before+1 {
			t.Errorf("outsider's %s submission not audited as refused", kind)
		}
	}
	// App Home of the outsider.
	body := fmt.Sprintf(`{"token":"x","team_id":"%s","type":"event_callback","event_id":"EvO","event":{"type":"app_home_opened","user":"UOUT","tab":"home"}}`, e.fake.teamID)
	e.post("/slack/events", body, sign(body, time.Now(), testSecret))
	e.bot.Wait()
	if home := e.fake.lastHome(t, "UOUT"); strings.Contains(home.View, marker) || strings.Contains(home.View, "AB-1") {
		t.Errorf("outsider's App Home: %s", home.View)
	}
	// Nothing changed on AB.
	if n := e.count(`SELECT count(*) FROM entries`) + e.count(`SELECT count(*) FROM revisions`) + e.count(`SELECT count(*) FROM goals`); n != 3 {
		t.Errorf("rows about AB = %d, want 3", n)
	}
	if n := e.count(`SELECT count(*) FROM citizens`); n != 1 {
		t.Errorf("citizens = %d", n)
	}
}

// Free text reaches only team members' answers: never a log line (at
// debug level), never a channel post, never another user's view; tokens,
// secrets and request bodies never reach the log.
func TestNothingLeaks(t *testing.T) {
	e := newSlackEnv(t)
	e.fake.setMembers("C1", "UANNA")
	e.fake.setMembers("C2", "UOUT")
	member := ""
	for _, c := range []string{"team opret Slusen", "borger ny AB", "plan AB Plan " + marker, "ny AB Titel " + marker,
		"AB-1 5 Note " + marker, "AB-1 55 Note " + marker, "AB-1 5 Note " + marker + " 010190-1234",
		"revider AB-1 +1 fortsættes Refleksion " + marker, "vis AB-1", "AB", "adgangslog AB", "ny AB " + marker + " skala:7-9"} {
		member += e.command("UANNA", "C1", c)
	}
	if !strings.Contains(member, marker) {
		t.Fatal("the member never saw the marker: the test plants nothing")
	}
	var ab1 int64
	e.raw.QueryRow(`SELECT id FROM goals`).Scan(&ab1)
	e.interact(viewPayload("view_submission", "VL", fmt.Sprintf(`{"k":"log","ch":"C1","g":%d}`, ab1), nil,
		map[string]any{fmt.Sprintf("score-%d", ab1): map[string]any{"score": map[string]any{"selected_option": map[string]any{"value": "99"}}},
			"note-false": map[string]any{"note": map[string]any{"value": "Form " + marker}}}))
	e.interact(viewPayload("view_submission", "VM", fmt.Sprintf(`{"k":"log","ch":"C1","g":%d}`, ab1), nil,
		map[string]any{fmt.Sprintf("score-%d", ab1): map[string]any{"score": map[string]any{"selected_option": map[string]any{"value": "6"}}},
			"note-false": map[string]any{"note": map[string]any{"value": "Form " + marker}}}))
	outsider := e.command("UOUT", "C2", "AB") + e.command("UOUT", "C2", "vis AB-1") + e.command("UOUT", "C2", "AB-1 5 "+marker)
	if strings.Contains(outsider, marker) {
		t.Errorf("the outsider saw the marker: %s", outsider)
	}
	e.bot.Wait()
	logs := e.logs.String()
	if logs == "" {
		t.Fatal("no logs captured: the test checks nothing")
	}
	for _, leak := range []string{marker, testToken, testSecret, "xapp-test-app-token", "010190", "payload=", "trigger_id", "response_url", "Failing row"} {
		if strings.Contains(logs, leak) {
			t.Errorf("a log line holds %q", leak)
		}
	}
	for _, p := range e.fake.postsCopy() {
		if strings.Contains(p.Text+p.Blocks, marker) {
			t.Errorf("a channel post holds the marker: %+v", p)
		}
	}
	for _, v := range e.fake.viewsCopy() {
		if strings.Contains(v.View, marker) && v.User != "UANNA" && v.User != "" {
			t.Errorf("%s's view holds the marker", v.User)
		}
	}
	// CPR-like numbers: refused everywhere, stored nowhere.
	if n := e.count(`SELECT count(*) FROM entries`); n != 2 {
		t.Errorf("entries = %d, want 2 (the CPR one and the off-scale ones refused)", n)
	}
}

// The access log arrives as a CSV file in the coordinator's DM; erasing
// the borger deletes that file from Slack too.
func TestFilesSentAndErased(t *testing.T) {
	e := newSlackEnv(t)
	e.fake.setMembers("C1", "UANNA")
	for _, c := range []string{"team opret Slusen", "borger ny AB", "ny AB Titel", "AB-1 5"} {
		e.command("UANNA", "C1", c)
	}
	out := e.command("UANNA", "C1", "adgangslog AB")
	if !strings.Contains(out, "CSV") {
		t.Fatalf("answer: %s", out)
	}
	e.bot.Wait()
	files, _ := e.fake.filesCopy()
	if len(files) != 1 || files[0].Channel != "DUANNA" || !strings.HasPrefix(files[0].Name, "adgangslog-AB-") ||
		!strings.Contains(string(files[0].Data), "Tidspunkt;Bruger;Handling") {
		t.Fatalf("files = %+v", files)
	}
	if n := e.count(`SELECT count(*) FROM files WHERE id = $1 AND citizen_id IS NOT NULL AND expires_at > now()`, files[0].ID); n != 1 {
		t.Fatalf("the sent file is not recorded")
	}
	e.command("UANNA", "C1", "borger slet AB bekræft tving")
	e.bot.Wait()
	if _, deleted := e.fake.filesCopy(); len(deleted) != 1 || deleted[0] != files[0].ID {
		t.Fatalf("files deleted = %v, want %s", deleted, files[0].ID)
	}
	if n := e.count(`SELECT count(*) FROM files`); n != 0 {
		t.Errorf("file records left: %d", n)
	}
}
