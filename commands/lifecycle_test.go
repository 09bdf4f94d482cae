package commands_test

import (
	"context"
	"strings"
	"testing"

	"smallgoals/commands"
	"smallgoals/store/storetest"
)

// goalState is AB-1's settings as stored, for "nothing changed" checks.
func (e *env) goalState(n int) string {
	e.t.Helper()
	var s string
	err := e.raw.QueryRow(`SELECT concat_ws('|', g.title, g.scale_min, g.scale_max, g.target, g.cadence_days,
			g.next_revision, g.plan_goal_id, g.status, g.key_id)
		FROM goals g JOIN citizens c ON c.id = g.citizen_id WHERE c.alias = 'AB' AND g.number = $1`, n).Scan(&s)
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}

func TestEditGoal(t *testing.T) {
	e := newEnv(t)
	e.setup()
	e.do("anna", "#slusen", "plan AB Klare transport selv")
	out := e.do("anna", "#slusen", "ret AB-1 Tage bussen alene hele vejen mål:8 hver:28 frist:2026-12-20 plan:1")
	contains(t, out, "✅ *AB-1* er rettet: Tage bussen alene hele vejen",
		"Titel: før «Tage bussen alene til arbejde», nu «Tage bussen alene hele vejen»",
		"Målscore: før ingen, nu 8", "Interval: før hver 42. dag, nu hver 28. dag",
		"Næste revision: før 04.01.2027, nu 20.12.2026", "Handleplansmål: før ingen, nu AB-P1",
		"målscore 8", "under AB-P1", "næste revision 20.12.2026")
	if n := e.count(`SELECT count(*) FROM goals WHERE target = 8 AND cadence_days = 28 AND next_revision = '2026-12-20' AND plan_goal_id IS NOT NULL`); n != 1 {
		t.Fatalf("edited goals = %d, want 1", n)
	}
	if got := storetest.Plaintexts(t, e.raw, "goals.title", `SELECT title, key_id FROM goals`); len(got) != 1 || got[0] != "Tage bussen alene hele vejen" {
		t.Fatalf("titles = %q", got)
	}
	// The old title is kept, encrypted, with who and when.
	if got := storetest.Plaintexts(t, e.raw, "goal_changes.old_value",
		`SELECT old_value, key_id FROM goal_changes WHERE field = 'title' AND author = 'anna' AND at = $1`, monday); len(got) != 1 || got[0] != "Tage bussen alene til arbejde" {
		t.Fatalf("old titles = %q", got)
	}
	if n := e.count(`SELECT count(*) FROM goal_changes`); n != 5 {
		t.Fatalf("changes = %d, want 5", n)
	}
	if n := e.count(`SELECT count(*) FROM audit_events WHERE action = 'goal.edit' AND actor = 'anna' AND allowed AND ref = 'AB-1' AND goal_id IS NOT NULL`); n != 1 {
		t.Fatalf("goal.edit audit events = %d, want 1", n)
	}
	out = e.do("anna", "#slusen", "vis AB-1")
	contains(t, out, "Ændringer", "Titel ændret af <@anna> 23.11.2026: før «Tage bussen alene til arbejde», nu «Tage bussen alene hele vejen»",
		"Målscore ændret af <@anna> 23.11.2026: før ingen, nu 8")

	// A target can be removed again; English works.
	out = e.do("anna", "#slusen", "edit AB-1 target:none")
	contains(t, out, "Target: before 8, now none")
	if n := e.count(`SELECT count(*) FROM goals WHERE target IS NULL`); n != 1 {
		t.Fatal("target not removed")
	}

	// The export tells the story too: a CSV row and a line on the page.
	r := e.h.Handle(context.Background(), commands.Request{UserID: "anna", ChannelID: "#slusen", Text: "eksport AB", Time: e.now})
	if len(r.Files) != 2 {
		t.Fatalf("export sent %d files: %s", len(r.Files), r.Text())
	}
	csv, page := string(r.Files[0].Data), pdfText(t, r.Files[1].Data)
	contains(t, csv, "ændring;AB-1;Tage bussen alene hele vejen;AB-P1 Klare transport selv;2026-11-23;;;;;;Titel: før «Tage bussen alene til arbejde», nu «Tage bussen alene hele vejen»;anna;")
	contains(t, page, "Ændringer", "Titel ændret af anna 23.11.2026: før «Tage bussen alene til arbejde», nu «Tage bussen alene hele vejen»")
}

