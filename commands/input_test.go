package commands_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"smallgoals"
	"smallgoals/commands"
)

// Bad input gets a specific message and stores nothing.
func TestBadInputStoresNothing(t *testing.T) {
	e := newEnv(t)
	e.setup()
	e.do("anna", "#slusen", "plan AB Klare hverdagen")
	cases := []struct {
		cmd   string
		wants []string
	}{
		{"AB-1", []string{"AB-1 Tage bussen", "Registreringer"}}, // as vis AB-1 (issue 15)
		{"AB-1 dato:i-går", []string{"Skriv en score", "/maal AB-1 6", "/maal AB-1 b:6"}},
		{"AB-1 seks", []string{"Skriv scoren som tal", "/maal AB-1 6"}},
		{"AB-1 0", []string{"*0*", "1 til 10"}},
		{"AB-1 4.5", []string{"*4.5* er ikke et helt tal", "1 til 10"}},
		{"AB-1 4 b:11", []string{"b:11", "1 til 10"}},
		{"AB-1 4 b:", []string{"mangler en værdi"}},
		{"AB-1 4 b:5 b:6", []string{"to gange"}},
		{"AB-1 4 dato:2026-11-24", []string{"fremtiden"}},
		{"AB-1 4 dato:2026-11-08", []string{"14 dage"}},
		{"AB-1 4 dato:31.11.2026", []string{"forstod jeg ikke", "22.11.2026"}},
		{"AB-9 4", []string{"intet mål *AB-9*"}},
		{"AB 4", []string{"*AB-1*"}},
		{"XY-1 4", []string{"intet mål *XY-1*"}},
		{"blabla", []string{"ingen borger *BLABLA*"}},
		{"bla!", []string{"kender jeg ikke", "bla!"}},
		{"ny AB", []string{"alias og titel"}},
		{"ny AB Titel skala:1-7", []string{"1-7", "1-10"}},
		{"ny AB Titel mål:11", []string{"11", "1 til 10"}},
		{"ny AB Titel skala:1-5 mål:6", []string{"6", "1 til 5"}},
		{"ny AB Titel hver:0", []string{"hver:"}},
		{"ny AB Titel hver:400", []string{"365"}},
		{"ny AB Titel frist:2026-11-01", []string{"passeret"}},
		{"ny AB Titel plan:7", []string{"AB-P7", "findes ikke"}},
		{"ny AB Titel plan:XY-P1", []string{"plan:XY-P1"}},
		{"ny QQ Titel", []string{"ingen borger *QQ*"}},
		{"borger ny", []string{"alias"}},
		{"borger ny 1AB", []string{"1AB", "1 til 16"}},
		{"borger ny ABCDEFGHIJKLMNOPQ", []string{"1 til 16"}},
		{"borger ny AB", []string{"allerede en borger *AB*"}},
		{"borger ny HJÆLP", []string{"kommandoord"}},
		{"borger ny Team", []string{"kommandoord"}},
		{"plan AB", []string{"alias og titel"}},
		{"revider AB-1", []string{"ref, GAS-niveau"}},
		{"revider AB-1 +3 fortsættes", []string{"+3", "-2, -1, 0, +1 eller +2"}},
		{"revider AB-1 +1 måske", []string{"måske", "fortsættes, ændres"}},
		{"revider AB-1 +1 fortsættes borger:måske", []string{"ja eller nej"}},
		{"revider AB-1 +1 fortsættes næste:2026-11-01", []string{"efter i dag"}},
		{"revider AB-1 +1 afsluttes næste:2027-01-01", []string{"næste:"}},
		{"vis", []string{"én mål-ref"}},
		{"vis AB-P1", []string{"ikke en mål-ref"}},
		{"fortryd AB-1 AB-2", []string{"højst én ref"}},
		{"sprog fr", []string{"*da*", "*en*"}},
		{"team opret Igen", []string{"allerede til teamet *Slusen*"}},
		{"team xyz", []string{"xyz"}},
	}
	tables := []string{"teams", "citizens", "plan_goals", "goals", "entries", "revisions", "users"}
	before := map[string]int{}
	for _, tbl := range tables {
		before[tbl] = e.count(`SELECT count(*) FROM ` + tbl)
	}
	for _, c := range cases {
		t.Run(c.cmd, func(t *testing.T) {
			out := e.do("anna", "#slusen", c.cmd)
			contains(t, out, c.wants...)
			lacks(t, out, "✅", "Noget gik galt")
		})
	}
	for _, tbl := range tables {
		if n := e.count(`SELECT count(*) FROM ` + tbl); n != before[tbl] {
			t.Errorf("%s: %d rows, want %d: bad input stored something", tbl, n, before[tbl])
		}
	}
	if n := e.count(`SELECT count(*) FROM goals WHERE status <> 'active'`); n != 0 {
		t.Errorf("a goal changed status")
	}
}

