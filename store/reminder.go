package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/lib/pq"

	"smallgoals"
)

// SetAway pauses the user's reminders through until (nil ends it).
func (tx *Tx) SetAway(ctx context.Context, user string, until *time.Time, at time.Time) error {
	const q = `
		INSERT INTO users (id, away_until, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (id) DO UPDATE SET away_until = EXCLUDED.away_until, updated_at = EXCLUDED.updated_at`
	_, err := tx.tx.ExecContext(ctx, q, user, until, at)
	return wrap("set away", err)
}

// SetContact makes user the citizen's contact person.
func (tx *Tx) SetContact(ctx context.Context, citizenID int64, user string) error {
	_, err := tx.tx.ExecContext(ctx, `UPDATE citizens SET contact_user = $2 WHERE id = $1`, citizenID, user)
	return wrap("set contact", err)
}

// ListTeams returns every team, in a transaction of its own.
func (db *DB) ListTeams(ctx context.Context) ([]smallgoals.Team, error) {
	var ts []smallgoals.Team
	err := db.InTx(ctx, func(tx *Tx) (err error) {
		ts, err = tx.ListTeams(ctx)
		return err
	})
	return ts, err
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

// ListCoordinators returns each team's stored coordinators.
func (db *DB) ListCoordinators(ctx context.Context, teamIDs []int64) (map[int64][]string, error) {
	rows, err := db.db.QueryContext(ctx, `
		SELECT team_id, user_id FROM team_members
		WHERE coordinator AND team_id = ANY($1) ORDER BY team_id, user_id`, pq.Array(teamIDs))
	if err != nil {
		return nil, wrap("coordinators", err)
	}
	defer rows.Close()
	out := map[int64][]string{}
	for rows.Next() {
		var team int64
		var user string
		if err := rows.Scan(&team, &user); err != nil {
			return nil, wrap("coordinators", err)
		}
		out[team] = append(out[team], user)
	}
	return out, wrap("coordinators", rows.Err())
}

// ListAway returns the users among users who are away on day.
func (db *DB) ListAway(ctx context.Context, users []string, day time.Time) (map[string]bool, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT id FROM users WHERE id = ANY($1) AND away_until >= $2`, pq.Array(users), day)
	if err != nil {
		return nil, wrap("away", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			return nil, wrap("away", err)
		}
		out[u] = true
	}
	return out, wrap("away", rows.Err())
}

// UserLang returns the user's chosen language, or "".
func (db *DB) UserLang(ctx context.Context, user string) (string, error) {
	var lang sql.NullString
	err := db.db.QueryRowContext(ctx, `SELECT lang FROM users WHERE id = $1`, user).Scan(&lang)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return lang.String, wrap("user lang", err)
}

// IsStoredMember reports whether user has a stored membership of the team.
func (db *DB) IsStoredMember(ctx context.Context, teamID int64, user string) (bool, error) {
	var ok bool
	err := db.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM team_members WHERE team_id = $1 AND user_id = $2)`, teamID, user).Scan(&ok)
	return ok, wrap("is stored member", err)
}
