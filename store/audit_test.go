package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"smallgoals"
	"smallgoals/store"
	"smallgoals/store/storetest"
)

func TestAuditEvents(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	db := e.db
	ctx := context.Background()
	var team smallgoals.Team
	var c, d smallgoals.Citizen
	var g smallgoals.Goal
	within(t, db, func(tx *store.Tx) {
		team = mkTeam(t, tx, "C1")
		c = mkCitizen(t, tx, team.ID, "AB")
		d = mkCitizen(t, tx, team.ID, "CD")
		g = mkGoal(t, tx, c.ID, "G")
	})
	evs := []smallgoals.AuditEvent{
		{At: t0.Add(2 * time.Minute), Actor: "U1", Action: smallgoals.ActGoalView, TeamID: &team.ID, CitizenID: &c.ID, GoalID: &g.ID, Ref: "AB-1", Allowed: true},
		{At: t0, Actor: "U2", Action: smallgoals.ActCitizenView, TeamID: &team.ID, CitizenID: &c.ID, Ref: "AB", Allowed: false},
		{At: t0.Add(time.Minute), Actor: "U1", Action: smallgoals.ActCitizenView, CitizenID: &d.ID, Ref: "CD", Allowed: true},
		{At: t0.Add(2 * time.Minute), Actor: "U3", Action: smallgoals.ActEntryCreate, TeamID: &team.ID, CitizenID: &c.ID, GoalID: &g.ID, Ref: "AB-1", Allowed: true},
		{At: t0, Actor: "U1", Action: smallgoals.ActCitizenList, TeamID: &team.ID, Allowed: true},
	}
	within(t, db, func(tx *store.Tx) {
		for i := range evs {
			if err := tx.CreateAuditEvent(ctx, &evs[i]); err != nil {
				t.Fatal(err)
			}
			if evs[i].ID == 0 {
				t.Fatal("ID not set")
			}
		}
	})

	t.Run("by citizen, oldest first", func(t *testing.T) {
		within(t, db, func(tx *store.Tx) {
			got, err := tx.ListAuditEvents(ctx, c.ID, time.Time{}, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			want := []smallgoals.AuditEvent{evs[1], evs[0], evs[3]}
			if len(got) != len(want) {
				t.Fatalf("AuditEvents = %+v", got)
			}
			for i := range want {
				if s, w := fmtEvent(got[i]), fmtEvent(want[i]); s != w {
					t.Errorf("#%d = %s, want %s", i, s, w)
				}
			}
			got, err = tx.ListAuditEvents(ctx, d.ID, time.Time{}, time.Time{})
			if err != nil || len(got) != 1 || got[0].ID != evs[2].ID || got[0].TeamID != nil || got[0].GoalID != nil {
				t.Fatalf("ListAuditEvents(CD) = %+v, %v", got, err)
			}
			got, err = tx.ListAuditEvents(ctx, c.ID+d.ID+1000, time.Time{}, time.Time{})
			if err != nil || len(got) != 0 {
				t.Fatalf("ListAuditEvents(missing) = %+v, %v", got, err)
			}
		})
	})

	t.Run("ref longer than 40", func(t *testing.T) {
		err := attempt(db, func(tx *store.Tx) error {
			ev := smallgoals.AuditEvent{At: t0, Actor: "U1", Action: "x", Ref: strings.Repeat("A", 41), Allowed: true}
			return tx.CreateAuditEvent(ctx, &ev)
		})
		wantCode(t, err, smallgoals.EINTERNAL)
	})

	t.Run("append-only", func(t *testing.T) {
		for _, q := range []string{
			fmt.Sprintf(`UPDATE audit_events SET allowed = NOT allowed WHERE id = %d`, evs[0].ID),
			`UPDATE audit_events SET actor = 'someone'`,
			fmt.Sprintf(`DELETE FROM audit_events WHERE id = %d`, evs[0].ID),
			`DELETE FROM audit_events`,
			`TRUNCATE audit_events`,
		} {
			_, err := e.raw.Exec(q)
			if pgCode(err) != "42501" {
				t.Errorf("%s: err = %v, want 42501 from the trigger", q, err)
			}
		}
		var n int
		if err := e.raw.QueryRow(`SELECT count(*) FROM audit_events WHERE NOT allowed`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Fatalf("refused events = %d, want 1: the log changed", n)
		}
		within(t, db, func(tx *store.Tx) {
			if got, _ := tx.ListAuditEvents(ctx, c.ID, time.Time{}, time.Time{}); len(got) != 3 || got[0].Actor != "U2" {
				t.Fatalf("audit log changed: %+v", got)
			}
		})
	})

	t.Run("outlives the citizen", func(t *testing.T) {
		// No foreign keys: deleting the goal's citizen (an erasure) keeps
		// the events.
		if _, err := e.raw.Exec(`DELETE FROM citizens WHERE id = $1`, c.ID); err != nil {
			t.Fatal(err)
		}
		within(t, db, func(tx *store.Tx) {
			if got, _ := tx.ListAuditEvents(ctx, c.ID, time.Time{}, time.Time{}); len(got) != 3 {
				t.Fatalf("AuditEvents after the erasure = %d events, want 3", len(got))
			}
			_, err := tx.FindGoal(ctx, g.ID)
			wantCode(t, err, smallgoals.ENOTFOUND)
		})
	})
}

func fmtEvent(ev smallgoals.AuditEvent) string {
	p := func(v *int64) string {
		if v == nil {
			return "-"
		}
		return fmt.Sprint(*v)
	}
	return fmt.Sprintf("{%d %s %s %s team=%s citizen=%s goal=%s ref=%s %v}", ev.ID, ev.At.UTC().Format(time.RFC3339),
		ev.Actor, ev.Action, p(ev.TeamID), p(ev.CitizenID), p(ev.GoalID), ev.Ref, ev.Allowed)
}

// TestErrorsHoldNoValues: errors are logged, so they never carry values
// from rows (PostgreSQL's "Failing row contains (…)" and "Key (…)=(…)").
func TestErrorsHoldNoValues(t *testing.T) {
	t.Parallel()
	db, _ := storetest.Open(t)
	ctx := context.Background()
	var team smallgoals.Team
	var c smallgoals.Citizen
	within(t, db, func(tx *store.Tx) {
		team = mkTeam(t, tx, "CSECRET1")
		c = mkCitizen(t, tx, team.ID, "QXZ")
	})
	cases := []struct {
		name    string
		secrets []string
		code    string
		run     func(tx *store.Tx) error
	}{
		{"citizen alias_key CHECK", []string{"xyzzy"}, smallgoals.EINTERNAL, func(tx *store.Tx) error {
			ct := smallgoals.Citizen{TeamID: team.ID, Alias: "xyzzy", ContactUser: "USECRET2", CreatedAt: t0}
			return tx.CreateCitizen(ctx, &ct)
		}},
		{"citizen alias length CHECK", []string{"QWERTYUIOPASDFGHJK"}, smallgoals.EINTERNAL, func(tx *store.Tx) error {
			ct := smallgoals.Citizen{TeamID: team.ID, Alias: "QWERTYUIOPASDFGHJK", ContactUser: "USECRET2", CreatedAt: t0}
			return tx.CreateCitizen(ctx, &ct)
		}},
		{"citizen unique", []string{"QXZ", "USECRET3"}, smallgoals.ECONFLICT, func(tx *store.Tx) error {
			ct := smallgoals.Citizen{TeamID: team.ID, Alias: "QXZ", ContactUser: "USECRET3", CreatedAt: t0}
			return tx.CreateCitizen(ctx, &ct)
		}},
		{"citizen foreign key", []string{"987654321"}, smallgoals.EINTERNAL, func(tx *store.Tx) error {
			ct := smallgoals.Citizen{TeamID: 987654321, Alias: "AB", ContactUser: "U1", CreatedAt: t0}
			return tx.CreateCitizen(ctx, &ct)
		}},
		{"team unique", []string{"CSECRET1", "Hemmeligt navn"}, smallgoals.ECONFLICT, func(tx *store.Tx) error {
			tm := smallgoals.Team{ChannelID: "CSECRET1", Name: "Hemmeligt navn", Lang: "da", TZ: "UTC", CreatedBy: "U1", CreatedAt: t0}
			return tx.CreateTeam(ctx, &tm)
		}},
		{"goal CHECK", []string{"Hemmelig titel QZXSECRET"}, smallgoals.EINTERNAL, func(tx *store.Tx) error {
			g := newGoal(c.ID, "Hemmelig titel QZXSECRET")
			g.ScaleMin, g.ScaleMax = 1, 7
			return tx.CreateGoal(ctx, &g)
		}},
		{"entry CHECK", []string{"Hemmelig note QZXSECRET", "USECRET4"}, smallgoals.EINTERNAL, func(tx *store.Tx) error {
			g := mkGoal(t, tx, c.ID, "G")
			en := smallgoals.Entry{GoalID: g.ID, Kind: "score", Author: "USECRET4", Day: t0, WrittenAt: t0,
				StaffScore: ip(11), Note: "Hemmelig note QZXSECRET"}
			return tx.CreateEntry(ctx, &en)
		}},
		{"revision CHECK", []string{"Hemmelig refleksion"}, smallgoals.EINTERNAL, func(tx *store.Tx) error {
			g := mkGoal(t, tx, c.ID, "G")
			r := smallgoals.Revision{GoalID: g.ID, Author: "U1", Day: t0, WrittenAt: t0, Outcome: "close",
				Reflection: "Hemmelig refleksion", NextRevision: dayp("2025-05-01")}
			return tx.CreateRevision(ctx, &r)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := attempt(db, tc.run)
			wantCode(t, err, tc.code)
			texts := []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)}
			var se *smallgoals.Error
			if errors.As(err, &se) {
				texts = append(texts, fmt.Sprint(se.Data))
			}
			for _, s := range texts {
				for _, secret := range tc.secrets {
					if strings.Contains(s, secret) {
						t.Errorf("error text %q contains the value %q", s, secret)
					}
				}
				for _, bad := range []string{"Failing row", "Key (", "DETAIL", "Detail"} {
					if strings.Contains(s, bad) {
						t.Errorf("error text %q contains %q", s, bad)
					}
				}
			}
			if tc.code == smallgoals.EINTERNAL && !strings.Contains(err.Error(), "postgres error") {
				t.Errorf("error text %q does not name the postgres error", err.Error())
			}
			t.Logf("%s", err)
		})
	}
}
