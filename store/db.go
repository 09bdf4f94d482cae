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
	"errors"
	"fmt"
	neturl "net/url"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/lib/pq/pqerror"

	"smallgoals"
)

// DB is the application's database.
type DB struct {
	db     *sqlx.DB
	keys   *smallgoals.Keyring
	writer *writer // the one writer of scores, see append.go
	pooler bool    // Options.TransactionPooler
}

// Options configure Open.
type Options struct {
	MaxConns int // the connection pool's size; 0: database/sql's default (unlimited)

	// MaxConnLifetime closes a connection this long after it was opened
	// (0: never), so a managed server's failover or a rotated
	// certificate reaches every connection in time.
	MaxConnLifetime time.Duration

	// TransactionPooler says the URL reaches PostgreSQL through a pooler
	// in transaction mode (PgBouncer's pool_mode = transaction): a
	// connection's session is not its own from one transaction to the
	// next, so the store sends no session settings, keeps no prepared
	// statement, and Migrate refuses (goose's session lock would not
	// hold; migrate over a direct connection, MigrateURL).
	TransactionPooler bool

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
	url = connURL(url)
	db, err := sqlx.Open("postgres", url)
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
	db.SetConnMaxLifetime(opt.MaxConnLifetime)
	if err = db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: connect: %w", safe(err))
	}
	out := &DB{db: db, keys: opt.Keys, pooler: opt.TransactionPooler}
	if quickConns == 0 {
		out.writer = newWriter(db, 1, opt.TransactionPooler) // a pool of one: the writer shares it
		return out, nil
	}
	// The score writer has connections of its own (see append.go), so
	// its prepared statement stays planned on them.
	quick, err := sqlx.Open("postgres", url)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open: %w", safe(err))
	}
	quick.SetMaxOpenConns(quickConns)
	quick.SetMaxIdleConns(quickConns)
	quick.SetConnMaxIdleTime(5 * time.Minute)
	quick.SetConnMaxLifetime(opt.MaxConnLifetime)
	out.writer = newWriter(quick, quickConns, opt.TransactionPooler)
	return out, nil
}

// connURL is url with the connection parameters the store asks for unless
// the URL names them: binary parameters and application_name=smallgoals
// (pg_stat_activity and the server's log name the program). No session
// setting goes in the URL — lib/pq would send it as a startup parameter,
// which PgBouncer refuses — the writer sets its own per transaction.
func connURL(url string) string {
	return withParam(withBinaryParameters(url), "application_name", ApplicationName)
}

// ApplicationName is the application_name the store connects with unless
// the database URL sets its own.
const ApplicationName = "smallgoals"

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

// execOne runs a statement that changes one row, or none where the row
// is not as it expects: then it returns a smallgoals error of code
// (ENOTFOUND: no such row; ECONFLICT: it exists already, or changed).
func (tx *Tx) execOne(ctx context.Context, op, code, query string, args ...any) error {
	res, err := tx.tx.ExecContext(ctx, query, args...)
	if err != nil {
		return wrap(op, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return smallgoals.Errorf(code, "")
	}
	return nil
}

// pgError is a PostgreSQL error without the parts that may hold values
// from rows ("Failing row contains …", "Key (alias_key)=(AB)"), so it can
// be logged.
type pgError struct {
	Code       pqerror.Code
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
	case strings.Contains(err.Error(), "sql: Scan error"):
		// database/sql quotes the value it could not convert (a schema
		// out of step with the code): the text may be a decrypted note.
		return errScan
	}
	return err
}

// errScan stands in for database/sql's Scan errors, which quote the value.
var errScan = errors.New("sql: a column could not be read into the code's type (value not shown): is the schema migrated?")

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
