package store_test

import (
	"context"
	"strings"
	"testing"

	"smallgoals"
	"smallgoals/store"
	"smallgoals/store/storetest"
)

// TestGoalChanges: an edit writes the goal's new settings and a change
// row with the old value; the values are encrypted, read back in order,
// rows cannot be updated, and key rotation re-encrypts them.
func TestGoalChanges(t *testing.T) {
	t.Parallel()
	u := storetest.URL(t)
	a, b := newKey(t), newKey(t)
	db := openWith(t, u, ring(t, a))
	raw := openRaw(t, u)
	ctx := context.Background()
	var g smallgoals.Goal
	var p smallgoals.PlanGoal
	within(t, db, func(tx *store.Tx) {
		team := mkTeam(t, tx, "C1")
		ct := mkCitizen(t, tx, team.ID, "AB")
		p = smallgoals.PlanGoal{CitizenID: ct.ID, Title: "Bo selv", CreatedBy: "U1", CreatedAt: t0}
		if err := tx.CreatePlanGoal(ctx, &p); err != nil {
			t.Fatal(err)
		}
		g = mkGoal(t, tx, ct.ID, "Gammel titel")
		ng := g
		ng.Title, ng.Target, ng.CadenceDays, ng.PlanGoalID = "Ny titel", ip(7), 28, &p.ID
		if err := tx.UpdateGoal(ctx, ng); err != nil {
			t.Fatal(err)
		}
		for _, ch := range []smallgoals.GoalChange{
			{GoalID: &g.ID, Author: "U1", At: t0, Field: smallgoals.ChangeTitle, Old: "Gammel titel", New: "Ny titel"},
			{GoalID: &g.ID, Author: "U1", At: t0, Field: smallgoals.ChangeTarget, Old: "", New: "7"},
			{PlanGoalID: &p.ID, Author: "U2", At: t0, Field: smallgoals.ChangeStatus, Old: "active", New: "closed"},
		} {
			if err := tx.CreateGoalChange(ctx, &ch); err != nil {
				t.Fatal(err)
			}
		}
		closed := t0
		p.ClosedAt, p.ClosedBy = &closed, "U2"
		if err := tx.UpdatePlanGoal(ctx, p); err != nil {
			t.Fatal(err)
		}
	})
	within(t, db, func(tx *store.Tx) {
		got, err := tx.FindGoal(ctx, g.ID)
		if err != nil || got.Title != "Ny titel" || intp(got.Target) != "7" || got.CadenceDays != 28 || got.PlanNumber == nil {
			t.Fatalf("goal after UpdateGoal = %+v, %v", got, err)
		}
		chs, err := tx.ListGoalChanges(ctx, g.ID)
		if err != nil || len(chs) != 2 || chs[0].Old != "Gammel titel" || chs[0].New != "Ny titel" || chs[1].Old != "" || chs[1].New != "7" {
			t.Fatalf("goal changes = %+v, %v", chs, err)
		}
		all, err := tx.ListCitizenChanges(ctx, g.CitizenID)
		if err != nil || len(all) != 3 || all[2].PlanGoalID == nil || *all[2].PlanGoalID != p.ID {
			t.Fatalf("citizen changes = %+v, %v", all, err)
		}
		ps, err := tx.ListPlanGoals(ctx, g.CitizenID)
		if err != nil || len(ps) != 1 || ps[0].ClosedAt == nil || ps[0].ClosedBy != "U2" {
			t.Fatalf("plan goals = %+v, %v", ps, err)
		}
	})
	var clear int
	raw.QueryRow(`SELECT count(*) FROM goal_changes WHERE position('titel'::bytea IN coalesce(old_value, '')) > 0
		OR position('titel'::bytea IN coalesce(new_value, '')) > 0`).Scan(&clear)
	if clear != 0 {
		t.Fatalf("%d change rows hold a title in clear", clear)
	}
	var ct []byte
	var keyID string
	if err := raw.QueryRow(`SELECT old_value, key_id FROM goal_changes WHERE field = 'title'`).Scan(&ct, &keyID); err != nil {
		t.Fatal(err)
	}
	if got, err := store.Plaintext(ring(t, a), "goal_changes.old_value", ct, keyID); err != nil || got != "Gammel titel" {
		t.Fatalf("old title = %q, %v", got, err)
	}
	if _, err := raw.Exec(`UPDATE goal_changes SET author = 'U9'`); err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Fatalf("updating a change: %v; want it refused", err)
	}

	dbB := openWith(t, u, ring(t, b, a))
	if _, err := dbB.Rekey(ctx); err != nil {
		t.Fatal(err)
	}
	var left int
	raw.QueryRow(`SELECT count(*) FROM goal_changes WHERE key_id <> $1`, b.ID()).Scan(&left)
	if left != 0 {
		t.Fatalf("%d change rows left under the old key", left)
	}
	within(t, openWith(t, u, ring(t, b)), func(tx *store.Tx) {
		if chs, err := tx.ListGoalChanges(ctx, g.ID); err != nil || chs[0].Old != "Gammel titel" {
			t.Fatalf("changes after rekey = %+v, %v", chs, err)
		}
	})
}
