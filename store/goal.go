package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/lib/pq"

	"smallgoals"
)

// CreateGoal inserts g with the citizen's next goal number and sets its
// ID and Number.
func (tx *Tx) CreateGoal(ctx context.Context, g *smallgoals.Goal) error {
	// The counter row lock numbers concurrent inserts one after the other.
	const next = `UPDATE citizens SET last_goal_no = last_goal_no + 1 WHERE id = $1 RETURNING last_goal_no`
	if err := tx.tx.QueryRowxContext(ctx, next, g.CitizenID).Scan(&g.Number); err != nil {
		return wrap("create goal", err)
	}
	const q = `
		INSERT INTO goals (citizen_id, number, plan_goal_id, title, scale_min, scale_max, target,
		                   cadence_days, next_revision, status, gas_levels, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'active', $10, $11, $12)
		RETURNING id, status`
	err := tx.tx.QueryRowxContext(ctx, q, g.CitizenID, g.Number, g.PlanGoalID, g.Title, g.ScaleMin,
		g.ScaleMax, g.Target, g.CadenceDays, g.NextRevision, g.GASLevels, g.CreatedBy, g.CreatedAt).Scan(&g.ID, &g.Status)
	return wrap("create goal", err)
}

const goalColumns = `g.id, g.citizen_id, g.number, g.plan_goal_id, p.number AS plan_number, g.title,
	g.scale_min, g.scale_max, g.target, g.cadence_days, g.next_revision, g.status, g.gas_levels,
	g.created_by, g.created_at`

// FindGoal returns the citizen's goal by number. Returns ENOTFOUND if
// there is none.
func (tx *Tx) FindGoal(ctx context.Context, citizenID int64, number int) (smallgoals.Goal, error) {
	var g smallgoals.Goal
	err := tx.tx.GetContext(ctx, &g, `
		SELECT `+goalColumns+`
		FROM goals g LEFT JOIN plan_goals p ON p.id = g.plan_goal_id
		WHERE g.citizen_id = $1 AND g.number = $2`, citizenID, number)
	return g, wrap("find goal", err)
}

// GoalByID returns a goal. Returns ENOTFOUND if there is none.
func (tx *Tx) GoalByID(ctx context.Context, id int64) (smallgoals.Goal, error) {
	var g smallgoals.Goal
	err := tx.tx.GetContext(ctx, &g, `
		SELECT `+goalColumns+`
		FROM goals g LEFT JOIN plan_goals p ON p.id = g.plan_goal_id
		WHERE g.id = $1`, id)
	return g, wrap("goal by id", err)
}

// recentScores is how many staff scores an overview carries per goal.
const recentScores = 8

