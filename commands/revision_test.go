package commands_test

import (
	"context"
	"strings"
	"testing"

	"smallgoals"
	"smallgoals/commands"
	"smallgoals/store"
)

// A second revision of a goal on the same day is asked to be confirmed;
// a revision without the borger is marked wherever revisions show.
func TestRevisionConfirmAndTookPart(t *testing.T) {
	e := newEnv(t)
	e.setup()
	out := e.do("anna", "#slusen", "revider AB-1 +1 fortsættes borger:ja Gik godt")
	contains(t, out, "GAS +1")

	before := e.count(`SELECT count(*) FROM revisions`)
	out = e.do("anna", "#slusen", "revider AB-1 0 ændres borger:nej Nyt forsøg")
	contains(t, out, "*AB-1* er allerede revideret i dag", "bekræft")
	if n := e.count(`SELECT count(*) FROM revisions`); n != before {
		t.Fatalf("revisions = %d after a second one unconfirmed, want %d", n, before)
	}
	out = e.do("anna", "#slusen", "revider AB-1 0 ændres borger:nej Nyt forsøg bekræft")
	contains(t, out, "GAS 0", "ændres")
	if n := e.count(`SELECT count(*) FROM revisions WHERE gas_level = 0 AND citizen_took_part = false`); n != 1 {
		t.Fatalf("confirmed second revision rows = %d", n)
	}
	show := e.do("anna", "#slusen", "vis AB-1")
	contains(t, show, "uden borgeren", "Nyt forsøg", "borgeren deltog")
	lacks(t, show, "bekræft")

	// Typed without borger: it is saved, marked and the reply asks.
	e.now = e.now.AddDate(0, 0, 1)
	out = e.do("anna", "#slusen", "revider AB-1 +1 fortsættes Uden svar")
	contains(t, out, "GAS +1", "borger:ja")
	if n := e.count(`SELECT count(*) FROM revisions WHERE citizen_took_part IS NULL`); n != 1 {
		t.Fatalf("revisions without took part = %d", n)
	}
	contains(t, e.do("anna", "#slusen", "vis AB-1"), "ikke angivet, om borgeren deltog")

	lines, page := exportFiles(t, e)
	contains(t, strings.Join(lines, "\n"), "|ændres|uden borgeren|Nyt forsøg|", "|fortsættes|ikke angivet|Uden svar|", "|fortsættes|ja|Gik godt|")
	contains(t, page, "uden borgeren")

	// In the form the same: confirmation asked on the form.
	_, fields := e.h.Submit(context.Background(), commands.Request{UserID: "anna", ChannelID: "#slusen", Time: e.now},
		commands.Submission{Kind: commands.FormRevise, GoalID: goalID(t, e), Values: map[string]string{"gas": "+1", "outcome": "continue", "took_part": "yes"}})
	if !strings.Contains(fields["confirm"], "allerede revideret i dag") {
		t.Fatalf("form refusal = %v", fields)
	}
	_, fields = e.h.Submit(context.Background(), commands.Request{UserID: "anna", ChannelID: "#slusen", Time: e.now},
		commands.Submission{Kind: commands.FormRevise, GoalID: goalID(t, e), Values: map[string]string{"gas": "+1", "outcome": "continue"}})
	if !strings.Contains(fields["took_part"], "Deltog borgeren") {
		t.Fatalf("form without took part = %v", fields)
	}
	n := e.count(`SELECT count(*) FROM revisions`)
	_, fields = e.h.Submit(context.Background(), commands.Request{UserID: "anna", ChannelID: "#slusen", Time: e.now},
		commands.Submission{Kind: commands.FormRevise, GoalID: goalID(t, e), Values: map[string]string{"gas": "+1", "outcome": "continue", "took_part": "yes", "confirm": "yes"}})
	if fields != nil || e.count(`SELECT count(*) FROM revisions`) != n+1 {
		t.Fatalf("confirmed form: %v", fields)
	}
	d, err := e.h.Form(context.Background(), commands.Request{UserID: "anna", ChannelID: "#slusen", Time: e.now},
		commands.Modal{Kind: commands.FormRevise, GoalID: goalID(t, e)})
	if err != nil || !d.RevisedToday {
		t.Fatalf("form data: revised today %v, %v", d.RevisedToday, err)
	}
}

func goalID(t *testing.T, e *env) int64 {
	t.Helper()
	return int64(e.count(`SELECT id FROM goals WHERE number = 1`))
}

// A revisitation leaves the goal waiting for the municipality in the
// overview, frist, App Home, the digest and the status page until the
// next revision.
func TestRevisitationWaits(t *testing.T) {
	e := newEnv(t)
	e.setup()
	e.do("anna", "#slusen", "AB-1 5 Tur")
	e.do("anna", "#slusen", "revider AB-1 -1 revisitation borger:ja Ny handleplan")

	const waiting = "afventer kommunen"
	contains(t, e.do("anna", "#slusen", "AB"), waiting)
	contains(t, e.do("anna", "#slusen", "frist"), "Afventer kommunen (revisitation): AB-1 (man. 23. nov.)")
	home, _, err := e.h.Home(context.Background(), commands.Request{UserID: "anna", Time: e.now})
	if err != nil {
		t.Fatal(err)
	}
	contains(t, home.Text(), waiting)
	contains(t, statusPage(t, e), waiting)
	contains(t, digest(t, e), "Afventer kommunen", "AB-1", "uden borgeren")

	e.now = e.now.AddDate(0, 0, 1)
	e.do("anna", "#slusen", "revider AB-1 0 fortsættes borger:ja Kommunen har svaret")
	lacks(t, e.do("anna", "#slusen", "AB"), waiting)
	lacks(t, e.do("anna", "#slusen", "frist"), waiting)
}

// digest is #slusen's digest for the week that ends the day after now.
func digest(t *testing.T, e *env) string {
	t.Helper()
	e.do("anna", "#slusen", "revider AB-1 -1 revisitation borger:nej bekræft")
	var team smallgoals.Team
	err := e.db.InTx(context.Background(), func(tx *store.Tx) error {
		var err error
		team, err = tx.FindTeamByChannel(context.Background(), "#slusen")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	day := e.now.AddDate(0, 0, 1)
	dg, err := e.db.DigestOf(context.Background(), team.ID, day.AddDate(0, 0, -7), day.AddDate(0, 0, -1))
	if err != nil {
		t.Fatal(err)
	}
	return e.h.DigestMessage(team, dg, day, 48, true).Text()
}