func TestEditRefusals(t *testing.T) {
	e := newEnv(t)
	e.setup()
	e.do("bent", "#slusen", "team") // bent: a member, neither coordinator nor contact person
	before := e.goalState(1)
	unchanged := func(what string) {
		t.Helper()
		if got := e.goalState(1); got != before {
			t.Fatalf("%s changed AB-1: %s, was %s", what, got, before)
		}
		if n := e.count(`SELECT count(*) FROM goal_changes`); n != 0 {
			t.Fatalf("%s recorded %d changes", what, n)
		}
	}

	out := e.do("bent", "#slusen", "ret AB-1 Ny titel")
	contains(t, out, "Kun teamets koordinatorer og borgerens kontaktperson (<@anna>) kan rette *AB-1*")
	unchanged("a member's edit")
	if n := e.count(`SELECT count(*) FROM audit_events WHERE action = 'goal.edit' AND actor = 'bent' AND NOT allowed`); n != 1 {
		t.Fatalf("refused goal.edit events = %d, want 1", n)
	}

	// Someone not on the team hears what an unknown ref gets.
	out = e.do("bo", "#andet", "ret AB-1 Ny titel")
	if fresh := newEnv(t).do("bo", "#andet", "ret AB-1 Ny titel"); out != fresh {
		t.Fatalf("outsider reply differs from the unknown-ref reply:\n%s\n---\n%s", out, fresh)
	}
	unchanged("an outsider's edit")

	contains(t, e.do("anna", "#slusen", "ret AB-1"), "Skriv ref og det, der skal ændres")
	contains(t, e.do("anna", "#slusen", "ret AB-1 Tage bussen alene til arbejde hver:42"), "Det står allerede sådan på *AB-1*")
	contains(t, e.do("anna", "#slusen", "ret AB-1 mål:11"), "Målscoren *11* skal være et helt tal fra 1 til 10")
	contains(t, e.do("anna", "#slusen", "ret AB-1 frist:2026-11-01"), "er passeret")
	contains(t, e.do("anna", "#slusen", "ret AB-1 plan:3"), "Handleplansmålet *AB-P3* findes ikke")
	unchanged("bad values")

	// The scale: free before scores, fixed after.
	e.do("anna", "#slusen", "AB-1 5")
	out = e.do("anna", "#slusen", "ret AB-1 skala:1-5")
	contains(t, out, "Skalaen på *AB-1* kan ikke ændres", "registreret scorer på skalaen 1 til 10", "afsluttes", "`/maal ny AB TITEL skala:1-5`")
	unchanged("a scale change with scores")
	e.do("anna", "#slusen", "ny AB Smøre madpakke mål:8")
	contains(t, e.do("anna", "#slusen", "ret AB-2 skala:1-5"), "Målscoren 8 ligger uden for den nye skala (1 til 5)")
	contains(t, e.do("anna", "#slusen", "ret AB-2 skala:1-5 mål:4"), "Skala: før 1 til 10, nu 1 til 5", "Målscore: før 8, nu 4")

	// The contact person may edit without being a coordinator.
	e.do("carl", "#slusen", "team")
	e.do("anna", "#slusen", "borger kontakt AB @carl")
	contains(t, e.do("carl", "#slusen", "ret AB-1 Tage bussen"), "✅ *AB-1* er rettet")

	// A closed goal is reopened first.
	e.do("anna", "#slusen", "revider AB-2 0 afsluttes")
	contains(t, e.do("anna", "#slusen", "ret AB-2 mål:3"), "*AB-2* er afsluttet og kan ikke rettes", "genåbn AB-2")
}

