package commands_test

import (
	"context"
	"strings"
	"testing"

	"smallgoals/commands"
	"smallgoals/store/storetest"
)

// The team's reflection: recorded in the team's channel for the ISO week,
// about the week, a borger or a goal; encrypted, audited, shown to the
// team in refleksion vis, vis REF, /maal ALIAS and the export; every
// refusal says why and stores nothing.
func TestReflection(t *testing.T) {
	e := newEnv(t)
	e.setup()
	e.do("anna", "#other", "team opret Andet")
	e.do("anna", "#other", "borger ny XY")

	out := e.do("anna", "#slusen", "refleksion Vi fejrer de små sejre mere")
	contains(t, out, "✅ Teamets refleksion er noteret for uge 48", "refleksion vis")
	lacks(t, out, "fejrer")
	out = e.do("anna", "#slusen", "refleksion om:AB-1 Fast tid om morgenen virker")
	contains(t, out, "✅ Teamets refleksion om *AB-1* er noteret for uge 48")
	out = e.do("anna", "#slusen", "reflection about:ab Talk with AB first")
	contains(t, out, "✅ The team's reflection about *AB* is noted for week 48")
	if n := e.count(`SELECT count(*) FROM reflections WHERE iso_year = 2026 AND iso_week = 48 AND author = 'anna'`); n != 3 {
		t.Fatalf("reflections = %d, want 3", n)
	}
	if got := storetest.Plaintexts(t, e.raw, "reflections.text", `SELECT text, key_id FROM reflections ORDER BY id`); strings.Join(got, "|") !=
		"Vi fejrer de små sejre mere|Fast tid om morgenen virker|Talk with AB first" {
		t.Fatalf("texts = %q", got)
	}
	if n := e.count(`SELECT count(*) FROM audit_events WHERE action = 'reflection.create' AND allowed`); n != 3 {
		t.Errorf("reflection.create audit events = %d, want 3", n)
	}
	if n := e.count(`SELECT count(*) FROM audit_events WHERE action = 'reflection.create' AND ref = 'AB-1' AND goal_id IS NOT NULL AND citizen_id IS NOT NULL`); n != 1 {
		t.Errorf("the goal's reflection not audited about the goal: %d", n)
	}

	// Shown to the team.
	out = e.do("anna", "#slusen", "refleksion vis")
	contains(t, out, "Teamets refleksioner — Slusen", "*Uge 48*", "Vi fejrer de små sejre mere", "om *AB-1*", "Fast tid om morgenen virker")
	out = e.do("anna", "#slusen", "vis AB-1")
	contains(t, out, "Teamets refleksioner", "Fast tid om morgenen virker")
	lacks(t, out, "Vi fejrer")
	out = e.do("anna", "#slusen", "AB")
	contains(t, out, "Fast tid om morgenen virker", "Talk with AB first")
	lacks(t, out, "Vi fejrer")
	out = e.do("anna", "#slusen", "eksport AB")
	contains(t, out, "📤")
	if n := e.count(`SELECT count(*) FROM audit_events WHERE action = 'reflection.view' AND actor = 'anna' AND allowed`); n != 2 {
		t.Errorf("reflection.view audit events = %d, want 2 (the team, AB)", n)
	}

	// Refusals: each says why, and nothing is stored.
	before := e.count(`SELECT count(*) FROM reflections`)
	for _, c := range []struct{ user, channel, text, want string }{
		{"anna", "#slusen", "refleksion", "Skriv, hvad I konkluderede"},
		{"anna", "#nowhere", "refleksion Noget", "Refleksioner noteres i teamets egen kanal"},
		{"anna", "#slusen", "refleksion om:AB-9 Noget", "AB-9"},
		{"anna", "#slusen", "refleksion om:ZZ Noget", "ZZ"},
		{"anna", "#slusen", "refleksion om:1-2 Noget", "hverken et alias eller en ref"},
		{"anna", "#slusen", "refleksion om:XY Noget", "*XY* hører ikke til Slusen"},
		{"anna", "#slusen", "refleksion " + strings.Repeat("a", 1001), "højst 1000"},
		{"anna", "#slusen", "refleksion Ring 010190-1234", "CPR"},
	} {
		out := e.do(c.user, c.channel, c.text)
		if !strings.Contains(out, c.want) || strings.Contains(out, "✅") {
			t.Errorf("%q: %s", c.text, out)
		}
	}
	if n := e.count(`SELECT count(*) FROM reflections`); n != before {
		t.Errorf("a refusal stored a reflection: %d, was %d", n, before)
	}
	// A discharged borger gets no new reflection.
	e.do("anna", "#slusen", "borger udskriv AB")
	out = e.do("anna", "#slusen", "refleksion om:AB Noget")
	lacks(t, out, "✅")
	if n := e.count(`SELECT count(*) FROM reflections`); n != before {
		t.Errorf("a reflection about a discharged borger was stored")
	}
}

// App Home shows my team's latest reflection (App Home is my own), and
// the read is in the access log.
func TestHomeShowsReflection(t *testing.T) {
	e := newEnv(t)
	e.setup()
	contains(t, e.do("anna", "#slusen", "refleksion om:AB Vi giver AB mere tid om morgenen"), "✅")
	before := e.count(`SELECT count(*) FROM audit_events WHERE action = 'reflection.view'`)
	home, _, err := e.h.Home(context.Background(), commands.Request{UserID: "anna", Time: e.now})
	if err != nil {
		t.Fatal(err)
	}
	contains(t, home.Text(), "Teamets seneste refleksion", "Slusen", "Vi giver AB mere tid om morgenen")
	if n := e.count(`SELECT count(*) FROM audit_events WHERE action = 'reflection.view'`) - before; n != 1 {
		t.Errorf("reflection.view events = %d, want 1", n)
	}
	// Not after two weeks.
	home, _, _ = e.h.Home(context.Background(), commands.Request{UserID: "anna", Time: e.now.AddDate(0, 0, 15)})
	lacks(t, home.Text(), "Vi giver AB mere tid")
}

// Erasure's preview and answer count the team's reflections about the
// borger, which go with the borger.
func TestEraseCountsReflections(t *testing.T) {
	e := newEnv(t)
	e.setup()
	contains(t, e.do("anna", "#slusen", "refleksion om:AB Vi giver AB mere tid"), "✅")
	contains(t, e.do("anna", "#slusen", "refleksion om:AB-1 Bussen først"), "✅")
	contains(t, e.do("anna", "#slusen", "borger slet AB"), "2 refleksioner")
	contains(t, e.do("anna", "#slusen", "borger slet AB bekræft tving"), "2 refleksioner")
	if n := e.count(`SELECT count(*) FROM reflections`); n != 0 {
		t.Errorf("reflections left after the erasure: %d", n)
	}
}
