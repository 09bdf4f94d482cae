package commands_test

import (
	"context"
	"strings"
	"testing"

	"smallgoals/commands"
)

// leaderSetup makes Slusen with anna as coordinator, borgere AB (goals
// AB-1 mobilitet, AB-2 egenomsorg) and CD (CD-1, no theme, overdue), with
// entries and revisions in 2026 Q3 and Q4 (today is 2026-11-23):
// revisions 3, on time 1, with the borger 1; entries 3, 2 with the
// borger's score; AB's latest levels +2 and 0.
func (e *env) leaderSetup() {
	e.t.Helper()
	e.now = monday.AddDate(0, 0, -112) // 2026-08-03
	for _, cmd := range []string{"team opret Slusen", "borger ny AB", "ny AB Tage bussen alene tema:mobilitet hver:14",
		"ny AB Smøre madpakke tema:egenomsorg", "borger ny CD", "ny CD Gå en tur hver:30", "AB-1 5 b:6", "AB-1 6"} {
		if out := e.do("anna", "#slusen", cmd); !strings.Contains(out, "✅") {
			e.t.Fatalf("setup %q: %s", cmd, out)
		}
	}
	e.now = monday.AddDate(0, 0, -101) // 2026-08-14, before AB-1's 2026-08-17
	if out := e.do("anna", "#slusen", "revider AB-1 +1 fortsættes borger:ja"); !strings.Contains(out, "✅") {
		e.t.Fatal(out)
	}
	e.now = monday
	for _, cmd := range []string{"revider AB-1 +2 fortsættes borger:nej", "revider AB-2 0 fortsættes", "AB-2 4 b:4"} {
		if out := e.do("anna", "#slusen", cmd); !strings.Contains(out, "✅") {
			e.t.Fatalf("%q: %s", cmd, out)
		}
	}
}

func TestTeamLeader(t *testing.T) {
	e := newEnv(t)
	e.setup()
	e.do("bo", "#slusen", "team") // bo is a member, no coordinator
	out := e.do("bo", "#slusen", "team leder @lene")
	contains(t, out, "Kun teamets koordinatorer kan gøre nogen til leder")
	if n := e.count(`SELECT count(*) FROM team_leaders`) + e.count(`SELECT count(*) FROM member_events`); n != 0 {
		t.Fatalf("a member made a leader: %d rows", n)
	}
	if n := e.count(`SELECT count(*) FROM audit_events WHERE action = 'team.leader' AND actor = 'bo' AND NOT allowed AND team_id IS NOT NULL`); n != 1 {
		t.Fatalf("refusal events = %d, want 1", n)
	}
	contains(t, e.do("anna", "#slusen", "team leder"), "Nævn lederen med @")

	out = e.do("anna", "#slusen", "team leder @lene")
	contains(t, out, "✅ <@lene> er nu leder af Slusen.", "`/maal overblik`")
	if n := e.count(`SELECT count(*) FROM team_leaders WHERE user_id = 'lene' AND added_by = 'anna'`); n != 1 {
		t.Fatal("no leader row")
	}
	if n := e.count(`SELECT count(*) FROM member_events WHERE kind = 'leader_added' AND user_id = 'lene' AND actor = 'anna'`); n != 1 {
		t.Fatal("no member event")
	}
	contains(t, e.do("anna", "#slusen", "team"), "*Ledere (ser kun tal):* <@lene>", "<@lene> blev leder (tilføjet af <@anna>)")
	contains(t, e.do("anna", "#slusen", "team leader @lene"), "<@lene> is already a leader of Slusen. Nothing was changed.")
	if n := e.count(`SELECT count(*) FROM team_leaders`); n != 1 {
		t.Fatalf("leaders = %d, want 1", n)
	}
	// A leader is no member: sees no borger.
	contains(t, e.do("lene", "@lene", "AB"), "Der er ingen borger *AB*")
	contains(t, e.do("lene", "@lene", "vis AB-1"), "Der er intet mål *AB-1*")
}

func TestLeaderOverview(t *testing.T) {
	e := newEnv(t)
	e.leaderSetup()
	e.do("anna", "#slusen", "team leder @lene")
	out := e.do("lene", "@lene", "overblik")
	contains(t, out, "Overblik — 1 team", "*Slusen*", "Perioden er 2026 K1 til 2026 K4",
		"Borgere: 2 · aktive mål: 3 · heraf med overskredet revision: 1",
		"Revideret til tiden: 33,3 % (1 af 3 revisioner)",
		"Revisioner med borgeren: 33,3 % (1 af 3)",
		"Registreringer med borgerens egen score: 66,7 % af 3",
		"Median GAS T-score: 62,4 (1 borger)",
		"Aktive mål efter tema: Egenomsorg 1 · Mobilitet 1 · uden tema 1",
		"2026 K1: 0 · – · 0 · –", "2026 K3: 2 · 50,0 % · 1 · 100,0 %", "2026 K4: 1 · 100,0 % · 2 · 0,0 %")
	// Figures only: no alias, ref or text.
	lacks(t, out, "AB", "CD", "bussen", "madpakke", "tur")
	if n := e.count(`SELECT count(*) FROM audit_events WHERE action = 'team.overview' AND actor = 'lene' AND allowed AND team_id IS NOT NULL AND citizen_id IS NULL`); n != 1 {
		t.Fatalf("overview events = %d, want 1", n)
	}

	// In English, and as CSV.
	r := e.h.Handle(context.Background(), commands.Request{UserID: "lene", ChannelID: "@lene", Text: "overview", Time: e.now})
	contains(t, r.Text(), "Overview — 1 team", "Revised on time: 33.3% (1 of 3 revisions)", "Self-care 1 · Mobility 1 · no theme 1")
	if len(r.Files) != 1 || !strings.HasSuffix(r.Files[0].Name, ".csv") {
		t.Fatalf("files = %+v", r.Files)
	}
	csv := string(r.Files[0].Data)
	contains(t, csv, "Team;Figure;Period;Count;Out of;Share (%)", "Slusen;Citizens;2026-11-23;2;;",
		"Slusen;Revisions on time;2026 Q1–2026 Q4;1;3;33.3", "Slusen;Revisions on time;2026 Q3;1;1;100.0",
		"Slusen;Active goals, theme: Self-care;2026-11-23;1;3;33.3", "Slusen;Median GAS T-score;2026-11-23;62.4;1;")
	lacks(t, csv, "AB", "CD", "bussen")
}

