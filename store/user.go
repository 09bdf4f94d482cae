package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/lib/pq"
)

// UserLang returns the user's chosen language, or "" if they chose none.
func (tx *Tx) UserLang(ctx context.Context, user string) (string, error) {
	var lang sql.NullString
	err := tx.tx.GetContext(ctx, &lang, `SELECT lang FROM users WHERE id = $1`, user)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return lang.String, wrap("user lang", err)
}

// SetUserLang stores the user's language.
func (tx *Tx) SetUserLang(ctx context.Context, user, lang string, at time.Time) error {
	const q = `
		INSERT INTO users (id, lang, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (id) DO UPDATE SET lang = EXCLUDED.lang, updated_at = EXCLUDED.updated_at`
	_, err := tx.tx.ExecContext(ctx, q, user, lang, at)
	return wrap("set user lang", err)
}

// SetAway pauses the user's reminders through until (nil ends it).
func (tx *Tx) SetAway(ctx context.Context, user string, until *time.Time, at time.Time) error {
	const q = `
		INSERT INTO users (id, away_until, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (id) DO UPDATE SET away_until = EXCLUDED.away_until, updated_at = EXCLUDED.updated_at`
	_, err := tx.tx.ExecContext(ctx, q, user, until, at)
	return wrap("set away", err)
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
