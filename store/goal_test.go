package store_test

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"sync"
	"testing"
	"time"

	"smallgoals"
	"smallgoals/store"
	"smallgoals/store/storetest"
)

func TestNumbering(t *testing.T) {
	t.Parallel()
	db, _ := storetest.Open(t)
	ctx := context.Background()
	var ab, cd smallgoals.Citizen
	within(t, db, func(tx *store.Tx) {
		team := mkTeam(t, tx, "C1")
		ab = mkCitizen(t, tx, team.ID, "AB")
		cd = mkCitizen(t, tx, team.ID, "CD")
	})
	mkPlan := func(tx *store.Tx, c smallgoals.Citizen) smallgoals.PlanGoal {
		p := smallgoals.PlanGoal{CitizenID: c.ID, Title: "Plan", CreatedBy: "U1", CreatedAt: t0}
		if err := tx.CreatePlanGoal(ctx, &p); err != nil {
			t.Fatal(err)
		}
		if p.ID == 0 {
			t.Fatal("plan goal ID not set")
		}
		return p
	}
	// Interleaved, each in its own transaction: per citizen, and plan goals
	// apart from goals, each counts 1, 2, 3.
	type step struct {
		plan    bool
		citizen *smallgoals.Citizen
		want    int
	}
	steps := []step{
		{false, &ab, 1}, {true, &ab, 1}, {false, &cd, 1}, {false, &ab, 2}, {true, &cd, 1},
		{true, &ab, 2}, {false, &ab, 3}, {false, &cd, 2}, {true, &ab, 3}, {false, &cd, 3},
	}
	for i, s := range steps {
		within(t, db, func(tx *store.Tx) {
			var got int
			if s.plan {
				got = mkPlan(tx, *s.citizen).Number
			} else {
				got = mkGoal(t, tx, s.citizen.ID, fmt.Sprint("goal ", i)).Number
			}
			if got != s.want {
				t.Fatalf("step %d (plan %v, %s): number %d, want %d", i, s.plan, s.citizen.Alias, got, s.want)
			}
		})
	}

	t.Run("a rolled back goal does not use up its number", func(t *testing.T) {
		attempt(db, func(tx *store.Tx) error {
			mkGoal(t, tx, ab.ID, "rolled back")
			return fmt.Errorf("no")
		})
		within(t, db, func(tx *store.Tx) {
			if g := mkGoal(t, tx, ab.ID, "four"); g.Number != 4 {
				t.Fatalf("number after a rollback = %d, want 4", g.Number)
			}
		})
	})

	t.Run("lists and lookups", func(t *testing.T) {
		within(t, db, func(tx *store.Tx) {
			ps, err := tx.ListPlanGoals(ctx, ab.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(ps) != 3 || ps[0].Number != 1 || ps[1].Number != 2 || ps[2].Number != 3 {
				t.Fatalf("ListPlanGoals = %+v", ps)
			}
			for _, p := range ps {
				if p.CitizenID != ab.ID || p.Title != "Plan" || p.CreatedBy != "U1" || !p.CreatedAt.Equal(t0) {
					t.Fatalf("plan goal = %+v", p)
				}
			}
			p2, err := tx.FindPlanGoal(ctx, ab.ID, 2)
			if err != nil || p2.ID != ps[1].ID {
				t.Fatalf("FindPlanGoal(AB, 2) = %+v, %v", p2, err)
			}
			_, err = tx.FindPlanGoal(ctx, ab.ID, 4)
			wantCode(t, err, smallgoals.ENOTFOUND)
			_, err = tx.FindPlanGoal(ctx, cd.ID, 2)
			wantCode(t, err, smallgoals.ENOTFOUND)
			none, err := tx.ListPlanGoals(ctx, cd.ID+ab.ID+1000)
			if err != nil || len(none) != 0 {
				t.Fatalf("ListPlanGoals(missing) = %+v, %v", none, err)
			}
			_, err = tx.FindGoalByNumber(ctx, cd.ID, 4)
			wantCode(t, err, smallgoals.ENOTFOUND)
		})
	})

	t.Run("of a missing citizen", func(t *testing.T) {
		missing := ab.ID + cd.ID + 1000
		err := attempt(db, func(tx *store.Tx) error {
			p := smallgoals.PlanGoal{CitizenID: missing, Title: "P", CreatedBy: "U1", CreatedAt: t0}
			return tx.CreatePlanGoal(ctx, &p)
		})
		wantCode(t, err, smallgoals.ENOTFOUND)
		err = attempt(db, func(tx *store.Tx) error {
			g := newGoal(missing, "G")
			return tx.CreateGoal(ctx, &g)
		})
		wantCode(t, err, smallgoals.ENOTFOUND)
	})
}

func TestCreateGoalConcurrent(t *testing.T) {
	t.Parallel()
	db, _ := storetest.Open(t)
	ctx := context.Background()
	var c smallgoals.Citizen
	within(t, db, func(tx *store.Tx) { c = mkCitizen(t, tx, mkTeam(t, tx, "C1").ID, "AB") })

	const n = 5
	nums := make([]int, n)
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = db.InTx(ctx, func(tx *store.Tx) error {
				g := newGoal(c.ID, fmt.Sprint("goal ", i))
				if err := tx.CreateGoal(ctx, &g); err != nil {
					return err
				}
				nums[i] = g.Number
				time.Sleep(20 * time.Millisecond) // hold the counter a while
				return nil
			})
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("goroutine %d: %v (code %s)", i, err, smallgoals.ErrorCode(err))
		}
	}
	sort.Ints(nums)
	if !reflect.DeepEqual(nums, []int{1, 2, 3, 4, 5}) {
		t.Fatalf("numbers = %v, want 1..5", nums)
	}
	within(t, db, func(tx *store.Tx) {
		for i := 1; i <= n; i++ {
			if _, err := tx.FindGoalByNumber(ctx, c.ID, i); err != nil {
				t.Fatalf("FindGoalByNumber(%d): %v", i, err)
			}
		}
	})
}

