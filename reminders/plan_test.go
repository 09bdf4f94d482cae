package reminders_test

import (
	"testing"
	"time"

	"smallgoals"
	"smallgoals/reminders"
)

// What is due, planned from the database's state and the clock alone
// (no PostgreSQL): across a DST change, a holiday and a weekend, with the
// contact person and the coordinators each getting one DM a day.
func TestPlanReminders(t *testing.T) {
	cal := reminders.NewCalendar()
	cph := smallgoals.Location("Europe/Copenhagen")
	team := smallgoals.Team{ID: 1, TZ: "Europe/Copenhagen", ReminderTime: "08:00"}
	goal := func(id int64, due, contact string) smallgoals.DueGoal {
		d := date(due)
		return smallgoals.DueGoal{Goal: smallgoals.Goal{ID: id, Number: int(id), NextRevision: &d}, Alias: "AB", TeamID: 1, ContactUser: contact}
	}
	coords := map[int64][]string{1: {"anna", "dora"}}
	cases := []struct {
		name   string
		day    string
		due    []smallgoals.DueGoal
		want   map[string]int // recipient -> goals in the DM
		window time.Time
	}{
		{"due on the Sunday clocks go forward: sent Monday", "2026-03-30", []smallgoals.DueGoal{goal(1, "2026-03-29", "carl")},
			map[string]int{"carl": 1, "anna": 1, "dora": 1}, time.Date(2026, 3, 31, 0, 0, 0, 0, cph)},
		{"7 days before, over the DST change", "2026-03-23", []smallgoals.DueGoal{goal(1, "2026-03-29", "carl")},
			map[string]int{"carl": 1, "anna": 1, "dora": 1}, time.Date(2026, 3, 24, 0, 0, 0, 0, cph)},
		{"due on Christmas Day: sent the next working day", "2026-12-28", []smallgoals.DueGoal{goal(1, "2026-12-25", "carl")},
			map[string]int{"carl": 1, "anna": 1, "dora": 1}, time.Date(2026, 12, 29, 0, 0, 0, 0, cph)},
		{"not on the holiday itself", "2026-12-25", []smallgoals.DueGoal{goal(1, "2026-12-25", "carl")}, map[string]int{}, time.Time{}},
		{"not on a Saturday", "2026-12-05", []smallgoals.DueGoal{goal(1, "2026-12-05", "carl")}, map[string]int{}, time.Time{}},
		{"a coordinator who is the contact gets one DM with both goals", "2026-12-02",
			[]smallgoals.DueGoal{goal(1, "2026-12-09", "anna"), goal(2, "2026-12-02", "carl"), goal(3, "2026-11-20", "carl")},
			map[string]int{"anna": 2, "dora": 2, "carl": 1}, time.Date(2026, 12, 3, 0, 0, 0, 0, cph)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			day := date(c.day)
			plan := reminders.PlanReminders([]smallgoals.Team{team}, map[int64]time.Time{1: day}, c.due, coords, cal)
			got := map[string]int{}
			for _, p := range plan {
				got[p.User] = len(p.Items)
				if p.Key() != p.User+"/"+c.day || !p.WindowEnd.Equal(c.window) {
					t.Errorf("%s: key %s, window %v; want %s/%s, %v", p.User, p.Key(), p.WindowEnd, p.User, c.day, c.window)
				}
			}
			if len(got) != len(c.want) {
				t.Fatalf("planned %v, want %v", got, c.want)
			}
			for u, n := range c.want {
				if got[u] != n {
					t.Errorf("%s: %d goals, want %d (plan %v)", u, got[u], n, got)
				}
			}
		})
	}
}

// The digests due, planned from the teams and the clock alone: a team's
// weekday and time in its zone, moved past a holiday, for the ISO week of
// the weekday it belongs to, before and after a DST change.
func TestPlanDigests(t *testing.T) {
	d := &reminders.Digester{Calendar: reminders.NewCalendar()}
	cph := smallgoals.Location("Europe/Copenhagen")
	team := smallgoals.Team{ID: 7, TZ: "Europe/Copenhagen", DigestWeekday: time.Monday, DigestTime: "09:00"}
	cases := []struct {
		at   time.Time
		want string // the key, "" for none
	}{
		{time.Date(2026, 12, 7, 8, 59, 0, 0, cph), ""},
		{time.Date(2026, 12, 7, 9, 0, 0, 0, cph), "7/2026-W50"},
		{time.Date(2026, 12, 7, 23, 59, 0, 0, cph), "7/2026-W50"},
		{time.Date(2026, 12, 8, 9, 0, 0, 0, cph), ""},
		{time.Date(2027, 3, 29, 9, 0, 0, 0, cph), ""},           // 2. påskedag
		{time.Date(2027, 3, 30, 9, 0, 0, 0, cph), "7/2027-W13"}, // the Tuesday after, for that week
		{time.Date(2026, 3, 30, 9, 0, 0, 0, cph), "7/2026-W14"}, // the Monday after clocks went forward
		{time.Date(2026, 3, 30, 7, 30, 0, 0, time.UTC), "7/2026-W14"},
	}
	for _, c := range cases {
		got := ""
		if plan := d.Plan([]smallgoals.Team{team}, c.at); len(plan) == 1 {
			got = plan[0].Key()
		}
		if got != c.want {
			t.Errorf("at %v: planned %q, want %q", c.at, got, c.want)
		}
	}
}
