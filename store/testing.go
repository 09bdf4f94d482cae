package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"testing"
	"time"
)

// TestURL returns a URL for a new, migrated database of its own, cloned
// from a template on the server at TEST_DATABASE_URL, and drops the
// database when the test ends. It skips the test when TEST_DATABASE_URL
// is unset (make test sets it). The server role needs CREATEDB.
func TestURL(tb testing.TB) string {
	tb.Helper()
	admin := os.Getenv("TEST_DATABASE_URL")
	if admin == "" {
		tb.Skip("TEST_DATABASE_URL is not set: run the tests with 'make test'")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	conn, err := sql.Open("postgres", admin)
	if err != nil {
		tb.Fatalf("store: test database: %v", safe(err))
	}
	defer conn.Close()
	tmpl, err := testTemplate(ctx, conn, admin)
	if err != nil {
		tb.Fatalf("store: test template: %v", err)
	}
	name := "sg_test_" + randomHex(8)
	if _, err := conn.ExecContext(ctx, `CREATE DATABASE `+name+` TEMPLATE `+tmpl); err != nil {
		tb.Fatalf("store: create test database: %v", safe(err))
	}
	tb.Cleanup(func() {
		conn, err := sql.Open("postgres", admin)
		if err != nil {
			return
		}
		defer conn.Close()
		conn.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
	})
	u, err := withDBName(admin, name)
	if err != nil {
		tb.Fatal(err)
	}
	return u
}

// OpenTest opens a new, migrated database of the test's own (see TestURL)
// twice: as a *DB, and as a plain *sql.DB for assertions on its rows.
func OpenTest(tb testing.TB) (*DB, *sql.DB) {
	tb.Helper()
	u := TestURL(tb)
	db, err := Open(context.Background(), u, Options{MaxConns: 10})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	raw, err := sql.Open("postgres", u)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { raw.Close() })
	return db, raw
}

// testTemplate makes sure a migrated template database exists for the
// current migrations and returns its name. Test binaries of several
// packages run at once, so an advisory lock serialises its creation.
func testTemplate(ctx context.Context, conn *sql.DB, admin string) (string, error) {
	name := "sg_template_" + migrationsHash()[:12]
	c, err := conn.Conn(ctx)
	if err != nil {
		return "", safe(err)
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, `SELECT pg_advisory_lock(727274)`); err != nil {
		return "", safe(err)
	}
	defer c.ExecContext(context.Background(), `SELECT pg_advisory_unlock(727274)`)
	var exists bool
	err = c.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate)`, name).Scan(&exists)
	if err != nil || exists {
		return name, safe(err)
	}
	c.ExecContext(ctx, `DROP DATABASE IF EXISTS `+name)
	if _, err := c.ExecContext(ctx, `CREATE DATABASE `+name); err != nil {
		return "", safe(err)
	}
	u, err := withDBName(admin, name)
	if err != nil {
		return "", err
	}
	db, err := Open(ctx, u, Options{})
	if err != nil {
		return "", err
	}
	err = db.Migrate(ctx)
	db.Close()
	if err != nil {
		return "", err
	}
	_, err = c.ExecContext(ctx, `ALTER DATABASE `+name+` WITH IS_TEMPLATE true`)
	return name, safe(err)
}

func migrationsHash() string {
	h := sha256.New()
	fs.WalkDir(migrations, ".", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := migrations.ReadFile(path)
			fmt.Fprintf(h, "%s\x00%s\x00", path, b)
		}
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))
}

// withDBName returns the postgres:// URL u with another database name.
func withDBName(u, name string) (string, error) {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "postgres" && p.Scheme != "postgresql") {
		return "", fmt.Errorf("store: TEST_DATABASE_URL must be a postgres:// URL")
	}
	p.Path = "/" + name
	q := p.Query()
	q.Del("dbname")
	p.RawQuery = q.Encode()
	return p.String(), nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
