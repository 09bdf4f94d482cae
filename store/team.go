package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"smallgoals"

	"github.com/lib/pq"
)

// CreateTeam inserts t and sets its ID. Returns ECONFLICT if the channel
// is a team already.
func (tx *Tx) CreateTeam(ctx context.Context, t *smallgoals.Team) error {
	const q = `
		INSERT INTO teams (channel_id, name, lang, tz, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (channel_id) DO NOTHING
		RETURNING id, digest_weekday, digest_time, reminder_time`
	if err := storable(t.Name); err != nil {
		return err
	}
	err := tx.tx.QueryRowxContext(ctx, q, t.ChannelID, t.Name, t.Lang, t.TZ, t.CreatedBy, t.CreatedAt).
		Scan(&t.ID, &t.DigestWeekday, &t.DigestTime, &t.ReminderTime)
	if errors.Is(err, sql.ErrNoRows) {
		return smallgoals.Errorf(smallgoals.ECONFLICT, "")
	}
	return wrap("create team", err)
}

const teamColumns = `id, channel_id, name, lang, tz, digest_weekday, digest_time, reminder_time, retention_days,
	created_by, created_at`

// FindTeamByChannel returns the team bound to a channel. Returns ENOTFOUND if
// there is none.
func (tx *Tx) FindTeamByChannel(ctx context.Context, channelID string) (smallgoals.Team, error) {
	var t smallgoals.Team
	err := tx.tx.GetContext(ctx, &t, `SELECT `+teamColumns+` FROM teams WHERE channel_id = $1`, channelID)
	return t, wrap("team by channel", err)
}

// FindTeam returns a team. Returns ENOTFOUND if there is none.
func (tx *Tx) FindTeam(ctx context.Context, id int64) (smallgoals.Team, error) {
	var t smallgoals.Team
	err := tx.tx.GetContext(ctx, &t, `SELECT `+teamColumns+` FROM teams WHERE id = $1`, id)
	return t, wrap("team by id", err)
}

// AddMember stores user as a member of the team; coordinator adds the
// role (it is never taken away here).
func (tx *Tx) AddMember(ctx context.Context, teamID int64, user string, coordinator bool, at time.Time) error {
	const q = `
		INSERT INTO team_members (team_id, user_id, coordinator, added_at)
		VALUES ($1, $2, $3, $4)
		ON CONFLICT (team_id, user_id) DO UPDATE
		SET coordinator = team_members.coordinator OR EXCLUDED.coordinator`
	_, err := tx.tx.ExecContext(ctx, q, teamID, user, coordinator, at)
	return wrap("add member", err)
}

