package commands_test

import (
	"context"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"smallgoals/commands"
)

// The borger's own score alone (issue 15, item 7): typed or from the
// form, stored with no staff score (NULL, not zero), and shown as what it
// is by vis, the overview, App Home, the export, the chart and the digest.
func TestCitizenOnlyScore(t *testing.T) {
	e := newEnv(t)
	e.setup()
	e.now = e.now.AddDate(0, 0, -2)
	contains(t, e.do("anna", "#slusen", "AB-1 5 b:6 Med støtte"), "✅")
	e.now = e.now.AddDate(0, 0, 2)
	out := e.do("anna", "#slusen", "AB-1 b:7 Tog selv bussen")
	contains(t, out, "✅", "borger 7")
	lacks(t, out, "–")
	if n := e.count(`SELECT count(*) FROM entries WHERE staff_score IS NULL AND citizen_score = 7 AND kind = 'score'`); n != 1 {
		t.Fatalf("%d borger-only entries stored, want 1", n)
	}
	// English alias c:
	contains(t, e.do("anna", "#slusen", "AB-1 c:8"), "✅")

	show := e.do("anna", "#slusen", "vis AB-1")
	contains(t, show, "23.11.2026 · borger 8 ·", "23.11.2026 · borger 7 ·", "21.11.2026 · personale 5 · borger 6 ·", "Tog selv bussen")
	ov := e.do("anna", "#slusen", "AB")
	contains(t, ov, "borger 8 (i dag")
	lacks(t, ov, "ingen registreringer")

	// The form: the borger's score alone is enough; neither is refused
	// on the score field, and nothing is stored.
	var goal int64
	e.raw.QueryRow(`SELECT id FROM goals`).Scan(&goal)
	req := commands.Request{UserID: "anna", ChannelID: "#slusen", Time: e.now, Modals: true}
	r, refusals := e.h.Submit(context.Background(), req, commands.Submission{Kind: commands.FormLog, GoalID: goal,
		Values: map[string]string{"citizen_score": "9", "note": "Fra formularen"}})
	if refusals != nil {
		t.Fatalf("form with the borger's score alone refused: %v", refusals)
	}
	contains(t, r.Text(), "borger 9")
	before := e.count(`SELECT count(*) FROM entries`)
	_, refusals = e.h.Submit(context.Background(), req, commands.Submission{Kind: commands.FormLog, GoalID: goal,
		Values: map[string]string{"note": "Ingen score"}})
	if !strings.Contains(refusals["score"], "personalets score, borgerens eller begge") {
		t.Errorf("form without any score: refusals %v", refusals)
	}
	typed := e.do("anna", "#slusen", "AB-1 dato:i-går Ingen score")
	contains(t, typed, "Skriv en score")
	if n := e.count(`SELECT count(*) FROM entries`); n != before {
		t.Errorf("%d entries after the refusals, want %d", n, before)
	}

	// App Home shows the same.
	home, _, err := e.h.Home(context.Background(), commands.Request{UserID: "anna", Time: e.now})
	if err != nil {
		t.Fatal(err)
	}
	contains(t, home.Text(), "borger 9")

	// The export: an empty staff column, the borger's score; the status
	// page shows the latest entry's own pair.
	x := e.h.Handle(context.Background(), commands.Request{UserID: "anna", ChannelID: "#slusen", Text: "eksport AB", Time: e.now})
	if len(x.Files) != 2 {
		t.Fatalf("export files = %d: %s", len(x.Files), x.Text())
	}
	rd := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(x.Files[0].Data), "\ufeff")))
	rd.Comma = ';'
	rows, err := rd.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var citizenOnly int
	for _, row := range rows[1:] {
		if row[0] == "registrering" && row[5] == "" && row[6] != "" {
			citizenOnly++
		}
	}
	if citizenOnly != 3 {
		t.Errorf("%d borger-only rows in the CSV, want 3:\n%v", citizenOnly, rows)
	}
	page := pdfText(t, x.Files[1].Data)
	if !strings.Contains(page, "borger 9") {
		t.Errorf("status page lacks the borger's latest score 9")
	}

	// The chart draws it (no failure, a PNG).
	ch := e.h.Handle(context.Background(), commands.Request{UserID: "anna", ChannelID: "#slusen", Text: "graf AB-1", Time: e.now})
	if len(ch.Files) != 1 {
		t.Errorf("chart: %s", ch.Text())
	}

	// The digest counts the week's entries, borger-only ones included,
	// and compares staff scores only.
	var team int64
	e.raw.QueryRow(`SELECT id FROM teams`).Scan(&team)
	day := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	dg, err := e.db.DigestOf(context.Background(), team, day.AddDate(0, 0, -6), day)
	if err != nil {
		t.Fatal(err)
	}
	if dg.Entries != 4 || len(dg.Goals) != 1 {
		t.Fatalf("digest: %d entries, %d goals", dg.Entries, len(dg.Goals))
	}
	if g := dg.Goals[0]; g.LastInWeek == nil || *g.LastInWeek != 5 || g.WeekEntries != 4 {
		t.Errorf("digest goal: last staff score in the week %v, %d entries; want 5 and 4", g.LastInWeek, g.WeekEntries)
	}
}

