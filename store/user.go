package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
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
