package store_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"smallgoals"
	"smallgoals/store"
	"smallgoals/store/storetest"
)

// The score writer has its own connections; no session setting is sent
// on any connection (behind PgBouncer in transaction mode a startup
// parameter is refused and a session setting leaks), and every
// connection names the program. Together they stay within MaxConns.
func TestWriterPool(t *testing.T) {
	db, _ := storetest.Open(t)
	ctx := context.Background()
	for name, pool := range map[string]*sql.DB{"writer": db.WriterSQL(), "general": db.SQL()} {
		var plan, lockTimeout, app string
		if err := pool.QueryRowContext(ctx, `SELECT current_setting('plan_cache_mode'), current_setting('lock_timeout'),
			current_setting('application_name')`).Scan(&plan, &lockTimeout, &app); err != nil {
			t.Fatal(err)
		}
		if plan != "auto" || lockTimeout != "0" || app != store.ApplicationName {
			t.Errorf("%s session: plan_cache_mode %q, lock_timeout %q, application_name %q; want auto, 0, %s",
				name, plan, lockTimeout, app, store.ApplicationName)
		}
	}
	if q, g := db.WriterSQL().Stats().MaxOpenConnections, db.SQL().Stats().MaxOpenConnections; q != 2 || g != 8 {
		t.Errorf("connections: writer %d, general %d; want 2 and 8 of MaxConns 10", q, g)
	}
}

// The writer's lock_timeout holds for its own transactions: a score whose
// goal another transaction holds locked is tried again every 2 s (a new
// transaction each time) rather than wait, and is written once the lock
// goes.
func TestWriterLockTimeout(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	f := entrySetup(t, e.db)
	lock, err := e.raw.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Rollback()
	if _, err := lock.Exec(`SELECT 1 FROM goals WHERE id = $1 FOR UPDATE`, f.g.ID); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := e.db.Append(ctx, appendOf(f, f.g, "U1", 5, nil, "", t0, "2025-03-10", ""))
		done <- err
	}()
	// The writer's transactions waiting on the lock, by their start.
	starts := map[string]bool{}
	for deadline := time.Now().Add(8 * time.Second); len(starts) < 2 && time.Now().Before(deadline); {
		var start sql.NullString
		e.raw.QueryRow(`SELECT xact_start::text FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock' AND application_name = $1`, store.ApplicationName).Scan(&start)
		if start.Valid {
			starts[start.String] = true
		}
		time.Sleep(50 * time.Millisecond)
	}
	if len(starts) < 2 {
		t.Errorf("the writer waited on the lock in %d transaction(s) within 8 s; want a new try after its 2 s lock_timeout", len(starts))
	}
	lock.Rollback()
	if err := <-done; err != nil {
		t.Fatalf("Append after the lock went: %v", err)
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
