// Package storetest gives each test a migrated PostgreSQL database of its
// own, cloned in about 30 ms from a template made once per set of
// migrations on the server at TEST_DATABASE_URL, and reads back the text
// the store encrypts. Only tests import it, so the binary does not link
// package testing.
package storetest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/lib/pq"

	"smallgoals"
	"smallgoals/store"
)

// testKey is the fixed data key of the test databases (base64 of 32
// bytes); never use it for real data.
const testKey = "c21hbGxnb2FscyB0ZXN0IGtleSAtIG5vdCBzZWNyZXQ="

// Keyring returns the fixed keyring Open opens the store with, so tests
// can decrypt what they read with raw SQL (see Plaintexts).
func Keyring() *smallgoals.Keyring {
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

// URL returns a URL for a new, migrated database of its own, cloned from a
// template on the server at TEST_DATABASE_URL, and drops the database when
// the test ends. It skips the test when TEST_DATABASE_URL is unset (make
// test sets it). The server role needs CREATEDB.
func URL(tb testing.TB) string {
	tb.Helper()
	admin := os.Getenv("TEST_DATABASE_URL")
	if admin == "" {
		tb.Skip("TEST_DATABASE_URL is not set: run the tests with 'make test'")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	conn, err := sql.Open("postgres", admin)
	if err != nil {
		tb.Fatalf("storetest: test database: %v", safe(err))
	}
	defer conn.Close()
	tmpl, err := template(ctx, conn, admin)
	if err != nil {
		tb.Fatalf("storetest: test template: %v", err)
	}
	name := "sg_test_" + randomHex(8)
	if _, err := conn.ExecContext(ctx, `CREATE DATABASE `+name+` TEMPLATE `+tmpl); err != nil {
		tb.Fatalf("storetest: create test database: %v", safe(err))
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

// Open opens a new, migrated database of the test's own (see URL) twice:
// as a *store.DB with Keyring's key, and as a plain *sql.DB for
// assertions on its rows (where free text is encrypted).
func Open(tb testing.TB) (*store.DB, *sql.DB) {
	tb.Helper()
	u := URL(tb)
	db, err := store.Open(context.Background(), u, store.Options{MaxConns: 10, Keys: Keyring()})
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

// Plaintexts runs query on raw — it must select an encrypted column and
// the row's key_id — and returns the values decrypted with Keyring, for
// assertions on what the store wrote:
//
//	notes := storetest.Plaintexts(t, raw, "entries.note", `SELECT note, key_id FROM entries WHERE day = $1`, d)
//
// The field names the column as "table.column"; goals.gas_levels is a
// JSON array of five strings, NULL is "".
func Plaintexts(tb testing.TB, raw *sql.DB, field, query string, args ...any) []string {
	tb.Helper()
	rows, err := raw.Query(query, args...)
	if err != nil {
		tb.Fatalf("storetest: Plaintexts: %v", err)
	}
	defer rows.Close()
	kr := Keyring()
	var out []string
	for rows.Next() {
		var ct []byte
		var keyID string
		if err := rows.Scan(&ct, &keyID); err != nil {
			tb.Fatalf("storetest: Plaintexts: %v", err)
		}
		s, err := store.Plaintext(kr, field, ct, keyID)
		if err != nil {
			tb.Fatalf("storetest: Plaintexts: %v", err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		tb.Fatalf("storetest: Plaintexts: %v", err)
	}
	return out
}

// Tables lists the database's own tables (not goose's), by name.
func Tables(tb testing.TB, raw *sql.DB) []string {
	tb.Helper()
	rows, err := raw.Query(`SELECT table_name FROM information_schema.tables
		WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'goose_db_version' ORDER BY 1`)
	if err != nil {
		tb.Fatalf("storetest: Tables: %v", err)
	}
	defer rows.Close()
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			tb.Fatalf("storetest: Tables: %v", err)
		}
		tables = append(tables, name)
	}
	return tables
}

// Value is one column's value of one row, as Everything reads it.
type Value struct {
	Table, Column, Text string
}

// Everything reads every column of every row of every table (but goose's
// own), as text; an encrypted column (bytea in a row with a key_id) is
// decrypted. It is what a test looks through for what must not be kept.
func Everything(tb testing.TB, raw *sql.DB) []Value {
	tb.Helper()
	kr := Keyring()
	var out []Value
	for _, table := range Tables(tb, raw) {
		rows, err := raw.Query(`SELECT to_jsonb(t)::text FROM ` + pq.QuoteIdentifier(table) + ` t`)
		if err != nil {
			tb.Fatalf("storetest: Everything: %s: %v", table, err)
		}
		for rows.Next() {
			var js string
			if err := rows.Scan(&js); err != nil {
				tb.Fatalf("storetest: Everything: %v", err)
			}
			var row map[string]any
			if err := json.Unmarshal([]byte(js), &row); err != nil {
				tb.Fatalf("storetest: Everything: %v", err)
			}
			keyID, _ := row["key_id"].(string)
			for col, v := range row {
				text := fmt.Sprint(v)
				if h, ok := v.(string); ok && keyID != "" && strings.HasPrefix(h, `\x`) {
					if ct, err := hex.DecodeString(h[2:]); err == nil {
						if pt, err := store.Plaintext(kr, table+"."+col, ct, keyID); err == nil {
							text = pt
						}
					}
				}
				out = append(out, Value{Table: table, Column: col, Text: text})
			}
		}
		rows.Close()
	}
	return out
}

// template makes sure a migrated template database exists for the current
// migrations and returns its name. Test binaries of several packages run
// at once, so an advisory lock serialises its creation.
func template(ctx context.Context, conn *sql.DB, admin string) (string, error) {
	hash, err := migrationsHash()
	if err != nil {
		return "", err
	}
	name := "sg_template_" + hash[:12]
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
	db, err := store.Open(ctx, u, store.Options{Keys: Keyring()})
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

// migrationsHash names the set of embedded migrations.
func migrationsHash() (string, error) {
	h := sha256.New()
	fsys := store.Migrations()
	err := fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, path)
		fmt.Fprintf(h, "%s\x00%s\x00", path, b)
		return err
	})
	return hex.EncodeToString(h.Sum(nil)), err
}

// withDBName returns the postgres:// URL u with another database name.
func withDBName(u, name string) (string, error) {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "postgres" && p.Scheme != "postgresql") {
		return "", errors.New("storetest: TEST_DATABASE_URL must be a postgres:// URL")
	}
	p.Path = "/" + name
	q := p.Query()
	q.Del("dbname")
	p.RawQuery = q.Encode()
	return p.String(), nil
}

// safe keeps a PostgreSQL error's code and message and drops its detail,
// which may hold values, as the store does.
func safe(err error) error {
	var pe *pq.Error
	if errors.As(err, &pe) {
		return fmt.Errorf("postgres error %s: %s", pe.Code, pe.Message)
	}
	return err
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
