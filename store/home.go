package store

import (
	"context"
	"time"
)

// HomeChannel is the channel App Home changes are notified on (NOTIFY),
// with a HomeEvent's JSON as the payload: ids only, never text.
const HomeChannel = "smallgoals_home"

// Kinds of HomeEvent.
const (
	HomeOpened  = "opened"  // a user opened App Home: keep theirs fresh
	HomeChanged = "changed" // something on a user's App Home changed: refresh it
)

// HomeEvent is the payload of a notification on HomeChannel.
type HomeEvent struct {
	Kind string `json:"kind"`
	User string `json:"user"` // a Slack user ID
}

// OpenHome records that user opened App Home at at, and notifies every
// replica (HomeOpened) that theirs is to be kept fresh from now on.
func (db *DB) OpenHome(ctx context.Context, user string, at time.Time) error {
	// The row, and the notification sent when it commits.
	_, err := db.db.ExecContext(ctx, `
		WITH h AS (
			INSERT INTO app_homes (user_id, opened_at) VALUES ($1, $2)
			ON CONFLICT (user_id) DO UPDATE SET opened_at = EXCLUDED.opened_at
			RETURNING user_id)
		SELECT pg_notify($3, json_build_object('kind', $4::text, 'user', user_id)::text) FROM h`,
		user, at, HomeChannel, HomeOpened)
	return wrap("open home", err)
}

// ChangeHome counts a change to user's App Home and notifies every
// replica (HomeChanged), if the user has one; false if not.
func (db *DB) ChangeHome(ctx context.Context, user string) (bool, error) {
	// One more change to publish, and the notification sent when it commits.
	res, err := db.db.ExecContext(ctx, `
		WITH h AS (UPDATE app_homes SET changes = changes + 1 WHERE user_id = $1 RETURNING user_id)
		SELECT pg_notify($2, json_build_object('kind', $3::text, 'user', user_id)::text) FROM h`,
		user, HomeChannel, HomeChanged)
	if err != nil {
		return false, wrap("change home", err)
	}
	n, err := res.RowsAffected()
	return n > 0, wrap("change home", err)
}

// FindHomeChanges returns how many changes to user's App Home have been
// counted, 0 for a user without one. Read before a Home is rendered and
// again after it is published, it tells whether a change came in
// between, whose own publish may have reached Slack first.
func (db *DB) FindHomeChanges(ctx context.Context, user string) (int64, error) {
	var n int64
	err := db.db.GetContext(ctx, &n, `SELECT coalesce((SELECT changes FROM app_homes WHERE user_id = $1), 0)`, user)
	return n, wrap("find home changes", err)
}

// ClaimHome claims the changes to user's App Home not yet published:
// true for the one caller that is to publish it now, false when there is
// nothing new (another replica claimed them).
func (db *DB) ClaimHome(ctx context.Context, user string) (bool, error) {
	// published catches up with changes, once.
	res, err := db.db.ExecContext(ctx, `
		UPDATE app_homes SET published = changes WHERE user_id = $1 AND published < changes`, user)
	if err != nil {
		return false, wrap("claim home", err)
	}
	n, err := res.RowsAffected()
	return n > 0, wrap("claim home", err)
}

// ListHomes returns the users who have an App Home kept fresh.
func (db *DB) ListHomes(ctx context.Context) ([]string, error) {
	var users []string
	// Every row: a few thousand users at most.
	err := db.db.SelectContext(ctx, &users, `SELECT user_id FROM app_homes ORDER BY user_id`)
	return users, wrap("list homes", err)
}

// ListPendingHomes returns the users whose App Home has changes not yet
// published: changed while no replica listened, or a publish that never
// came after its claim.
func (db *DB) ListPendingHomes(ctx context.Context) ([]string, error) {
	var users []string
	err := db.db.SelectContext(ctx, &users, `SELECT user_id FROM app_homes WHERE changes > published ORDER BY user_id`)
	return users, wrap("list pending homes", err)
}

// UnclaimHome gives back a claim whose publish failed: the user's App Home
// is due again (ListPendingHomes), for the next change or sync.
func (db *DB) UnclaimHome(ctx context.Context, user string) error {
	_, err := db.db.ExecContext(ctx, `UPDATE app_homes SET published = published - 1 WHERE user_id = $1 AND published = changes AND changes > 0`, user)
	return wrap("unclaim home", err)
}
