package store

import (
	"context"
	"time"

	"smallgoals"
)

// ListCitizenGoals returns all the citizen's goals, active and closed, by number.
func (tx *Tx) ListCitizenGoals(ctx context.Context, citizenID int64) ([]smallgoals.Goal, error) {
	var rows []goalRow
	err := tx.tx.SelectContext(ctx, &rows, `
		SELECT `+goalColumns+`
		FROM goals g LEFT JOIN plan_goals p ON p.id = g.plan_goal_id
		WHERE g.citizen_id = $1 ORDER BY g.number`, citizenID)
	if err != nil {
		return nil, wrap("citizen goals", err)
	}
	return openAll[smallgoals.Goal](tx.keys, rows)
}

// ListCitizenEntries returns the citizen's score entries about days from from
// to to (inclusive; zero: no bound), oldest first, counting or not, with
// their numbers and undos.
func (tx *Tx) ListCitizenEntries(ctx context.Context, citizenID int64, from, to time.Time) ([]smallgoals.Entry, error) {
	var rows []entryRow
	// Numbered over all the goal's entries, then cut to the period.
	err := tx.tx.SelectContext(ctx, &rows, `
		SELECT * FROM (
			SELECT `+entryColumns+entryHistory+`
			FROM entries e JOIN goals g ON g.id = e.goal_id `+entryUndoJoin+`
			WHERE g.citizen_id = $1 AND e.kind = 'score'
		) x
		WHERE day >= coalesce($2, '-infinity'::date) AND day <= coalesce($3, 'infinity'::date)
		ORDER BY day, id`, citizenID, nullTime(from), nullTime(to))
	if err != nil {
		return nil, wrap("citizen entries", err)
	}
	return openAll[smallgoals.Entry](tx.keys, rows)
}

// ListCitizenRevisions returns the citizen's revisions from from to to
// (inclusive; zero: no bound), oldest first.
func (tx *Tx) ListCitizenRevisions(ctx context.Context, citizenID int64, from, to time.Time) ([]smallgoals.Revision, error) {
	var rows []revisionRow
	err := tx.tx.SelectContext(ctx, &rows, `
		SELECT r.id, r.goal_id, r.author, r.day, r.written_at, r.gas_level, r.outcome, r.citizen_took_part,
		       r.reflection AS reflection_ct, r.key_id, r.next_revision
		FROM revisions r JOIN goals g ON g.id = r.goal_id
		WHERE g.citizen_id = $1
		  AND r.day >= coalesce($2, '-infinity'::date) AND r.day <= coalesce($3, 'infinity'::date)
		ORDER BY r.day, r.id`, citizenID, nullTime(from), nullTime(to))
	if err != nil {
		return nil, wrap("citizen revisions", err)
	}
	return openAll[smallgoals.Revision](tx.keys, rows)
}
