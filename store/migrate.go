package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"time"

	"github.com/lib/pq"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// Upgrades: a binary migrates the database to SchemaVersion (goose, the
// embedded migrations), and refuses to run on any other version
// (CheckSchema). The migrations run as the owner of the tables; the bot
// may run as an application role the owner grants what it needs (Grants),
// now and for the tables later migrations create.

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

// ErrPoolerMigrate is Migrate's refusal behind a transaction pooler.
var ErrPoolerMigrate = errors.New("store: migrate: the database URL goes through a pooler in transaction mode, " +
	"where goose's session lock does not hold: migrate over a direct connection to PostgreSQL (DATABASE_MIGRATE_URL)")

// Migrate applies the embedded migrations that are not applied yet. A
// Postgres session advisory lock makes concurrent callers wait for each
// other, so replicas starting together migrate once. It refuses behind a
// transaction pooler (Options.TransactionPooler): use MigrateURL with a
// direct connection.
func (db *DB) Migrate(ctx context.Context) error {
	if db.pooler {
		return ErrPoolerMigrate
	}
	return migrate(ctx, db.db.DB)
}

// MigrateURL applies the embedded migrations to the database at url, over
// a connection of its own: it needs no data key, and url may name another
// role (the owner) or a direct connection where the bot's goes through
// PgBouncer. It refuses a database newer than the binary (CheckSchema).
func MigrateURL(ctx context.Context, url string) error {
	conn, err := sql.Open("postgres", withParam(url, "application_name", ApplicationName))
	if err != nil {
		return fmt.Errorf("store: migrate: %w", safe(err))
	}
	defer conn.Close()
	return migrate(ctx, conn)
}

func migrate(ctx context.Context, conn *sql.DB) error {
	// A newer binary's migrations are not this one's to judge: goose would
	// find nothing to do and the old binary would start on them.
	if applied, err := appliedVersion(ctx, conn); err != nil {
		return err
	} else if applied > SchemaVersion() {
		return schemaError(applied)
	}
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, conn, Migrations(),
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
	for _, m := range embedded() {
		v = max(v, m.Version)
	}
	return v
}

// embedded lists the embedded migrations in version order.
func embedded() []Migration {
	names, _ := fs.Glob(Migrations(), "*.sql")
	var out []Migration
	for _, name := range names {
		if n, err := goose.NumericComponent(name); err == nil {
			out = append(out, Migration{Version: n, Name: name})
		}
	}
	slices.SortFunc(out, func(a, b Migration) int { return int(a.Version - b.Version) })
	return out
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
	return appliedVersion(ctx, conn)
}

// appliedVersion reads the highest applied migration from goose's table,
// 0 without one. (goose deletes a migration's row when it goes down.)
func appliedVersion(ctx context.Context, conn *sql.DB) (int64, error) {
	var (
		exists bool
		v      sql.NullInt64
	)
	err := conn.QueryRowContext(ctx, `SELECT to_regclass('`+goose.DefaultTablename+`') IS NOT NULL`).Scan(&exists)
	if err == nil && exists {
		err = conn.QueryRowContext(ctx, `SELECT max(version_id) FROM `+goose.DefaultTablename+` WHERE is_applied`).Scan(&v)
	}
	if err != nil {
		return 0, fmt.Errorf("store: applied version: %w", safe(err))
	}
	return v.Int64, nil
}

// Schema errors: the database's schema is not the binary's.
var (
	ErrSchemaNewer = errors.New("store: the database's schema is newer than this binary's")
	ErrSchemaOlder = errors.New("store: the database's schema is older than this binary's")
)

// CheckSchema returns an error wrapping ErrSchemaNewer or ErrSchemaOlder,
// saying what to do, unless the database is at SchemaVersion. The program
// calls it at start, after migrating (or with --no-migrate instead): a
// binary runs only on the schema it was built for.
func (db *DB) CheckSchema(ctx context.Context) error {
	applied, err := appliedVersion(ctx, db.db.DB)
	if err != nil {
		return err
	}
	return schemaError(applied)
}

// schemaError words the difference between the database's schema version
// and the binary's, nil if there is none.
func schemaError(applied int64) error {
	switch binary := SchemaVersion(); {
	case applied > binary:
		return fmt.Errorf("%w: the database is at schema version %d, this binary knows versions up to %d; "+
			"a newer smallgoals has migrated it: run that version (or newer) of smallgoals, or restore the backup taken before the upgrade to go back",
			ErrSchemaNewer, applied, binary)
	case applied < binary:
		return fmt.Errorf("%w: the database is at schema version %d, this binary needs %d; "+
			"run `smallgoals migrate` with the database owner's URL (DATABASE_URL or DATABASE_MIGRATE_URL), then start again (see `smallgoals migrate status`)",
			ErrSchemaOlder, applied, binary)
	}
	return nil
}

// A Migration is one embedded migration and, in MigrationStatus, when it
// was applied.
type Migration struct {
	Version int64
	Name    string    // the file's, e.g. 00001_init.sql; "" for one the binary lacks
	Applied time.Time // zero: pending
}

