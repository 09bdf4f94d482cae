package commands_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"smallgoals"
	"smallgoals/commands"
	"smallgoals/store"
)

// The reminder DM lists the soonest revisions first, and refs naturally:
// AB-2 before AB-10 (as text, "AB-10" < "AB-2").
func TestReminderMessageOrder(t *testing.T) {
	e := newEnv(t)
	day := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	due := day.AddDate(0, 0, 7)
	later := day.AddDate(0, 0, 14)
	goal := func(alias string, n int, next time.Time) commands.ReminderGoal {
		return commands.ReminderGoal{DueGoal: smallgoals.DueGoal{Goal: smallgoals.Goal{ID: int64(n), Number: n, Title: "Mål", NextRevision: &next}, Alias: alias}, Team: "Slusen"}
	}
	r := e.h.ReminderMessage("da", day, []commands.ReminderGoal{goal("AB", 10, due), goal("CD", 1, later), goal("AB", 2, due)})
	text := r.Text()
	i2, i10, icd := strings.Index(text, "AB-2"), strings.Index(text, "AB-10"), strings.Index(text, "CD-1")
	if i2 < 0 || i10 < 0 || icd < 0 || !(i2 < i10 && i10 < icd) {
		t.Fatalf("order in the DM:\n%s", text)
	}
}

// The digest's GAS T-score weighs each goal by the borger's own weight
// (vægt:) and is shown only from two revised goals on; a borger with one
// revised goal gets none (its result is just that level).
func TestDigestTScoreWeightedFromTwoGoals(t *testing.T) {
	e := newEnv(t)
	e.setup() // AB-1
	e.do("anna", "#slusen", "ny AB Smøre madpakke")
	e.do("anna", "#slusen", "borger ny CD")
	e.do("anna", "#slusen", "ny CD Gå i bad selv")
	contains(t, e.do("anna", "#slusen", "ret AB-1 vægt:3"), "✅")
	for _, r := range []string{"revider AB-1 +2 fortsættes borger:ja", "revider AB-2 -2 fortsættes borger:ja", "revider CD-1 -1 fortsættes borger:ja"} {
		contains(t, e.do("anna", "#slusen", r), "✅")
	}
	var team smallgoals.Team
	if err := e.db.InTx(context.Background(), func(tx *store.Tx) (err error) {
		team, err = tx.FindTeamByChannel(context.Background(), "#slusen")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	monday := time.Date(2026, 11, 30, 9, 0, 0, 0, mustLoc("Europe/Copenhagen"))
	dg, err := e.db.DigestOf(context.Background(), team.ID, monday.AddDate(0, 0, -7), monday.AddDate(0, 0, -1))
	if err != nil {
		t.Fatal(err)
	}
	out := e.h.DigestMessage(team, dg, monday, 48, true).Text()
	// Unweighted, +2 and −2 give 50; weighted 3:1, 50 + 10·4/√(0.7·10 + 0.3·16) = 61.6.
	contains(t, out, "GAS T-score:* AB 61,6")
	lacks(t, out, "CD 40")
}
