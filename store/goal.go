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
	title, levels, keyID, err := sealGoal(tx.keys, *g)
	if err != nil {
		return err
	}
	const q = `
		INSERT INTO goals (citizen_id, number, plan_goal_id, title, scale_min, scale_max, target,
		                   cadence_days, next_revision, status, gas_levels, key_id, created_by, created_at, theme,
		                   gas_baseline, gas_weight)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'active', $10, $11, $12, $13, NULLIF($14, ''), $15, $16)
		RETURNING id, status`
	err = tx.tx.QueryRowxContext(ctx, q, g.CitizenID, g.Number, g.PlanGoalID, title, g.ScaleMin,
		g.ScaleMax, g.Target, g.CadenceDays, g.NextRevision, levels, keyID, g.CreatedBy, g.CreatedAt, g.Theme,
		g.GASBaseline, g.GASWeight).Scan(&g.ID, &g.Status)
	return wrap("create goal", err)
}

const goalColumns = `g.id, g.citizen_id, g.number, g.plan_goal_id, p.number AS plan_number, g.title AS title_ct,
	g.scale_min, g.scale_max, g.target, g.cadence_days, g.next_revision, g.status, g.gas_levels AS gas_levels_ct,
	g.key_id, g.revisit_at, g.created_by, g.created_at, COALESCE(g.theme, '') AS theme, g.gas_baseline, g.gas_weight`

// goalRow is a goal as stored, its title and GAS levels encrypted.
type goalRow struct {
	smallgoals.Goal
	TitleCT     []byte `db:"title_ct"`
	GASLevelsCT []byte `db:"gas_levels_ct"`
	KeyID       string `db:"key_id"`
}

// scanDest returns the destinations of goalColumns, in order.
func (r *goalRow) scanDest() []any {
	g := &r.Goal
	return []any{&g.ID, &g.CitizenID, &g.Number, &g.PlanGoalID, &g.PlanNumber, &r.TitleCT,
		&g.ScaleMin, &g.ScaleMax, &g.Target, &g.CadenceDays, &g.NextRevision, &g.Status, &r.GASLevelsCT,
		&r.KeyID, &g.RevisitAt, &g.CreatedBy, &g.CreatedAt, &g.Theme, &g.GASBaseline, &g.GASWeight}
}

func (r *goalRow) open(kr *smallgoals.Keyring) (smallgoals.Goal, error) {
	g := r.Goal
	var err error
	if g.Title, err = openText(kr, fieldGoalTitle, g.ID, r.TitleCT, r.KeyID); err != nil {
		return smallgoals.Goal{}, err
	}
	if g.GASLevels, err = openGASLevels(kr, g.ID, r.GASLevelsCT, r.KeyID); err != nil {
		return smallgoals.Goal{}, err
	}
	return g, nil
}

// FindGoalByNumber returns the citizen's goal by number. Returns ENOTFOUND if
// there is none.
func (tx *Tx) FindGoalByNumber(ctx context.Context, citizenID int64, number int) (smallgoals.Goal, error) {
	var r goalRow
	err := tx.tx.GetContext(ctx, &r, `
		SELECT `+goalColumns+`
		FROM goals g LEFT JOIN plan_goals p ON p.id = g.plan_goal_id
		WHERE g.citizen_id = $1 AND g.number = $2`, citizenID, number)
	if err != nil {
		return smallgoals.Goal{}, wrap("find goal", err)
	}
	return r.open(tx.keys)
}

// FindGoal returns a goal. Returns ENOTFOUND if there is none.
func (tx *Tx) FindGoal(ctx context.Context, id int64) (smallgoals.Goal, error) {
	var r goalRow
	err := tx.tx.GetContext(ctx, &r, `
		SELECT `+goalColumns+`
		FROM goals g LEFT JOIN plan_goals p ON p.id = g.plan_goal_id
		WHERE g.id = $1`, id)
	if err != nil {
		return smallgoals.Goal{}, wrap("goal by id", err)
	}
	return r.open(tx.keys)
}

// recentScores is how many staff scores an overview carries per goal.
const recentScores = 8