// CPR numbers are refused in every free-text field and never echoed.
func TestCPRRefusedEverywhere(t *testing.T) {
	e := newEnv(t)
	e.setup()
	for _, cmd := range []string{
		"AB-1 5 Ringede 010190-1234 i dag",
		"AB-1 5 0101901234",
		"ny AB Ringe til 010190 1234",
		"plan AB Mål for 311299-4321",
		"revider AB-1 +1 fortsættes cpr 010190-1234",
		"team opret Team 010190-1234",
		"borger ny 0101901234",
	} {
		t.Run(cmd, func(t *testing.T) {
			out := e.do("anna", "#slusen", cmd)
			contains(t, out, "CPR")
			lacks(t, out, "010190", "311299", "0101901234")
		})
	}
	for _, tbl := range []string{"entries", "plan_goals", "revisions"} {
		if n := e.count(`SELECT count(*) FROM ` + tbl); n != 0 {
			t.Errorf("%s has %d rows, want 0", tbl, n)
		}
	}
	if n := e.count(`SELECT count(*) FROM goals`); n != 1 {
		t.Errorf("goals = %d, want 1", n)
	}
}

func TestLanguageRule(t *testing.T) {
	e := newEnv(t)
	e.setup()
	// Keyword decides: English keyword, English reply; Danish, Danish.
	contains(t, e.do("anna", "#slusen", "help"), "how to use me")
	contains(t, e.do("anna", "#slusen", "hjælp"), "sådan bruger du mig")
	contains(t, e.do("anna", "#slusen", "show AB-1"), "Entries")
	contains(t, e.do("anna", "#slusen", "vis AB-1"), "Registreringer")
	// No keyword: the Slack locale, then the team's language (da).
	contains(t, e.req(commands.Request{UserID: "anna", ChannelID: "#slusen", Text: "AB", Locale: "en-GB"}), "active goal")
	contains(t, e.do("anna", "#slusen", "AB"), "aktivt mål")
	// The user's choice beats everything.
	contains(t, e.do("anna", "#slusen", "lang en"), "I'll write in English from now on")
	contains(t, e.do("anna", "#slusen", "hjælp"), "how to use me")
	contains(t, e.do("anna", "#slusen", "AB-1 4"), "Logged on *AB-1*")
	contains(t, e.do("anna", "#slusen", "sprog da"), "Jeg skriver på dansk fra nu af")
	contains(t, e.do("anna", "#slusen", "AB-1 11"), "Intet er gemt")
	if n := e.count(`SELECT count(*) FROM users WHERE id = 'anna' AND lang = 'da'`); n != 1 {
		t.Errorf("user language not stored")
	}
}

func TestNewGoalOptions(t *testing.T) {
	e := newEnv(t)
	e.setup()
	contains(t, e.do("anna", "#slusen", "plan AB Klare hverdagen selv"), "*AB-P1*")
	contains(t, e.do("anna", "#slusen", "plan ab Have venner"), "*AB-P2*")
	out := e.do("anna", "#slusen", "ny AB Smøre madpakke plan:2 frist:1.12.2026 skala:1-5 mål:4 hver:14")
	contains(t, out, "*AB-2*", "skala 1 til 5", "målscore 4", "under AB-P2", "14. dag", "01.12.2026")
	out = e.do("anna", "#slusen", "new ab Wash clothes plan:AB-P1 every:7 scale:gas due:5/12-2026")
	contains(t, out, "*AB-3*", "−2 to +2", "AB-P1", "every 7 days", "5 Dec 2026")
	if n := e.count(`SELECT count(*) FROM goals g JOIN plan_goals p ON p.id = g.plan_goal_id
		WHERE g.number = 2 AND p.number = 2 AND g.scale_min = 1 AND g.scale_max = 5 AND g.target = 4
		AND g.cadence_days = 14 AND g.next_revision = '2026-12-01'`); n != 1 {
		t.Fatalf("AB-2 not stored as asked")
	}
	// GAS scale takes signed scores.
	contains(t, e.do("anna", "#slusen", "AB-3 -1 b:+2"), "-1 · borger +2")
	contains(t, e.do("anna", "#slusen", "AB-3 −2"), "-2")
	contains(t, e.do("anna", "#slusen", "AB-3 3"), "Intet er gemt")
	// The overview groups nothing away: all three goals and both plan goals.
	contains(t, e.do("anna", "#slusen", "AB"), "3 aktive mål", "*AB-P1*", "*AB-P2*", "*AB-3*", "_(AB-P2)_")
}