// A coordinator of two teams sees both and the sum; a leader of one only
// that one; anyone else is refused, audited, and sees nothing.
func TestLeaderOverviewTeams(t *testing.T) {
	e := newEnv(t)
	e.leaderSetup()
	e.do("anna", "#lyngen", "team opret Lyngen")
	e.do("anna", "#lyngen", "borger ny EF")
	e.do("anna", "#slusen", "team leder @lene")
	out := e.do("anna", "#slusen", "overblik")
	contains(t, out, "Overblik — 2 teams", "*Lyngen*\nBorgere: 1 · aktive mål: 0", "*Slusen*\nBorgere: 2", "*Alle 2 teams*\nBorgere: 3 · aktive mål: 3")
	if n := e.count(`SELECT count(DISTINCT team_id) FROM audit_events WHERE action = 'team.overview' AND actor = 'anna' AND allowed`); n != 2 {
		t.Fatalf("teams audited = %d, want 2", n)
	}
	lacks(t, e.do("lene", "@lene", "overblik"), "Lyngen", "Alle")

	before := e.count(`SELECT count(*) FROM audit_events`)
	out = e.do("olga", "#slusen", "overblik")
	contains(t, out, "Overblikket er for teamets koordinatorer og ledere")
	lacks(t, out, "Borgere:", "Slusen")
	if n := e.count(`SELECT count(*) FROM audit_events WHERE action = 'team.overview' AND actor = 'olga' AND NOT allowed`); n != 1 {
		t.Fatalf("refusals = %d, want 1", n)
	}
	if n := e.count(`SELECT count(*) FROM audit_events`); n != before+1 {
		t.Fatalf("audit events %d → %d: only the refusal", before, n)
	}
	// A member who is no coordinator is refused too.
	contains(t, e.do("bo", "#slusen", "overblik"), "Overblikket er for teamets koordinatorer og ledere")
	contains(t, e.do("anna", "#slusen", "overblik Slusen"), "Skriv bare `/maal overblik`")
}

// The overview's median T-score weighs each goal by the borger's weight,
// as the export and the digest do (one rule: smallgoals.CitizenTScore).
func TestLeaderOverviewWeighsGoals(t *testing.T) {
	e := newEnv(t)
	e.leaderSetup() // AB-1 at +2, AB-2 at 0: 62,4 unweighted
	contains(t, e.do("anna", "#slusen", "ret AB-1 vægt:3"), "✅")
	// 50 + 10·(3·2 + 0) / √(0,7·10 + 0,3·16) = 67,5
	contains(t, e.do("anna", "#slusen", "overblik"), "Median GAS T-score: 67,5 (1 borger)")
}

// A coordinator takes a leader's access away again (a leader who leaves):
// the leader sees no figures after; a member cannot; the history says it.
func TestTeamLeaderRemove(t *testing.T) {
	e := newEnv(t)
	e.leaderSetup()
	e.do("anna", "#slusen", "team leder @lene")
	contains(t, e.do("lene", "@lene", "overblik"), "*Slusen*")
	e.do("bo", "#slusen", "team") // bo is a member, no coordinator
	contains(t, e.do("bo", "#slusen", "team leder fjern @lene"), "Kun teamets koordinatorer kan fjerne en leder")
	if n := e.count(`SELECT count(*) FROM team_leaders WHERE user_id = 'lene'`); n != 1 {
		t.Fatal("a member removed a leader")
	}
	if n := e.count(`SELECT count(*) FROM audit_events WHERE action = 'team.leader_remove' AND actor = 'bo' AND NOT allowed`); n != 1 {
		t.Fatalf("refusal events = %d, want 1", n)
	}
	contains(t, e.do("anna", "#slusen", "team leder fjern"), "Nævn lederen med @")
	contains(t, e.do("anna", "#slusen", "team leder fjern @bo"), "<@bo> er ikke leder af Slusen")

	contains(t, e.do("anna", "#slusen", "team leder fjern @lene"), "✅ <@lene> er ikke længere leder af Slusen")
	if n := e.count(`SELECT count(*) FROM team_leaders`); n != 0 {
		t.Fatalf("leaders = %d, want 0", n)
	}
	if n := e.count(`SELECT count(*) FROM member_events WHERE kind = 'leader_removed' AND user_id = 'lene' AND actor = 'anna'`); n != 1 {
		t.Fatal("no member event")
	}
	if n := e.count(`SELECT count(*) FROM audit_events WHERE action = 'team.leader_remove' AND actor = 'anna' AND allowed`); n != 1 {
		t.Fatal("the removal is not audited")
	}
	contains(t, e.do("anna", "#slusen", "team"), "<@lene> er ikke længere leder (fjernet af <@anna>)")
	lacks(t, e.do("anna", "#slusen", "team"), "*Ledere (ser kun tal):*")
	out := e.do("lene", "@lene", "overblik")
	contains(t, out, "Overblikket er for teamets koordinatorer og ledere")
	lacks(t, out, "Slusen")
	contains(t, e.do("anna", "#slusen", "team leader remove @lene"), "<@lene> is not a leader of Slusen")
}
