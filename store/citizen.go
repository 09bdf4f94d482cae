package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"time"

	"github.com/lib/pq"

	"smallgoals"
)

// CreateCitizen inserts c and sets its ID. Returns ECONFLICT if the team
// has the alias already.
func (tx *Tx) CreateCitizen(ctx context.Context, c *smallgoals.Citizen) error {
	const q = `
		INSERT INTO citizens (team_id, alias, alias_key, contact_user, created_at)
		VALUES ($1, $2, $2, $3, $4)
		ON CONFLICT (team_id, alias_key) DO NOTHING
		RETURNING id`
	if err := storable(c.Alias); err != nil {
		return err
	}
	// ON CONFLICT keeps the transaction usable, so a refusal's audit
	// event can still be committed.
	err := tx.tx.QueryRowxContext(ctx, q, c.TeamID, c.Alias, c.ContactUser, c.CreatedAt).Scan(&c.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return smallgoals.Errorf(smallgoals.ECONFLICT, "")
	}
	return wrap("create citizen", err)
}

const citizenColumns = `id, team_id, alias, contact_user, exported_at, created_at, discharged_at`

// ListCitizensByAlias returns the citizens with the folded alias in any team,
// ordered by team.
func (tx *Tx) ListCitizensByAlias(ctx context.Context, aliasKey string) ([]smallgoals.Citizen, error) {
	var cs []smallgoals.Citizen
	err := tx.tx.SelectContext(ctx, &cs, `
		SELECT `+citizenColumns+` FROM citizens WHERE alias_key = $1 ORDER BY team_id`, aliasKey)
	return cs, wrap("citizens by alias", err)
}

// FindCitizen returns a citizen. Returns ENOTFOUND if there is none.
func (tx *Tx) FindCitizen(ctx context.Context, id int64) (smallgoals.Citizen, error) {
	var c smallgoals.Citizen
	err := tx.tx.GetContext(ctx, &c, `SELECT `+citizenColumns+` FROM citizens WHERE id = $1`, id)
	return c, wrap("citizen by id", err)
}

// ListCitizens lists the team's served (not discharged) citizens in Danish alphabetical order
// (Æ, Ø, Å after Z, whatever the database's collation) with their number
// of active goals.
func (tx *Tx) ListCitizens(ctx context.Context, teamID int64) ([]smallgoals.CitizenSummary, error) {
	var cs []smallgoals.CitizenSummary
	err := tx.tx.SelectContext(ctx, &cs, `
		SELECT c.id, c.team_id, c.alias, c.contact_user, c.exported_at, c.created_at, c.discharged_at,
		       (SELECT count(*) FROM goals g WHERE g.citizen_id = c.id AND g.status = 'active') AS active_goals
		FROM citizens c WHERE c.team_id = $1 AND c.discharged_at IS NULL
		ORDER BY translate(c.alias_key, 'ÆØÅ', '[\]') COLLATE "C"`, teamID)
	return cs, wrap("list citizens", err)
}

// ListRecentCitizens lists the served (not discharged) citizens of the
// given teams, those the user
// touched most recently first (by the audit log), then alphabetically.
func (tx *Tx) ListRecentCitizens(ctx context.Context, user string, teamIDs []int64) ([]smallgoals.Citizen, error) {
	var cs []smallgoals.Citizen
	err := tx.tx.SelectContext(ctx, &cs, `
		SELECT c.id, c.team_id, c.alias, c.contact_user, c.exported_at, c.created_at, c.discharged_at
		FROM citizens c
		LEFT JOIN LATERAL (
			SELECT max(a.at) AS at FROM audit_events a
			WHERE a.actor = $1 AND a.citizen_id = c.id AND a.allowed
		) u ON true
		WHERE c.team_id = ANY($2) AND c.discharged_at IS NULL
		ORDER BY u.at DESC NULLS LAST, translate(c.alias_key, 'ÆØÅ', '[\]') COLLATE "C", c.team_id`,
		user, pq.Array(teamIDs))
	return cs, wrap("recent citizens", err)
}

// MarkExported records that the citizen's data was exported at at.
func (tx *Tx) MarkExported(ctx context.Context, citizenID int64, at time.Time) error {
	_, err := tx.tx.ExecContext(ctx, `UPDATE citizens SET exported_at = $2 WHERE id = $1`, citizenID, at)
	return wrap("mark exported", err)
}

