package store

import (
	"context"
	"database/sql"
	"errors"
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

const citizenColumns = `id, team_id, alias, contact_user, exported_at, created_at`

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

// ListCitizens lists the team's citizens in Danish alphabetical order
// (Æ, Ø, Å after Z, whatever the database's collation) with their number
// of active goals.
func (tx *Tx) ListCitizens(ctx context.Context, teamID int64) ([]smallgoals.CitizenSummary, error) {
	var cs []smallgoals.CitizenSummary
	err := tx.tx.SelectContext(ctx, &cs, `
		SELECT c.id, c.team_id, c.alias, c.contact_user, c.exported_at, c.created_at,
		       (SELECT count(*) FROM goals g WHERE g.citizen_id = c.id AND g.status = 'active') AS active_goals
		FROM citizens c WHERE c.team_id = $1
		ORDER BY translate(c.alias_key, 'ÆØÅ', '[\]') COLLATE "C"`, teamID)
	return cs, wrap("list citizens", err)
}

// ListRecentCitizens lists the citizens of the given teams, those the user
// touched most recently first (by the audit log), then alphabetically.
func (tx *Tx) ListRecentCitizens(ctx context.Context, user string, teamIDs []int64) ([]smallgoals.Citizen, error) {
	var cs []smallgoals.Citizen
	err := tx.tx.SelectContext(ctx, &cs, `
		SELECT c.id, c.team_id, c.alias, c.contact_user, c.exported_at, c.created_at
		FROM citizens c
		LEFT JOIN LATERAL (
			SELECT max(a.at) AS at FROM audit_events a
			WHERE a.actor = $1 AND a.citizen_id = c.id AND a.allowed
		) u ON true
		WHERE c.team_id = ANY($2)
		ORDER BY u.at DESC NULLS LAST, translate(c.alias_key, 'ÆØÅ', '[\]') COLLATE "C", c.team_id`,
		user, pq.Array(teamIDs))
	return cs, wrap("recent citizens", err)
}

// MarkExported records that the citizen's data was exported at at.
func (tx *Tx) MarkExported(ctx context.Context, citizenID int64, at time.Time) error {
	_, err := tx.tx.ExecContext(ctx, `UPDATE citizens SET exported_at = $2 WHERE id = $1`, citizenID, at)
	return wrap("mark exported", err)
}
