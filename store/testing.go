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

	"smallgoals"
)

// testKey is the fixed data key of the test databases (base64 of 32
// bytes); never use it for real data.
const testKey = "c21hbGxnb2FscyB0ZXN0IGtleSAtIG5vdCBzZWNyZXQ="

// TestKeyring returns the fixed keyring OpenTest opens the store with, so
// tests can decrypt what they read with raw SQL (see TestPlaintexts).
func TestKeyring() *smallgoals.Keyring {
	k, err := smallgoals.ParseKey(testKey)
	if err != nil {
		panic(err)
	}
	kr, err := smallgoals.NewKeyring(k)
	if err != nil {
		panic(err)
	}
	return kr
}

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

// TestPlaintexts runs query on raw — it must select an encrypted column
// and the row's key_id — and returns the values decrypted with
// TestKeyring, for assertions on what the store wrote:
//
//	notes := store.TestPlaintexts(t, raw, "entries.note", `SELECT note, key_id FROM entries WHERE day = $1`, d)
//
// The field names the column as "table.column"; goals.gas_levels is a
// JSON array of five strings, NULL is "".
func TestPlaintexts(tb testing.TB, raw *sql.DB, field, query string, args ...any) []string {
	tb.Helper()
	rows, err := raw.Query(query, args...)
	if err != nil {
		tb.Fatalf("store: TestPlaintexts: %v", err)
	}
	defer rows.Close()
	kr := TestKeyring()
	var out []string
	for rows.Next() {
		var ct []byte
		var keyID string
		if err := rows.Scan(&ct, &keyID); err != nil {
			tb.Fatalf("store: TestPlaintexts: %v", err)
		}
		s, err := openText(kr, field, 0, ct, keyID)
		if err != nil {
			tb.Fatalf("store: TestPlaintexts: %v", err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		tb.Fatalf("store: TestPlaintexts: %v", err)
	}
	return out
}

// OpenTest opens a new, migrated database of the test's own (see TestURL)
// twice: as a *DB with TestKeyring's key, and as a plain *sql.DB for
// assertions on its rows (where free text is encrypted).
func OpenTest(tb testing.TB) (*DB, *sql.DB) {
	tb.Helper()
	u := TestURL(tb)
	db, err := Open(context.Background(), u, Options{MaxConns: 10, Keys: TestKeyring()})
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
	db, err := Open(ctx, u, Options{Keys: TestKeyring()})
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
