package commands_test

import (
	"context"
	"strings"
	"testing"

	"smallgoals"
	"smallgoals/commands"
	"smallgoals/store"
)

// Issue 14, defect 5: a staff score and a borger score are shown as a
// pair only when they are one entry's own. When the latest entry has no
// borger score, the borger's latest is shown apart, with its day; undone
// entries count nowhere.
func TestScorePairsAreOneEntrysOwn(t *testing.T) {
	e := newEnv(t)
	e.setup() // AB-1, contact person anna
	monday := e.now
	e.now = monday.AddDate(0, 0, -3) // 2026-11-20
	e.do("anna", "#slusen", "AB-1 4 b:8 Første tur")
	e.now = monday.AddDate(0, 0, -1) // 2026-11-22
	e.do("anna", "#slusen", "AB-1 6 Anden tur")
	e.now = monday

	const earlier = "personale 6 (i går, uden borgerens score) · borgerens seneste 8 (20.11.2026)"
	overview := e.do("anna", "#slusen", "AB")
	contains(t, overview, earlier)
	lacks(t, overview, "personale 6 · borger 8")

	home, _, err := e.h.Home(context.Background(), commands.Request{UserID: "anna", Time: e.now})
	if err != nil {
		t.Fatal(err)
	}
	contains(t, home.Text(), earlier)
	lacks(t, home.Text(), "personale 6 · borger 8")

	show := e.do("anna", "#slusen", "vis AB-1")
	contains(t, show, "22.11.2026 · personale 6 · <@anna>", "20.11.2026 · personale 4 · borger 8 · <@anna>")
	lacks(t, show, "personale 6 · borger 8")

	page := statusPage(t, e)
	if !strings.Contains(page, "personale 6 · borger – (seneste 8 den 20.11.2026)") {
		t.Errorf("status page does not show the 6 without a borger score and the borger's 8 of 20.11.2026 apart:\n%s", goalRow(page))
	}

	// An undone entry counts nowhere: neither its pair nor its borger score.
	e.do("anna", "#slusen", "AB-1 3 b:9 Forkert mål")
	contains(t, e.do("anna", "#slusen", "fortryd AB-1"), "personale 3 · borger 9")
	overview = e.do("anna", "#slusen", "AB")
	contains(t, overview, earlier)
	lacks(t, overview, "borger 9", "personale 3")

	// Undoing the latest entry makes the one before it the latest, with
	// its own pair.
	contains(t, e.do("anna", "#slusen", "AB-1 5 Tredje tur"), "5")
	e.do("anna", "#slusen", "fortryd AB-1")
	e.do("anna", "#slusen", "AB-1 7 b:7 Fjerde tur")
	overview = e.do("anna", "#slusen", "AB")
	contains(t, overview, "personale 7 · borger 7 (i dag)")
	lacks(t, overview, "uden borgerens score")
	if page := statusPage(t, e); !strings.Contains(page, "personale 7 · borger 7") {
		t.Errorf("status page does not show the latest entry's own pair 7 and 7:\n%s", goalRow(page))
	}

	// In English.
	e.do("anna", "#slusen", "AB-1 2 Femte tur")
	e.do("anna", "#slusen", "lang en")
	contains(t, e.do("anna", "#slusen", "AB"),
		"staff 2 (today, no citizen score) · the citizen's latest 7 (today)")
	if page := statusPage(t, e); !strings.Contains(page, "staff 2 · citizen – (latest 7 on 23 Nov 2026)") {
		t.Errorf("English status page does not show the borger's 7 apart:\n%s", goalRow(page))
	}
}

// The digest's gap between borger and staff is one entry's own pair, and
// an undone entry's gap is not listed.
func TestDigestGapIsOneEntrysPair(t *testing.T) {
	e := newEnv(t)
	monday := e.now
	e.now = monday.AddDate(0, 0, -10) // the goal is older than the week
	e.setup()
	e.now = monday.AddDate(0, 0, -5) // 2026-11-18, in the week before monday
	e.do("anna", "#slusen", "AB-1 5 b:9 Første tur")
	e.now = monday.AddDate(0, 0, -4)
	e.do("anna", "#slusen", "AB-1 1 b:9 Forkert")
	e.do("anna", "#slusen", "fortryd AB-1")
	e.now = monday.AddDate(0, 0, -3)
	e.do("anna", "#slusen", "AB-1 2 Anden tur")
	e.now = monday

	var team smallgoals.Team
	err := e.db.InTx(context.Background(), func(tx *store.Tx) error {
		var err error
		team, err = tx.FindTeamByChannel(context.Background(), "#slusen")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	dg, err := e.db.DigestOf(context.Background(), team.ID, monday.AddDate(0, 0, -7), monday.AddDate(0, 0, -1))
	if err != nil {
		t.Fatal(err)
	}
	out := e.h.DigestMessage(team, dg, monday, 48, true).Text()
	contains(t, out, "AB-1 (personale 5 · borger 9)")
	lacks(t, out, "personale 2", "personale 1")
}

// statusPage exports AB and returns the status page.
func statusPage(t *testing.T, e *env) string {
	t.Helper()
	r := e.h.Handle(context.Background(), commands.Request{UserID: "anna", ChannelID: "#slusen", Text: "eksport AB", Time: e.now})
	if len(r.Files) != 2 {
		t.Fatalf("export sent %d files: %s", len(r.Files), r.Text())
	}
	return pdfText(t, r.Files[1].Data)
}

// goalRow is the status report's text from AB-1 on, for a failure message.
func goalRow(page string) string {
	if i := strings.Index(page, "AB-1 "); i >= 0 {
		return page[i:]
	}
	return page
}