func TestUndo(t *testing.T) {
	e := newEnv(t)
	e.setup()
	e.do("anna", "#slusen", "ny AB Andet mål")
	e.do("anna", "#slusen", "AB-1 3 første")
	e.now = e.now.Add(time.Minute)
	e.do("anna", "#slusen", "AB-2 7 andet")
	e.now = e.now.Add(time.Minute)
	e.do("anna", "#slusen", "AB-1 5 tredje")
	// Another user's entry is never mine to undo.
	e.do("carl", "#slusen", "AB-1 9 carls")

	e.now = e.now.Add(time.Minute)
	contains(t, e.do("anna", "#slusen", "fortryd"), "*AB-1*", "5")
	contains(t, e.do("anna", "#slusen", "fortryd AB-2"), "*AB-2*", "7")
	out := e.do("anna", "#slusen", "vis AB-1")
	contains(t, out, "23.11.2026 · personale 5 · <@anna>~ (fortrudt af <@anna> 23.11.2026)", "tredje", "carls")
	if n := e.count(`SELECT count(*) FROM entries WHERE kind = 'undo'`); n != 2 {
		t.Fatalf("undo rows = %d, want 2", n)
	}
	if n := e.count(`SELECT count(*) FROM entries`); n != 6 {
		t.Fatalf("entries = %d, want 6: undo must append, never delete", n)
	}
	// The overview counts carl's 9 and anna's 3, not the undone 5.
	contains(t, e.do("anna", "#slusen", "AB"), "personale 9")

	// A day later nothing is left to undo.
	e.now = e.now.Add(25 * time.Hour)
	contains(t, e.do("anna", "#slusen", "fortryd"), "ingen registrering")
	if n := e.count(`SELECT count(*) FROM entries WHERE kind = 'undo'`); n != 2 {
		t.Fatalf("undo rows = %d, want 2", n)
	}
}

func TestRevisionOutcomes(t *testing.T) {
	e := newEnv(t)
	e.setup()
	out := e.do("anna", "#slusen", "revider AB-1 +1 ændres borger:ja næste:2027-02-01 Lidt mere selv")
	contains(t, out, "ændres", "01.02.2027")
	out = e.do("anna", "#slusen", "revise AB-1 -1 continue citizen:no confirm") // the same day: confirmed
	contains(t, out, "continue", "Next revision: 4 Jan 2027")                   // today + 42
	out = e.do("anna", "#slusen", "revider AB-1 2 revisitation bekræft")
	contains(t, out, "kommunen")
	out = e.do("anna", "#slusen", "vis AB-1")
	contains(t, out, "GAS +1 · ændres", "borgeren deltog", "Lidt mere selv", "GAS -1 · fortsættes", "uden borgeren", "GAS +2 · revisitation")

	out = e.do("anna", "#slusen", "revider AB-1 +2 afsluttes Nået bekræft")
	contains(t, out, "afsluttes", "afsluttet")
	if n := e.count(`SELECT count(*) FROM goals WHERE status = 'closed' AND next_revision IS NULL`); n != 1 {
		t.Fatalf("goal not closed")
	}
	contains(t, e.do("anna", "#slusen", "AB-1 5"), "afsluttet")
	contains(t, e.do("anna", "#slusen", "revider AB-1 0 fortsættes"), "afsluttet")
	contains(t, e.do("anna", "#slusen", "AB"), "0 aktive mål")
	if n := e.count(`SELECT count(*) FROM revisions`); n != 4 {
		t.Fatalf("revisions = %d, want 4", n)
	}
}

