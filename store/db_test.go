package store_test

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"smallgoals"
	"smallgoals/store"
	"smallgoals/store/storetest"
)

// gooseVersions returns how often each version is recorded as applied.
func gooseVersions(t *testing.T, raw *sql.DB) map[int64]int {
	t.Helper()
	rows, err := raw.Query(`SELECT version_id, count(*) FROM goose_db_version WHERE is_applied GROUP BY version_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[int64]int{}
	for rows.Next() {
		var v int64
		var n int
		if err := rows.Scan(&v, &n); err != nil {
			t.Fatal(err)
		}
		got[v] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return got
}

// checkVersions checks goose recorded version 0 and each migration file's
// version exactly once.
func checkVersions(t *testing.T, raw *sql.DB) {
	t.Helper()
	files, err := filepath.Glob("migrations/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("migration files: %v %v", files, err)
	}
	want := map[int64]int{0: 1}
	for _, f := range files {
		num, _, _ := strings.Cut(filepath.Base(f), "_")
		v, err := strconv.ParseInt(num, 10, 64)
		if err != nil {
			t.Fatalf("migration file %s: %v", f, err)
		}
		want[v] = 1
	}
	if got := gooseVersions(t, raw); !reflect.DeepEqual(got, want) {
		t.Fatalf("goose_db_version applied versions = %v, want %v", got, want)
	}
}

// publicTables counts the application's tables.
func publicTables(t *testing.T, raw *sql.DB) int {
	t.Helper()
	var n int
	err := raw.QueryRow(`
		SELECT count(*) FROM information_schema.tables
		WHERE table_schema = 'public' AND table_name IN
		  ('teams', 'team_members', 'users', 'citizens', 'plan_goals', 'goals', 'entries',
		   'revisions', 'audit_events')`).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestMigrateTwice(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	// The template clone is migrated already; two more runs change nothing.
	for i := 0; i < 2; i++ {
		if err := e.db.Migrate(ctx); err != nil {
			t.Fatalf("Migrate #%d: %v", i+1, err)
		}
	}
	checkVersions(t, e.raw)
	if n := publicTables(t, e.raw); n != 9 {
		t.Fatalf("tables = %d, want 9", n)
	}
	within(t, e.db, func(tx *store.Tx) { mkTeam(t, tx, "C1") })
}

// TestMigrateConcurrent migrates a fresh, empty database from three
// connections at once, as replicas starting together do.
func TestMigrateConcurrent(t *testing.T) {
	t.Parallel()
	u := emptyDB(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	const n = 3
	dbs := make([]*store.DB, n)
	for i := range dbs {
		db, err := store.Open(ctx, u, store.Options{Keys: storetest.Keyring()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs[i] = db
	}
	raw, err := sql.Open("postgres", u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	if n := publicTables(t, raw); n != 0 {
		t.Fatalf("fresh database has %d tables", n)
	}

	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, db := range dbs {
		wg.Go(func() {
			<-start
			errs[i] = db.Migrate(ctx)
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Migrate #%d: %v", i, err)
		}
	}
	checkVersions(t, raw)
	if n := publicTables(t, raw); n != 9 {
		t.Fatalf("tables = %d, want 9", n)
	}
	// And once more, sequentially: a no-op.
	if err := dbs[0].Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	checkVersions(t, raw)
	within(t, dbs[1], func(tx *store.Tx) { mkTeam(t, tx, "C1") })
}

func TestOpenErrorsHoldNoValues(t *testing.T) {
	t.Parallel()
	admin := os.Getenv("TEST_DATABASE_URL")
	if admin == "" {
		t.Skip("TEST_DATABASE_URL is not set")
	}
	p, err := url.Parse(admin)
	if err != nil {
		t.Fatal(err)
	}
	p.Path = "/sg_no_such_database_q7x"
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, err := store.Open(ctx, p.String(), store.Options{Keys: storetest.Keyring()})
	if err == nil {
		db.Close()
		t.Fatal("Open of a missing database succeeded")
	}
	if s := err.Error(); !strings.Contains(s, "store: connect") || strings.Contains(s, "sg_no_such_database_q7x") {
		t.Fatalf("Open error = %q: want a store: connect error without the database name", s)
	}
}

func TestPing(t *testing.T) {
	t.Parallel()
	db, _ := storetest.Open(t)
	if err := db.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestInTx(t *testing.T) {
	t.Parallel()
	db, _ := storetest.Open(t)
	ctx := context.Background()

	t.Run("commit on nil", func(t *testing.T) {
		err := db.InTx(ctx, func(tx *store.Tx) error {
			mkTeam(t, tx, "C-commit")
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		within(t, db, func(tx *store.Tx) {
			if _, err := tx.FindTeamByChannel(ctx, "C-commit"); err != nil {
				t.Fatalf("committed team: %v", err)
			}
		})
	})

	t.Run("rollback on error", func(t *testing.T) {
		boom := errors.New("boom")
		err := db.InTx(ctx, func(tx *store.Tx) error {
			mkTeam(t, tx, "C-rollback")
			within(t, db, func(other *store.Tx) {
				// Not visible to another transaction before the commit.
				_, err := other.FindTeamByChannel(ctx, "C-rollback")
				wantCode(t, err, smallgoals.ENOTFOUND)
			})
			return boom
		})
		if err != boom {
			t.Fatalf("InTx = %v, want fn's error unchanged", err)
		}
		within(t, db, func(tx *store.Tx) {
			_, err := tx.FindTeamByChannel(ctx, "C-rollback")
			wantCode(t, err, smallgoals.ENOTFOUND)
		})
	})

	t.Run("rollback on *Error keeps its code", func(t *testing.T) {
		err := db.InTx(ctx, func(tx *store.Tx) error {
			mkTeam(t, tx, "C-refused")
			return smallgoals.Errorf(smallgoals.EFORBIDDEN, "err.x")
		})
		wantCode(t, err, smallgoals.EFORBIDDEN)
		within(t, db, func(tx *store.Tx) {
			_, err := tx.FindTeamByChannel(ctx, "C-refused")
			wantCode(t, err, smallgoals.ENOTFOUND)
		})
	})

	t.Run("canceled context", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		called := false
		err := db.InTx(cctx, func(tx *store.Tx) error { called = true; return nil })
		if err == nil || called {
			t.Fatalf("InTx on a canceled context = %v, fn called %v", err, called)
		}
	})
}

// TestConflictThenCommit is what the commands package does with an
// ECONFLICT: it treats it as a refusal, writes the refusal's audit event
// in the same transaction and returns nil so the commit keeps it. A plain
// INSERT's unique violation would abort the PostgreSQL transaction (25P02
// on the audit insert, "could not complete operation in a failed
// transaction" on the commit).
func TestConflictThenCommit(t *testing.T) {
	t.Parallel()
	db, _ := storetest.Open(t)
	ctx := context.Background()
	var team smallgoals.Team
	var first smallgoals.Entry
	within(t, db, func(tx *store.Tx) {
		team = mkTeam(t, tx, "C1")
		c := mkCitizen(t, tx, team.ID, "AB")
		g := mkGoal(t, tx, c.ID, "Goal")
		first = mkScore(t, tx, g.ID, "U1", "2025-03-10", t0, 5, nil)
		mkUndo(t, tx, first, "U1", t0.Add(time.Minute))
	})

	cases := []struct {
		name     string
		conflict func(tx *store.Tx) error
	}{
		{"team on a taken channel", func(tx *store.Tx) error {
			tm := smallgoals.Team{ChannelID: "C1", Name: "Other", Lang: "da", TZ: "UTC", CreatedBy: "U2", CreatedAt: t0}
			return tx.CreateTeam(ctx, &tm)
		}},
		{"citizen with a taken alias", func(tx *store.Tx) error {
			c := smallgoals.Citizen{TeamID: team.ID, Alias: "AB", ContactUser: "U2", CreatedAt: t0}
			return tx.CreateCitizen(ctx, &c)
		}},
		{"undo of an undone entry", func(tx *store.Tx) error {
			u := smallgoals.Entry{GoalID: first.GoalID, Kind: smallgoals.EntryUndo, Author: "U1",
				Day: first.Day, WrittenAt: t0.Add(2 * time.Minute), Replaces: i64p(first.ID)}
			return tx.CreateEntry(ctx, &u)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var ev smallgoals.AuditEvent
			err := db.InTx(ctx, func(tx *store.Tx) error {
				wantCode(t, tc.conflict(tx), smallgoals.ECONFLICT)
				ev = smallgoals.AuditEvent{At: t0, Actor: "U2", Action: "test.refused", TeamID: &team.ID, Allowed: false}
				if err := tx.CreateAuditEvent(ctx, &ev); err != nil {
					t.Errorf("audit event after ECONFLICT: %v", err)
				}
				return nil
			})
			if err != nil {
				t.Fatalf("InTx after ECONFLICT = %v, want nil (the refusal committed)", err)
			}
			if ev.ID == 0 {
				t.Fatal("the refusal's audit event got no ID")
			}
		})
	}
}

// TestOpenMalformedURLHidesPassword: a malformed URL's parse error
// (*url.Error) quotes the whole URL, password and all, and Open passes it
// on ("store: connect: parse \"postgres://u:pw@…\": invalid port …"); the
// program logs it. Nor may the parse error's own text, which quotes the
// part it stumbled on: a base64 password with a "/" ends the host early
// ("invalid port \":s3cr\" after host"), a "%" starts a bad escape
// ("invalid URL escape \"%zz\""). AppliedVersion (smallgoals version)
// reads the same URL.
func TestOpenMalformedURLHidesPassword(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ url, secret string }{
		{"postgres://u:s3cretpw@host:badport/db", "s3cret"},
		{"postgres://u:s3cret%zzpw@127.0.0.1:1/db", "s3cret"},
		{"postgres://u:s3cr/etpw@127.0.0.1:1/db", "s3cr"},
		{"postgres://u:pw%zz@127.0.0.1:1/db", "%zz"},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		db, err := store.Open(ctx, c.url, store.Options{Keys: storetest.Keyring()})
		if err == nil {
			db.Close()
			t.Fatalf("Open(%q) succeeded", c.url)
		}
		if strings.Contains(err.Error(), c.secret) {
			t.Errorf("Open error %q holds part of the password %q", err, c.secret)
		}
		if _, err := store.AppliedVersion(ctx, c.url); err == nil || strings.Contains(err.Error(), c.secret) {
			t.Errorf("AppliedVersion error %v holds part of the password %q", err, c.secret)
		}
		cancel()
	}
}

// TestInTxPanic: InTx neither defers a rollback nor recovers, so when fn
// panics (and a server recovers the panic, as net/http does) the
// transaction stays open on its pooled connection for good, holding its
// locks: here the citizen's goal counter row, so the next CreateGoal for
// the citizen blocks.
func TestInTxPanic(t *testing.T) {
	t.Parallel()
	db, _ := storetest.Open(t)
	ctx := context.Background()
	var c smallgoals.Citizen
	within(t, db, func(tx *store.Tx) { c = mkCitizen(t, tx, mkTeam(t, tx, "C1").ID, "AB") })
	func() {
		defer func() {
			if r := recover(); r != "boom" {
				t.Fatalf("recovered %v, want boom", r)
			}
		}()
		db.InTx(ctx, func(tx *store.Tx) error {
			mkGoal(t, tx, c.ID, "G")
			panic("boom")
		})
	}()
	tctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	var g smallgoals.Goal
	err := db.InTx(tctx, func(tx *store.Tx) error {
		g = newGoal(c.ID, "H")
		return tx.CreateGoal(tctx, &g)
	})
	if err != nil || g.Number != 1 {
		t.Fatalf("CreateGoal after a panicking InTx = %v, number %d; want nil, 1", err, g.Number)
	}
}

func TestSchemaVersions(t *testing.T) {
	t.Parallel()
	names, err := fs.Glob(store.Migrations(), "*.sql")
	if err != nil || len(names) == 0 {
		t.Fatalf("embedded migrations: %q, %v", names, err)
	}
	last := names[len(names)-1]
	want, err := strconv.ParseInt(last[:strings.IndexByte(last, '_')], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	if got := store.SchemaVersion(); got != want || got < 9 {
		t.Fatalf("SchemaVersion() = %d, want %d (the number of %s)", got, want, last)
	}

	// A migrated database is at the schema version; a fresh one at 0, and
	// asking leaves it without goose's table.
	ctx := context.Background()
	if got, err := store.AppliedVersion(ctx, storetest.URL(t)); err != nil || got != want {
		t.Errorf("AppliedVersion(migrated) = %d, %v; want %d", got, err, want)
	}
	u := storetest.URL(t)
	raw, err := sql.Open("postgres", u)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`DROP TABLE goose_db_version`); err != nil {
		t.Fatal(err)
	}
	if got, err := store.AppliedVersion(ctx, u); err != nil || got != 0 {
		t.Errorf("AppliedVersion(unmigrated) = %d, %v; want 0", got, err)
	}
	var exists bool
	if err := raw.QueryRow(`SELECT to_regclass('goose_db_version') IS NOT NULL`).Scan(&exists); err != nil || exists {
		t.Errorf("goose_db_version exists after AppliedVersion: %v, %v", exists, err)
	}
	if _, err := store.AppliedVersion(ctx, "postgres://127.0.0.1:1/x?connect_timeout=1&sslmode=disable"); err == nil {
		t.Error("AppliedVersion of no server: no error")
	}
}
