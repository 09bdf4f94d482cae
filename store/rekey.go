package store

// Free text at rest. Notes, goal and plan-goal titles, a goal's GAS level
// descriptions, revision reflections and the team's reflections are sealed with the keyring's
// current key (AES-256-GCM, the column's "table.column" name as
// additional data) before they reach the database, and opened when read.
// Each row's key_id names the key that sealed all its encrypted columns.
// key_id 'plain' marks a row migration 00004 converted from clear text:
// such rows read as they are until RekeyPlain (run after every migration)
// seals them.

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lib/pq"

	"smallgoals"
)

// The encrypted columns; each name is the additional data of its values.
const (
	fieldEntryNote          = "entries.note"
	fieldGoalTitle          = "goals.title"
	fieldGoalGASLevels      = "goals.gas_levels"
	fieldPlanGoalTitle      = "plan_goals.title"
	fieldRevisionReflection = "revisions.reflection"
	fieldChangeOld          = "goal_changes.old_value"
	fieldChangeNew          = "goal_changes.new_value"
	fieldReflectionText     = "reflections.text"
)

// PlainKeyID is the key ID of a row whose text is not encrypted yet.
const PlainKeyID = "plain"

// sealText encrypts s for the field under the current key, the text of a
// new row: it refuses a text the CPR detector flags (commands check every
// text before this; this is the last line, on exactly what is stored).
func sealText(kr *smallgoals.Keyring, field, s string) (ct []byte, keyID string, err error) {
	if err := storable(s); err != nil {
		return nil, "", err
	}
	return resealText(kr, field, s)
}

// storable refuses free text that must never be stored: a CPR number.
func storable(s string) error {
	if smallgoals.ContainsCPR(s) {
		return smallgoals.Errorf(smallgoals.EINVALID, "err.cpr")
	}
	return nil
}

// resealText encrypts s, a text already stored, under the current key.
func resealText(kr *smallgoals.Keyring, field, s string) (ct []byte, keyID string, err error) {
	ct, keyID, err = kr.Seal(field, s)
	if err != nil {
		return nil, "", fmt.Errorf("store: encrypt %s: %w", field, err)
	}
	return ct, keyID, nil
}

// sealed is a row as stored, its free text encrypted: open decrypts it.
type sealed[R, T any] interface {
	*R
	open(kr *smallgoals.Keyring) (T, error)
}

// openAll decrypts rows, in order: the one loop for every kind of row.
func openAll[T, R any, P sealed[R, T]](kr *smallgoals.Keyring, rows []R) ([]T, error) {
	out := make([]T, 0, len(rows))
	for i := range rows {
		v, err := P(&rows[i]).open(kr)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// openText decrypts the field's value of row id. Its error is an internal
// one naming the field, the row and the key ID, never text or key bytes.
func openText(kr *smallgoals.Keyring, field string, id int64, ct []byte, keyID string) (string, error) {
	if keyID == PlainKeyID {
		if !utf8.Valid(ct) {
			return "", fmt.Errorf("store: %s of row %d: not UTF-8", field, id)
		}
		return string(ct), nil
	}
	s, err := kr.Open(field, ct, keyID)
	if err != nil {
		return "", fmt.Errorf("store: decrypt %s of row %d: %w", field, id, err)
	}
	return s, nil
}

// Plaintext decrypts a value of an encrypted column as stored (its bytes
// and the row's key_id), for reading rows with plain SQL; field names the
// column as "table.column". goals.gas_levels decrypts to a JSON array of
// five strings.
func Plaintext(kr *smallgoals.Keyring, field string, ct []byte, keyID string) (string, error) {
	return openText(kr, field, 0, ct, keyID)
}

// sealGASLevels encrypts the levels as a JSON array of five strings; no
// level described is NULL.
func sealGASLevels(kr *smallgoals.Keyring, l smallgoals.GASLevels) (any, error) {
	if l.Empty() {
		return nil, nil
	}
	b, err := json.Marshal(l[:])
	if err != nil {
		return nil, fmt.Errorf("store: encrypt %s: %w", fieldGoalGASLevels, err)
	}
	ct, _, err := sealText(kr, fieldGoalGASLevels, string(b))
	return ct, err
}

// openGASLevels decrypts what sealGASLevels stored (nil: none described)
// and checks its shape, as the jsonb column's CHECK did.
func openGASLevels(kr *smallgoals.Keyring, id int64, ct []byte, keyID string) (smallgoals.GASLevels, error) {
	var l smallgoals.GASLevels
	if ct == nil {
		return l, nil
	}
	s, err := openText(kr, fieldGoalGASLevels, id, ct, keyID)
	if err != nil {
		return l, err
	}
	var levels []string
	if err := json.Unmarshal([]byte(s), &levels); err != nil || len(levels) != len(l) {
		return l, fmt.Errorf("store: %s of row %d: not a JSON array of %d strings", fieldGoalGASLevels, id, len(l))
	}
	copy(l[:], levels)
	return l, nil
}

// KeyIDs counts the rows with encrypted columns by the ID of the key that
// sealed them (PlainKeyID: not encrypted yet).
func (db *DB) KeyIDs(ctx context.Context) (map[string]int, error) {
	var q []string
	for _, t := range rekeyTables {
		q = append(q, `SELECT key_id FROM `+t.name)
	}
	rows, err := db.db.QueryContext(ctx, `SELECT key_id, count(*) FROM (`+strings.Join(q, " UNION ALL ")+`) k GROUP BY key_id`)
	if err != nil {
		return nil, wrap("key IDs", err)
	}
	defer rows.Close()
	ids := map[string]int{}
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, wrap("key IDs", err)
		}
		ids[id] = n
	}
	return ids, wrap("key IDs", rows.Err())
}

