package store_test

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"smallgoals"
	"smallgoals/store"
	"smallgoals/store/storetest"
)

// The retention job's store part with the clock years ahead: every kind
// of data goes by its rule, what must stay stays, the run is audited and
// a second run does nothing.
func TestPurgeRetention(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	// Written in 2020, exported in 2021, the job run on 1 January 2031
	// keeping data 730 days and the audit log 1826: the cut-off for data
	// is 2029-01-02, for audit events early 2026.
	old := time.Date(2020, 2, 1, 10, 0, 0, 0, time.UTC)
	exported := time.Date(2021, 6, 1, 10, 0, 0, 0, time.UTC)
	recent := time.Date(2030, 6, 1, 10, 0, 0, 0, time.UTC)
	at := time.Date(2031, 1, 1, 3, 15, 0, 0, time.UTC)
	rules := smallgoals.Retention{Days: 730, AuditDays: 1826}

	type ids struct{ team, teamLong, ab, cd, ef, gh, ij int64 }
	var id ids
	goal := func(tx *store.Tx, citizen int64, title string, plan *int64, created time.Time) smallgoals.Goal {
		t.Helper()
		g := newGoal(citizen, title)
		g.PlanGoalID, g.CreatedAt = plan, created
		if err := tx.CreateGoal(ctx, &g); err != nil {
			t.Fatal(err)
		}
		return g
	}
	plan := func(tx *store.Tx, citizen int64, title string, created time.Time) *int64 {
		t.Helper()
		p := smallgoals.PlanGoal{CitizenID: citizen, Title: title, CreatedBy: "U1", CreatedAt: created}
		if err := tx.CreatePlanGoal(ctx, &p); err != nil {
			t.Fatal(err)
		}
		return &p.ID
	}
	closePlan := func(tx *store.Tx, citizen int64, id *int64, at time.Time) {
		t.Helper()
		ps, err := tx.ListPlanGoals(ctx, citizen)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			if p.ID == *id {
				p.ClosedAt, p.ClosedBy = &at, "U1"
				if err := tx.UpdatePlanGoal(ctx, p); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	revise := func(tx *store.Tx, g smallgoals.Goal, outcome string, written time.Time, reflection string) {
		t.Helper()
		r := smallgoals.Revision{GoalID: g.ID, Author: "U1", Day: written.Truncate(24 * time.Hour), WrittenAt: written,
			Outcome: outcome, Reflection: reflection}
		var next *time.Time
		if outcome != smallgoals.OutcomeClose {
			n := written.AddDate(0, 0, 42).Truncate(24 * time.Hour)
			r.NextRevision, next = &n, &n
		}
		if err := tx.CreateRevision(ctx, &r); err != nil {
			t.Fatal(err)
		}
		if err := tx.ReviseGoal(ctx, g.ID, next, nil); err != nil {
			t.Fatal(err)
		}
	}
	score := func(tx *store.Tx, g smallgoals.Goal, written time.Time, note string) {
		t.Helper()
		en := smallgoals.Entry{GoalID: g.ID, Kind: smallgoals.EntryScore, Author: "U1", Day: written.Truncate(24 * time.Hour),
			WrittenAt: written, StaffScore: ip(5), Note: note}
		if err := tx.CreateEntry(ctx, &en); err != nil {
			t.Fatal(err)
		}
	}
	within(t, e.db, func(tx *store.Tx) {
		a := mkTeam(t, tx, "CA")
		long := mkTeam(t, tx, "CLONG")
		long.RetentionDays = ip(36500)
		if err := tx.UpdateTeamSettings(ctx, long); err != nil {
			t.Fatal(err)
		}
		id.team, id.teamLong = a.ID, long.ID

		// AB: active, exported in 2021.
		ab := mkCitizen(t, tx, a.ID, "AB")
		id.ab = ab.ID
		kept := plan(tx, ab.ID, "Plan med mål", old)
		closePlan(tx, ab.ID, plan(tx, ab.ID, "Plan uden mål", old), old.AddDate(0, 1, 0)) // closed in 2020: goes
		plan(tx, ab.ID, "Åben plan uden mål", old)                                        // open: stays
		closePlan(tx, ab.ID, plan(tx, ab.ID, "Nylig lukket plan", old), recent)           // closed in 2030: stays
		ab5 := goal(tx, ab.ID, "Nylig lukket titel", nil, old)                            // closed with its plan goal in 2030: stays
		ab5.Status, ab5.NextRevision = smallgoals.GoalClosed, nil
		if err := tx.UpdateGoal(ctx, ab5); err != nil {
			t.Fatal(err)
		}
		if err := tx.CreateGoalChange(ctx, &smallgoals.GoalChange{GoalID: &ab5.ID, Author: "U1", At: recent,
			Field: smallgoals.ChangeStatus, Old: smallgoals.GoalActive, New: smallgoals.GoalClosed}); err != nil {
			t.Fatal(err)
		}
		ab1 := goal(tx, ab.ID, "Lukket titel", kept, old) // closed in 2020: goes whole
		score(tx, ab1, old, "Lukket note")
		revise(tx, ab1, smallgoals.OutcomeClose, old.AddDate(0, 1, 0), "Lukket refleksion")
		ab2 := goal(tx, ab.ID, "Åben titel", kept, old) // active: stays with its entries
		score(tx, ab2, old, "Åben note")
		revise(tx, ab2, smallgoals.OutcomeContinue, old.AddDate(0, 1, 0), "Åben refleksion")
		ab3 := goal(tx, ab.ID, "Ueksporteret titel", nil, old) // closed after the export: stays
		score(tx, ab3, old, "Eksporteret note")                // ... but this old entry goes
		revise(tx, ab3, smallgoals.OutcomeClose, exported.AddDate(0, 1, 0), "Ueksporteret refleksion")
		ab4 := goal(tx, ab.ID, "Nylig titel", nil, old) // closed in 2030: stays
		score(tx, ab4, old, "Gammel note")              // its old entry and revision go
		revise(tx, ab4, smallgoals.OutcomeContinue, old.AddDate(0, 1, 0), "Gammel refleksion")
		revise(tx, ab4, smallgoals.OutcomeClose, recent, "Nylig refleksion")
		if err := tx.MarkExported(ctx, ab.ID, exported); err != nil {
			t.Fatal(err)
		}

		// CD: discharged in 2021 after an export: goes whole.
		cd := mkCitizen(t, tx, a.ID, "CD")
		id.cd = cd.ID
		cdp := plan(tx, cd.ID, "Udskrevet plan", old)
		cd1 := goal(tx, cd.ID, "Udskrevet titel", cdp, old)
		score(tx, cd1, old, "Udskrevet note")
		revise(tx, cd1, smallgoals.OutcomeClose, old.AddDate(0, 1, 0), "Udskrevet refleksion")
		if err := tx.MarkExported(ctx, cd.ID, exported); err != nil {
			t.Fatal(err)
		}

		// EF: discharged in 2021, never exported: stays.
		ef := mkCitizen(t, tx, a.ID, "EF")
		id.ef = ef.ID
		ef1 := goal(tx, ef.ID, "Aldrig eksporteret", nil, old)
		score(tx, ef1, old, "Aldrig eksporteret note")
		revise(tx, ef1, smallgoals.OutcomeClose, old.AddDate(0, 1, 0), "Aldrig eksporteret refleksion")

		// GH: discharged in 2030: stays.
		gh := mkCitizen(t, tx, a.ID, "GH")
		id.gh = gh.ID
		if err := tx.MarkExported(ctx, gh.ID, exported); err != nil {
			t.Fatal(err)
		}

		// IJ: on a team keeping its data 100 years: everything stays.
		ij := mkCitizen(t, tx, long.ID, "IJ")
		id.ij = ij.ID
		ij1 := goal(tx, ij.ID, "Langt hold titel", nil, old)
		score(tx, ij1, old, "Langt hold note")
		revise(tx, ij1, smallgoals.OutcomeClose, old.AddDate(0, 1, 0), "Langt hold refleksion")
		if err := tx.MarkExported(ctx, ij.ID, exported); err != nil {
			t.Fatal(err)
		}
	})
	for _, q := range []string{
		`UPDATE citizens SET discharged_at = '2021-01-01' WHERE alias IN ('CD', 'EF')`,
		`UPDATE citizens SET discharged_at = '2030-06-01' WHERE alias = 'GH'`,
		// The audit log: old events of team A, of no team and of the
		// long-keeping team, and a recent one.
		`INSERT INTO audit_events (at, actor, action, team_id, citizen_id, ref, allowed)
		 VALUES ('2020-03-01', 'U1', 'goal.view', ` + itoa(id.team) + `, ` + itoa(id.ab) + `, 'AB-1', true),
		        ('2020-03-01', 'U1', 'goal.view', NULL, NULL, '', false),
		        ('2020-03-01', 'U1', 'goal.view', ` + itoa(id.teamLong) + `, ` + itoa(id.ij) + `, 'IJ-1', true),
		        ('2030-01-01', 'U1', 'goal.view', ` + itoa(id.team) + `, ` + itoa(id.ab) + `, 'AB-2', true)`,
		// Housekeeping: a delivery key and an outbox claim 60 and 2 days old.
		`INSERT INTO deliveries (key, at) VALUES ('view:old', '2030-11-02'), ('view:new', '2030-12-30')`,
		`INSERT INTO outbox (kind, key, status, claimed_at, lease_until, window_end, done_at)
		 VALUES ('digest', '1/2030-W44', 'sent', '2030-11-01', '2030-11-01', '2030-11-02', '2030-11-01'),
		        ('digest', '1/2030-W52', 'ambiguous', '2030-12-29', '2030-12-29', '2030-12-30', '2030-12-29')`,
		// App Home rows: U1 last opened it 122 days ago, U2 31 days ago.
		`INSERT INTO app_homes (user_id, opened_at) VALUES ('U1', '2030-09-01'), ('U2', '2030-12-01')`,
	} {
		if _, err := e.raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}

	p, err := e.db.Purge(ctx, at, rules)
	if err != nil {
		t.Fatal(err)
	}
	want := smallgoals.Purged{Citizens: 1, PlanGoals: 1, Goals: 1, Entries: 3, Revisions: 2, Kept: 3,
		AuditEvents: 2, Deliveries: 1, Outbox: 1, Homes: 1}
	if p != want {
		t.Errorf("purged %+v\nwant   %+v", p, want)
	}

	strs := func(field, q string) []string {
		s := storetest.Plaintexts(t, e.raw, field, q)
		slices.Sort(s)
		return s
	}
	wantStrs := func(what string, got []string, want ...string) {
		t.Helper()
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s left = %q\nwant %q", what, got, want)
		}
	}
	var homes []string
	rows, err := e.raw.Query(`SELECT user_id FROM app_homes`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			t.Fatal(err)
		}
		homes = append(homes, u)
	}
	rows.Close()
	wantStrs("App Homes", homes, "U2")
	wantStrs("citizens", aliases(t, e), "AB", "EF", "GH", "IJ")
	wantStrs("goal titles", strs("goals.title", `SELECT title, key_id FROM goals`),
		"Åben titel", "Ueksporteret titel", "Nylig titel", "Aldrig eksporteret", "Langt hold titel", "Nylig lukket titel")
	wantStrs("reflections", strs("revisions.reflection", `SELECT reflection, key_id FROM revisions`),
		"Åben refleksion", "Ueksporteret refleksion", "Nylig refleksion", "Aldrig eksporteret refleksion", "Langt hold refleksion")
	wantStrs("notes", strs("entries.note", `SELECT note, key_id FROM entries`),
		"Åben note", "Aldrig eksporteret note", "Langt hold note")
	wantStrs("plan titles", strs("plan_goals.title", `SELECT title, key_id FROM plan_goals`),
		"Plan med mål", "Åben plan uden mål", "Nylig lukket plan")

	// Audited: one purge event for AB, one erasure for CD (the alias, no
	// free text), and the audit log's own shortening.
	for _, c := range []struct {
		q string
		n int
	}{
		{`SELECT count(*) FROM audit_events WHERE actor = 'system' AND action = 'retention.purge' AND citizen_id = ` + itoa(id.ab) + ` AND ref = 'AB' AND at = '2031-01-01 03:15Z'`, 1},
		{`SELECT count(*) FROM audit_events WHERE actor = 'system' AND action = 'retention.erase' AND citizen_id = ` + itoa(id.cd) + ` AND team_id = ` + itoa(id.team) + ` AND ref = 'CD'`, 1},
		{`SELECT count(*) FROM audit_events WHERE actor = 'system' AND action = 'retention.audit' AND team_id IS NULL AND citizen_id IS NULL`, 1},
		{`SELECT count(*) FROM audit_events WHERE actor = 'system' AND action LIKE 'retention.%'`, 3},
		{`SELECT count(*) FROM audit_events WHERE actor = 'U1'`, 2},
		{`SELECT count(*) FROM audit_events WHERE actor = 'U1' AND (ref = 'AB-2' OR ref = 'IJ-1')`, 2},
		{`SELECT count(*) FROM deliveries WHERE key = 'view:new'`, 1},
		{`SELECT count(*) FROM outbox WHERE key = '1/2030-W52'`, 1},
		{`SELECT count(*) FROM deliveries`, 1},
		{`SELECT count(*) FROM outbox`, 1},
	} {
		if got := e.count(t, c.q); got != c.n {
			t.Errorf("%s = %d, want %d", c.q, got, c.n)
		}
	}

	// A second run finds nothing more.
	if p, err := e.db.Purge(ctx, at, rules); err != nil || p != (smallgoals.Purged{Kept: 3}) {
		t.Errorf("second run: %+v, %v", p, err)
	}
	if n := e.count(t, `SELECT count(*) FROM audit_events WHERE actor = 'system'`); n != 3 {
		t.Errorf("system events after the second run = %d, want 3", n)
	}

	// Keeping everything (0 days) deletes no data and no audit event;
	// housekeeping goes on.
	e.raw.Exec(`INSERT INTO deliveries (key, at) VALUES ('view:older', '2020-01-01')`)
	if p, err := e.db.Purge(ctx, at.AddDate(50, 0, 0), smallgoals.Retention{}); err != nil || p != (smallgoals.Purged{Deliveries: 2, Outbox: 1, Homes: 1}) {
		t.Errorf("keep everything: %+v, %v", p, err)
	}
}