// A revision that says the goal is to be adjusted points at ret, prefilled.
func TestReviseAdjustOffersEdit(t *testing.T) {
	e := newEnv(t)
	e.setup()
	out := e.do("anna", "#slusen", "revider AB-1 -1 ændres For stort et skridt")
	contains(t, out, "Skal målet ændres?", "`/maal ret AB-1 Tage bussen alene til arbejde hver:42`")
	lacks(t, e.do("anna", "#slusen", "revider AB-1 0 fortsættes bekræft"), "ret AB-1")
	contains(t, e.do("anna", "#slusen", "revise AB-1 0 adjust confirm"), "`/maal edit AB-1 Tage bussen alene til arbejde every:42`")
}

func TestReopen(t *testing.T) {
	e := newEnv(t)
	e.setup()
	contains(t, e.do("anna", "#slusen", "genåbn AB-1"), "*AB-1* er ikke afsluttet", "04.01.2027")
	e.do("anna", "#slusen", "revider AB-1 +2 afsluttes Nået")
	closed := e.goalState(1)

	e.do("bent", "#slusen", "team")
	contains(t, e.do("bent", "#slusen", "genåbn AB-1"), "Kun teamets koordinatorer kan genåbne *AB-1*")
	if e.goalState(1) != closed || e.count(`SELECT count(*) FROM goal_changes`) != 0 {
		t.Fatal("a member's reopen changed the goal")
	}
	if n := e.count(`SELECT count(*) FROM audit_events WHERE action = 'goal.reopen' AND actor = 'bent' AND NOT allowed`); n != 1 {
		t.Fatalf("refused goal.reopen events = %d, want 1", n)
	}
	contains(t, e.do("anna", "#slusen", "genåbn AB-1 frist:i-morgen"), "i-morgen")
	contains(t, e.do("anna", "#slusen", "genåbn AB-1"), "✅ *AB-1* Tage bussen alene til arbejde er genåbnet. Næste revision: 04.01.2027")
	if n := e.count(`SELECT count(*) FROM goals WHERE status = 'active' AND next_revision = '2027-01-04'`); n != 1 {
		t.Fatal("goal not active again")
	}
	if n := e.count(`SELECT count(*) FROM audit_events WHERE action = 'goal.reopen' AND actor = 'anna' AND allowed`); n != 1 {
		t.Fatalf("goal.reopen events = %d, want 1", n)
	}
	contains(t, e.do("anna", "#slusen", "AB-1 6"), "✅")
	out := e.do("anna", "#slusen", "vis AB-1")
	contains(t, out, "afsluttes", "Genåbnet af <@anna> 23.11.2026", "Næste revision ændret af <@anna> 23.11.2026: før ingen, nu 04.01.2027")

	// English, with a due date.
	e.do("anna", "#slusen", "revider AB-1 +2 afsluttes bekræft")
	contains(t, e.do("anna", "#slusen", "reopen AB-1 due:2026-12-01"), "is reopened. Next revision: 1 Dec 2026")
}

