package store

import (
	"context"
	"time"

	"github.com/lib/pq"

	"smallgoals"
)

// AddLeader makes user a leader of the team: sees its figures, no more.
// Returns ECONFLICT if user is one already.
func (tx *Tx) AddLeader(ctx context.Context, teamID int64, user, by string, at time.Time) error {
	return tx.execOne(ctx, "add leader", smallgoals.ECONFLICT, `
		INSERT INTO team_leaders (team_id, user_id, added_by, added_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (team_id, user_id) DO NOTHING`, teamID, user, by, at)
}

// RemoveLeader takes the leader's access to the team's figures away.
// Returns ENOTFOUND if user is no leader of the team.
func (tx *Tx) RemoveLeader(ctx context.Context, teamID int64, user string) error {
	return tx.execOne(ctx, "remove leader", smallgoals.ENOTFOUND,
		`DELETE FROM team_leaders WHERE team_id = $1 AND user_id = $2`, teamID, user)
}

// ListLeaders lists the team's leaders by user ID.
func (tx *Tx) ListLeaders(ctx context.Context, teamID int64) ([]string, error) {
	var us []string
	err := tx.tx.SelectContext(ctx, &us, `SELECT user_id FROM team_leaders WHERE team_id = $1 ORDER BY user_id`, teamID)
	return us, wrap("leaders", err)
}

// ListLeadTeams returns the teams user leads or has the stored
// coordinator role on, by name. Coordinators are to be checked as still
// on the team by the caller (in Slack the channel decides).
func (tx *Tx) ListLeadTeams(ctx context.Context, user string) (leads, coordinates []smallgoals.Team, err error) {
	if err = tx.tx.SelectContext(ctx, &leads, `
		SELECT `+teamColumns+` FROM teams
		WHERE id IN (SELECT team_id FROM team_leaders WHERE user_id = $1) ORDER BY name, id`, user); err != nil {
		return nil, nil, wrap("lead teams", err)
	}
	err = tx.tx.SelectContext(ctx, &coordinates, `
		SELECT `+teamColumns+` FROM teams
		WHERE id IN (SELECT team_id FROM team_members WHERE user_id = $1 AND coordinator) ORDER BY name, id`, user)
	return leads, coordinates, wrap("lead teams", err)
}