// MigrationStatus lists every embedded migration, applied or pending, and
// after them those applied to the database that this binary does not
// embed (a newer binary's). It only reads.
func MigrationStatus(ctx context.Context, url string) ([]Migration, error) {
	conn, err := sql.Open("postgres", url)
	if err != nil {
		return nil, fmt.Errorf("store: migration status: %w", safe(err))
	}
	defer conn.Close()
	var exists bool
	if err := conn.QueryRowContext(ctx, `SELECT to_regclass('`+goose.DefaultTablename+`') IS NOT NULL`).Scan(&exists); err != nil {
		return nil, fmt.Errorf("store: migration status: %w", safe(err))
	}
	applied := map[int64]time.Time{}
	if exists {
		rows, err := conn.QueryContext(ctx, `SELECT version_id, max(tstamp) FROM `+goose.DefaultTablename+
			` WHERE is_applied AND version_id > 0 GROUP BY version_id`)
		if err != nil {
			return nil, fmt.Errorf("store: migration status: %w", safe(err))
		}
		defer rows.Close()
		for rows.Next() {
			var v int64
			var at time.Time
			if err := rows.Scan(&v, &at); err != nil {
				return nil, fmt.Errorf("store: migration status: %w", safe(err))
			}
			applied[v] = at
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("store: migration status: %w", safe(err))
		}
	}
	out := embedded()
	for i := range out {
		out[i].Applied = applied[out[i].Version]
		delete(applied, out[i].Version)
	}
	var unknown []Migration
	for v, at := range applied {
		unknown = append(unknown, Migration{Version: v, Applied: at})
	}
	slices.SortFunc(unknown, func(a, b Migration) int { return int(a.Version - b.Version) })
	return append(out, unknown...), nil
}

// appFunctions are the functions the application role calls. The
// migrations revoke them from PUBLIC where they run with their owner's
// rights (SECURITY DEFINER); add a new one here.
var appFunctions = []string{
	"purge_audit_events(timestamptz, integer, integer)", // retention (00012_retention.sql)
}

// Grants returns the SQL that gives the application role appRole what the
// bot needs, to be run by the owner of the tables (the role that runs the
// migrations): SELECT, INSERT, UPDATE and DELETE on every table, the
// sequences, the functions it calls (appFunctions) — and, with ALTER
// DEFAULT PRIVILEGES, the same on the tables and sequences later
// migrations create, so an upgrade needs no new grants. The default
// privileges are for the tables owner creates ("": the role running the
// SQL). The access log (audit_events) stays append-only for appRole:
// INSERT and SELECT only (its triggers refuse the rest to everyone, and
// only the owner may disable them); goose's version table is read-only to
// it. Running the statements again changes nothing.
func Grants(appRole, owner string) []string {
	r := pq.QuoteIdentifier(appRole)
	forOwner := ""
	if owner != "" {
		forOwner = " FOR ROLE " + pq.QuoteIdentifier(owner)
	}
	stmts := []string{
		`GRANT USAGE ON SCHEMA public TO ` + r,
		`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ` + r,
		`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ` + r,
		`ALTER DEFAULT PRIVILEGES` + forOwner + ` IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ` + r,
		`ALTER DEFAULT PRIVILEGES` + forOwner + ` IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ` + r,
		`REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM ` + r,
		`REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON ` + goose.DefaultTablename + ` FROM ` + r,
	}
	for _, f := range appFunctions {
		stmts = append(stmts, `GRANT EXECUTE ON FUNCTION `+f+` TO `+r)
	}
	return stmts
}

// ApplyGrants runs Grants(appRole, owner) in one transaction on the
// migrated database at url, as the role url names, where owner is the
// tables' owner. It refuses an app role that does not exist or is the
// owner, and a role that neither owns the tables nor is a superuser.
func ApplyGrants(ctx context.Context, url, appRole string) error {
	conn, err := sql.Open("postgres", url)
	if err != nil {
		return fmt.Errorf("store: grants: %w", safe(err))
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: grants: %w", safe(err))
	}
	defer tx.Rollback()
	var (
		exists, super bool
		owner, me     sql.NullString
	)
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1),
		(SELECT tableowner FROM pg_tables WHERE schemaname = 'public' AND tablename = 'audit_events'),
		current_user, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)`, appRole).
		Scan(&exists, &owner, &me, &super); err != nil {
		return fmt.Errorf("store: grants: %w", safe(err))
	}
	switch q := pq.QuoteIdentifier(appRole); {
	case !owner.Valid:
		return errors.New("store: grants: the database is not migrated: run `smallgoals migrate` as the owner first")
	case !exists:
		return fmt.Errorf("store: grants: there is no role %s: create it first (CREATE ROLE %s LOGIN PASSWORD '…')", q, q)
	case appRole == owner.String:
		return fmt.Errorf("store: grants: %s owns the tables: the app role must be another role, without ownership", q)
	case me.String != owner.String && !super:
		return fmt.Errorf("store: grants: run them as the tables' owner %s, not %s", pq.QuoteIdentifier(owner.String), pq.QuoteIdentifier(me.String))
	}
	for _, s := range Grants(appRole, owner.String) {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("store: grants: %w", safe(err))
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: grants: %w", safe(err))
	}
	return nil
}