// The audit log is still append-only for everyone else: a delete needs
// the retention's function, which deletes only events older than a year
// by the database's own clock, whatever it is asked.
func TestAuditPurgeGuard(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if _, err := e.raw.Exec(`INSERT INTO audit_events (at, actor, action, ref, allowed)
		VALUES (now() - interval '2 years', 'U1', 'goal.view', 'AB-1', true),
		       (now() - interval '2 days', 'U1', 'goal.view', 'AB-2', true)`); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	conn, err := e.raw.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	refused := func(q string) {
		t.Helper()
		if _, err := conn.ExecContext(ctx, q); pgCode(err) != "42501" {
			t.Errorf("%s: err = %v, want 42501", q, err)
		}
	}
	refused(`DELETE FROM audit_events`)
	refused(`DELETE FROM audit_events WHERE ref = 'AB-1'`)
	// Asked to keep less than a year, the function refuses.
	refused(`SELECT purge_audit_events(now(), 30, 0)`)
	// The setting the function uses opens no recent event.
	if _, err := conn.ExecContext(ctx, `SELECT set_config('smallgoals.audit_purge', 'on', false)`); err != nil {
		t.Fatal(err)
	}
	refused(`DELETE FROM audit_events WHERE ref = 'AB-2'`)
	refused(`UPDATE audit_events SET actor = 'U2'`)
	// Asked to delete everything up to ten years ahead, it deletes only
	// the event older than a year, and says so in the log.
	var n int
	if err := e.raw.QueryRow(`SELECT purge_audit_events(now() + interval '10 years', 365, 0)`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("purge_audit_events = %d, %v; want 1", n, err)
	}
	if got := e.count(t, `SELECT count(*) FROM audit_events WHERE ref = 'AB-2'`); got != 1 {
		t.Errorf("the recent event is gone")
	}
	if got := e.count(t, `SELECT count(*) FROM audit_events WHERE action = 'retention.audit'`); got != 1 {
		t.Errorf("the purge left %d events of its own, want 1", got)
	}
}

func itoa(i int64) string { return strconv.FormatInt(i, 10) }

func aliases(t *testing.T, e *env) []string {
	t.Helper()
	rows, err := e.raw.Query(`SELECT alias FROM citizens ORDER BY alias`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}
