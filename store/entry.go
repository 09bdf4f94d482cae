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

// entryHistory is what the history adds to entryColumns: the entry's
// number on its goal and the undo that replaced it (u, joined by
// entryUndoJoin), for a query on entries e of one goal or of goals
// partitioned by goal.
const entryHistory = `,
	row_number() OVER (PARTITION BY e.goal_id ORDER BY e.id) AS number,
	u.id AS undo_id, u.author AS undone_by, u.written_at AS undone_at, u.note AS undo_ct, u.key_id AS undo_key_id`

// entryUndoJoin joins an entry e's undo u, if any (one at most).
const entryUndoJoin = `LEFT JOIN entries u ON u.replaces = e.id`

// entryRow is an entry as stored, its note encrypted, and the undo that
// replaced it when read with its history.
type entryRow struct {
	smallgoals.Entry
	NoteCT    []byte     `db:"note_ct"`
	KeyID     string     `db:"key_id"`
	UndoID    *int64     `db:"undo_id"`
	UndoneBy  *string    `db:"undone_by"`
	UndoneAt  *time.Time `db:"undone_at"`
	UndoCT    []byte     `db:"undo_ct"`
	UndoKeyID *string    `db:"undo_key_id"`
}

func (r *entryRow) open(kr *smallgoals.Keyring) (smallgoals.Entry, error) {
	e := r.Entry
	var err error
	if e.Note, err = openText(kr, fieldEntryNote, e.ID, r.NoteCT, r.KeyID); err != nil || r.UndoID == nil {
		return e, err
	}
	e.UndoneBy, e.UndoneAt = *r.UndoneBy, r.UndoneAt
	e.UndoReason, err = openText(kr, fieldEntryNote, *r.UndoID, r.UndoCT, *r.UndoKeyID)
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

// goalEntries is the score entries of goal $1 with their history, as x.
const goalEntries = `
		SELECT * FROM (
			SELECT ` + entryColumns + entryHistory + `
			FROM entries e ` + entryUndoJoin + `
			WHERE e.goal_id = $1 AND e.kind = 'score'
		) x`

// ListGoalEntries returns the goal's latest score entries, newest first,
// counting or not (Replaced tells), with their numbers and undos.
func (tx *Tx) ListGoalEntries(ctx context.Context, goalID int64, limit int) ([]smallgoals.Entry, error) {
	var rs []entryRow
	err := tx.tx.SelectContext(ctx, &rs, goalEntries+`
		ORDER BY day DESC, id DESC
		LIMIT $2`, goalID, limit)
	if err != nil {
		return nil, wrap("goal entries", err)
	}
	return openAll[smallgoals.Entry](tx.keys, rs)
}

// FindGoalEntry returns the goal's score entry number n (as
// ListGoalEntries numbers them), with its undo if it has one. Returns
// ENOTFOUND if there is none.
func (tx *Tx) FindGoalEntry(ctx context.Context, goalID int64, n int) (smallgoals.Entry, error) {
	var r entryRow
	err := tx.tx.GetContext(ctx, &r, goalEntries+`
		WHERE number = $2`, goalID, n)
	if err != nil {
		return smallgoals.Entry{}, wrap("goal entry", err)
	}
	return r.open(tx.keys)
}