// JoinChannel stores user as a member of the channel's team, if the
// channel is a team. It reports whether it is.
func (tx *Tx) JoinChannel(ctx context.Context, channelID, user string, at time.Time) (bool, error) {
	const q = `
		INSERT INTO team_members (team_id, user_id, added_at)
		SELECT id, $2, $3 FROM teams WHERE channel_id = $1
		ON CONFLICT (team_id, user_id) DO NOTHING`
	res, err := tx.tx.ExecContext(ctx, q, channelID, user, at)
	if err != nil {
		return false, wrap("join channel", err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return true, nil
	}
	var ok bool
	err = tx.tx.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM teams WHERE channel_id = $1)`, channelID)
	return ok, wrap("join channel", err)
}

// ListMembers lists the team's stored members, coordinators first.
func (tx *Tx) ListMembers(ctx context.Context, teamID int64) ([]smallgoals.Member, error) {
	var ms []smallgoals.Member
	err := tx.tx.SelectContext(ctx, &ms, `
		SELECT user_id, coordinator FROM team_members
		WHERE team_id = $1 ORDER BY coordinator DESC, user_id`, teamID)
	return ms, wrap("members", err)
}

// FindMember returns the user's stored role on the team. Returns ENOTFOUND if
// the user has none.
func (tx *Tx) FindMember(ctx context.Context, teamID int64, user string) (smallgoals.Member, error) {
	var m smallgoals.Member
	err := tx.tx.GetContext(ctx, &m, `
		SELECT user_id, coordinator FROM team_members
		WHERE team_id = $1 AND user_id = $2`, teamID, user)
	return m, wrap("member", err)
}

// ListTeams returns every team by name.
func (tx *Tx) ListTeams(ctx context.Context) ([]smallgoals.Team, error) {
	var ts []smallgoals.Team
	err := tx.tx.SelectContext(ctx, &ts, `SELECT `+teamColumns+` FROM teams ORDER BY name, id`)
	return ts, wrap("list teams", err)
}

// UpdateTeamSettings stores the team's language, zone, digest slot,
// reminder time and retention.
func (tx *Tx) UpdateTeamSettings(ctx context.Context, t smallgoals.Team) error {
	const q = `
		UPDATE teams SET lang = $2, tz = $3, digest_weekday = $4, digest_time = $5,
		       reminder_time = $6, retention_days = $7
		WHERE id = $1`
	_, err := tx.tx.ExecContext(ctx, q, t.ID, t.Lang, t.TZ, t.DigestWeekday, t.DigestTime, t.ReminderTime, t.RetentionDays)
	return wrap("update team settings", err)
}

// LockTeam locks the team's row until the transaction ends, so changes of
// its roles are decided one at a time (never the last coordinator).
func (tx *Tx) LockTeam(ctx context.Context, teamID int64) error {
	var id int64
	err := tx.tx.GetContext(ctx, &id, `SELECT id FROM teams WHERE id = $1 FOR UPDATE`, teamID)
	return wrap("lock team", err)
}

// RemoveCoordinator takes the coordinator role from user on the team; the
// user stays a member. Returns ENOTFOUND if user is no coordinator there.
func (tx *Tx) RemoveCoordinator(ctx context.Context, teamID int64, user string) error {
	return tx.execOne(ctx, "remove coordinator", smallgoals.ENOTFOUND, `
		UPDATE team_members SET coordinator = false
		WHERE team_id = $1 AND user_id = $2 AND coordinator`, teamID, user)
}

// RemoveMember deletes user's stored membership of the team, role and
// all. Returns ENOTFOUND if user was no stored member.
func (tx *Tx) RemoveMember(ctx context.Context, teamID int64, user string) error {
	return tx.execOne(ctx, "remove member", smallgoals.ENOTFOUND,
		`DELETE FROM team_members WHERE team_id = $1 AND user_id = $2`, teamID, user)
}

// CreateMemberEvent appends a change of the team's membership or roles.
func (tx *Tx) CreateMemberEvent(ctx context.Context, ev *smallgoals.MemberEvent) error {
	err := tx.tx.QueryRowxContext(ctx, `
		INSERT INTO member_events (team_id, user_id, kind, actor, at) VALUES ($1, $2, $3, $4, $5)
		RETURNING id`, ev.TeamID, ev.UserID, ev.Kind, ev.Actor, ev.At).Scan(&ev.ID)
	return wrap("create member event", err)
}

// ListMemberEvents returns the team's latest limit membership changes,
// the latest first.
func (tx *Tx) ListMemberEvents(ctx context.Context, teamID int64, limit int) ([]smallgoals.MemberEvent, error) {
	var evs []smallgoals.MemberEvent
	err := tx.tx.SelectContext(ctx, &evs, `
		SELECT id, team_id, user_id, kind, actor, at FROM member_events
		WHERE team_id = $1 ORDER BY at DESC, id DESC LIMIT $2`, teamID, limit)
	return evs, wrap("member events", err)
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

// IsStoredMember reports whether user has a stored membership of the team.
func (db *DB) IsStoredMember(ctx context.Context, teamID int64, user string) (bool, error) {
	var ok bool
	err := db.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM team_members WHERE team_id = $1 AND user_id = $2)`, teamID, user).Scan(&ok)
	return ok, wrap("is stored member", err)
}