// ListGoalOverviews returns the citizen's active goals by number, each with
// its latest counting scores: the latest entry's own pair and, when that
// entry has no borger score, the borger's latest from an earlier entry.
func (tx *Tx) ListGoalOverviews(ctx context.Context, citizenID int64) ([]smallgoals.GoalOverview, error) {
	// Counting entries are score entries that no later entry replaces.
	const q = `
		SELECT ` + goalColumns + `, r.last_day, r.staff, r.last_staff, r.last_citizen, c.citizen_score, c.day, n.count
		FROM goals g
		LEFT JOIN plan_goals p ON p.id = g.plan_goal_id
		LEFT JOIN LATERAL (
			SELECT max(x.day) AS last_day,
			       array_agg(x.staff_score ORDER BY x.day, x.id) FILTER (WHERE x.staff_score IS NOT NULL) AS staff,
			       (array_agg(x.staff_score ORDER BY x.day DESC, x.id DESC))[1] AS last_staff,
			       (array_agg(x.citizen_score ORDER BY x.day DESC, x.id DESC))[1] AS last_citizen
			FROM (SELECT e.day, e.id, e.staff_score, e.citizen_score FROM entries e
			      WHERE e.goal_id = g.id AND e.kind = 'score'
			        AND NOT EXISTS (SELECT 1 FROM entries u WHERE u.replaces = e.id)
			      ORDER BY e.day DESC, e.id DESC LIMIT $2) x
		) r ON true
		LEFT JOIN LATERAL (
			-- Only when the latest entry has none: so from an earlier one.
			SELECT e.citizen_score, e.day FROM entries e
			WHERE r.last_citizen IS NULL
			  AND e.goal_id = g.id AND e.kind = 'score' AND e.citizen_score IS NOT NULL
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
			o                    smallgoals.GoalOverview
			r                    goalRow
			lastDay, earlierDay  sql.NullTime
			staff                pq.Int64Array
			lastStaff            sql.NullInt64
			citizen, earlierCtzn sql.NullInt64
		)
		err := rows.Scan(append(r.scanDest(), &lastDay, &staff, &lastStaff, &citizen, &earlierCtzn, &earlierDay, &o.EntryCount)...)
		if err != nil {
			return nil, wrap("goal overviews", err)
		}
		if o.Goal, err = r.open(tx.keys); err != nil {
			return nil, err
		}
		if lastDay.Valid {
			o.LastDay = &lastDay.Time
		}
		for _, s := range staff {
			o.Recent = append(o.Recent, int(s))
		}
		if lastStaff.Valid { // the latest entry's own; NULL when it holds the borger's alone
			v := int(lastStaff.Int64)
			o.LastStaff = &v
		}
		if citizen.Valid {
			v := int(citizen.Int64)
			o.LastCitizen = &v
		}
		if earlierCtzn.Valid && earlierDay.Valid {
			v := int(earlierCtzn.Int64)
			o.EarlierCitizen, o.EarlierCitizenDay = &v, &earlierDay.Time
		}
		out = append(out, o)
	}
	return out, wrap("goal overviews", rows.Err())
}

// SetGoalRevision sets the goal's next revision date, or closes it when
// next is nil.
func (tx *Tx) SetGoalRevision(ctx context.Context, goalID int64, next *time.Time) error {
	return tx.ReviseGoal(ctx, goalID, next, nil)
}

// ReviseGoal sets the goal's next revision date (nil closes it) and its
// revisitation flag (nil clears it).
func (tx *Tx) ReviseGoal(ctx context.Context, goalID int64, next, revisit *time.Time) error {
	const q = `
		UPDATE goals SET next_revision = $2, revisit_at = $3,
		       status = CASE WHEN $2::date IS NULL THEN 'closed' ELSE 'active' END
		WHERE id = $1`
	_, err := tx.tx.ExecContext(ctx, q, goalID, next, revisit)
	return wrap("revise goal", err)
}

// ListDueGoals returns the active goals of the given teams whose next revision
// is on or before until, the earliest first, then by ref in Danish order
// (smallgoals.CompareRefs), with their citizen's alias.
func (tx *Tx) ListDueGoals(ctx context.Context, teamIDs []int64, until time.Time) ([]smallgoals.DueGoal, error) {
	return tx.listDueGoals(ctx, "due goals", `g.next_revision <= $2`+dueOrder, pq.Array(teamIDs), until)
}

// ListWaitingGoals returns the active goals of the given teams waiting for
// the municipality (revisitation, until revised again), longest waiting
// first.
func (tx *Tx) ListWaitingGoals(ctx context.Context, teamIDs []int64) ([]smallgoals.DueGoal, error) {
	return tx.listDueGoals(ctx, "waiting goals", `g.revisit_at IS NOT NULL
		ORDER BY g.revisit_at, translate(c.alias_key, 'ÆØÅ', '[\]') COLLATE "C", g.number, c.team_id`, pq.Array(teamIDs))
}

// dueOrder orders due goals: soonest first, then by ref.
const dueOrder = `
		ORDER BY g.next_revision, translate(c.alias_key, 'ÆØÅ', '[\]') COLLATE "C", g.number, c.team_id`

// listDueGoals returns the active goals of the teams $1 that match where
// (a condition on g and c, and the order).
func (tx *Tx) listDueGoals(ctx context.Context, what, where string, args ...any) ([]smallgoals.DueGoal, error) {
	var out []smallgoals.DueGoal
	rows, err := tx.tx.QueryxContext(ctx, `
		SELECT `+goalColumns+`, c.alias, c.team_id, c.contact_user
		FROM goals g
		JOIN citizens c ON c.id = g.citizen_id
		LEFT JOIN plan_goals p ON p.id = g.plan_goal_id
		WHERE c.team_id = ANY($1) AND g.status = 'active' AND `+where, args...)
	if err != nil {
		return nil, wrap(what, err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			d smallgoals.DueGoal
			r goalRow
		)
		err := rows.Scan(append(r.scanDest(), &d.Alias, &d.TeamID, &d.ContactUser)...)
		if err != nil {
			return nil, wrap(what, err)
		}
		if d.Goal, err = r.open(tx.keys); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, wrap(what, rows.Err())
}

// SnoozeGoal moves the goal's next revision to date.
func (tx *Tx) SnoozeGoal(ctx context.Context, goalID int64, date time.Time) error {
	_, err := tx.tx.ExecContext(ctx, `UPDATE goals SET next_revision = $2 WHERE id = $1 AND status = 'active'`, goalID, date)
	return wrap("snooze goal", err)
}

// ListRecentScores returns the goal's latest counting staff scores, oldest
// first, at most n.
func (tx *Tx) ListRecentScores(ctx context.Context, goalID int64, n int) ([]int, error) {
	var scores []int
	err := tx.tx.SelectContext(ctx, &scores, `
		SELECT staff_score FROM (
			SELECT e.staff_score, e.day, e.id FROM entries e
			WHERE e.goal_id = $1 AND e.kind = 'score' AND e.staff_score IS NOT NULL
			  AND NOT EXISTS (SELECT 1 FROM entries u WHERE u.replaces = e.id)
			ORDER BY e.day DESC, e.id DESC LIMIT $2
		) x ORDER BY day, id`, goalID, n)
	return scores, wrap("recent scores", err)
}

// sealGoal seals a goal's title and GAS levels under the current key, the
// one key_id of the row covering both.
func sealGoal(kr *smallgoals.Keyring, g smallgoals.Goal) (title []byte, levels any, keyID string, err error) {
	if title, keyID, err = sealText(kr, fieldGoalTitle, g.Title); err != nil {
		return nil, nil, "", err
	}
	levels, err = sealGASLevels(kr, g.GASLevels)
	return title, levels, keyID, err
}

// UpdateGoal writes g's settings as they are now: title and GAS levels
// (sealed anew under the current key, the row's key_id covering both),
// scale, target, cadence, plan goal, status, next revision,
// revisitation flag, GAS baseline and weight. Its history is the caller's (CreateGoalChange).
// Returns ENOTFOUND if there is no such goal.
func (tx *Tx) UpdateGoal(ctx context.Context, g smallgoals.Goal) error {
	title, levels, keyID, err := sealGoal(tx.keys, g)
	if err != nil {
		return err
	}
	const q = `
		UPDATE goals SET title = $2, gas_levels = $3, key_id = $4, scale_min = $5, scale_max = $6, target = $7,
		       cadence_days = $8, plan_goal_id = $9, status = $10, next_revision = $11, revisit_at = $12,
		       theme = NULLIF($13, ''), gas_baseline = $14, gas_weight = $15
		WHERE id = $1`
	res, err := tx.tx.ExecContext(ctx, q, g.ID, title, levels, keyID, g.ScaleMin, g.ScaleMax, g.Target,
		g.CadenceDays, g.PlanGoalID, g.Status, g.NextRevision, g.RevisitAt, g.Theme, g.GASBaseline, g.GASWeight)
	if err != nil {
		return wrap("update goal", err)
	}
	return affected("update goal", res)
}

// ListDueGoals returns the teams' active goals due on or before until.
func (db *DB) ListDueGoals(ctx context.Context, teamIDs []int64, until time.Time) ([]smallgoals.DueGoal, error) {
	var gs []smallgoals.DueGoal
	err := db.InTx(ctx, func(tx *Tx) (err error) {
		gs, err = tx.ListDueGoals(ctx, teamIDs, until)
		return err
	})
	return gs, err
}