func TestGoalFields(t *testing.T) {
	t.Parallel()
	db, _ := storetest.Open(t)
	ctx := context.Background()
	within(t, db, func(tx *store.Tx) {
		c := mkCitizen(t, tx, mkTeam(t, tx, "C1").ID, "AB")
		mkGoal(t, tx, c.ID, "no plan")
		p := smallgoals.PlanGoal{CitizenID: c.ID, Title: "Plan", CreatedBy: "U1", CreatedAt: t0}
		if err := tx.CreatePlanGoal(ctx, &p); err != nil {
			t.Fatal(err)
		}
		p2 := smallgoals.PlanGoal{CitizenID: c.ID, Title: "Plan 2", CreatedBy: "U1", CreatedAt: t0}
		if err := tx.CreatePlanGoal(ctx, &p2); err != nil {
			t.Fatal(err)
		}
		g := smallgoals.Goal{CitizenID: c.ID, PlanGoalID: &p2.ID, Title: "Gå en tur", ScaleMin: -2, ScaleMax: 2,
			Target: ip(1), CadenceDays: 28, NextRevision: dayp("2025-04-07"), CreatedBy: "U2", CreatedAt: t0}
		if err := tx.CreateGoal(ctx, &g); err != nil {
			t.Fatal(err)
		}
		if g.ID == 0 || g.Number != 2 || g.Status != smallgoals.GoalActive {
			t.Fatalf("created goal = %+v", g)
		}
		for _, get := range []func() (smallgoals.Goal, error){
			func() (smallgoals.Goal, error) { return tx.FindGoalByNumber(ctx, c.ID, 2) },
			func() (smallgoals.Goal, error) { return tx.FindGoal(ctx, g.ID) },
		} {
			got, err := get()
			if err != nil {
				t.Fatal(err)
			}
			if got.ID != g.ID || got.CitizenID != c.ID || got.Number != 2 || got.PlanGoalID == nil ||
				*got.PlanGoalID != p2.ID || got.PlanNumber == nil || *got.PlanNumber != 2 ||
				got.Title != "Gå en tur" || got.ScaleMin != -2 || got.ScaleMax != 2 || intp(got.Target) != "1" ||
				got.CadenceDays != 28 || ymdp(got.NextRevision) != "2025-04-07" || got.Status != "active" ||
				got.CreatedBy != "U2" || !got.CreatedAt.Equal(t0) {
				t.Fatalf("goal = %+v (plan %s, next %s)", got, intp(got.PlanNumber), ymdp(got.NextRevision))
			}
		}
		g1, err := tx.FindGoalByNumber(ctx, c.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		if g1.PlanGoalID != nil || g1.PlanNumber != nil || g1.Target != nil {
			t.Fatalf("goal without plan or target = %+v", g1)
		}
		_, err = tx.FindGoal(ctx, g.ID+1000)
		wantCode(t, err, smallgoals.ENOTFOUND)
	})
}

func TestGoalChecks(t *testing.T) {
	t.Parallel()
	db, _ := storetest.Open(t)
	ctx := context.Background()
	var c smallgoals.Citizen
	within(t, db, func(tx *store.Tx) { c = mkCitizen(t, tx, mkTeam(t, tx, "C1").ID, "AB") })
	cases := []struct {
		name string
		edit func(g *smallgoals.Goal)
		ok   bool
	}{
		{"scale 1-10", func(g *smallgoals.Goal) {}, true},
		{"scale 0-10", func(g *smallgoals.Goal) { g.ScaleMin, g.ScaleMax = 0, 10 }, true},
		{"scale 1-5", func(g *smallgoals.Goal) { g.ScaleMin, g.ScaleMax = 1, 5 }, true},
		{"scale GAS", func(g *smallgoals.Goal) { g.ScaleMin, g.ScaleMax = -2, 2 }, true},
		{"scale 1-7", func(g *smallgoals.Goal) { g.ScaleMin, g.ScaleMax = 1, 7 }, false},
		{"scale 0-5", func(g *smallgoals.Goal) { g.ScaleMin, g.ScaleMax = 0, 5 }, false},
		{"scale 10-1", func(g *smallgoals.Goal) { g.ScaleMin, g.ScaleMax = 10, 1 }, false},
		{"target at min", func(g *smallgoals.Goal) { g.Target = ip(1) }, true},
		{"target at max", func(g *smallgoals.Goal) { g.Target = ip(10) }, true},
		{"target below", func(g *smallgoals.Goal) { g.Target = ip(0) }, false},
		{"target above", func(g *smallgoals.Goal) { g.Target = ip(11) }, false},
		{"target above 1-5", func(g *smallgoals.Goal) { g.ScaleMin, g.ScaleMax, g.Target = 1, 5, ip(6) }, false},
		{"target below GAS", func(g *smallgoals.Goal) { g.ScaleMin, g.ScaleMax, g.Target = -2, 2, ip(-3) }, false},
		{"active without next revision", func(g *smallgoals.Goal) { g.NextRevision = nil }, false},
		{"cadence 0", func(g *smallgoals.Goal) { g.CadenceDays = 0 }, false},
		{"cadence 365", func(g *smallgoals.Goal) { g.CadenceDays = 365 }, true},
		{"cadence 366", func(g *smallgoals.Goal) { g.CadenceDays = 366 }, false},
		{"missing plan goal", func(g *smallgoals.Goal) { g.PlanGoalID = i64p(987654) }, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := newGoal(c.ID, tc.name)
			tc.edit(&g)
			err := attempt(db, func(tx *store.Tx) error { return tx.CreateGoal(ctx, &g) })
			if tc.ok {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantCode(t, err, smallgoals.EINTERNAL)
		})
	}
	// Only the accepted ones were stored, numbered without gaps.
	within(t, db, func(tx *store.Tx) {
		ov, err := tx.ListGoalOverviews(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var titles []string
		for i, o := range ov {
			if o.Number != i+1 {
				t.Errorf("goal %q number %d, want %d", o.Title, o.Number, i+1)
			}
			titles = append(titles, o.Title)
		}
		want := []string{"scale 1-10", "scale 0-10", "scale 1-5", "scale GAS", "target at min", "target at max", "cadence 365"}
		if !reflect.DeepEqual(titles, want) {
			t.Fatalf("stored goals = %q, want %q", titles, want)
		}
	})
}

func TestSetGoalRevision(t *testing.T) {
	t.Parallel()
	db, _ := storetest.Open(t)
	ctx := context.Background()
	var g smallgoals.Goal
	within(t, db, func(tx *store.Tx) { g = mkGoal(t, tx, mkCitizen(t, tx, mkTeam(t, tx, "C1").ID, "AB").ID, "G") })
	steps := []struct {
		next       *time.Time
		wantStatus string
		wantNext   string
	}{
		{dayp("2025-05-01"), smallgoals.GoalActive, "2025-05-01"},
		{nil, smallgoals.GoalClosed, "<nil>"},
		{dayp("2025-06-12"), smallgoals.GoalActive, "2025-06-12"}, // reopened
	}
	for i, s := range steps {
		within(t, db, func(tx *store.Tx) {
			if err := tx.SetGoalRevision(ctx, g.ID, s.next); err != nil {
				t.Fatal(err)
			}
		})
		within(t, db, func(tx *store.Tx) {
			got, err := tx.FindGoal(ctx, g.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != s.wantStatus || ymdp(got.NextRevision) != s.wantNext {
				t.Fatalf("step %d: status %s next %s, want %s %s", i, got.Status, ymdp(got.NextRevision), s.wantStatus, s.wantNext)
			}
		})
	}
	// A civil date in another zone keeps its date.
	cph, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		t.Skip(err)
	}
	next := time.Date(2025, 7, 1, 0, 0, 0, 0, cph)
	within(t, db, func(tx *store.Tx) {
		if err := tx.SetGoalRevision(ctx, g.ID, &next); err != nil {
			t.Fatal(err)
		}
		got, _ := tx.FindGoal(ctx, g.ID)
		if ymdp(got.NextRevision) != "2025-07-01" {
			t.Fatalf("next revision = %s, want 2025-07-01", ymdp(got.NextRevision))
		}
	})
}
