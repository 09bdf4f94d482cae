package commands

import (
	"context"
	"strings"
	"testing"
	"time"

	"smallgoals"
	"smallgoals/store/storetest"
)

// A rule of logging added in one place — here, for the test, "no note
// may say TEST" — refuses typed scores and form entries alike, and
// nothing is stored.
func TestScoreRuleInOnePlace(t *testing.T) {
	db, raw := storetest.Open(t)
	h, err := New(Config{Store: NewStore(db.InTx), Scores: db, Lang: "da", TZ: "Europe/Copenhagen"})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	do := func(text string) string {
		return h.Handle(context.Background(), Request{UserID: "anna", ChannelID: "#slusen", Text: text, Time: now}).Text()
	}
	for _, text := range []string{"team opret Slusen", "borger ny AB", "ny AB Tage bussen"} {
		do(text)
	}
	var goal int64
	raw.QueryRow(`SELECT id FROM goals`).Scan(&goal)

	saved := scoreRules
	t.Cleanup(func() { scoreRules = saved })
	scoreRules = append(append([]scoreRule(nil), saved...), func(c *call, in scoreInput, tg target, e *smallgoals.Entry) error {
		if strings.Contains(e.Note, "TEST") {
			return c.invalid("err.note_long", "Max", 0, "Len", len(e.Note)) // any refusal will do
		}
		return nil
	})
	typed := do("AB-1 5 Dette er en TEST")
	form, refusals := h.Submit(context.Background(), Request{UserID: "anna", ChannelID: "#slusen", Time: now, Modals: true},
		Submission{Kind: FormLog, GoalID: goal, Values: map[string]string{"score": "5", "note": "Også en TEST"}})
	if !strings.Contains(typed, "Noten er") && !strings.Contains(typed, "tegn") {
		t.Errorf("typed score not refused by the new rule: %s", typed)
	}
	if refusals["note"] == "" {
		t.Errorf("form entry not refused by the new rule: %v %s", refusals, form.Text())
	}
	var n int
	raw.QueryRow(`SELECT count(*) FROM entries`).Scan(&n)
	if n != 0 {
		t.Errorf("%d entries stored past the new rule", n)
	}
	// Without it, both are stored.
	scoreRules = saved
	do("AB-1 5 Dette er en TEST")
	h.Submit(context.Background(), Request{UserID: "anna", ChannelID: "#slusen", Time: now, Modals: true},
		Submission{Kind: FormLog, GoalID: goal, Values: map[string]string{"score": "5", "note": "Også en TEST"}})
	raw.QueryRow(`SELECT count(*) FROM entries`).Scan(&n)
	if n != 2 {
		t.Errorf("%d entries without the rule, want 2", n)
	}
}
