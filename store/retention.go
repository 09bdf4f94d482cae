package store

import (
	"context"
	"time"
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
	const q = `
		WITH old AS (` + old + `),
		     gone AS (DELETE FROM entries WHERE id IN (SELECT id FROM old WHERE NOT unexported) RETURNING 1)
		SELECT (SELECT count(*) FROM gone), (SELECT count(*) FROM old WHERE unexported)`
	err = tx.tx.QueryRowxContext(ctx, q, at, defaultDays).Scan(&deleted, &kept)
	return deleted, kept, wrap("purge entries", err)
}
