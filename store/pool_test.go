package store_test

import (
	"context"
	"testing"
	"time"

	"smallgoals"
	"smallgoals/store"
	"smallgoals/store/storetest"
)

// The score writer has its own connections, which plan its statement
// once; the other connections plan as PostgreSQL chooses. Together they
// stay within MaxConns.
func TestWriterPool(t *testing.T) {
	db, _ := storetest.Open(t)
	ctx := context.Background()
	var writer, general string
	if err := db.WriterSQL().QueryRowContext(ctx, `SHOW plan_cache_mode`).Scan(&writer); err != nil {
		t.Fatal(err)
	}
	if err := db.SQL().QueryRowContext(ctx, `SHOW plan_cache_mode`).Scan(&general); err != nil {
		t.Fatal(err)
	}
	var lockTimeout string
	if err := db.WriterSQL().QueryRowContext(ctx, `SHOW lock_timeout`).Scan(&lockTimeout); err != nil {
		t.Fatal(err)
	}
	if lockTimeout != "2s" {
		t.Errorf("the writer's lock_timeout %q, want 2s", lockTimeout)
	}
	if writer != "force_generic_plan" || general != "auto" {
		t.Errorf("plan_cache_mode: writer %q, general %q; want force_generic_plan, auto", writer, general)
	}
	if q, g := db.WriterSQL().Stats().MaxOpenConnections, db.SQL().Stats().MaxOpenConnections; q != 2 || g != 8 {
		t.Errorf("connections: writer %d, general %d; want 2 and 8 of MaxConns 10", q, g)
	}
}

// With a pool of one connection the writer shares it, and writes.
func TestWriterPoolOfOne(t *testing.T) {
	db, err := store.Open(context.Background(), storetest.URL(t), store.Options{MaxConns: 1, Keys: storetest.Keyring()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.WriterSQL() != nil || db.SQL().Stats().MaxOpenConnections != 1 {
		t.Fatalf("pool of 1: writer's own %v, general %d connections", db.WriterSQL() != nil, db.SQL().Stats().MaxOpenConnections)
	}
	ev := smallgoals.AuditEvent{At: time.Now(), Actor: "U1", Action: smallgoals.ActCitizenView, Ref: "AB"}
	if _, err := db.Append(context.Background(), smallgoals.Append{Audit: []smallgoals.AuditEvent{ev}, User: "U1"}); err != nil {
		t.Fatal(err)
	}
	var n int
	db.SQL().QueryRow(`SELECT count(*) FROM audit_events WHERE actor = 'U1'`).Scan(&n)
	if n != 1 {
		t.Errorf("%d audit events written through a pool of one, want 1", n)
	}
}
