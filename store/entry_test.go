package store_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"smallgoals"
	"smallgoals/store"
	"smallgoals/store/storetest"
)

type entryFixture struct {
	team smallgoals.Team
	c    smallgoals.Citizen
	g, h smallgoals.Goal
}

func entrySetup(t *testing.T, db *store.DB) entryFixture {
	t.Helper()
	var f entryFixture
	within(t, db, func(tx *store.Tx) {
		f.team = mkTeam(t, tx, "C1")
		f.c = mkCitizen(t, tx, f.team.ID, "AB")
		f.g = mkGoal(t, tx, f.c.ID, "G")
		f.h = mkGoal(t, tx, f.c.ID, "H")
	})
	return f
}

func TestEntries(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	db := e.db
	ctx := context.Background()
	f := entrySetup(t, db)

	var x, y smallgoals.Entry
	t.Run("create", func(t *testing.T) {
		within(t, db, func(tx *store.Tx) {
			x = smallgoals.Entry{GoalID: f.g.ID, Kind: smallgoals.EntryScore, Author: "U1", Day: day("2025-03-09"),
				WrittenAt: t0, StaffScore: ip(6), CitizenScore: ip(4), Note: "Gik en tur"}
			if err := tx.CreateEntry(ctx, &x); err != nil {
				t.Fatal(err)
			}
			if x.ID == 0 {
				t.Fatal("ID not set")
			}
			y = mkScore(t, tx, f.g.ID, "U2", "2025-03-10", t0.Add(time.Hour), 7, nil)
			es, err := tx.ListGoalEntries(ctx, f.g.ID, 10)
			if err != nil {
				t.Fatal(err)
			}
			if len(es) != 2 || es[0].ID != y.ID || es[1].ID != x.ID {
				t.Fatalf("GoalEntries = %+v, want y, x", es)
			}
			got := es[1]
			if got.GoalID != f.g.ID || got.Kind != "score" || got.Author != "U1" || !got.Day.Equal(day("2025-03-09")) ||
				!got.WrittenAt.Equal(t0) || intp(got.StaffScore) != "6" || intp(got.CitizenScore) != "4" ||
				got.Note != "Gik en tur" || got.Replaces != nil || got.Replaced {
				t.Fatalf("entry read back = %+v", got)
			}
			if es[0].CitizenScore != nil || es[0].Note != "" {
				t.Fatalf("entry without borger score or note = %+v", es[0])
			}
			if es, _ := tx.ListGoalEntries(ctx, f.h.ID, 10); len(es) != 0 {
				t.Fatalf("ListGoalEntries(other goal) = %+v", es)
			}
			if es, _ := tx.ListGoalEntries(ctx, f.g.ID, 1); len(es) != 1 || es[0].ID != y.ID {
				t.Fatalf("ListGoalEntries(limit 1) = %+v", es)
			}
		})
	})

	t.Run("undo marks the entry replaced", func(t *testing.T) {
		within(t, db, func(tx *store.Tx) {
			mkUndo(t, tx, x, "U1", t0.Add(2*time.Hour))
			es, err := tx.ListGoalEntries(ctx, f.g.ID, 10)
			if err != nil {
				t.Fatal(err)
			}
			// Score entries only: the undo row is not listed.
			if len(es) != 2 || es[0].ID != y.ID || es[0].Replaced || es[1].ID != x.ID || !es[1].Replaced {
				t.Fatalf("GoalEntries after undo = %+v", es)
			}
		})
	})

	t.Run("replacing twice", func(t *testing.T) {
		for _, kind := range []string{smallgoals.EntryUndo, smallgoals.EntryScore} {
			err := attempt(db, func(tx *store.Tx) error {
				r := smallgoals.Entry{GoalID: f.g.ID, Kind: kind, Author: "U1", Day: x.Day,
					WrittenAt: t0.Add(3 * time.Hour), Replaces: i64p(x.ID)}
				if kind == smallgoals.EntryScore {
					r.StaffScore = ip(5)
				}
				return tx.CreateEntry(ctx, &r)
			})
			wantCode(t, err, smallgoals.ECONFLICT)
		}
	})

	t.Run("a correction replaces and counts", func(t *testing.T) {
		within(t, db, func(tx *store.Tx) {
			r := smallgoals.Entry{GoalID: f.g.ID, Kind: smallgoals.EntryScore, Author: "U2", Day: y.Day,
				WrittenAt: t0.Add(4 * time.Hour), StaffScore: ip(8), Replaces: i64p(y.ID)}
			if err := tx.CreateEntry(ctx, &r); err != nil {
				t.Fatal(err)
			}
			es, _ := tx.ListGoalEntries(ctx, f.g.ID, 10)
			if len(es) != 3 || es[0].ID != r.ID || es[0].Replaced || *es[0].Replaces != y.ID ||
				es[1].ID != y.ID || !es[1].Replaced || es[2].ID != x.ID || !es[2].Replaced {
				t.Fatalf("GoalEntries after correction = %+v", es)
			}
		})
	})

	t.Run("UPDATE refused", func(t *testing.T) {
		for _, q := range []string{
			`UPDATE entries SET staff_score = 1 WHERE id = $1`,
			`UPDATE entries SET note = 'changed' WHERE id = $1`,
		} {
			_, err := e.raw.Exec(q, x.ID)
			if pgCode(err) != "42501" {
				t.Fatalf("%s: err = %v, want 42501 from the trigger", q, err)
			}
		}
		within(t, db, func(tx *store.Tx) {
			es, _ := tx.ListGoalEntries(ctx, f.g.ID, 10)
			last := es[len(es)-1]
			if last.ID != x.ID || intp(last.StaffScore) != "6" || last.Note != "Gik en tur" {
				t.Fatalf("entry changed: %+v", last)
			}
		})
	})

	t.Run("CHECKs", func(t *testing.T) {
		cases := []struct {
			name string
			e    smallgoals.Entry
			ok   bool
		}{
			{"score without staff score", smallgoals.Entry{Kind: "score"}, false},
			{"staff score 11", smallgoals.Entry{Kind: "score", StaffScore: ip(11)}, false},
			{"staff score -3", smallgoals.Entry{Kind: "score", StaffScore: ip(-3)}, false},
			{"citizen score 11", smallgoals.Entry{Kind: "score", StaffScore: ip(5), CitizenScore: ip(11)}, false},
			{"staff score 10", smallgoals.Entry{Kind: "score", StaffScore: ip(10)}, true},
			{"staff score -2", smallgoals.Entry{Kind: "score", StaffScore: ip(-2), CitizenScore: ip(-2)}, true},
			{"unknown kind", smallgoals.Entry{Kind: "note", StaffScore: ip(5)}, false},
			{"undo without replaces", smallgoals.Entry{Kind: "undo"}, false},
			{"undo with a staff score", smallgoals.Entry{Kind: "undo", StaffScore: ip(5), Replaces: i64p(y.ID)}, false},
			{"undo with a citizen score", smallgoals.Entry{Kind: "undo", CitizenScore: ip(5), Replaces: i64p(y.ID)}, false},
			{"replaces a missing entry", smallgoals.Entry{Kind: "undo", Replaces: i64p(987654)}, false},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				en := tc.e
				en.GoalID, en.Author, en.Day, en.WrittenAt = f.h.ID, "U1", day("2025-03-10"), t0
				err := attempt(db, func(tx *store.Tx) error { return tx.CreateEntry(ctx, &en) })
				if tc.ok {
					if err != nil {
						t.Fatal(err)
					}
					return
				}
				wantCode(t, err, smallgoals.EINTERNAL)
			})
		}
		within(t, db, func(tx *store.Tx) {
			if es, _ := tx.ListGoalEntries(ctx, f.h.ID, 10); len(es) != 2 {
				t.Fatalf("goal H has %d entries, want the 2 accepted", len(es))
			}
		})
		err := attempt(db, func(tx *store.Tx) error {
			en := smallgoals.Entry{GoalID: f.h.ID + 1000, Kind: "score", Author: "U1", Day: t0, WrittenAt: t0, StaffScore: ip(1)}
			return tx.CreateEntry(ctx, &en)
		})
		wantCode(t, err, smallgoals.EINTERNAL)
	})
}

