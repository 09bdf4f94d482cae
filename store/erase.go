package store

import (
	"context"

	"smallgoals"
)

// ErasureOf counts what erasing the citizen would remove.
func (tx *Tx) ErasureOf(ctx context.Context, citizenID int64) (smallgoals.Erasure, error) {
	var e smallgoals.Erasure
	err := tx.tx.GetContext(ctx, &e, `
		SELECT (SELECT count(*) FROM plan_goals WHERE citizen_id = c.id) AS plans,
		       (SELECT count(*) FROM goals WHERE citizen_id = c.id) AS goals,
		       (SELECT count(*) FROM entries e JOIN goals g ON g.id = e.goal_id WHERE g.citizen_id = c.id) AS entries,
		       (SELECT count(*) FROM revisions r JOIN goals g ON g.id = r.goal_id WHERE g.citizen_id = c.id) AS revisions,
		       (SELECT count(*) FROM files f WHERE f.citizen_id = c.id
		          OR f.id IN (SELECT file_id FROM file_citizens WHERE citizen_id = c.id)) AS files,
		       (SELECT count(*) FROM post_citizens p WHERE p.citizen_id = c.id) AS posts,
		       (SELECT count(*) FROM reflections x WHERE x.citizen_id = c.id) AS reflections,
		       (SELECT count(*) FROM entries e JOIN goals g ON g.id = e.goal_id
		         WHERE g.citizen_id = c.id AND e.written_at > coalesce(c.exported_at, '-infinity')) AS unexported
		FROM citizens c WHERE c.id = $1`, citizenID)
	return e, wrap("erasure of", err)
}

// EraseCitizen deletes the citizen with its plan goals, goals, entries,
// revisions and the reflections about it, and the links of what the bot posted to it (UnpostCitizen
// and ExpireCitizenFiles first make those due for deletion from Slack).
// The audit log keeps its rows: they have no foreign keys.
func (tx *Tx) EraseCitizen(ctx context.Context, citizenID int64) error {
	// Entries first: their undo rows point at them, and the trigger that
	// keeps entries append-only refuses updates, not deletes.
	const q = `
		WITH g AS (SELECT id FROM goals WHERE citizen_id = $1),
		     e AS (DELETE FROM entries WHERE goal_id IN (SELECT id FROM g) RETURNING 1),
		     r AS (DELETE FROM revisions WHERE goal_id IN (SELECT id FROM g) RETURNING 1)
		SELECT (SELECT count(*) FROM e) + (SELECT count(*) FROM r)`
	var n int
	if err := tx.tx.GetContext(ctx, &n, q, citizenID); err != nil {
		return wrap("erase citizen", err)
	}
	for _, stmt := range []string{
		`DELETE FROM reflections WHERE citizen_id = $1`, // the team's reflections about the borger
		`DELETE FROM goals WHERE citizen_id = $1`,
		`DELETE FROM plan_goals WHERE citizen_id = $1`,
		`DELETE FROM citizens WHERE id = $1`,
	} {
		if _, err := tx.tx.ExecContext(ctx, stmt, citizenID); err != nil {
			return wrap("erase citizen", err)
		}
	}
	return nil
}