// ListDischargedCitizens lists the team's discharged citizens, the latest
// discharged first.
func (tx *Tx) ListDischargedCitizens(ctx context.Context, teamID int64) ([]smallgoals.Citizen, error) {
	var cs []smallgoals.Citizen
	err := tx.tx.SelectContext(ctx, &cs, `
		SELECT `+citizenColumns+` FROM citizens
		WHERE team_id = $1 AND discharged_at IS NOT NULL
		ORDER BY discharged_at DESC, id`, teamID)
	return cs, wrap("discharged citizens", err)
}

// MoveCitizen moves the citizen, with everything it has, to the team
// under alias (folded). Returns ECONFLICT if the team has the alias
// already (the caller checks first, so this is a race lost).
func (tx *Tx) MoveCitizen(ctx context.Context, citizenID, teamID int64, alias string) error {
	const q = `
		UPDATE citizens SET team_id = $2, alias = $3, alias_key = $3
		WHERE id = $1
		  AND NOT EXISTS (SELECT 1 FROM citizens o WHERE o.team_id = $2 AND o.alias_key = $3 AND o.id <> $1)`
	if err := storable(alias); err != nil {
		return err
	}
	return tx.execOne(ctx, "move citizen", smallgoals.ECONFLICT, q, citizenID, teamID, alias)
}

// DischargeCitizen marks the citizen discharged at at and closes its
// active goals (no next revision, so no reminder), returning their IDs.
// Returns ECONFLICT if the citizen is discharged already.
func (tx *Tx) DischargeCitizen(ctx context.Context, citizenID int64, at time.Time) ([]int64, error) {
	if err := tx.execOne(ctx, "discharge citizen", smallgoals.ECONFLICT,
		`UPDATE citizens SET discharged_at = $2 WHERE id = $1 AND discharged_at IS NULL`, citizenID, at); err != nil {
		return nil, err
	}
	var ids []int64
	err := tx.tx.SelectContext(ctx, &ids, `
		UPDATE goals SET status = 'closed', next_revision = NULL, revisit_at = NULL
		WHERE citizen_id = $1 AND status = 'active'
		RETURNING id`, citizenID)
	slices.Sort(ids)
	return ids, wrap("discharge citizen", err)
}

// CreateCitizenEvent appends a fact of the citizen's lifecycle and sets
// its ID.
func (tx *Tx) CreateCitizenEvent(ctx context.Context, ev *smallgoals.CitizenEvent) error {
	const q = `
		INSERT INTO citizen_events (citizen_id, kind, at, actor, from_team_id, to_team_id, old_alias, new_alias, goal_ids)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, coalesce($9::bigint[], '{}'))
		RETURNING id`
	err := tx.tx.QueryRowxContext(ctx, q, ev.CitizenID, ev.Kind, ev.At, ev.Actor, ev.FromTeamID, ev.ToTeamID,
		ev.OldAlias, ev.NewAlias, pq.Array(ev.GoalIDs)).Scan(&ev.ID)
	return wrap("create citizen event", err)
}

// ListCitizenEvents returns the citizen's lifecycle, oldest first.
func (tx *Tx) ListCitizenEvents(ctx context.Context, citizenID int64) ([]smallgoals.CitizenEvent, error) {
	rows, err := tx.tx.QueryxContext(ctx, `
		SELECT id, citizen_id, kind, at, actor, from_team_id, to_team_id, old_alias, new_alias, goal_ids
		FROM citizen_events WHERE citizen_id = $1 ORDER BY at, id`, citizenID)
	if err != nil {
		return nil, wrap("citizen events", err)
	}
	defer rows.Close()
	var out []smallgoals.CitizenEvent
	for rows.Next() {
		var ev smallgoals.CitizenEvent
		var goals pq.Int64Array
		if err := rows.Scan(&ev.ID, &ev.CitizenID, &ev.Kind, &ev.At, &ev.Actor, &ev.FromTeamID, &ev.ToTeamID,
			&ev.OldAlias, &ev.NewAlias, &goals); err != nil {
			return nil, wrap("citizen events", err)
		}
		ev.GoalIDs = goals
		out = append(out, ev)
	}
	return out, wrap("citizen events", rows.Err())
}

// SetContact makes user the citizen's contact person.
func (tx *Tx) SetContact(ctx context.Context, citizenID int64, user string) error {
	_, err := tx.tx.ExecContext(ctx, `UPDATE citizens SET contact_user = $2 WHERE id = $1`, citizenID, user)
	return wrap("set contact", err)
}
