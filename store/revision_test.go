package store_test

import (
	"context"
	"testing"
	"time"

	"smallgoals"
	"smallgoals/store"
	"smallgoals/store/storetest"
)

func TestRevisions(t *testing.T) {
	t.Parallel()
	db, _ := storetest.Open(t)
	ctx := context.Background()
	var g, h smallgoals.Goal
	within(t, db, func(tx *store.Tx) {
		c := mkCitizen(t, tx, mkTeam(t, tx, "C1").ID, "AB")
		g = mkGoal(t, tx, c.ID, "G")
		h = mkGoal(t, tx, c.ID, "H")
	})

	rev := func(d string, outcome string, next *time.Time) smallgoals.Revision {
		return smallgoals.Revision{GoalID: g.ID, Author: "U1", Day: day(d), WrittenAt: t0, GASLevel: 1,
			Outcome: outcome, Reflection: "Det gik godt", NextRevision: next}
	}
	var ids []int64
	t.Run("create", func(t *testing.T) {
		within(t, db, func(tx *store.Tx) {
			for _, r := range []smallgoals.Revision{
				rev("2025-01-10", smallgoals.OutcomeContinue, dayp("2025-02-21")),
				rev("2025-03-10", smallgoals.OutcomeAdjust, dayp("2025-04-21")),   // newest day
				rev("2025-02-21", smallgoals.OutcomeRevisit, dayp("2025-03-10")),  // written later, older day
				rev("2025-03-10", smallgoals.OutcomeContinue, dayp("2025-04-22")), // same day, higher id
			} {
				if err := tx.CreateRevision(ctx, &r); err != nil {
					t.Fatal(err)
				}
				if r.ID == 0 {
					t.Fatal("ID not set")
				}
				ids = append(ids, r.ID)
			}
			tookPart := rev("2025-03-11", smallgoals.OutcomeClose, nil)
			tookPart.GoalID, tookPart.CitizenTookPart, tookPart.GASLevel = h.ID, bp(true), -2
			if err := tx.CreateRevision(ctx, &tookPart); err != nil {
				t.Fatal(err)
			}
			rs, err := tx.ListGoalRevisions(ctx, h.ID, 10)
			if err != nil || len(rs) != 1 {
				t.Fatalf("ListGoalRevisions(h) = %+v, %v", rs, err)
			}
			r := rs[0]
			if r.ID != tookPart.ID || r.GoalID != h.ID || r.Author != "U1" || ymd(r.Day) != "2025-03-11" ||
				!r.WrittenAt.Equal(t0) || r.GASLevel != -2 || r.Outcome != "close" || r.CitizenTookPart == nil ||
				!*r.CitizenTookPart || r.Reflection != "Det gik godt" || r.NextRevision != nil {
				t.Fatalf("revision read back = %+v", r)
			}
		})
	})

	t.Run("newest first", func(t *testing.T) {
		within(t, db, func(tx *store.Tx) {
			rs, err := tx.ListGoalRevisions(ctx, g.ID, 10)
			if err != nil {
				t.Fatal(err)
			}
			want := []int64{ids[3], ids[1], ids[2], ids[0]}
			if len(rs) != len(want) {
				t.Fatalf("GoalRevisions = %+v", rs)
			}
			for i, r := range rs {
				if r.ID != want[i] {
					t.Fatalf("GoalRevisions order: #%d is %d, want %d", i, r.ID, want[i])
				}
				if r.CitizenTookPart != nil {
					t.Fatalf("citizen_took_part not stated read back as %v", *r.CitizenTookPart)
				}
			}
			if ymdp(rs[0].NextRevision) != "2025-04-22" {
				t.Fatalf("next revision = %s", ymdp(rs[0].NextRevision))
			}
			rs, err = tx.ListGoalRevisions(ctx, g.ID, 2)
			if err != nil || len(rs) != 2 || rs[1].ID != ids[1] {
				t.Fatalf("ListGoalRevisions(limit 2) = %+v, %v", rs, err)
			}
		})
	})

	t.Run("CHECKs", func(t *testing.T) {
		cases := []struct {
			name string
			r    smallgoals.Revision
			ok   bool
		}{
			{"close without next", rev("2025-03-12", "close", nil), true},
			{"close with next", rev("2025-03-12", "close", dayp("2025-05-01")), false},
			{"continue without next", rev("2025-03-12", "continue", nil), false},
			{"adjust without next", rev("2025-03-12", "adjust", nil), false},
			{"revisit without next", rev("2025-03-12", "revisit", nil), false},
			{"unknown outcome", rev("2025-03-12", "stop", dayp("2025-05-01")), false},
			{"gas level 3", func() smallgoals.Revision {
				r := rev("2025-03-12", "continue", dayp("2025-05-01"))
				r.GASLevel = 3
				return r
			}(), false},
			{"gas level -3", func() smallgoals.Revision {
				r := rev("2025-03-12", "continue", dayp("2025-05-01"))
				r.GASLevel = -3
				return r
			}(), false},
			{"missing goal", func() smallgoals.Revision {
				r := rev("2025-03-12", "continue", dayp("2025-05-01"))
				r.GoalID = g.ID + h.ID + 1000
				return r
			}(), false},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				r := tc.r
				err := attempt(db, func(tx *store.Tx) error { return tx.CreateRevision(ctx, &r) })
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
			if rs, _ := tx.ListGoalRevisions(ctx, g.ID, 100); len(rs) != 5 {
				t.Fatalf("goal G has %d revisions, want 4 + the one accepted", len(rs))
			}
		})
	})
}
