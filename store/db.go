// Package store keeps everything in PostgreSQL, through sqlx and lib/pq.
// Migrations are embedded and applied with goose under a Postgres session
// lock, so several replicas may start at once. One file per entity; every
// user action runs in one transaction (DB.InTx) together with its audit
// event. Free text is encrypted before it reaches the database and
// decrypted when read (see rekey.go), so callers see plain strings.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	neturl "net/url"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"smallgoals"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrations returns the embedded goose migrations, 00001_init.sql and on.
func Migrations() fs.FS {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		panic(err) // "migrations" is a valid path
	}
	return sub
}

// DB is the application's database.
type DB struct {
	db     *sqlx.DB
	keys   *smallgoals.Keyring
	writer *writer // the one writer of scores, see append.go
}

// Options configure Open.
type Options struct {
	MaxConns int // the connection pool's size; 0: database/sql's default (unlimited)

	// Keys encrypts free text (notes, titles, GAS level descriptions,
	// reflections) before it reaches the database and decrypts it when
	// read; required.
	Keys *smallgoals.Keyring
}

// Open connects to the PostgreSQL database at url and checks it answers.
func Open(ctx context.Context, url string, opt Options) (_ *DB, err error) {
	if opt.Keys == nil {
		return nil, errors.New("store: open: no data keys (Options.Keys): free text is stored encrypted")
	}
	db, err := sqlx.Open("postgres", withBinaryParameters(url))
	if err != nil {
		return nil, fmt.Errorf("store: open: %w", safe(err))
	}
	quickConns := writerStatements(opt.MaxConns)
	if opt.MaxConns > 0 {
		n := max(1, opt.MaxConns-quickConns)
		db.SetMaxOpenConns(n)
		db.SetMaxIdleConns(n)
	}
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err = db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: connect: %w", safe(err))
	}
	out := &DB{db: db, keys: opt.Keys}
	if quickConns == 0 {
		out.writer = newWriter(db, 1) // a pool of one: the writer shares it
		return out, nil
	}
	// The writer's own connections plan its statement once: left to
	// choose, PostgreSQL plans it afresh for every small batch, which
	// costs more than running it. A lock held elsewhere (a redelivery's
	// claim, an erasure) fails the statement after 2 s rather than hold up
	// the batch behind it; it is then tried again (see append.go).
	qurl := withParam(withParam(withBinaryParameters(url), "plan_cache_mode", "force_generic_plan"), "lock_timeout", "2000")
	quick, err := sqlx.Open("postgres", qurl)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open: %w", safe(err))
	}
	quick.SetMaxOpenConns(quickConns)
	quick.SetMaxIdleConns(quickConns)
	quick.SetConnMaxIdleTime(5 * time.Minute)
	out.writer = newWriter(quick, quickConns)
	return out, nil
}

// withBinaryParameters asks lib/pq to send parameters in binary, which
// spares a round trip per query (no describe before the bind), unless the
// URL says otherwise.
func withBinaryParameters(url string) string {
	return withParam(url, "binary_parameters", "yes")
}

// withParam adds a connection parameter to a lib/pq URL or key=value
// string unless it names the key already. lib/pq sends the ones it does
// not know to the server as settings of the session.
func withParam(url, key, value string) string {
	if strings.Contains(url, key) {
		return url
	}
	switch {
	case strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://"):
		if strings.Contains(url, "?") {
			return url + "&" + key + "=" + value
		}
		return url + "?" + key + "=" + value
	case url == "":
		return url
	default: // key=value form
		return url + " " + key + "=" + value
	}
}

// SQL returns the connection pool, for its statistics (metrics).
func (db *DB) SQL() *sql.DB { return db.db.DB }

// WriterSQL returns the score writer's own connections, for their
// statistics, or nil if it has none (a pool of one).
func (db *DB) WriterSQL() *sql.DB {
	if db.writer.db.DB == db.db.DB {
		return nil
	}
	return db.writer.db.DB
}

// Close closes the connection pools.
func (db *DB) Close() error {
	if w := db.WriterSQL(); w != nil {
		return errors.Join(w.Close(), db.db.Close())
	}
	return db.db.Close()
}

