package store_test

import (
	"context"
	"testing"

	"smallgoals"
	"smallgoals/store"
	"smallgoals/store/storetest"
)

// The quick path has its own connections, which plan its statement once;
// the other connections plan as PostgreSQL chooses. Together they stay
// within MaxConns.
func TestQuickPool(t *testing.T) {
	db, _ := storetest.Open(t)
	ctx := context.Background()
	var quick, general string
	if err := db.QuickSQL().QueryRowContext(ctx, `SHOW plan_cache_mode`).Scan(&quick); err != nil {
		t.Fatal(err)
	}
	if err := db.SQL().QueryRowContext(ctx, `SHOW plan_cache_mode`).Scan(&general); err != nil {
		t.Fatal(err)
	}
	var lockTimeout string
	if err := db.QuickSQL().QueryRowContext(ctx, `SHOW lock_timeout`).Scan(&lockTimeout); err != nil {
		t.Fatal(err)
	}
	if lockTimeout != "2s" {
		t.Errorf("quick path's lock_timeout %q, want 2s", lockTimeout)
	}
	if quick != "force_generic_plan" || general != "auto" {
		t.Errorf("plan_cache_mode: quick %q, general %q; want force_generic_plan, auto", quick, general)
	}
	if q, g := db.QuickSQL().Stats().MaxOpenConnections, db.SQL().Stats().MaxOpenConnections; q != 2 || g != 8 {
		t.Errorf("connections: quick %d, general %d; want 2 and 8 of MaxConns 10", q, g)
	}
}

// With a pool of one connection there is no quick path: it declines and
// the general path answers.
func TestQuickPoolOfOne(t *testing.T) {
	db, err := store.Open(context.Background(), storetest.URL(t), store.Options{MaxConns: 1, Keys: storetest.Keyring()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.QuickSQL() != nil || db.SQL().Stats().MaxOpenConnections != 1 {
		t.Fatalf("pool of 1: quick %v, general %d connections", db.QuickSQL() != nil, db.SQL().Stats().MaxOpenConnections)
	}
	res, err := db.LogQuickScore(context.Background(), smallgoals.QuickScore{ChannelID: "C1", AliasKey: "AB", GoalNumber: 1, Author: "U1", StaffScore: 1})
	if err != nil || res.Stored {
		t.Errorf("LogQuickScore = %+v, %v; want declined", res, err)
	}
}
