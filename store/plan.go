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
	const q = `
		INSERT INTO plan_goals (citizen_id, number, title, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5)
		RETURNING id`
	err := tx.tx.QueryRowxContext(ctx, q, p.CitizenID, p.Number, p.Title, p.CreatedBy, p.CreatedAt).Scan(&p.ID)
	return wrap("create plan goal", err)
}

// FindPlanGoal returns the citizen's plan goal by number. Returns
// ENOTFOUND if there is none.
func (tx *Tx) FindPlanGoal(ctx context.Context, citizenID int64, number int) (smallgoals.PlanGoal, error) {
	var p smallgoals.PlanGoal
	err := tx.tx.GetContext(ctx, &p, `
		SELECT id, citizen_id, number, title, created_by, created_at
		FROM plan_goals WHERE citizen_id = $1 AND number = $2`, citizenID, number)
	return p, wrap("find plan goal", err)
}

// ListPlanGoals lists the citizen's plan goals by number.
func (tx *Tx) ListPlanGoals(ctx context.Context, citizenID int64) ([]smallgoals.PlanGoal, error) {
	var ps []smallgoals.PlanGoal
	err := tx.tx.SelectContext(ctx, &ps, `
		SELECT id, citizen_id, number, title, created_by, created_at
		FROM plan_goals WHERE citizen_id = $1 ORDER BY number`, citizenID)
	return ps, wrap("list plan goals", err)
}