// Ping checks the database answers.
//
// An idle connection that a PostgreSQL restart broke fails its first use
// and is dropped; a second try then answers for the server as it is.
func (db *DB) Ping(ctx context.Context) error {
	err := db.db.PingContext(ctx)
	if err != nil && ctx.Err() == nil {
		err = db.db.PingContext(ctx)
	}
	return safe(err)
}

// Migrate applies the embedded migrations that are not applied yet. A
// Postgres session advisory lock makes concurrent callers wait for each
// other, so replicas starting together migrate once.
func (db *DB) Migrate(ctx context.Context) error {
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db.db.DB, Migrations(),
		goose.WithSessionLocker(locker), goose.WithVerbose(false))
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("store: migrate: %w", safe(err))
	}
	return nil
}

// SchemaVersion is the highest migration embedded in the binary: the
// version Migrate brings a database to.
func SchemaVersion() int64 {
	var v int64
	names, _ := fs.Glob(Migrations(), "*.sql")
	for _, name := range names {
		if n, err := goose.NumericComponent(name); err == nil && n > v {
			v = n
		}
	}
	return v
}

// AppliedVersion returns the highest migration applied to the database at
// url, 0 for a database never migrated. It only reads: unlike goose, it
// creates no version table.
func AppliedVersion(ctx context.Context, url string) (int64, error) {
	conn, err := sql.Open("postgres", url)
	if err != nil {
		return 0, fmt.Errorf("store: applied version: %w", safe(err))
	}
	defer conn.Close()
	var (
		exists bool
		v      sql.NullInt64
	)
	err = conn.QueryRowContext(ctx, `SELECT to_regclass('`+goose.DefaultTablename+`') IS NOT NULL`).Scan(&exists)
	if err == nil && exists {
		err = conn.QueryRowContext(ctx, `SELECT max(version_id) FROM `+goose.DefaultTablename).Scan(&v)
	}
	if err != nil {
		return 0, fmt.Errorf("store: applied version: %w", safe(err))
	}
	return v.Int64, nil
}

// InTx runs fn in one transaction and commits it if fn returns nil.
func (db *DB) InTx(ctx context.Context, fn func(*Tx) error) error {
	tx, err := db.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", safe(err))
	}
	// Rolls back on an error and on a panic someone recovers (net/http
	// does): an open transaction would keep its locks. After a commit it
	// does nothing.
	defer tx.Rollback()
	if err := fn(&Tx{tx: tx, keys: db.keys}); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", safe(err))
	}
	return nil
}

// Tx is one transaction; its methods are the store's operations.
type Tx struct {
	tx   *sqlx.Tx
	keys *smallgoals.Keyring
}

// pgError is a PostgreSQL error without the parts that may hold values
// from rows ("Failing row contains …", "Key (alias_key)=(AB)"), so it can
// be logged.
type pgError struct {
	Code       pq.ErrorCode
	Constraint string
}

func (e *pgError) Error() string {
	s := fmt.Sprintf("postgres error %s (%s)", e.Code, e.Code.Name())
	if e.Constraint != "" {
		s += " on " + e.Constraint
	}
	return s
}

// safe replaces a *pq.Error in err with a *pgError that holds no values,
// and a malformed URL's parse error with errBadURL.
func safe(err error) error {
	var pe *pq.Error
	var ue *neturl.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ue):
		return errBadURL
	case errors.As(err, &pe):
		return &pgError{Code: pe.Code, Constraint: pe.Constraint}
	}
	return err
}

// errBadURL stands in for a malformed database URL's parse error, whose
// text quotes the URL or the piece the parser stumbled on; either may be
// part of the password (a base64 password's "/" ends the host early).
var errBadURL = errors.New("invalid database URL (not shown: it holds the password); " +
	"percent-encode / ? # @ : and % in the password, or make one with `openssl rand -hex 24`")

// wrap maps a database error of an operation: no rows becomes ENOTFOUND, a
// unique violation ECONFLICT (both without a message ID: the caller words
// them), anything else a wrapped error without values.
func wrap(op string, err error) error {
	var pe *pq.Error
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sql.ErrNoRows):
		return smallgoals.Errorf(smallgoals.ENOTFOUND, "")
	case errors.As(err, &pe) && pe.Code == "23505":
		return smallgoals.Errorf(smallgoals.ECONFLICT, "", "Constraint", pe.Constraint)
	default:
		return fmt.Errorf("store: %s: %w", op, safe(err))
	}
}