func TestPlanLifecycle(t *testing.T) {
	e := newEnv(t)
	e.setup()
	e.do("anna", "#slusen", "plan AB Klare transport selv")
	e.do("anna", "#slusen", "plan AB Bo i egen lejlighed")
	e.do("anna", "#slusen", "ny AB Tage toget plan:1")
	e.do("anna", "#slusen", "ny AB Vaske tøj plan:2")

	// Edit: the same ret with a plan ref, the title only.
	out := e.do("anna", "#slusen", "ret AB-P1 Klare al transport selv")
	contains(t, out, "✅ *AB-P1* er rettet", "Titel: før «Klare transport selv», nu «Klare al transport selv»")
	contains(t, e.do("anna", "#slusen", "ret AB-P1 mål:3"), "Et handleplansmål har kun en titel")
	if got := storetest.Plaintexts(t, e.raw, "plan_goals.title", `SELECT title, key_id FROM plan_goals WHERE number = 1`); got[0] != "Klare al transport selv" {
		t.Fatalf("plan title = %q", got)
	}

	// Closing with an active small goal asks, shows both choices, changes nothing.
	e.do("bent", "#slusen", "team")
	contains(t, e.do("bent", "#slusen", "plan luk AB-P1"), "Kun teamets koordinatorer og borgerens kontaktperson")
	out = e.do("anna", "#slusen", "plan luk AB-P1")
	contains(t, out, "Under *AB-P1* er der stadig aktive små mål: *AB-2*", "`/maal plan luk AB-P1 luk-mål`", "`/maal plan luk AB-P1 behold`", "Intet er ændret")
	contains(t, e.do("anna", "#slusen", "plan luk AB-P1 måske"), "*måske* forstod jeg ikke")
	if n := e.count(`SELECT count(*) FROM plan_goals WHERE closed_at IS NOT NULL`) + e.count(`SELECT count(*) FROM goal_changes WHERE field <> 'title'`); n != 0 {
		t.Fatalf("asking changed %d rows", n)
	}

	// Keep: the small goal goes on without a plan goal.
	out = e.do("anna", "#slusen", "plan luk AB-P1 behold")
	contains(t, out, "✅ Handleplansmål *AB-P1* er afsluttet", "fortsætter uden handleplansmål: *AB-2*")
	if n := e.count(`SELECT count(*) FROM goals WHERE number = 2 AND status = 'active' AND plan_goal_id IS NULL`); n != 1 {
		t.Fatal("AB-2 not kept without a plan goal")
	}
	contains(t, e.do("anna", "#slusen", "plan luk AB-P1"), "Handleplansmålet *AB-P1* blev afsluttet 23.11.2026")
	contains(t, e.do("anna", "#slusen", "ny AB Cykle plan:1"), "Handleplansmålet *AB-P1* er afsluttet")
	contains(t, e.do("anna", "#slusen", "ret AB-2 plan:AB-P1"), "Handleplansmålet *AB-P1* er afsluttet")

	// Close the goals too, in English.
	out = e.do("anna", "#slusen", "plan close AB-P2 close-goals")
	contains(t, out, "Action-plan goal *AB-P2* is closed", "closed too: *AB-3*")
	if n := e.count(`SELECT count(*) FROM goals WHERE number = 3 AND status = 'closed' AND next_revision IS NULL`); n != 1 {
		t.Fatal("AB-3 not closed")
	}
	if n := e.count(`SELECT count(*) FROM audit_events WHERE action = 'plan.close' AND allowed`); n != 2 {
		t.Fatalf("plan.close events = %d, want 2", n)
	}

	// The borger's overview lists the plan goals, open and closed.
	e.do("anna", "#slusen", "plan AB Arbejde")
	out = e.do("anna", "#slusen", "AB")
	contains(t, out, "*AB-P3* Arbejde", "~AB-P1~ Klare al transport selv _(afsluttet 23.11.2026)_", "~AB-P2~ Bo i egen lejlighed _(afsluttet 23.11.2026)_")
	if strings.Index(out, "AB-P3") > strings.Index(out, "AB-P1") {
		t.Errorf("open plan goals come first:\n%s", out)
	}
	out = e.do("anna", "#slusen", "vis AB-3")
	contains(t, out, "Afsluttet af <@anna> 23.11.2026")
}

// A goal revised every day reads "hver dag", not "hver 1. dag", in the
// change and in the goal's facts (go-i18n's plural forms).
func TestEveryDayReadsNaturally(t *testing.T) {
	e := newEnv(t)
	e.setup()
	contains(t, e.do("anna", "#slusen", "ret AB-1 hver:1"), "Interval: før hver 42. dag, nu hver dag")
	contains(t, e.do("anna", "#slusen", "vis AB-1"), "revideres hver dag")
	contains(t, e.do("anna", "#slusen", "edit AB-1 every:2"), "before every day, now every 2 days")
}
