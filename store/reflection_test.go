package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"smallgoals"
	"smallgoals/store"
	"smallgoals/store/storetest"
)

// Reflections are sealed, listed per team, borger and goal, append-only,
// and go by their retention rule: the team's own after the team's
// retention, those about a borger with the borger (and not before the
// borger's export has them).
func TestReflections(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	old := time.Date(2020, 2, 3, 10, 0, 0, 0, time.UTC)
	recent := time.Date(2030, 6, 3, 10, 0, 0, 0, time.UTC)
	at := time.Date(2031, 1, 1, 3, 15, 0, 0, time.UTC)
	var team smallgoals.Team
	var ab, cd smallgoals.Citizen
	var ab1 smallgoals.Goal
	add := func(tx *store.Tx, citizen, goal *int64, day time.Time, text string) smallgoals.Reflection {
		t.Helper()
		r := smallgoals.Reflection{TeamID: team.ID, CitizenID: citizen, GoalID: goal, Author: "U1",
			Day: day.Truncate(24 * time.Hour), WrittenAt: day, Text: text}
		if err := tx.CreateReflection(ctx, &r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	within(t, e.db, func(tx *store.Tx) {
		team = mkTeam(t, tx, "CR")
		ab, cd = mkCitizen(t, tx, team.ID, "AB"), mkCitizen(t, tx, team.ID, "CD")
		ab1 = newGoal(ab.ID, "Mål")
		if err := tx.CreateGoal(ctx, &ab1); err != nil {
			t.Fatal(err)
		}
		r := add(tx, nil, nil, old, "Gammel teamrefleksion")
		if r.Year != 2020 || r.Week != 6 {
			t.Errorf("ISO week of %s = %d-W%d, want 2020-W6", old, r.Year, r.Week)
		}
		add(tx, nil, nil, recent, "Ny teamrefleksion")
		add(tx, &ab.ID, nil, old, "Gammel om AB")
		add(tx, &ab.ID, &ab1.ID, recent, "Ny om AB-1")
		add(tx, &cd.ID, nil, old, "Gammel om CD")
	})
	within(t, e.db, func(tx *store.Tx) {
		all, err := tx.ListTeamReflections(ctx, team.ID, time.Time{}, 10)
		if err != nil || len(all) != 5 {
			t.Fatalf("team reflections: %d %v", len(all), err)
		}
		if all[0].About() != "AB-1" || all[0].Text != "Ny om AB-1" {
			t.Errorf("newest first, with its ref: %+v", all[0])
		}
		goal, err := tx.ListGoalReflections(ctx, ab1.ID, 5)
		if err != nil || len(goal) != 1 || goal[0].Text != "Ny om AB-1" {
			t.Errorf("goal reflections: %+v %v", goal, err)
		}
		mine, err := tx.ListCitizenReflections(ctx, ab.ID, time.Time{}, time.Time{})
		if err != nil || len(mine) != 2 {
			t.Errorf("AB's reflections: %+v %v", mine, err)
		}
		n, err := tx.CountTeamReflections(ctx, team.ID, recent.AddDate(0, 0, -1), recent)
		if err != nil || n != 2 {
			t.Errorf("count in the week: %d %v", n, err)
		}
	})
	// Sealed: no text in clear; every row opens.
	var clear int
	e.raw.QueryRow(`SELECT count(*) FROM reflections WHERE position('refleksion'::bytea IN text) > 0`).Scan(&clear)
	if clear != 0 {
		t.Errorf("%d reflections stored in clear", clear)
	}
	texts := storetest.Plaintexts(t, e.raw, "reflections.text", `SELECT text, key_id FROM reflections ORDER BY id`)
	if len(texts) != 5 || texts[0] != "Gammel teamrefleksion" {
		t.Errorf("plaintexts = %q", texts)
	}
	// Append-only.
	if _, err := e.raw.Exec(`UPDATE reflections SET author = 'U2'`); err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Errorf("update: %v", err)
	}

	// CD discharged in 2020 and exported: CD goes whole with its
	// reflection. AB active, never exported: its reflections stay.
	within(t, e.db, func(tx *store.Tx) {
		if _, err := tx.DischargeCitizen(ctx, cd.ID, old); err != nil {
			t.Fatal(err)
		}
		if err := tx.MarkExported(ctx, cd.ID, old.AddDate(0, 1, 0)); err != nil {
			t.Fatal(err)
		}
	})
	p, err := e.db.Purge(ctx, at, smallgoals.Retention{Days: 730})
	if err != nil {
		t.Fatal(err)
	}
	if p.Reflections != 1 || p.Citizens != 1 {
		t.Errorf("purged = %+v, want 1 team reflection and CD", p)
	}
	left := storetest.Plaintexts(t, e.raw, "reflections.text", `SELECT text, key_id FROM reflections ORDER BY id`)
	if strings.Join(left, "|") != "Ny teamrefleksion|Gammel om AB|Ny om AB-1" {
		t.Errorf("left after the purge: %q", left)
	}
	// An erasure takes the borger's reflections.
	within(t, e.db, func(tx *store.Tx) {
		if err := tx.EraseCitizen(ctx, ab.ID); err != nil {
			t.Fatal(err)
		}
	})
	left = storetest.Plaintexts(t, e.raw, "reflections.text", `SELECT text, key_id FROM reflections ORDER BY id`)
	if strings.Join(left, "|") != "Ny teamrefleksion" {
		t.Errorf("left after erasing AB: %q", left)
	}
}