// rekeyBatch is how many rows one transaction re-encrypts.
const rekeyBatch = 500

// rekeyTable describes a table with encrypted columns for Rekey.
type rekeyTable struct {
	name    string
	columns []string // the encrypted columns; a NULL value stays NULL
	trigger bool     // an append-only trigger lets only re-encryption through (smallgoals.rekey)
	// plain: migration 00004 left the table's rows in clear (key ID
	// 'plain'), and a partial index finds them; tables created later were
	// encrypted from their first row.
	plain bool
}

// rekeyVisits returns the tables Rekey (or RekeyPlain) looks at.
func rekeyVisits(plainOnly bool) []rekeyTable {
	if !plainOnly {
		return rekeyTables
	}
	var ts []rekeyTable
	for _, t := range rekeyTables {
		if t.plain { // the others were created encrypted: nothing in clear
			ts = append(ts, t)
		}
	}
	return ts
}

// rekeyQuery selects the next rows to re-encrypt: $1 the current key ID,
// $2 the last ID done, $3 how many.
func rekeyQuery(t rekeyTable, plainOnly bool) string {
	return `SELECT id, key_id, ` + strings.Join(t.columns, ", ") + ` FROM ` + t.name + `
			WHERE ` + rekeyWhere(plainOnly) + ` AND id > $2
			ORDER BY id LIMIT $3
			FOR UPDATE SKIP LOCKED`
}

// rekeyLeftQuery asks whether rows to re-encrypt are left ($1 the current
// key ID).
func rekeyLeftQuery(t rekeyTable, plainOnly bool) string {
	return `SELECT EXISTS (SELECT 1 FROM ` + t.name + ` WHERE ` + rekeyWhere(plainOnly) + `)`
}

var rekeyTables = []rekeyTable{
	{name: "plan_goals", columns: []string{"title"}, plain: true},
	{name: "goals", columns: []string{"title", "gas_levels"}, plain: true},
	{name: "entries", columns: []string{"note"}, trigger: true, plain: true},
	{name: "revisions", columns: []string{"reflection"}, plain: true},
	{name: "goal_changes", columns: []string{"old_value", "new_value"}, trigger: true},
	{name: "reflections", columns: []string{"text"}, trigger: true},
}

// Rekey re-encrypts under the current key every row whose key ID is not
// the current key's, 'plain' rows included, and returns how many rows it
// changed. It works in transactions of up to 500 rows, locking them with
// FOR UPDATE SKIP LOCKED, so several processes may run it at once and
// each row is changed once. A row under a key the keyring lacks stops it
// with an error naming the key ID; the rows done so far stay done.
func (db *DB) Rekey(ctx context.Context) (int, error) { return db.rekey(ctx, false) }

// RekeyPlain encrypts under the current key the rows migration 00004
// left in clear (key ID 'plain') and returns how many it changed. The
// program runs it after every migration; once it has run, it finds
// nothing, quickly (a partial index holds the 'plain' rows).
func (db *DB) RekeyPlain(ctx context.Context) (int, error) { return db.rekey(ctx, true) }

