package bot_test

import (
	"fmt"
	"strings"
	"testing"
)

// refusedAbout counts the refused audit events of actor about citizen.
func (e *slackEnv) refusedAbout(actor string, citizen int64) int {
	e.t.Helper()
	return e.count(`SELECT count(*) FROM audit_events WHERE actor = $1 AND citizen_id = $2 AND NOT allowed`, actor, citizen)
}

// A button naming another team's borger or goal — forged, or pressed by
// someone who has left the team — opens a form that knows nothing of it,
// and the refusal is audited about that borger.
func TestFormButtonRefusalAudited(t *testing.T) {
	e := newSlackEnv(t)
	ab, ab1 := setupTeams(e)
	for _, action := range []string{fmt.Sprintf("log:%d", ab1), fmt.Sprintf("revise:%d", ab1), fmt.Sprintf("new:%d", ab)} {
		before := e.refusedAbout("UCARL", ab)
		e.interact(map[string]any{"type": "block_actions", "user": map[string]any{"id": "UCARL"}, "channel": map[string]any{"id": "C2"},
			"actions": []map[string]any{{"action_id": action, "block_id": "b", "type": "button"}}})
		if n := e.refusedAbout("UCARL", ab); n != before+1 {
			t.Errorf("%s by an outsider: %d refusals audited about AB, want 1", action, n-before)
		}
	}
}

// Choosing another team's borger in a form (a forged choice: the select
// lists only the user's own) shows nothing of it, and is audited.
func TestFormCitizenChoiceRefusalAudited(t *testing.T) {
	e := newSlackEnv(t)
	ab, _ := setupTeams(e)
	e.slash("UCARL", "C2", "")
	_, meta, _ := view(t, e.fake.lastView(t, "views.update").View)
	p := viewPayload("block_actions", "V1", meta, selectAction("citizen", fmt.Sprint(ab)), nil)
	p["user"] = map[string]any{"id": "UCARL"}
	e.interact(p)
	if blocks, _, _ := view(t, e.fake.lastView(t, "views.update").View); containsAny(blocks, "Tage bussen", `"AB`) {
		t.Fatalf("the outsider's form shows AB: %s", blocks)
	}
	if n := e.refusedAbout("UCARL", ab); n != 1 {
		t.Errorf("the forged choice of AB: %d refusals audited, want 1", n)
	}
}

// A bare /maal (the log form) typed by someone in a team's channel who is
// not on the team — a guest — is refused as every command there is, and
// audited about the team.
func TestBareCommandRefusalAudited(t *testing.T) {
	e := newSlackEnv(t)
	setupTeams(e)
	e.fake.setMembers("C1", "UANNA", "UBOT", "UGUEST")
	e.fake.guests["UGUEST"] = true
	e.slash("UGUEST", "C1", "")
	if n := e.count(`SELECT count(*) FROM audit_events a JOIN teams t ON t.id = a.team_id
		WHERE a.actor = 'UGUEST' AND t.channel_id = 'C1' AND NOT a.allowed`); n != 1 {
		t.Errorf("a guest's /maal in the team's channel: %d refusals audited, want 1", n)
	}
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// App Home lists the goals due for revision in the user's teams, with
// their titles: each borger shown there is audited, also one the user is
// not the contact person of.
func TestHomeDueAudited(t *testing.T) {
	e := newSlackEnv(t)
	ab, ab1 := setupTeams(e)
	e.fake.setMembers("C1", "UANNA", "UBOT", "UBEN")
	if _, err := e.raw.Exec(`UPDATE goals SET next_revision = current_date + 3 WHERE id = $1`, ab1); err != nil {
		t.Fatal(err)
	}
	openHome(e, "UBEN", "EvDue")
	if home := e.fake.lastHome(t, "UBEN"); !strings.Contains(home.View, "AB-1") {
		t.Fatalf("AB-1 is not due on App Home: %s", home.View)
	}
	if n := e.count(`SELECT count(*) FROM audit_events WHERE actor = 'UBEN' AND citizen_id = $1 AND allowed`, ab); n != 1 {
		t.Errorf("App Home showed AB-1 due: %d events about AB, want 1", n)
	}
}
