package store

import (
	"context"
	"database/sql"

	"smallgoals"
)

// CreateGoalChange appends c, its values sealed, and sets its ID.
func (tx *Tx) CreateGoalChange(ctx context.Context, c *smallgoals.GoalChange) error {
	old, keyID, err := sealValue(tx.keys, fieldChangeOld, c.Old)
	if err != nil {
		return err
	}
	nw, _, err := sealValue(tx.keys, fieldChangeNew, c.New)
	if err != nil {
		return err
	}
	if keyID == "" {
		keyID = tx.keys.CurrentID()
	}
	const q = `
		INSERT INTO goal_changes (goal_id, plan_goal_id, author, at, field, old_value, new_value, key_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		RETURNING id`
	err = tx.tx.QueryRowxContext(ctx, q, c.GoalID, c.PlanGoalID, c.Author, c.At, c.Field, old, nw, keyID).Scan(&c.ID)
	return wrap("create goal change", err)
}

// sealValue seals a change's value; "" (none) is NULL.
func sealValue(kr *smallgoals.Keyring, field, s string) (ct []byte, keyID string, err error) {
	if s == "" {
		return nil, "", nil
	}
	return sealText(kr, field, s)
}

const goalChangeColumns = `x.id, x.goal_id, x.plan_goal_id, x.author, x.at, x.field,
	x.old_value AS old_ct, x.new_value AS new_ct, x.key_id`

// goalChangeRow is a change as stored, its values encrypted.
type goalChangeRow struct {
	smallgoals.GoalChange
	OldCT []byte `db:"old_ct"`
	NewCT []byte `db:"new_ct"`
	KeyID string `db:"key_id"`
}

func (r *goalChangeRow) open(kr *smallgoals.Keyring) (smallgoals.GoalChange, error) {
	c := r.GoalChange
	var err error
	if r.OldCT != nil {
		if c.Old, err = openText(kr, fieldChangeOld, c.ID, r.OldCT, r.KeyID); err != nil {
			return c, err
		}
	}
	if r.NewCT != nil {
		c.New, err = openText(kr, fieldChangeNew, c.ID, r.NewCT, r.KeyID)
	}
	return c, err
}

// ListGoalChanges returns the goal's changes, oldest first.
func (tx *Tx) ListGoalChanges(ctx context.Context, goalID int64) ([]smallgoals.GoalChange, error) {
	var rows []goalChangeRow
	err := tx.tx.SelectContext(ctx, &rows, `
		SELECT `+goalChangeColumns+` FROM goal_changes x
		WHERE x.goal_id = $1 ORDER BY x.at, x.id`, goalID)
	if err != nil {
		return nil, wrap("goal changes", err)
	}
	return openAll[smallgoals.GoalChange](tx.keys, rows)
}

// ListCitizenChanges returns the changes to the citizen's small goals and
// plan goals, oldest first.
func (tx *Tx) ListCitizenChanges(ctx context.Context, citizenID int64) ([]smallgoals.GoalChange, error) {
	var rows []goalChangeRow
	err := tx.tx.SelectContext(ctx, &rows, `
		SELECT `+goalChangeColumns+` FROM goal_changes x
		WHERE x.goal_id IN (SELECT id FROM goals WHERE citizen_id = $1)
		   OR x.plan_goal_id IN (SELECT id FROM plan_goals WHERE citizen_id = $1)
		ORDER BY x.at, x.id`, citizenID)
	if err != nil {
		return nil, wrap("citizen changes", err)
	}
	return openAll[smallgoals.GoalChange](tx.keys, rows)
}

// affected maps an update that changed no row to ENOTFOUND.
func affected(op string, res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return wrap(op, err)
	}
	if n == 0 {
		return wrap(op, sql.ErrNoRows)
	}
	return nil
}