func TestLatestOwnEntry(t *testing.T) {
	t.Parallel()
	db, _ := storetest.Open(t)
	ctx := context.Background()
	f := entrySetup(t, db)
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	ids := map[string]int64{}
	within(t, db, func(tx *store.Tx) {
		ids["g1"] = mkScore(t, tx, f.g.ID, "U1", "2025-03-10", at(0), 3, nil).ID
		ids["h1"] = mkScore(t, tx, f.h.ID, "U1", "2025-03-10", at(10), 4, nil).ID
		// Written later but about an earlier day: written_at decides.
		ids["g2"] = mkScore(t, tx, f.g.ID, "U1", "2025-03-01", at(20), 5, nil).ID
		ids["u2"] = mkScore(t, tx, f.g.ID, "U2", "2025-03-10", at(30), 6, nil).ID
		h2 := mkScore(t, tx, f.h.ID, "U1", "2025-03-10", at(40), 7, nil)
		ids["h2"] = h2.ID
		// U1 undoes h2: the undo is U1's latest entry but not a score, and
		// h2 no longer counts.
		mkUndo(t, tx, h2, "U1", at(50))
		// Same written_at: the higher id wins.
		ids["u3a"] = mkScore(t, tx, f.h.ID, "U3", "2025-03-10", at(60), 1, nil).ID
		ids["u3b"] = mkScore(t, tx, f.g.ID, "U3", "2025-03-10", at(60), 2, nil).ID
	})
	cases := []struct {
		name   string
		author string
		goal   int64
		since  time.Time
		want   string // key in ids, or "" for ENOTFOUND
	}{
		{"any goal", "U1", 0, at(0), "g2"},
		{"skips the replaced", "U1", f.h.ID, at(0), "h1"},
		{"by goal", "U1", f.g.ID, at(0), "g2"},
		{"since is inclusive", "U1", f.g.ID, at(20), "g2"},
		{"since excludes older", "U1", f.g.ID, at(21), ""},
		{"since excludes older, any goal", "U1", 0, at(11), "g2"},
		{"nothing since", "U1", 0, at(41), ""},
		{"other author", "U2", 0, at(0), "u2"},
		{"other author, other goal", "U2", f.h.ID, at(0), ""},
		{"tie on written_at", "U3", 0, at(0), "u3b"},
		{"unknown author", "U9", 0, at(-1000), ""},
		{"missing goal", "U1", f.g.ID + f.h.ID + 1000, at(0), ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			within(t, db, func(tx *store.Tx) {
				e, err := tx.FindLatestOwnEntry(ctx, tc.author, tc.goal, tc.since)
				if tc.want == "" {
					wantCode(t, err, smallgoals.ENOTFOUND)
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if e.ID != ids[tc.want] || e.Author != tc.author || e.Kind != "score" || e.Replaced {
					t.Fatalf("LatestOwnEntry = %+v, want %s (id %d)", e, tc.want, ids[tc.want])
				}
			})
		})
	}
}

