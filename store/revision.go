package store

import (
	"context"

	"smallgoals"
)

// CreateRevision appends r and sets its ID.
func (tx *Tx) CreateRevision(ctx context.Context, r *smallgoals.Revision) error {
	const q = `
		INSERT INTO revisions (goal_id, author, day, written_at, gas_level, outcome,
		                       citizen_took_part, reflection, next_revision)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		RETURNING id`
	err := tx.tx.QueryRowxContext(ctx, q, r.GoalID, r.Author, r.Day, r.WrittenAt, r.GASLevel,
		r.Outcome, r.CitizenTookPart, r.Reflection, r.NextRevision).Scan(&r.ID)
	return wrap("create revision", err)
}

// GoalRevisions returns the goal's latest revisions, newest first.
func (tx *Tx) GoalRevisions(ctx context.Context, goalID int64, limit int) ([]smallgoals.Revision, error) {
	var rs []smallgoals.Revision
	err := tx.tx.SelectContext(ctx, &rs, `
		SELECT id, goal_id, author, day, written_at, gas_level, outcome, citizen_took_part,
		       reflection, next_revision
		FROM revisions WHERE goal_id = $1
		ORDER BY day DESC, id DESC
		LIMIT $2`, goalID, limit)
	return rs, wrap("goal revisions", err)
}
