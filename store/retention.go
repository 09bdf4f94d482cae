package store

import (
	"context"
	"time"

	"smallgoals"
)

// PurgeEntries deletes the entries on closed goals that are older than
// their team's retention (teams.retention_days, else defaultDays) at at,
// keeping any written after the citizen's last export (documentation
// duty). It returns how many it deleted and how many it kept for want of
// an export.
func (tx *Tx) PurgeEntries(ctx context.Context, at time.Time, defaultDays int) (deleted, kept int, err error) {
	const old = `
		SELECT e.id, e.written_at > coalesce(c.exported_at, '-infinity') AS unexported
		FROM entries e
		JOIN goals g ON g.id = e.goal_id AND g.status = 'closed'
		JOIN citizens c ON c.id = g.citizen_id
		JOIN teams t ON t.id = c.team_id
		WHERE e.day < (($1::timestamptz AT TIME ZONE t.tz)::date - coalesce(t.retention_days, $2))`
	// One audit event per citizen whose entries went, in the same statement.
	const q = `
		WITH old AS (` + old + `),
		     gone AS (DELETE FROM entries WHERE id IN (SELECT id FROM old WHERE NOT unexported) RETURNING goal_id),
		     audit AS (
		         INSERT INTO audit_events (at, actor, action, team_id, citizen_id, ref, allowed)
		         SELECT $1, 'system', 'retention.purge', c.team_id, c.id, c.alias, true
		         FROM citizens c
		         WHERE c.id IN (SELECT g.citizen_id FROM goals g WHERE g.id IN (SELECT goal_id FROM gone))
		         RETURNING 1)
		SELECT (SELECT count(*) FROM gone), (SELECT count(*) FROM old WHERE unexported), (SELECT count(*) FROM audit)`
	var audited int
	err = tx.tx.QueryRowxContext(ctx, q, at, defaultDays).Scan(&deleted, &kept, &audited)
	return deleted, kept, wrap("purge entries", err)
}

// Purge runs PurgeEntries in a transaction of its own.
func (db *DB) Purge(ctx context.Context, at time.Time, defaultDays int) (deleted, kept int, err error) {
	err = db.InTx(ctx, func(tx *Tx) error {
		deleted, kept, err = tx.PurgeEntries(ctx, at, defaultDays)
		return err
	})
	return deleted, kept, err
}

// ListExpiredFiles lists the files due for deletion at at.
func (db *DB) ListExpiredFiles(ctx context.Context, at time.Time, limit int) ([]smallgoals.FileRecord, error) {
	var fs []smallgoals.FileRecord
	err := db.InTx(ctx, func(tx *Tx) (err error) {
		fs, err = tx.ListExpiredFiles(ctx, at, limit)
		return err
	})
	return fs, err
}
