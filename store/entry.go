package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"smallgoals"
)

// CreateEntry appends e and sets its ID. Returns ECONFLICT if the entry it
// replaces is replaced already.
func (tx *Tx) CreateEntry(ctx context.Context, e *smallgoals.Entry) error {
	note, keyID, err := sealText(tx.keys, fieldEntryNote, e.Note)
	if err != nil {
		return err
	}
	const q = `
		INSERT INTO entries (goal_id, kind, author, day, written_at, staff_score, citizen_score, note, key_id, replaces)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (replaces) DO NOTHING
		RETURNING id`
	err = tx.tx.QueryRowxContext(ctx, q, e.GoalID, e.Kind, e.Author, e.Day, e.WrittenAt,
		e.StaffScore, e.CitizenScore, note, keyID, e.Replaces).Scan(&e.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return smallgoals.Errorf(smallgoals.ECONFLICT, "")
	}
	return wrap("create entry", err)
}

const entryColumns = `e.id, e.goal_id, e.kind, e.author, e.day, e.written_at, e.staff_score,
	e.citizen_score, e.note AS note_ct, e.key_id, e.replaces,
	EXISTS (SELECT 1 FROM entries u WHERE u.replaces = e.id) AS replaced`

// entryRow is an entry as stored, its note encrypted.
type entryRow struct {
	smallgoals.Entry
	NoteCT []byte `db:"note_ct"`
	KeyID  string `db:"key_id"`
}

func (r *entryRow) open(kr *smallgoals.Keyring) (smallgoals.Entry, error) {
	e := r.Entry
	var err error
	e.Note, err = openText(kr, fieldEntryNote, e.ID, r.NoteCT, r.KeyID)
	return e, err
}

// FindLatestOwnEntry returns the author's latest counting score entry written
// at or after since, on the goal when goalID is not 0. It locks the entry
// until the transaction ends. Returns ENOTFOUND if there is none.
func (tx *Tx) FindLatestOwnEntry(ctx context.Context, author string, goalID int64, since time.Time) (smallgoals.Entry, error) {
	var r entryRow
	err := tx.tx.GetContext(ctx, &r, `
		SELECT `+entryColumns+`
		FROM entries e
		WHERE e.author = $1 AND e.kind = 'score' AND e.written_at >= $3
		  AND ($2::bigint = 0 OR e.goal_id = $2::bigint)
		  AND NOT EXISTS (SELECT 1 FROM entries u WHERE u.replaces = e.id)
		ORDER BY e.written_at DESC, e.id DESC
		LIMIT 1
		FOR UPDATE OF e`, author, goalID, since)
	if err != nil {
		return smallgoals.Entry{}, wrap("latest own entry", err)
	}
	return r.open(tx.keys)
}

// ListGoalEntries returns the goal's latest score entries, newest first,
// counting or not (Replaced tells).
func (tx *Tx) ListGoalEntries(ctx context.Context, goalID int64, limit int) ([]smallgoals.Entry, error) {
	var rs []entryRow
	err := tx.tx.SelectContext(ctx, &rs, `
		SELECT `+entryColumns+`
		FROM entries e
		WHERE e.goal_id = $1 AND e.kind = 'score'
		ORDER BY e.day DESC, e.id DESC
		LIMIT $2`, goalID, limit)
	if err != nil {
		return nil, wrap("goal entries", err)
	}
	return openAll[smallgoals.Entry](tx.keys, rs)
}