// GoalOverviews returns the citizen's active goals by number, each with
// its latest counting scores.
func (tx *Tx) GoalOverviews(ctx context.Context, citizenID int64) ([]smallgoals.GoalOverview, error) {
	// Counting entries are score entries that no later entry replaces.
	const q = `
		SELECT ` + goalColumns + `, r.last_day, r.staff, c.citizen_score, n.count
		FROM goals g
		LEFT JOIN plan_goals p ON p.id = g.plan_goal_id
		LEFT JOIN LATERAL (
			SELECT max(x.day) AS last_day, array_agg(x.staff_score ORDER BY x.day, x.id) AS staff
			FROM (SELECT e.day, e.id, e.staff_score FROM entries e
			      WHERE e.goal_id = g.id AND e.kind = 'score'
			        AND NOT EXISTS (SELECT 1 FROM entries u WHERE u.replaces = e.id)
			      ORDER BY e.day DESC, e.id DESC LIMIT $2) x
		) r ON true
		LEFT JOIN LATERAL (
			SELECT e.citizen_score FROM entries e
			WHERE e.goal_id = g.id AND e.kind = 'score' AND e.citizen_score IS NOT NULL
			  AND NOT EXISTS (SELECT 1 FROM entries u WHERE u.replaces = e.id)
			ORDER BY e.day DESC, e.id DESC LIMIT 1
		) c ON true
		LEFT JOIN LATERAL (
			SELECT count(*) AS count FROM entries e
			WHERE e.goal_id = g.id AND e.kind = 'score'
			  AND NOT EXISTS (SELECT 1 FROM entries u WHERE u.replaces = e.id)
		) n ON true
		WHERE g.citizen_id = $1 AND g.status = 'active'
		ORDER BY g.number`
	rows, err := tx.tx.QueryxContext(ctx, q, citizenID, recentScores)
	if err != nil {
		return nil, wrap("goal overviews", err)
	}
	defer rows.Close()
	var out []smallgoals.GoalOverview
	for rows.Next() {
		var (
			o       smallgoals.GoalOverview
			g       = &o.Goal
			lastDay sql.NullTime
			staff   pq.Int64Array
			citizen sql.NullInt64
		)
		err := rows.Scan(&g.ID, &g.CitizenID, &g.Number, &g.PlanGoalID, &g.PlanNumber, &g.Title,
			&g.ScaleMin, &g.ScaleMax, &g.Target, &g.CadenceDays, &g.NextRevision, &g.Status,
			&g.GASLevels, &g.CreatedBy, &g.CreatedAt, &lastDay, &staff, &citizen, &o.EntryCount)
		if err != nil {
			return nil, wrap("goal overviews", err)
		}
		if lastDay.Valid {
			o.LastDay = &lastDay.Time
		}
		for _, s := range staff {
			o.Recent = append(o.Recent, int(s))
		}
		if n := len(o.Recent); n > 0 {
			last := o.Recent[n-1]
			o.LastStaff = &last
		}
		if citizen.Valid {
			v := int(citizen.Int64)
			o.LastCitizen = &v
		}
		out = append(out, o)
	}
	return out, wrap("goal overviews", rows.Err())
}

// SetGoalRevision sets the goal's next revision date, or closes it when
// next is nil.
func (tx *Tx) SetGoalRevision(ctx context.Context, goalID int64, next *time.Time) error {
	const q = `
		UPDATE goals SET next_revision = $2,
		       status = CASE WHEN $2::date IS NULL THEN 'closed' ELSE 'active' END
		WHERE id = $1`
	_, err := tx.tx.ExecContext(ctx, q, goalID, next)
	return wrap("set goal revision", err)
}

// DueGoals returns the active goals of the given teams whose next revision
// is on or before until, the earliest first, with their citizen's alias.
func (tx *Tx) DueGoals(ctx context.Context, teamIDs []int64, until time.Time) ([]smallgoals.DueGoal, error) {
	var out []smallgoals.DueGoal
	rows, err := tx.tx.QueryxContext(ctx, `
		SELECT `+goalColumns+`, c.alias, c.team_id, c.contact_user
		FROM goals g
		JOIN citizens c ON c.id = g.citizen_id
		LEFT JOIN plan_goals p ON p.id = g.plan_goal_id
		WHERE c.team_id = ANY($1) AND g.status = 'active' AND g.next_revision <= $2
		ORDER BY g.next_revision, c.alias_key, g.number`, pq.Array(teamIDs), until)
	if err != nil {
		return nil, wrap("due goals", err)
	}
	defer rows.Close()
	for rows.Next() {
		var d smallgoals.DueGoal
		g := &d.Goal
		err := rows.Scan(&g.ID, &g.CitizenID, &g.Number, &g.PlanGoalID, &g.PlanNumber, &g.Title,
			&g.ScaleMin, &g.ScaleMax, &g.Target, &g.CadenceDays, &g.NextRevision, &g.Status,
			&g.GASLevels, &g.CreatedBy, &g.CreatedAt, &d.Alias, &d.TeamID, &d.ContactUser)
		if err != nil {
			return nil, wrap("due goals", err)
		}
		out = append(out, d)
	}
	return out, wrap("due goals", rows.Err())
}