func (db *DB) rekey(ctx context.Context, plainOnly bool) (int, error) {
	total := 0
	for _, t := range rekeyVisits(plainOnly) {
		n, err := db.rekeyTable(ctx, t, plainOnly)
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// rekeyTable re-encrypts the table's rows in passes of batches in id
// order. A pass skips the rows other transactions hold locked (another
// Rekey's batch, a user's transaction); passes repeat until none is left.
func (db *DB) rekeyTable(ctx context.Context, t rekeyTable, plainOnly bool) (int, error) {
	total := 0
	for wait := 10 * time.Millisecond; ; {
		n, err := db.rekeyPass(ctx, t, plainOnly)
		total += n
		if err != nil {
			return total, err
		}
		if n > 0 {
			continue
		}
		var left bool
		if err := db.db.GetContext(ctx, &left, rekeyLeftQuery(t, plainOnly), db.keys.CurrentID()); err != nil {
			return total, wrap("rekey "+t.name, err)
		}
		if !left {
			return total, nil
		}
		// Held by another transaction; once that ends they are done or free.
		select {
		case <-ctx.Done():
			return total, fmt.Errorf("store: rekey %s: %w", t.name, ctx.Err())
		case <-time.After(wait):
		}
		wait = min(2*wait, time.Second)
	}
}

// rekeyWhere selects the rows to re-encrypt; $1 is the current key's ID.
func rekeyWhere(plainOnly bool) string {
	if plainOnly {
		return `key_id = 'plain' AND $1::text IS NOT NULL`
	}
	return `key_id <> $1`
}

// rekeyPass re-encrypts the table's unlocked rows to do, batch by batch,
// and returns how many it changed.
func (db *DB) rekeyPass(ctx context.Context, t rekeyTable, plainOnly bool) (int, error) {
	total := 0
	for last := int64(0); ; {
		n, next, err := db.rekeyBatch(ctx, t, plainOnly, last)
		total += n
		if err != nil || next == 0 {
			return total, err
		}
		last = next
	}
}

// rekeyBatch re-encrypts up to rekeyBatch rows with IDs above after in one
// transaction. It returns how many it changed and the last ID it saw (0:
// none left).
func (db *DB) rekeyBatch(ctx context.Context, t rekeyTable, plainOnly bool, after int64) (changed int, last int64, err error) {
	err = db.InTx(ctx, func(tx *Tx) error {
		if t.trigger {
			if _, err := tx.tx.ExecContext(ctx, `SELECT set_config('smallgoals.rekey', 'on', true)`); err != nil {
				return wrap("rekey "+t.name, err)
			}
		}
		cur := db.keys.CurrentID()
		rows, err := tx.tx.QueryContext(ctx, rekeyQuery(t, plainOnly), cur, after, rekeyBatch)
		if err != nil {
			return wrap("rekey "+t.name, err)
		}
		defer rows.Close()
		var (
			ids  []int64
			cols = make([][][]byte, len(t.columns))
		)
		for rows.Next() {
			var (
				id    int64
				keyID string
				cts   = make([][]byte, len(t.columns))
				dest  = []any{&id, &keyID}
			)
			for i := range cts {
				dest = append(dest, &cts[i])
			}
			if err := rows.Scan(dest...); err != nil {
				return wrap("rekey "+t.name, err)
			}
			for i, ct := range cts {
				field := t.name + "." + t.columns[i]
				if ct == nil { // NULL stays NULL
					cols[i] = append(cols[i], nil)
					continue
				}
				s, err := openText(db.keys, field, id, ct, keyID)
				if err != nil {
					return err
				}
				ct, _, err := resealText(db.keys, field, s)
				if err != nil {
					return err
				}
				cols[i] = append(cols[i], ct)
			}
			ids = append(ids, id)
		}
		if err := rows.Err(); err != nil {
			return wrap("rekey "+t.name, err)
		}
		rows.Close()
		if len(ids) == 0 {
			return nil
		}
		last = ids[len(ids)-1]
		// One UPDATE for the batch. A bytea array cannot hold NULL, so a
		// NULL value is kept by the CASE rather than carried in the array.
		var set, from []string
		args := []any{pq.Array(ids), cur}
		for i, c := range t.columns {
			set = append(set, fmt.Sprintf("%s = CASE WHEN t.%s IS NULL THEN NULL ELSE u.c%d END", c, c, i))
			from = append(from, fmt.Sprintf("$%d::bytea[]", len(args)+1))
			args = append(args, pq.ByteaArray(cols[i]))
		}
		cs := make([]string, len(t.columns))
		for i := range cs {
			cs[i] = fmt.Sprintf("c%d", i)
		}
		upd := `UPDATE ` + t.name + ` t SET ` + strings.Join(set, ", ") + `, key_id = $2
			FROM unnest($1::bigint[], ` + strings.Join(from, ", ") + `) AS u(id, ` + strings.Join(cs, ", ") + `)
			WHERE t.id = u.id`
		res, err := tx.tx.ExecContext(ctx, upd, args...)
		if err != nil {
			return wrap("rekey "+t.name, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return wrap("rekey "+t.name, err)
		}
		changed = int(n)
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	return changed, last, nil
}
