package commands_test

import (
	"strings"
	"testing"

	"smallgoals/store/storetest"
)

// The acceptance script of the foundation issue, checked reply by reply
// and row by row.
func TestAcceptanceScript(t *testing.T) {
	e := newEnv(t)
	out := e.do("anna", "#slusen", "team opret Slusen")
	contains(t, out, "Slusen", "<@anna>", "koordinator")

	out = e.do("anna", "#slusen", "borger ny AB")
	contains(t, out, "*AB*", "<@anna>")

	out = e.do("anna", "#slusen", "ny AB Tage bussen alene til arbejde")
	contains(t, out, "*AB-1*", "Tage bussen alene til arbejde", "04.01.2027") // 2026-11-23 + 42 days
	if n := e.count(`SELECT count(*) FROM goals WHERE number = 1 AND next_revision = '2027-01-04' AND cadence_days = 42`); n != 1 {
		t.Fatalf("goal rows = %d, want 1 with revision 2027-01-04", n)
	}

	out = e.do("anna", "#slusen", "AB-1 4 b:6 Tog bussen med støtte")
	contains(t, out, "*AB-1*", "personale 4 · borger 6", "i dag")
	if notes := storetest.Plaintexts(t, e.raw, "entries.note", `SELECT note, key_id FROM entries WHERE staff_score = 4 AND citizen_score = 6 AND day = '2026-11-23' AND author = 'anna'`); len(notes) != 1 || notes[0] != "Tog bussen med støtte" {
		t.Fatalf("entries' notes = %q, want 1", notes)
	}

	out = e.do("anna", "#slusen", "AB-1 11")
	contains(t, out, "11", "1 til 10", "Intet er gemt")

	out = e.do("anna", "#slusen", "AB-1 5 Ringede 010190-1234 i dag")
	contains(t, out, "CPR")
	lacks(t, out, "010190", "1234")
	if n := e.count(`SELECT count(*) FROM entries`); n != 1 {
		t.Fatalf("entries = %d after refused input, want 1", n)
	}

	out = e.do("anna", "#slusen", "AB")
	contains(t, out, "*AB-1*", "personale 4 · borger 6", "04.01.2027")

	out = e.do("anna", "#slusen", "vis AB-1")
	contains(t, out, "personale 4 · borger 6", "Tog bussen med støtte", "Ingen endnu")

	out = e.do("anna", "#slusen", "revider AB-1 +1 fortsættes Gik bedre end ventet")
	contains(t, out, "GAS +1", "fortsættes", "04.01.2027")
	out = e.do("anna", "#slusen", "vis AB-1")
	contains(t, out, "GAS +1", "fortsættes", "Gik bedre end ventet", "Tog bussen med støtte")

	outsider := e.do("bo", "#andet", "AB-1 5")
	if n := e.count(`SELECT count(*) FROM entries`); n != 1 {
		t.Fatalf("entries = %d after an outsider's try, want 1", n)
	}
	if n := e.count(`SELECT count(*) FROM audit_events WHERE actor = 'bo' AND NOT allowed AND citizen_id IS NOT NULL`); n != 1 {
		t.Fatalf("refusal audit rows = %d, want 1", n)
	}
	// Exactly what an unknown ref gets: the same line asked of an empty bot.
	if fresh := newEnv(t).do("bo", "#andet", "AB-1 5"); outsider != fresh {
		t.Fatalf("outsider reply differs from the unknown-ref reply:\n%s\n---\n%s", outsider, fresh)
	}
	lacks(t, outsider, "Tage bussen", "Slusen", "anna")

	out = e.do("bo", "#andet", "help")
	contains(t, out, "Small goals", "Log a score")
}

func TestEveryReadAndWriteIsAudited(t *testing.T) {
	e := newEnv(t)
	e.setup()
	for _, cmd := range []string{"plan AB Klare sig selv", "AB-1 5", "AB", "vis AB-1", "fortryd", "revider AB-1 0 fortsættes", "borgere", "team"} {
		e.do("anna", "#slusen", cmd)
	}
	want := map[string]int{
		"team.create": 1, "citizen.create": 1, "goal.create": 1, "plan.create": 1, "entry.create": 1,
		"citizen.view": 1, "goal.view": 1, "entry.undo": 1, "revision.create": 1, "citizen.list": 1, "team.view": 1,
	}
	for action, n := range want {
		if got := e.count(`SELECT count(*) FROM audit_events WHERE action = $1 AND actor = 'anna' AND allowed`, action); got != n {
			t.Errorf("audit %s = %d, want %d", action, got, n)
		}
	}
	if n := e.count(`SELECT count(*) FROM audit_events WHERE action LIKE '%' AND ref ~ ' '`); n != 0 {
		t.Errorf("%d audit rows hold free text", n)
	}
}

func TestOutsiderRefusedEverywhere(t *testing.T) {
	e := newEnv(t)
	e.setup()
	e.do("anna", "#slusen", "AB-1 5 hemmelig note")
	cases := []struct{ cmd, action string }{
		{"AB-1 5", "entry.create"},
		{"AB", "citizen.view"},
		{"vis AB-1", "goal.view"},
		{"ny AB Noget nyt", "goal.create"},
		{"plan AB Noget", "plan.create"},
		{"revider AB-1 +1 afsluttes", "revision.create"},
		{"fortryd AB-1", "entry.undo"},
	}
	for _, c := range cases {
		t.Run(c.cmd, func(t *testing.T) {
			before := e.count(`SELECT count(*) FROM audit_events WHERE actor = 'bo' AND action = $1 AND NOT allowed`, c.action)
			out := e.do("bo", "#andet", c.cmd)
			lacks(t, out, "hemmelig", "Tage bussen", "anna", "Slusen")
			if !strings.Contains(out, "intet mål") && !strings.Contains(out, "ingen borger") {
				t.Errorf("reply is not the unknown answer:\n%s", out)
			}
			if after := e.count(`SELECT count(*) FROM audit_events WHERE actor = 'bo' AND action = $1 AND NOT allowed`, c.action); after != before+1 {
				t.Errorf("refusals audited: %d → %d, want one more", before, after)
			}
		})
	}
	if n := e.count(`SELECT count(*) FROM goals`); n != 1 {
		t.Errorf("goals = %d, want 1", n)
	}
	if n := e.count(`SELECT count(*) FROM plan_goals`); n != 0 {
		t.Errorf("plan goals = %d, want 0", n)
	}
	if n := e.count(`SELECT count(*) FROM revisions`); n != 0 {
		t.Errorf("revisions = %d, want 0", n)
	}
	if n := e.count(`SELECT count(*) FROM entries`); n != 1 {
		t.Errorf("entries = %d, want 1", n)
	}
}
