package store

import (
	"context"
	"time"

	"smallgoals"
)

// CreateRevision appends r and sets its ID.
func (tx *Tx) CreateRevision(ctx context.Context, r *smallgoals.Revision) error {
	reflection, keyID, err := sealText(tx.keys, fieldRevisionReflection, r.Reflection)
	if err != nil {
		return err
	}
	const q = `
		INSERT INTO revisions (goal_id, author, day, written_at, gas_level, outcome,
		                       citizen_took_part, reflection, key_id, next_revision)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		RETURNING id`
	err = tx.tx.QueryRowxContext(ctx, q, r.GoalID, r.Author, r.Day, r.WrittenAt, r.GASLevel,
		r.Outcome, r.CitizenTookPart, reflection, keyID, r.NextRevision).Scan(&r.ID)
	return wrap("create revision", err)
}

// revisionRow is a revision as stored, its reflection encrypted.
type revisionRow struct {
	smallgoals.Revision
	ReflectionCT []byte `db:"reflection_ct"`
	KeyID        string `db:"key_id"`
}

func (r *revisionRow) open(kr *smallgoals.Keyring) (smallgoals.Revision, error) {
	v := r.Revision
	var err error
	v.Reflection, err = openText(kr, fieldRevisionReflection, v.ID, r.ReflectionCT, r.KeyID)
	return v, err
}

// ListGoalRevisions returns the goal's latest revisions, newest first.
func (tx *Tx) ListGoalRevisions(ctx context.Context, goalID int64, limit int) ([]smallgoals.Revision, error) {
	var rows []revisionRow
	err := tx.tx.SelectContext(ctx, &rows, `
		SELECT id, goal_id, author, day, written_at, gas_level, outcome, citizen_took_part,
		       reflection AS reflection_ct, key_id, next_revision
		FROM revisions WHERE goal_id = $1
		ORDER BY day DESC, id DESC
		LIMIT $2`, goalID, limit)
	if err != nil {
		return nil, wrap("goal revisions", err)
	}
	return openAll[smallgoals.Revision](tx.keys, rows)
}

// HasRevisionOn reports whether the goal has a revision about day.
func (tx *Tx) HasRevisionOn(ctx context.Context, goalID int64, day time.Time) (bool, error) {
	var ok bool
	err := tx.tx.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM revisions WHERE goal_id = $1 AND day = $2)`, goalID, day)
	return ok, wrap("revision on day", err)
}