func TestResolutionAcrossTeams(t *testing.T) {
	e := newEnv(t)
	e.setup()
	e.do("anna", "#lyngen", "team opret Lyngen")
	e.do("anna", "#lyngen", "borger ny AB")
	e.do("anna", "#lyngen", "ny AB Lave mad")
	e.do("anna", "#lyngen", "borger ny CD")
	e.do("anna", "#lyngen", "ny CD Gå en tur")

	// In a team's channel the team's own AB wins.
	contains(t, e.do("anna", "#slusen", "AB"), "Tage bussen")
	contains(t, e.do("anna", "#lyngen", "AB"), "Lave mad")
	// Elsewhere AB is ambiguous, CD is not.
	contains(t, e.do("anna", "#dm", "AB"), "flere af dine teams")
	contains(t, e.do("anna", "#slusen", "CD"), "Gå en tur")
	contains(t, e.do("anna", "#slusen", "CD-1 6"), "Registreret på *CD-1*")
	// A member of Lyngen only sees Lyngen's AB from anywhere.
	e.do("dora", "#lyngen", "hjælp")
	contains(t, e.do("dora", "#dm", "AB"), "Lave mad")
	lacks(t, e.do("dora", "#dm", "AB"), "Tage bussen")
	// Resolving to her own AB is no attempt on Slusen's: nothing refused.
	if n := e.count(`SELECT count(*) FROM audit_events WHERE actor = 'dora' AND NOT allowed`); n != 0 {
		t.Errorf("dora's refusals = %d, want 0", n)
	}
	contains(t, e.do("dora", "#dm", "CD-1 3"), "Registreret på *CD-1*")
}

func TestCommandNameIsNotHardcoded(t *testing.T) {
	e := newEnv(t)
	out := e.req(commands.Request{UserID: "anna", ChannelID: "#x", Command: "/smal", Text: "hjælp"})
	contains(t, out, "/smal borger ny ALIAS")
	lacks(t, out, "/maal")
}

// FuzzCPRAlwaysRefused: whatever surrounds a CPR number in a command, the
// reply is the CPR refusal, never echoes it, and nothing is stored.
func FuzzCPRAlwaysRefused(f *testing.F) {
	e := newEnv(f)
	e.setup()
	for _, s := range []string{"", "Tog bussen", "b:4", "dato:2026-11-20 ok", "ny AB", "vis", "<@x>"} {
		f.Add("AB-1 5 ", s, "010190-1234")
		f.Add("ny AB ", s, "2912001234")
	}
	f.Fuzz(func(t *testing.T, head, text, cpr string) {
		if !smallgoals.ContainsCPR(cpr) {
			return
		}
		line := head + " " + text + " " + cpr + " " + text
		out := e.h.Handle(context.Background(), commands.Request{UserID: "anna", ChannelID: "#slusen", Text: line, Time: e.now}).Text()
		if !strings.Contains(out, "CPR") {
			t.Fatalf("%q not refused: %s", line, out)
		}
		if strings.Contains(out, strings.TrimSpace(cpr)) {
			t.Fatalf("CPR echoed: %s", out)
		}
		var n int
		if err := e.raw.QueryRow(`SELECT (SELECT count(*) FROM entries) + (SELECT count(*) FROM goals)`).Scan(&n); err != nil || n != 1 {
			t.Fatalf("something stored for %q", line)
		}
	})
}

// Control characters (NUL, BEL, ESC, DEL, C1) in any text get a friendly
// refusal and store nothing, typed or in a form; tabs and line breaks are
// text.
func TestControlCharactersRefused(t *testing.T) {
	e := newEnv(t)
	e.setup()
	before := e.count(`SELECT (SELECT count(*) FROM entries) + (SELECT count(*) FROM goals) + (SELECT count(*) FROM teams) + (SELECT count(*) FROM citizens)`)
	for _, text := range []string{"AB-1 5 no\x00te", "AB-1 5 ring\x07", "ny AB Ti\x1btel", "ny AB Titel\x7f", "AB-1 5 b:6 \u0085x", "team opret Ny\x00team"} {
		contains(t, e.do("anna", "#slusen", text), "styretegn", "Intet er gemt")
	}
	var ab1 int64
	e.raw.QueryRow(`SELECT id FROM goals`).Scan(&ab1)
	_, errs := e.h.Submit(context.Background(), commands.Request{UserID: "anna", ChannelID: "#slusen", Time: e.now, Modals: true},
		commands.Submission{Kind: commands.FormLog, GoalID: ab1, Values: map[string]string{"score": "5", "note": "x\x00y"}})
	if !strings.Contains(errs["note"], "styretegn") {
		t.Errorf("form with NUL in the note: %v", errs)
	}
	if after := e.count(`SELECT (SELECT count(*) FROM entries) + (SELECT count(*) FROM goals) + (SELECT count(*) FROM teams) + (SELECT count(*) FROM citizens)`); after != before {
		t.Errorf("rows %d → %d: text with control characters was stored", before, after)
	}
	contains(t, e.do("anna", "#slusen", "AB-1 5 tab\there"), "AB-1")
}
