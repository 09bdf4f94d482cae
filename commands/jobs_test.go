package commands_test

import (
	"strings"
	"testing"
	"time"

	"smallgoals"
	"smallgoals/commands"
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
