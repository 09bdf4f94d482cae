package store_test

import (
	"context"
	"reflect"
	"testing"

	"smallgoals"
	"smallgoals/store"
	"smallgoals/store/storetest"
)

func TestCitizens(t *testing.T) {
	t.Parallel()
	db, _ := storetest.Open(t)
	ctx := context.Background()
	var t1, t2 smallgoals.Team
	var ab1 smallgoals.Citizen
	within(t, db, func(tx *store.Tx) {
		// Created in this order so team ids and the order of creation differ
		// from the expected orders below.
		t2 = mkTeam(t, tx, "C2")
		t1 = mkTeam(t, tx, "C1")
	})

	t.Run("create", func(t *testing.T) {
		within(t, db, func(tx *store.Tx) {
			ab1 = smallgoals.Citizen{TeamID: t1.ID, Alias: "AB", ContactUser: "U1", CreatedAt: t0}
			if err := tx.CreateCitizen(ctx, &ab1); err != nil {
				t.Fatal(err)
			}
			if ab1.ID == 0 {
				t.Fatal("ID not set")
			}
			got, err := tx.FindCitizen(ctx, ab1.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !got.CreatedAt.Equal(t0) {
				t.Errorf("CreatedAt = %v", got.CreatedAt)
			}
			got.CreatedAt = ab1.CreatedAt
			if got != ab1 {
				t.Fatalf("CitizenByID = %+v, want %+v", got, ab1)
			}
			_, err = tx.FindCitizen(ctx, ab1.ID+1000)
			wantCode(t, err, smallgoals.ENOTFOUND)
		})
	})

	t.Run("same alias in the same team", func(t *testing.T) {
		err := attempt(db, func(tx *store.Tx) error {
			c := smallgoals.Citizen{TeamID: t1.ID, Alias: "AB", ContactUser: "U2", CreatedAt: t0}
			return tx.CreateCitizen(ctx, &c)
		})
		wantCode(t, err, smallgoals.ECONFLICT)
	})

	var ab2 smallgoals.Citizen
	t.Run("same alias in another team", func(t *testing.T) {
		within(t, db, func(tx *store.Tx) { ab2 = mkCitizen(t, tx, t2.ID, "AB") })
	})

	t.Run("CitizensByAlias", func(t *testing.T) {
		within(t, db, func(tx *store.Tx) {
			cs, err := tx.ListCitizensByAlias(ctx, "AB")
			if err != nil {
				t.Fatal(err)
			}
			// Ordered by team: t2 was created first.
			if len(cs) != 2 || cs[0].ID != ab2.ID || cs[1].ID != ab1.ID || cs[0].TeamID != t2.ID || cs[1].TeamID != t1.ID {
				t.Fatalf("ListCitizensByAlias(AB) = %+v, want ab2 (team %d) then ab1 (team %d)", cs, t2.ID, t1.ID)
			}
			// The key is matched exactly: folding is the caller's.
			for _, k := range []string{"ab", "A", "ABC", ""} {
				cs, err := tx.ListCitizensByAlias(ctx, k)
				if err != nil || len(cs) != 0 {
					t.Fatalf("ListCitizensByAlias(%q) = %+v, %v; want none", k, cs, err)
				}
			}
		})
	})

	t.Run("alias_key CHECK", func(t *testing.T) {
		cases := []struct {
			alias string
			ok    bool
		}{
			{"ab", false},
			{"Ab", false},
			{"1A", false},
			{"A-B", false},
			{"A B", false},
			{"", false},
			{"ABCDEFGHIJKLMNOPQ", false}, // 17 characters
			{"É", false},
			{"A", true},
			{"ÆØÅ", true},
			{"Å2", true},
			{"ABCDEFGHIJKLMNO9", true}, // 16 characters
		}
		for _, tc := range cases {
			t.Run(tc.alias, func(t *testing.T) {
				err := attempt(db, func(tx *store.Tx) error {
					c := smallgoals.Citizen{TeamID: t1.ID, Alias: tc.alias, ContactUser: "U1", CreatedAt: t0}
					return tx.CreateCitizen(ctx, &c)
				})
				if tc.ok {
					if err != nil {
						t.Fatalf("CreateCitizen(%q): %v", tc.alias, err)
					}
					return
				}
				wantCode(t, err, smallgoals.EINTERNAL)
				within(t, db, func(tx *store.Tx) {
					if cs, _ := tx.ListCitizensByAlias(ctx, tc.alias); len(cs) != 0 {
						t.Fatalf("refused alias %q stored", tc.alias)
					}
				})
			})
		}
	})

	t.Run("citizen of a missing team", func(t *testing.T) {
		err := attempt(db, func(tx *store.Tx) error {
			c := smallgoals.Citizen{TeamID: t1.ID + t2.ID + 1000, Alias: "ZZ", ContactUser: "U1", CreatedAt: t0}
			return tx.CreateCitizen(ctx, &c)
		})
		wantCode(t, err, smallgoals.EINTERNAL)
	})
}

func TestListCitizens(t *testing.T) {
	t.Parallel()
	db, _ := storetest.Open(t)
	ctx := context.Background()
	var team, other smallgoals.Team
	var bo, al, ce smallgoals.Citizen
	within(t, db, func(tx *store.Tx) {
		team = mkTeam(t, tx, "C1")
		other = mkTeam(t, tx, "C2")
		bo = mkCitizen(t, tx, team.ID, "BO")
		al = mkCitizen(t, tx, team.ID, "AL")
		ce = mkCitizen(t, tx, team.ID, "CE")
		mkCitizen(t, tx, other.ID, "AA")
		mkGoal(t, tx, bo.ID, "active 1")
		mkGoal(t, tx, bo.ID, "active 2")
		closed := mkGoal(t, tx, bo.ID, "closed")
		if err := tx.SetGoalRevision(ctx, closed.ID, nil); err != nil {
			t.Fatal(err)
		}
		c2 := mkGoal(t, tx, ce.ID, "closed")
		if err := tx.SetGoalRevision(ctx, c2.ID, nil); err != nil {
			t.Fatal(err)
		}
		mkGoal(t, tx, al.ID, "active")
	})
	within(t, db, func(tx *store.Tx) {
		got, err := tx.ListCitizens(ctx, team.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := []struct {
			id     int64
			alias  string
			active int
		}{{al.ID, "AL", 1}, {bo.ID, "BO", 2}, {ce.ID, "CE", 0}}
		if len(got) != len(want) {
			t.Fatalf("ListCitizens = %+v", got)
		}
		for i, w := range want {
			g := got[i]
			if g.ID != w.id || g.Alias != w.alias || g.ActiveGoals != w.active || g.TeamID != team.ID || g.ContactUser != "U1" {
				t.Errorf("#%d = %+v, want %s with %d active goals", i, g, w.alias, w.active)
			}
		}
		none, err := tx.ListCitizens(ctx, other.ID+1000)
		if err != nil || len(none) != 0 {
			t.Fatalf("ListCitizens(missing team) = %+v, %v", none, err)
		}
	})
}

// TestListCitizensDanishOrder: ListCitizens orders by alias_key in the
// database's collation, which the design says not to rely on. Under C or
// C.UTF-8 (the test server) Å sorts before Æ and Ø; under en_US Æ sorts as
// AE, Ø as O and Å as A. Danish order puts Æ, Ø, Å after Z.
func TestListCitizensDanishOrder(t *testing.T) {
	t.Parallel()
	db, _ := storetest.Open(t)
	ctx := context.Background()
	var team smallgoals.Team
	within(t, db, func(tx *store.Tx) {
		team = mkTeam(t, tx, "C1")
		for _, a := range []string{"ÅSE", "ØRN", "ÆBLE", "ZOE", "OLE", "AF", "AE", "A1"} {
			mkCitizen(t, tx, team.ID, a)
		}
	})
	within(t, db, func(tx *store.Tx) {
		cs, err := tx.ListCitizens(ctx, team.ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range cs {
			got = append(got, c.Alias)
		}
		want := []string{"A1", "AE", "AF", "OLE", "ZOE", "ÆBLE", "ØRN", "ÅSE"}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("ListCitizens order = %q, want %q", got, want)
		}
	})
}
