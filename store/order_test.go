package store_test

import (
	"context"
	"slices"
	"testing"

	"smallgoals"
	"smallgoals/store"
	"smallgoals/store/storetest"
)

// TestRefOrder: every list of goals the store sorts by ref is in the
// order of smallgoals.CompareRefs — numbers by value (AB-2 before AB-10),
// aliases as Danish sorts them (Æ, Ø, Å after Z) whatever the database's
// collation. Under C or C.UTF-8 (the test server) a plain ORDER BY
// alias_key puts Å before Æ and Ø.
func TestRefOrder(t *testing.T) {
	t.Parallel()
	db, _ := storetest.Open(t)
	ctx := context.Background()
	var team smallgoals.Team
	var ab smallgoals.Citizen
	within(t, db, func(tx *store.Tx) {
		team = mkTeam(t, tx, "C1")
		for _, alias := range []string{"ÅSE", "ØRN", "ÆBLE", "ZOE", "OLE", "AB", "A1"} {
			c := mkCitizen(t, tx, team.ID, alias)
			n := 2
			if alias == "AB" {
				ab = c
				n = 11
			}
			for range n {
				g := mkGoal(t, tx, c.ID, "G")
				r := smallgoals.Revision{GoalID: g.ID, Author: "U1", Day: day("2025-03-12"), WrittenAt: t0,
					Outcome: smallgoals.OutcomeContinue, Reflection: "R", NextRevision: dayp("2025-04-21")}
				if err := tx.CreateRevision(ctx, &r); err != nil {
					t.Fatal(err)
				}
			}
		}
	})
	check := func(name string, got []string) {
		t.Helper()
		want := slices.Clone(got)
		slices.SortStableFunc(want, func(a, b string) int {
			ra, _ := smallgoals.ParseRef(a)
			rb, _ := smallgoals.ParseRef(b)
			return smallgoals.CompareRefs(ra, rb)
		})
		if len(got) == 0 || !slices.Equal(got, want) {
			t.Errorf("%s order = %q, want %q", name, got, want)
		}
	}

	within(t, db, func(tx *store.Tx) {
		due, err := tx.ListDueGoals(ctx, []int64{team.ID}, day("2025-04-21"))
		if err != nil {
			t.Fatal(err)
		}
		var refs []string
		for _, d := range due {
			refs = append(refs, smallgoals.Ref{Alias: d.Alias, N: d.Number}.String())
		}
		check("DueGoals", refs)

		ovs, err := tx.ListGoalOverviews(ctx, ab.ID)
		if err != nil {
			t.Fatal(err)
		}
		refs = nil
		for _, o := range ovs {
			refs = append(refs, smallgoals.Ref{Alias: "AB", N: o.Number}.String())
		}
		check("GoalOverviews", refs)

		gs, err := tx.ListCitizenGoals(ctx, ab.ID)
		if err != nil {
			t.Fatal(err)
		}
		refs = nil
		for _, g := range gs {
			refs = append(refs, smallgoals.Ref{Alias: "AB", N: g.Number}.String())
		}
		check("CitizenGoals", refs)
	})

	dg, err := db.DigestOf(ctx, team.ID, day("2025-03-10"), day("2025-03-16"))
	if err != nil {
		t.Fatal(err)
	}
	var refs []string
	for _, g := range dg.Goals {
		refs = append(refs, g.Ref())
	}
	check("DigestOf goals", refs)
	refs = nil
	for _, r := range dg.Revisions {
		refs = append(refs, smallgoals.Ref{Alias: r.Alias, N: r.Number}.String())
	}
	check("DigestOf revisions", refs)
}
