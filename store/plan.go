package store

import (
	"context"

	"smallgoals"
)

// CreatePlanGoal inserts p with the citizen's next plan-goal number and
// sets its ID and Number.
func (tx *Tx) CreatePlanGoal(ctx context.Context, p *smallgoals.PlanGoal) error {
	// The counter row lock numbers concurrent inserts one after the other.
	const next = `UPDATE citizens SET last_plan_no = last_plan_no + 1 WHERE id = $1 RETURNING last_plan_no`
	if err := tx.tx.QueryRowxContext(ctx, next, p.CitizenID).Scan(&p.Number); err != nil {
		return wrap("create plan goal", err)
	}
	title, keyID, err := sealText(tx.keys, fieldPlanGoalTitle, p.Title)
	if err != nil {
		return err
	}
	const q = `
		INSERT INTO plan_goals (citizen_id, number, title, key_id, created_by, created_at, theme)
		VALUES ($1, $2, $3, $4, $5, $6, NULLIF($7, ''))
		RETURNING id`
	err = tx.tx.QueryRowxContext(ctx, q, p.CitizenID, p.Number, title, keyID, p.CreatedBy, p.CreatedAt, p.Theme).Scan(&p.ID)
	return wrap("create plan goal", err)
}

const planGoalColumns = `id, citizen_id, number, title AS title_ct, key_id, created_by, created_at, closed_at, closed_by,
	COALESCE(theme, '') AS theme`

// planGoalRow is a plan goal as stored, its title encrypted.
type planGoalRow struct {
	smallgoals.PlanGoal
	TitleCT []byte `db:"title_ct"`
	KeyID   string `db:"key_id"`
}

func (r *planGoalRow) open(kr *smallgoals.Keyring) (smallgoals.PlanGoal, error) {
	p := r.PlanGoal
	var err error
	p.Title, err = openText(kr, fieldPlanGoalTitle, p.ID, r.TitleCT, r.KeyID)
	return p, err
}

// FindPlanGoal returns the citizen's plan goal by number. Returns
// ENOTFOUND if there is none.
func (tx *Tx) FindPlanGoal(ctx context.Context, citizenID int64, number int) (smallgoals.PlanGoal, error) {
	var r planGoalRow
	err := tx.tx.GetContext(ctx, &r, `
		SELECT `+planGoalColumns+`
		FROM plan_goals WHERE citizen_id = $1 AND number = $2`, citizenID, number)
	if err != nil {
		return smallgoals.PlanGoal{}, wrap("find plan goal", err)
	}
	return r.open(tx.keys)
}

// ListPlanGoals lists the citizen's plan goals by number.
func (tx *Tx) ListPlanGoals(ctx context.Context, citizenID int64) ([]smallgoals.PlanGoal, error) {
	var rs []planGoalRow
	err := tx.tx.SelectContext(ctx, &rs, `
		SELECT `+planGoalColumns+`
		FROM plan_goals WHERE citizen_id = $1 ORDER BY number`, citizenID)
	if err != nil {
		return nil, wrap("list plan goals", err)
	}
	return openAll[smallgoals.PlanGoal](tx.keys, rs)
}

// UpdatePlanGoal writes p's title (sealed anew under the current key) and
// its closing. Returns ENOTFOUND if there is no such plan goal.
func (tx *Tx) UpdatePlanGoal(ctx context.Context, p smallgoals.PlanGoal) error {
	title, keyID, err := sealText(tx.keys, fieldPlanGoalTitle, p.Title)
	if err != nil {
		return err
	}
	const q = `UPDATE plan_goals SET title = $2, key_id = $3, closed_at = $4, closed_by = $5, theme = NULLIF($6, '') WHERE id = $1`
	res, err := tx.tx.ExecContext(ctx, q, p.ID, title, keyID, p.ClosedAt, p.ClosedBy, p.Theme)
	if err != nil {
		return wrap("update plan goal", err)
	}
	return affected("update plan goal", res)
}