// TestLatestOwnEntryLocks: two undos racing for the same entry. The second
// waits for the first's lock and then gets ECONFLICT from CreateEntry, not
// a second undo of the same entry.
func TestLatestOwnEntryLocks(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	f := entrySetup(t, e.db)
	var x smallgoals.Entry
	within(t, e.db, func(tx *store.Tx) {
		mkScore(t, tx, f.g.ID, "U1", "2025-03-10", t0, 3, nil)
		x = mkScore(t, tx, f.g.ID, "U1", "2025-03-10", t0.Add(time.Minute), 4, nil)
	})
	undoLatest := func(tx *store.Tx) error {
		l, err := tx.FindLatestOwnEntry(ctx, "U1", f.g.ID, t0)
		if err != nil {
			return err
		}
		if l.ID != x.ID {
			return fmt.Errorf("latest = %d, want %d", l.ID, x.ID)
		}
		u := smallgoals.Entry{GoalID: l.GoalID, Kind: smallgoals.EntryUndo, Author: "U1", Day: l.Day,
			WrittenAt: t0.Add(time.Hour), Replaces: i64p(l.ID)}
		return tx.CreateEntry(ctx, &u)
	}
	firstLocked := make(chan struct{})
	release := make(chan struct{})
	firstDone := make(chan error, 1)
	go func() {
		firstDone <- e.db.InTx(ctx, func(tx *store.Tx) error {
			err := undoLatest(tx)
			close(firstLocked)
			<-release
			return err
		})
	}()
	<-firstLocked
	secondDone := make(chan error, 1)
	go func() { secondDone <- e.db.InTx(ctx, undoLatest) }()
	// Wait until the second transaction waits for the lock.
	deadline := time.Now().Add(10 * time.Second)
	for {
		var n int
		err := e.raw.QueryRow(`SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			close(release)
			t.Fatal("the second LatestOwnEntry never waited for the first one's lock")
		}
		time.Sleep(10 * time.Millisecond)
	}
	close(release)
	if err := <-firstDone; err != nil {
		t.Fatalf("first undo: %v", err)
	}
	wantCode(t, <-secondDone, smallgoals.ECONFLICT)
	within(t, e.db, func(tx *store.Tx) {
		es, _ := tx.ListGoalEntries(ctx, f.g.ID, 10)
		if len(es) != 2 || es[0].ID != x.ID || !es[0].Replaced || es[1].Replaced {
			t.Fatalf("entries = %+v: want only x undone", es)
		}
	})
}

// TestLatestOwnEntryBigID: goal ids are bigserial, but "$2 = 0" makes
// PostgreSQL type the goal parameter as integer, so a goal id above
// 2^31-1 fails with 22003 (numeric_value_out_of_range).
func TestLatestOwnEntryBigID(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.raw.Exec(`SELECT setval('goals_id_seq', 3000000000)`); err != nil {
		t.Fatal(err)
	}
	f := entrySetup(t, e.db)
	var x smallgoals.Entry
	within(t, e.db, func(tx *store.Tx) { x = mkScore(t, tx, f.g.ID, "U1", "2025-03-10", t0, 3, nil) })
	within(t, e.db, func(tx *store.Tx) {
		got, err := tx.FindLatestOwnEntry(ctx, "U1", f.g.ID, t0)
		if err != nil || got.ID != x.ID {
			t.Fatalf("FindLatestOwnEntry(goal %d) = %+v, %v", f.g.ID, got, err)
		}
	})
}

func TestGoalOverviews(t *testing.T) {
	t.Parallel()
	db, _ := storetest.Open(t)
	ctx := context.Background()
	var c, other smallgoals.Citizen
	var g1, g2, g3, g4, closed smallgoals.Goal
	var plan smallgoals.PlanGoal
	w := t0
	next := func() time.Time { w = w.Add(time.Minute); return w }
	within(t, db, func(tx *store.Tx) {
		team := mkTeam(t, tx, "C1")
		c = mkCitizen(t, tx, team.ID, "AB")
		other = mkCitizen(t, tx, team.ID, "CD")
		plan = smallgoals.PlanGoal{CitizenID: c.ID, Title: "P", CreatedBy: "U1", CreatedAt: t0}
		if err := tx.CreatePlanGoal(ctx, &plan); err != nil {
			t.Fatal(err)
		}
		plan2 := smallgoals.PlanGoal{CitizenID: c.ID, Title: "P2", CreatedBy: "U1", CreatedAt: t0}
		if err := tx.CreatePlanGoal(ctx, &plan2); err != nil {
			t.Fatal(err)
		}

		// g1: a backdated entry, a replaced one, a same-day pair, and the
		// latest borger score on an entry before the latest (so not paired).
		g1 = mkGoal(t, tx, c.ID, "G1")
		mkScore(t, tx, g1.ID, "U1", "2025-03-01", next(), 2, ip(3))
		mkScore(t, tx, g1.ID, "U1", "2025-03-05", next(), 5, nil)
		mkScore(t, tx, g1.ID, "U1", "2025-03-03", next(), 4, ip(6)) // backdated
		r := mkScore(t, tx, g1.ID, "U1", "2025-03-07", next(), 9, ip(9))
		mkUndo(t, tx, r, "U1", next())
		mkScore(t, tx, g1.ID, "U2", "2025-03-06", next(), 6, nil)
		mkScore(t, tx, g1.ID, "U2", "2025-03-06", next(), 7, nil) // same day, later id

		// g2: no entries, with the second plan goal.
		g2 = smallgoals.Goal{CitizenID: c.ID, PlanGoalID: &plan2.ID, Title: "G2", ScaleMin: 0, ScaleMax: 10,
			CadenceDays: 42, NextRevision: dayp("2025-04-21"), CreatedBy: "U1", CreatedAt: t0}
		if err := tx.CreateGoal(ctx, &g2); err != nil {
			t.Fatal(err)
		}

		// closed: not shown.
		closed = mkGoal(t, tx, c.ID, "closed")
		mkScore(t, tx, closed.ID, "U1", "2025-03-01", next(), 1, nil)
		if err := tx.SetGoalRevision(ctx, closed.ID, nil); err != nil {
			t.Fatal(err)
		}

		// g3: ten entries on ten days written in a mixed order; the newest
		// entry's borger score is replaced (corrected without one).
		g3 = mkGoal(t, tx, c.ID, "G3")
		for _, d := range []int{5, 1, 10, 2, 9, 3, 8, 4, 7, 6} {
			e := mkScore(t, tx, g3.ID, "U1", fmt.Sprintf("2025-02-%02d", d), next(), d, ip(10-d))
			if d == 10 {
				c := smallgoals.Entry{GoalID: g3.ID, Kind: smallgoals.EntryScore, Author: "U1", Day: e.Day,
					WrittenAt: next(), StaffScore: ip(10), Replaces: i64p(e.ID)}
				if err := tx.CreateEntry(ctx, &c); err != nil {
					t.Fatal(err)
				}
			}
		}

		// g4: only entry undone.
		g4 = smallgoals.Goal{CitizenID: c.ID, PlanGoalID: &plan.ID, Title: "G4", ScaleMin: 1, ScaleMax: 10,
			CadenceDays: 42, NextRevision: dayp("2025-04-21"), CreatedBy: "U1", CreatedAt: t0}
		if err := tx.CreateGoal(ctx, &g4); err != nil {
			t.Fatal(err)
		}
		mkUndo(t, tx, mkScore(t, tx, g4.ID, "U1", "2025-03-01", next(), 3, ip(3)), "U1", next())

		og := mkGoal(t, tx, other.ID, "other")
		mkScore(t, tx, og.ID, "U1", "2025-03-09", next(), 1, ip(1))
	})

	type want struct {
		id          int64
		number      int
		plan        string
		lastDay     string
		lastStaff   string
		lastCitizen string
		earlier     string // the borger's latest, from an earlier entry, and its day
		recent      []int
		count       int
	}
	wants := []want{
		// The latest entry (7) has no borger score: the 6 of an earlier entry
		// is apart with its day, never paired with the 7 (issue 14, defect 5).
		{g1.ID, 1, "<nil>", "2025-03-06", "7", "<nil>", "6 2025-03-03", []int{2, 4, 5, 6, 7}, 5},
		{g2.ID, 2, "2", "<nil>", "<nil>", "<nil>", "<nil> <nil>", nil, 0},
		// The correction has no borger score: the pair is its own, and the
		// borger's 1 of 2025-02-09 is apart.
		{g3.ID, 4, "<nil>", "2025-02-10", "10", "<nil>", "1 2025-02-09", []int{3, 4, 5, 6, 7, 8, 9, 10}, 10},
		{g4.ID, 5, "1", "<nil>", "<nil>", "<nil>", "<nil> <nil>", nil, 0},
	}
	within(t, db, func(tx *store.Tx) {
		ov, err := tx.ListGoalOverviews(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(ov) != len(wants) {
			t.Fatalf("GoalOverviews = %d goals, want %d (only the active ones)", len(ov), len(wants))
		}
		for i, w := range wants {
			o := ov[i]
			got := want{o.ID, o.Number, intp(o.PlanNumber), ymdp(o.LastDay), intp(o.LastStaff), intp(o.LastCitizen),
				intp(o.EarlierCitizen) + " " + ymdp(o.EarlierCitizenDay), o.Recent, o.EntryCount}
			if !reflect.DeepEqual(got, w) {
				t.Errorf("overview #%d (%s) =\n  %+v\nwant\n  %+v", i, o.Title, got, w)
			}
			if o.Status != smallgoals.GoalActive || o.CitizenID != c.ID {
				t.Errorf("overview #%d goal = %+v", i, o.Goal)
			}
		}
		none, err := tx.ListGoalOverviews(ctx, c.ID+other.ID+1000)
		if err != nil || len(none) != 0 {
			t.Fatalf("ListGoalOverviews(missing) = %+v, %v", none, err)
		}
	})
}

// An entry replaces only an entry of its own goal.
func TestReplacesSameGoal(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	db := e.db
	var a, b smallgoals.Entry
	err := db.InTx(ctx, func(tx *store.Tx) error {
		team := smallgoals.Team{ChannelID: "#r", Name: "R", Lang: "da", TZ: "UTC", CreatedBy: "u", CreatedAt: time.Now()}
		if err := tx.CreateTeam(ctx, &team); err != nil {
			return err
		}
		c := smallgoals.Citizen{TeamID: team.ID, Alias: "AB", ContactUser: "u", CreatedAt: time.Now()}
		if err := tx.CreateCitizen(ctx, &c); err != nil {
			return err
		}
		day := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
		var goals [2]smallgoals.Goal
		for i := range goals {
			goals[i] = smallgoals.Goal{CitizenID: c.ID, Title: "G", ScaleMin: 1, ScaleMax: 10, CadenceDays: 42, NextRevision: &day, CreatedBy: "u", CreatedAt: time.Now()}
			if err := tx.CreateGoal(ctx, &goals[i]); err != nil {
				return err
			}
		}
		five := 5
		a = smallgoals.Entry{GoalID: goals[0].ID, Kind: smallgoals.EntryScore, Author: "u", Day: day, WrittenAt: time.Now(), StaffScore: &five}
		if err := tx.CreateEntry(ctx, &a); err != nil {
			return err
		}
		b = smallgoals.Entry{GoalID: goals[1].ID, Kind: smallgoals.EntryUndo, Author: "u", Day: day, WrittenAt: time.Now(), Replaces: &a.ID}
		return tx.CreateEntry(ctx, &b)
	})
	if err == nil {
		t.Fatal("an undo on another goal was stored")
	}
	if strings.Contains(err.Error(), "Failing row") {
		t.Errorf("the error holds row values: %v", err)
	}
}
