package store

import (
	"context"
	"time"

	"github.com/lib/pq"

	"smallgoals"
)

// recordSent records what a delivery of kind put in Slack at at — its
// messages and files — linked to the citizens it is about. A file keeps
// its own expiry (f.ExpiresAt).
func (tx *Tx) recordSent(ctx context.Context, kind string, at time.Time, citizens []int64, s smallgoals.Sent) error {
	for _, p := range s.Posts {
		_, err := tx.tx.ExecContext(ctx, `
			INSERT INTO posts (channel, ts, kind, posted_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
			p.Channel, p.TS, kind, at)
		if err != nil {
			return wrap("record post", err)
		}
		// Only citizens that still exist: one erased meanwhile is not linked.
		_, err = tx.tx.ExecContext(ctx, `
			INSERT INTO post_citizens (channel, ts, citizen_id)
			SELECT $1, $2, id FROM citizens WHERE id = ANY($3) ON CONFLICT DO NOTHING`, p.Channel, p.TS, pq.Array(citizens))
		if err != nil {
			return wrap("record post", err)
		}
	}
	for _, f := range s.Files {
		if err := tx.RecordFile(ctx, f); err != nil {
			return err
		}
		_, err := tx.tx.ExecContext(ctx, `
			INSERT INTO file_citizens (file_id, citizen_id)
			SELECT $1, id FROM citizens WHERE id = ANY($2) ON CONFLICT DO NOTHING`, f.ID, pq.Array(citizens))
		if err != nil {
			return wrap("record file", err)
		}
	}
	return nil
}

// RecordPost records a message the bot posted at at (a reply sent as a
// DM), linked to the citizens it is about, so that erasing one of them
// deletes it from Slack.
func (db *DB) RecordPost(ctx context.Context, kind string, at time.Time, citizens []int64, p smallgoals.Posted) error {
	return db.InTx(ctx, func(tx *Tx) error {
		return tx.recordSent(ctx, kind, at, citizens, smallgoals.Sent{Posts: []smallgoals.Posted{p}})
	})
}

// UnpostCitizen makes every message the bot posted about the citizen due
// for deletion from Slack at at, and unlinks it from every borger it is
// about: a message about several goes whole. It returns them; the
// records go once Slack confirms each deletion (ForgetPost).
func (tx *Tx) UnpostCitizen(ctx context.Context, citizenID int64, at time.Time) ([]smallgoals.Posted, error) {
	var ps []smallgoals.Posted
	err := tx.tx.SelectContext(ctx, &ps, `
		WITH p AS (
			UPDATE posts SET delete_at = least(coalesce(delete_at, $2), $2)
			WHERE (channel, ts) IN (SELECT channel, ts FROM post_citizens WHERE citizen_id = $1)
			RETURNING channel, ts),
		     links AS (DELETE FROM post_citizens WHERE (channel, ts) IN (SELECT channel, ts FROM p))
		SELECT channel, ts FROM p ORDER BY channel, ts`, citizenID, at)
	return ps, wrap("unpost citizen", err)
}

// ListUnposted lists the messages due for deletion from Slack at at,
// oldest first: those an erasure could not delete at once.
func (db *DB) ListUnposted(ctx context.Context, at time.Time, limit int) ([]smallgoals.Posted, error) {
	var ps []smallgoals.Posted
	err := db.db.SelectContext(ctx, &ps, `
		SELECT channel, ts FROM posts WHERE delete_at <= $1 ORDER BY delete_at, channel, ts LIMIT $2`, at, limit)
	return ps, wrap("unposted", err)
}

// ForgetPost drops the record of a message deleted from Slack (or gone).
func (db *DB) ForgetPost(ctx context.Context, p smallgoals.Posted) error {
	_, err := db.db.ExecContext(ctx, `DELETE FROM posts WHERE channel = $1 AND ts = $2`, p.Channel, p.TS)
	return wrap("forget post", err)
}
