package store

import (
	"context"
	"time"

	"smallgoals"
)

// CreateReflection appends r, its text sealed, and sets its ID. Year and
// Week are the ISO week of r.Day.
func (tx *Tx) CreateReflection(ctx context.Context, r *smallgoals.Reflection) error {
	text, keyID, err := sealText(tx.keys, fieldReflectionText, r.Text)
	if err != nil {
		return err
	}
	r.Year, r.Week = r.Day.ISOWeek()
	const q = `
		INSERT INTO reflections (team_id, citizen_id, goal_id, author, day, iso_year, iso_week, written_at, text, key_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		RETURNING id`
	err = tx.tx.QueryRowxContext(ctx, q, r.TeamID, r.CitizenID, r.GoalID, r.Author, r.Day, r.Year, r.Week,
		r.WrittenAt, text, keyID).Scan(&r.ID)
	return wrap("create reflection", err)
}

// reflectionRow is a reflection as stored, its text encrypted.
type reflectionRow struct {
	smallgoals.Reflection
	TextCT []byte `db:"text_ct"`
	KeyID  string `db:"key_id"`
}

func (r *reflectionRow) open(kr *smallgoals.Keyring) (smallgoals.Reflection, error) {
	v := r.Reflection
	var err error
	v.Text, err = openText(kr, fieldReflectionText, v.ID, r.TextCT, r.KeyID)
	return v, err
}

// listReflections lists reflections newest first: with teamID, the team's
// own and those about its current borgere (not discharged); with
// citizenID, those about the citizen; with goalID, about the goal (0: no
// such filter). Only those written on days from through to.
const listReflections = `
	SELECT x.id, x.team_id, x.citizen_id, x.goal_id, x.author, x.day, x.iso_year, x.iso_week, x.written_at,
	       x.text AS text_ct, x.key_id, coalesce(c.alias, '') AS alias, g.number
	FROM reflections x
	LEFT JOIN citizens c ON c.id = x.citizen_id
	LEFT JOIN goals g ON g.id = x.goal_id
	WHERE CASE WHEN $1::bigint <> 0
	           THEN (x.citizen_id IS NULL AND x.team_id = $1) OR (c.team_id = $1 AND c.discharged_at IS NULL)
	           ELSE TRUE END
	  AND CASE WHEN $2::bigint <> 0 THEN x.citizen_id = $2 ELSE TRUE END
	  AND CASE WHEN $3::bigint <> 0 THEN x.goal_id = $3 ELSE TRUE END
	  AND x.day BETWEEN $4 AND $5
	ORDER BY x.day DESC, x.id DESC
	LIMIT $6`

func (tx *Tx) listReflections(ctx context.Context, teamID, citizenID, goalID int64, from, to time.Time, limit int) ([]smallgoals.Reflection, error) {
	var rows []reflectionRow
	if err := tx.tx.SelectContext(ctx, &rows, listReflections, teamID, citizenID, goalID, from, to, limit); err != nil {
		return nil, wrap("reflections", err)
	}
	return openAll[smallgoals.Reflection](tx.keys, rows)
}

// everything is the widest span of days a list takes.
var (
	firstDay = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	lastDay  = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
)

// ListTeamReflections returns the team's reflections written on days
// from on, newest first, at most limit: its own and those about its
// current borgere.
func (tx *Tx) ListTeamReflections(ctx context.Context, teamID int64, from time.Time, limit int) ([]smallgoals.Reflection, error) {
	return tx.listReflections(ctx, teamID, 0, 0, from, lastDay, limit)
}

// ListCitizenReflections returns the reflections about the citizen (and
// about its goals) written on days from through to, newest first.
func (tx *Tx) ListCitizenReflections(ctx context.Context, citizenID int64, from, to time.Time) ([]smallgoals.Reflection, error) {
	if from.IsZero() {
		from = firstDay
	}
	if to.IsZero() {
		to = lastDay
	}
	return tx.listReflections(ctx, 0, citizenID, 0, from, to, 10000)
}

// ListGoalReflections returns the latest reflections about the goal,
// newest first.
func (tx *Tx) ListGoalReflections(ctx context.Context, goalID int64, limit int) ([]smallgoals.Reflection, error) {
	return tx.listReflections(ctx, 0, 0, goalID, firstDay, lastDay, limit)
}

// CountTeamReflections counts the team's reflections written on days from
// through to (its own and about its borgere), for the digest.
func (tx *Tx) CountTeamReflections(ctx context.Context, teamID int64, from, to time.Time) (int, error) {
	var n int
	err := tx.tx.GetContext(ctx, &n, `SELECT count(*) FROM reflections WHERE team_id = $1 AND day BETWEEN $2 AND $3`, teamID, from, to)
	return n, wrap("count reflections", err)
}