// Forgiving input (issue 15, item 9): what a busy shift types is either
// understood or refused with a message that names what was wrong and
// shows the right form — never silently stored as something else.
func TestForgivingInput(t *testing.T) {
	e := newEnv(t)
	e.setup()
	// monday is 2026-11-23 (a Monday).
	understood := []struct {
		cmd, day, shown string // shown: the day as the confirmation says it
	}{
		{"AB-1 5 dato:igår", "2026-11-22", "i går"},
		{"AB-1 5 dato:i-går", "2026-11-22", "i går"},
		{"AB-1 5 dato:i går Sen vagt", "2026-11-22", "i går"},
		{"AB-1 5 dato:iforgårs", "2026-11-21", "21.11.2026"},
		{"AB-1 5 dato:yesterday", "2026-11-22", "i går"},
		{"AB-1 5 dato:fredag", "2026-11-20", "20.11.2026"},
		{"AB-1 5 dato:Mandag", "2026-11-16", "16.11.2026"},
		{"AB-1 5 date:thursday", "2026-11-19", "19.11.2026"},
		{"AB-1 5 dato:20.11", "2026-11-20", "20.11.2026"},
		{"AB-1 5 dato:20/11", "2026-11-20", "20.11.2026"},
		{"AB-1 5 dato:20.11.", "2026-11-20", "20.11.2026"},
		{"AB-1 5 dato:23.11", "2026-11-23", "i dag"},
	}
	for _, c := range understood {
		t.Run(c.cmd, func(t *testing.T) {
			before := e.count(`SELECT count(*) FROM entries WHERE day = $1`, c.day)
			contains(t, e.do("anna", "#slusen", c.cmd), "✅", c.shown)
			if n := e.count(`SELECT count(*) FROM entries WHERE day = $1`, c.day); n != before+1 {
				t.Errorf("no entry on %s", c.day)
			}
		})
	}
	lacks(t, e.do("anna", "#slusen", "vis AB-1"), "går") // "dato:i går" is no note text
	// The borger's score under other spellings: understood as b:.
	for _, cmd := range []string{"AB-1 6 borger:7 Tog bussen", "AB-1 6 b=7 Tog bussen", "AB-1 6 B=7", "AB-1 6 citizen:7"} {
		t.Run(cmd, func(t *testing.T) {
			before := e.count(`SELECT count(*) FROM entries WHERE citizen_score = 7`)
			contains(t, e.do("anna", "#slusen", cmd), "✅", "borger 7")
			if n := e.count(`SELECT count(*) FROM entries WHERE citizen_score = 7`); n != before+1 {
				t.Errorf("the borger's score not stored")
			}
		})
	}
	lacks(t, e.do("anna", "#slusen", "vis AB-1"), "b=7", "B=7", "borger:7", "citizen:7")

	refused := []struct {
		cmd   string
		wants []string
	}{
		{"AB-1 4,5", []string{"*4,5* er ikke et helt tal", "1 til 10"}},
		{"AB-1 4.5 Note", []string{"*4.5* er ikke et helt tal"}},
		{"AB-1 seks", []string{"Skriv scoren som tal, fx `/maal AB-1 6`"}},
		{"AB-1 Seks b:7", []string{"Skriv scoren som tal, fx `/maal AB-1 6`"}},
		{"AB-1 6 b:4,5", []string{"*b:4,5* er ikke et helt tal"}},
		{"AB-1 6 b:syv", []string{"Skriv borgerens score som tal, fx *b:7*"}},
		{"AB-1 6 b7 Tog bussen", []string{"*b7*", "b:7"}},
		{"AB-1 6 B 7 Tog bussen", []string{"*B 7*", "b:7"}},
		{"AB-1 b7", []string{"*b7*", "b:7"}},
		{"AB1 5", []string{"Mente du *AB-1*", "`/maal AB-1 5`"}},
		{"ab2 5 b:6", []string{"Mente du *AB-2*"}},
		{"frobnicate", []string{"Den kommando kender jeg ikke", "*FROBNICATE*"}},
		{"hjlp", []string{"Den kommando kender jeg ikke", "Mente du `/maal hjælp`?"}},
		{"XY", []string{"Der er ingen borger *XY*"}}, // as short as initials: an alias
		{"vsi", []string{"Der er ingen borger *VSI*"}},
		{"visse AB-1", []string{"Den kommando kender jeg ikke", "`/maal vis`"}},
		{"AB-1 5 dato:blabla", []string{"forstod jeg ikke", "i går", "mandag", "24.12"}},
		{"AB-1 5 dato:30.11", []string{"30.11.2025", "14 dage"}},
		{"AB-1 5 dato:i", []string{"forstod jeg ikke"}},
	}
	before := e.count(`SELECT count(*) FROM entries`)
	for _, c := range refused {
		t.Run(c.cmd, func(t *testing.T) {
			out := e.do("anna", "#slusen", c.cmd)
			contains(t, out, c.wants...)
			lacks(t, out, "✅", "Noget gik galt", "Skriv en score efter")
		})
	}
	if n := e.count(`SELECT count(*) FROM entries`); n != before {
		t.Errorf("%d entries after the refusals, want %d", n, before)
	}

	// /maal AB-1 on its own shows the goal, as vis AB-1 does, audited so.
	views := e.count(`SELECT count(*) FROM audit_events WHERE action = 'goal.view'`)
	out := e.do("anna", "#slusen", "AB-1")
	contains(t, out, "AB-1 Tage bussen alene til arbejde", "Registreringer", "Revisioner")
	if n := e.count(`SELECT count(*) FROM audit_events WHERE action = 'goal.view'`); n != views+1 {
		t.Errorf("/maal AB-1 not audited as a view")
	}
	contains(t, e.do("bo", "#andet", "AB-1"), "intet mål *AB-1*")
}