// ListTeamFigures returns the figures of each team (in the order given):
// the present as of today (a civil date) and the calendar quarters from
// the one starting at from (a quarter's first day) on.
//
// A revision is on time when held no later than the date in force: the
// next revision date the goal's previous revision set, or for its first
// revision the goal's creation day plus its cadence. Postponements (Udsæt,
// ret frist:) do not move that date. Discharged borgere count in the
// quarters' figures (their work was done), not in the present's.
func (tx *Tx) ListTeamFigures(ctx context.Context, teamIDs []int64, from, today time.Time) ([]smallgoals.TeamFigures, error) {
	out := make([]smallgoals.TeamFigures, len(teamIDs))
	index := map[int64]*smallgoals.TeamFigures{}
	for i, id := range teamIDs {
		out[i] = smallgoals.TeamFigures{TeamID: id, Themes: map[string]int{}}
		index[id] = &out[i]
	}
	ids := pq.Array(teamIDs)

	// Borgere served, per team.
	rows, err := tx.tx.QueryxContext(ctx, `
		SELECT team_id, count(*) FROM citizens
		WHERE team_id = ANY($1) AND discharged_at IS NULL GROUP BY team_id`, ids)
	if err != nil {
		return nil, wrap("team figures", err)
	}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			rows.Close()
			return nil, wrap("team figures", err)
		}
		index[id].Citizens = n
	}
	rows.Close()

	// Active goals of borgere served, by theme, and how many are overdue.
	rows, err = tx.tx.QueryxContext(ctx, `
		SELECT c.team_id, COALESCE(g.theme, ''), count(*), count(*) FILTER (WHERE g.next_revision < $2)
		FROM goals g JOIN citizens c ON c.id = g.citizen_id
		WHERE c.team_id = ANY($1) AND c.discharged_at IS NULL AND g.status = 'active'
		GROUP BY 1, 2`, ids, today)
	if err != nil {
		return nil, wrap("team figures", err)
	}
	for rows.Next() {
		var id int64
		var theme string
		var n, overdue int
		if err := rows.Scan(&id, &theme, &n, &overdue); err != nil {
			rows.Close()
			return nil, wrap("team figures", err)
		}
		f := index[id]
		f.ActiveGoals += n
		f.Overdue += overdue
		f.Themes[theme] += n
	}
	rows.Close()

	// Each served borger's latest GAS level per revised active goal.
	rows, err = tx.tx.QueryxContext(ctx, `
		SELECT c.team_id, array_agg(l.gas_level ORDER BY g.number), array_agg(coalesce(g.gas_weight, 1) ORDER BY g.number)
		FROM goals g JOIN citizens c ON c.id = g.citizen_id
		JOIN LATERAL (SELECT r.gas_level FROM revisions r WHERE r.goal_id = g.id
		              ORDER BY r.day DESC, r.id DESC LIMIT 1) l ON true
		WHERE c.team_id = ANY($1) AND c.discharged_at IS NULL AND g.status = 'active'
		GROUP BY c.team_id, c.id ORDER BY c.team_id, c.id`, ids)
	if err != nil {
		return nil, wrap("team figures", err)
	}
	for rows.Next() {
		var id int64
		var levels, weights pq.Int64Array
		if err := rows.Scan(&id, &levels, &weights); err != nil {
			rows.Close()
			return nil, wrap("team figures", err)
		}
		g := smallgoals.GASGoals{Levels: make([]int, len(levels)), Weights: make([]float64, len(weights))}
		for i, l := range levels {
			g.Levels[i] = int(l)
		}
		for i, w := range weights {
			g.Weights[i] = float64(w)
		}
		index[id].LatestGAS = append(index[id].LatestGAS, g)
	}
	rows.Close()

	// The quarters, from the one starting at from to today's.
	quarter := map[int64]map[string]*smallgoals.QuarterFigures{}
	for i := range out {
		f := &out[i]
		quarter[f.TeamID] = map[string]*smallgoals.QuarterFigures{}
		for q := from; !q.After(today); q = q.AddDate(0, 3, 0) {
			f.Quarters = append(f.Quarters, smallgoals.QuarterFigures{Start: q})
		}
		for j := range f.Quarters {
			quarter[f.TeamID][f.Quarters[j].Start.Format(time.DateOnly)] = &f.Quarters[j]
		}
	}
	at := func(id int64, q time.Time) *smallgoals.QuarterFigures {
		if qf := quarter[id][q.Format(time.DateOnly)]; qf != nil {
			return qf
		}
		return &smallgoals.QuarterFigures{} // after today: not shown
	}
	// Counting score entries, by the quarter of the day they are about.
	rows, err = tx.tx.QueryxContext(ctx, `
		SELECT c.team_id, date_trunc('quarter', e.day)::date, count(*), count(*) FILTER (WHERE e.citizen_score IS NOT NULL)
		FROM entries e JOIN goals g ON g.id = e.goal_id JOIN citizens c ON c.id = g.citizen_id
		WHERE c.team_id = ANY($1) AND e.kind = 'score' AND e.day >= $2
		  AND NOT EXISTS (SELECT 1 FROM entries u WHERE u.replaces = e.id)
		GROUP BY 1, 2`, ids, from)
	if err != nil {
		return nil, wrap("team figures", err)
	}
	for rows.Next() {
		var id int64
		var q time.Time
		var n, scored int
		if err := rows.Scan(&id, &q, &n, &scored); err != nil {
			rows.Close()
			return nil, wrap("team figures", err)
		}
		qf := at(id, q)
		qf.Entries, qf.CitizenScored = n, scored
	}
	rows.Close()
	// Revisions, by the quarter they were held in, on time or not.
	rows, err = tx.tx.QueryxContext(ctx, `
		SELECT team_id, date_trunc('quarter', day)::date, count(*), count(*) FILTER (WHERE day <= due),
		       count(*) FILTER (WHERE took_part)
		FROM (SELECT c.team_id, r.day, r.citizen_took_part IS TRUE AS took_part,
		             COALESCE(lag(r.next_revision) OVER (PARTITION BY r.goal_id ORDER BY r.day, r.id),
		                      (g.created_at AT TIME ZONE t.tz)::date + g.cadence_days) AS due
		      FROM revisions r JOIN goals g ON g.id = r.goal_id JOIN citizens c ON c.id = g.citizen_id
		      JOIN teams t ON t.id = c.team_id
		      WHERE c.team_id = ANY($1)) x
		WHERE day >= $2
		GROUP BY 1, 2`, ids, from)
	if err != nil {
		return nil, wrap("team figures", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var q time.Time
		var n, onTime, with int
		if err := rows.Scan(&id, &q, &n, &onTime, &with); err != nil {
			return nil, wrap("team figures", err)
		}
		qf := at(id, q)
		qf.Revisions, qf.OnTime, qf.WithCitizen = n, onTime, with
	}
	return out, wrap("team figures", rows.Err())
}
