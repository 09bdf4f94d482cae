package store

import (
	"context"
	"time"

	"smallgoals"
)

const fileColumns = `id, team_id, citizen_id, name, created_at, expires_at`

// RecordFile remembers a file the bot sent.
func (tx *Tx) RecordFile(ctx context.Context, f smallgoals.FileRecord) error {
	_, err := tx.tx.ExecContext(ctx, `
		INSERT INTO files (`+fileColumns+`) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (id) DO NOTHING`, f.ID, f.TeamID, f.CitizenID, f.Name, f.CreatedAt, f.ExpiresAt)
	return wrap("record file", err)
}

// ExpireCitizenFiles makes the files about the citizen due for deletion
// at at: theirs (an export) and those about several borgere (a digest's
// chart), which go whole.
func (tx *Tx) ExpireCitizenFiles(ctx context.Context, citizenID int64, at time.Time) ([]smallgoals.FileRecord, error) {
	var fs []smallgoals.FileRecord
	err := tx.tx.SelectContext(ctx, &fs, `
		UPDATE files SET expires_at = least(expires_at, $2)
		WHERE citizen_id = $1 OR id IN (SELECT file_id FROM file_citizens WHERE citizen_id = $1)
		RETURNING `+fileColumns, citizenID, at)
	return fs, wrap("expire citizen files", err)
}

// ListExpiredFiles lists the files due for deletion at at, oldest first.
func (tx *Tx) ListExpiredFiles(ctx context.Context, at time.Time, limit int) ([]smallgoals.FileRecord, error) {
	var fs []smallgoals.FileRecord
	err := tx.tx.SelectContext(ctx, &fs, `
		SELECT `+fileColumns+` FROM files WHERE expires_at <= $1 ORDER BY expires_at, id LIMIT $2`, at, limit)
	return fs, wrap("expired files", err)
}

// ForgetFile drops the record of a file deleted from Slack (or gone).
func (tx *Tx) ForgetFile(ctx context.Context, id string) error {
	_, err := tx.tx.ExecContext(ctx, `DELETE FROM files WHERE id = $1`, id)
	return wrap("forget file", err)
}

// RecordFile remembers a file the bot sent, in a transaction of its own.
func (db *DB) RecordFile(ctx context.Context, f smallgoals.FileRecord) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.RecordFile(ctx, f) })
}

// ForgetFile drops the record of a deleted file, in a transaction of its own.
func (db *DB) ForgetFile(ctx context.Context, id string) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.ForgetFile(ctx, id) })
}
