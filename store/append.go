package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"smallgoals"
)

// Logging a score is what staff do most, all at once at the end of a
// shift, typed or from the phone's form. Every score is written by one
// writer: Append costs one statement, and requests that arrive while
// others are being written share the next statement (group commit). Each
// request is answered only after the statement that wrote it has
// committed. The rules of logging are the callers' (commands decides);
// the statement only guards against what may have changed since.

// appendBatchMax bounds the requests written by one statement.
const appendBatchMax = 128

// appendBatchTimeout bounds one statement: the requests in it wait for it
// whatever their own deadlines, since their outcome must be known.
const appendBatchTimeout = 10 * time.Second

// writer groups concurrent scores. At most cap(slots) statements run at
// once; a request that finds a free slot takes everything waiting and
// writes it, so no goroutine runs in the background and a lone request is
// written at once.
type writer struct {
	db     *sqlx.DB // its own pool of cap(slots) connections, or the store's with a pool of one
	slots  chan struct{}
	pooler bool // behind a transaction pooler: no prepared statement (Options.TransactionPooler)

	prepMu sync.Mutex
	stmt   *sql.Stmt // appendSQL, prepared once

	mu    sync.Mutex
	queue []*appendReq
}

type appendReq struct {
	in   smallgoals.Append
	note []byte // encrypted
	key  string
	out  smallgoals.AppendResult
	err  error
	done chan struct{}
}

func newWriter(db *sqlx.DB, statements int, pooler bool) *writer {
	return &writer{db: db, slots: make(chan struct{}, max(1, statements)), pooler: pooler}
}

// writerSettings are the writer's settings, for its transaction only (SET
// LOCAL, so they hold behind PgBouncer in transaction mode too, where a
// session setting would leak to other clients or be refused as a startup
// parameter). Its prepared statement is planned once, not for every small
// batch, which costs more than running it; and a lock held elsewhere (a
// redelivery's claim, an erasure) fails the statement after 2 s rather
// than hold up the batch behind it: it is then tried again
// (writeRetrying).
const writerSettings = `SET LOCAL plan_cache_mode = force_generic_plan; SET LOCAL lock_timeout = '2s'`

// Append writes a, maybe together with concurrent requests, and commits
// it: the entry with its audit events and delivery claim while its guard
// holds (see smallgoals.AppendResult), or only the audit events.
func (db *DB) Append(ctx context.Context, a smallgoals.Append) (smallgoals.AppendResult, error) {
	r := &appendReq{in: a, done: make(chan struct{})}
	if a.Entry != nil {
		note, keyID, err := sealText(db.keys, fieldEntryNote, a.Entry.Note)
		if err != nil {
			return smallgoals.AppendResult{}, err
		}
		r.note, r.key = note, keyID
	}
	b := db.writer
	b.mu.Lock()
	b.queue = append(b.queue, r)
	b.mu.Unlock()
	for {
		select {
		case <-r.done:
			return r.out, r.err
		default:
		}
		select {
		case <-r.done:
			return r.out, r.err
		case <-ctx.Done():
			if b.withdraw(r) {
				return smallgoals.AppendResult{}, fmt.Errorf("store: append: %w", ctx.Err())
			}
			<-r.done // being written: its outcome counts
			return r.out, r.err
		case b.slots <- struct{}{}:
			batch := b.take()
			func() {
				defer func() { <-b.slots }()
				db.writeBatch(batch)
			}()
			if len(batch) == 0 {
				<-r.done // taken by another statement
				return r.out, r.err
			}
		}
	}
}

// withdraw removes r from the queue unless a statement took it.
func (b *writer) withdraw(r *appendReq) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i, x := range b.queue {
		if x == r {
			b.queue = append(b.queue[:i], b.queue[i+1:]...)
			return true
		}
	}
	return false
}

// take removes up to appendBatchMax requests from the queue.
func (b *writer) take() []*appendReq {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := min(len(b.queue), appendBatchMax)
	batch := make([]*appendReq, n)
	copy(batch, b.queue)
	rest := copy(b.queue, b.queue[n:])
	clear(b.queue[rest:]) // no request kept alive by the backing array
	b.queue = b.queue[:rest]
	return batch
}

// writeBatch writes a batch in one statement and answers its requests.
func (db *DB) writeBatch(batch []*appendReq) {
	// A delivery key twice in one statement would be claimed once and
	// written twice: the later requests wait for the next statement,
	// which finds the key claimed.
	var now, again []*appendReq
	seen := make(map[string]bool, len(batch))
	for _, r := range batch {
		if k := r.in.DeliveryKey; k != "" && r.in.Entry != nil {
			if seen[k] {
				again = append(again, r)
				continue
			}
			seen[k] = true
		}
		now = append(now, r)
	}
	func() {
		defer func() {
			for _, r := range now {
				close(r.done)
			}
		}()
		if err := db.writeRetrying(now); err != nil {
			// Whether it committed is unknown only if the connection broke
			// while the answer came back: a delivery key makes a retry
			// harmless.
			err = wrap("append", err)
			for _, r := range now {
				r.out, r.err = smallgoals.AppendResult{}, err
			}
		}
	}()
	if len(again) > 0 {
		db.writeBatch(again)
	}
}

// writeRetrying writes batch, again while a lock held elsewhere (a
// stalled transaction, an erasure) fails the statement after its
// lock_timeout — it failed whole, so trying again is safe — within
// appendBatchTimeout.
func (db *DB) writeRetrying(batch []*appendReq) error {
	deadline := time.Now().Add(appendBatchTimeout)
	for {
		err := db.writeOnce(batch)
		var pe *pq.Error
		if err == nil || !errors.As(err, &pe) || pe.Code != "55P03" || time.Now().After(deadline) {
			return err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// writeOnce runs appendSQL for batch, whose delivery keys differ.
func (db *DB) writeOnce(batch []*appendReq) error {
	n := len(batch)
	if n == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), appendBatchTimeout)
	defer cancel()
	var (
		ord                 = make(pq.Int64Array, n)
		hasEntry            = make(pq.BoolArray, n)
		goals, teams        = make(pq.Int64Array, n), make(pq.Int64Array, n)
		lo, hi, recent      = make(pq.Int64Array, n), make(pq.Int64Array, n), make(pq.Int64Array, n)
		tzs, authors, users = make(pq.StringArray, n), make(pq.StringArray, n), make(pq.StringArray, n)
		days, ats, dkeys    = make(pq.StringArray, n), make(pq.StringArray, n), make(pq.StringArray, n)
		staff, citizen      = make(pq.Int64Array, n), make(pq.Int64Array, n)
		hasStaff, hasCit    = make(pq.BoolArray, n), make(pq.BoolArray, n)
		notes, keyIDs       = make(pq.ByteaArray, n), make(pq.StringArray, n)
		// The audit events, each with its request's index.
		aOrd                       pq.Int64Array
		aAt, aActor, aAction, aRef pq.StringArray
		aTeam, aCitizen, aGoal     []sql.NullInt64
		aAllowed                   pq.BoolArray
	)
	nullID := func(p *int64) sql.NullInt64 {
		if p == nil {
			return sql.NullInt64{}
		}
		return sql.NullInt64{Int64: *p, Valid: true}
	}
	for i, r := range batch {
		a := r.in
		ord[i], users[i], recent[i] = int64(i), a.User, int64(a.Recent)
		days[i], ats[i] = "1970-01-01", time.Unix(0, 0).UTC().Format(time.RFC3339Nano)
		if e := a.Entry; e != nil {
			hasEntry[i] = true
			goals[i], teams[i] = e.GoalID, a.Guard.TeamID
			lo[i], hi[i], tzs[i] = int64(a.Guard.ScaleMin), int64(a.Guard.ScaleMax), a.Guard.TZ
			authors[i], days[i], ats[i] = e.Author, e.Day.Format(time.DateOnly), e.WrittenAt.UTC().Format(time.RFC3339Nano)
			if e.StaffScore != nil {
				staff[i], hasStaff[i] = int64(*e.StaffScore), true
			}
			if e.CitizenScore != nil {
				citizen[i], hasCit[i] = int64(*e.CitizenScore), true
			}
			notes[i], keyIDs[i], dkeys[i] = r.note, r.key, a.DeliveryKey
		}
		for _, ev := range a.Audit {
			aOrd = append(aOrd, int64(i))
			aAt = append(aAt, ev.At.UTC().Format(time.RFC3339Nano))
			aActor, aAction, aRef = append(aActor, ev.Actor), append(aAction, ev.Action), append(aRef, ev.Ref)
			aTeam, aCitizen, aGoal = append(aTeam, nullID(ev.TeamID)), append(aCitizen, nullID(ev.CitizenID)), append(aGoal, nullID(ev.GoalID))
			aAllowed = append(aAllowed, ev.Allowed)
		}
	}
	var stmt *sql.Stmt // prepared before the transaction takes a connection (a pool of one)
	if !db.writer.pooler {
		var err error
		if stmt, err = db.appendStmt(ctx); err != nil {
			return err
		}
	}
	tx, err := db.writer.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, writerSettings); err != nil {
		return err
	}
	args := []any{ord, hasEntry, goals, teams, lo, hi, tzs, authors, days, ats,
		staff, hasStaff, citizen, hasCit, notes, keyIDs, dkeys, recent, users,
		aOrd, pq.Array(aAt), aActor, aAction, pq.Array(aTeam), pq.Array(aCitizen), pq.Array(aGoal), aRef, aAllowed}
	var rows *sql.Rows
	if stmt == nil {
		rows, err = tx.QueryContext(ctx, appendSQL, args...)
	} else {
		rows, err = tx.StmtContext(ctx, stmt).QueryContext(ctx, args...)
	}
	if err != nil {
		return err
	}
	defer rows.Close()
	// Every row is read before the commit, so a row that cannot be
	// decoded fails its own request, not the others.
	answered := make([]bool, n)
	var rowErr error
	for rows.Next() {
		var (
			i        int
			entryID  *int64
			guarded  bool
			userLang *string
			scores   pq.Int64Array
		)
		if err := rows.Scan(&i, &entryID, &guarded, &userLang, &scores); err != nil || i < 0 || i >= n {
			rowErr = cmp.Or(err, fmt.Errorf("row %d of %d", i, n))
			continue
		}
		answered[i] = true
		r := batch[i]
		out := smallgoals.AppendResult{}
		if userLang != nil {
			out.UserLang = *userLang
		}
		switch {
		case r.in.Entry == nil:
		case entryID != nil:
			out.Stored, out.EntryID = true, *entryID
			for j := len(scores) - 1; j >= 0; j-- {
				out.Recent = append(out.Recent, int(scores[j]))
			}
			if s := r.in.Entry.StaffScore; s != nil {
				out.Recent = append(out.Recent, *s)
			}
		case guarded:
			out.Duplicate = true
		default:
			out.Stale = true
		}
		r.out = out
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	for i, ok := range answered {
		if !ok {
			// Written or not, unknown: the delivery key makes a retry
			// harmless; without one the user is told it failed.
			batch[i].out, batch[i].err = smallgoals.AppendResult{}, wrap("append", cmp.Or(rowErr, errors.New("no row")))
		}
	}
	return nil
}

// appendSQL writes the requests' entries whose guard holds — the goal
// active and still its team's, its scale and the team's zone as decided —
// claims their delivery keys and writes their audit events; and the audit
// events of requests without an entry. One row a request: the entry's ID
// (NULL if none was written), whether its guard held, the user's chosen
// language, and the goal's latest staff scores before the new one (the
// statement sees the entries as they were before it).
const appendSQL = `
WITH r AS (
	SELECT * FROM unnest($1::int[], $2::bool[], $3::bigint[], $4::bigint[], $5::int[], $6::int[], $7::text[],
	                     $8::text[], $9::date[], $10::timestamptz[], $11::int[], $12::bool[], $13::int[], $14::bool[],
	                     $15::bytea[], $16::text[], $17::text[], $18::int[], $19::text[])
	    AS r(i, has_entry, goal_id, team_id, scale_min, scale_max, tz, author, day, at, staff, has_staff,
	         citizen, has_citizen, note, key_id, dkey, recent, usr)
), ok AS MATERIALIZED (
	SELECT r.*, nextval('entries_id_seq') AS entry_id
	FROM r
	JOIN goals g ON g.id = r.goal_id
	JOIN citizens c ON c.id = g.citizen_id
	JOIN teams t ON t.id = c.team_id
	WHERE r.has_entry AND g.status = 'active' AND c.team_id = r.team_id
	  AND g.scale_min = r.scale_min AND g.scale_max = r.scale_max AND t.tz = r.tz
), d AS (
	INSERT INTO deliveries (key, at)
	SELECT dkey, at FROM ok WHERE dkey <> ''
	ON CONFLICT (key) DO NOTHING
	RETURNING key
), w AS (
	SELECT ok.* FROM ok WHERE ok.dkey = '' OR ok.dkey IN (SELECT key FROM d)
), e AS (
	INSERT INTO entries (id, goal_id, kind, author, day, written_at, staff_score, citizen_score, note, key_id)
	SELECT entry_id, goal_id, 'score', author, day, at, CASE WHEN has_staff THEN staff END,
	       CASE WHEN has_citizen THEN citizen END, note, key_id
	FROM w
	RETURNING id
), ev AS (
	SELECT * FROM unnest($20::int[], $21::timestamptz[], $22::text[], $23::text[], $24::bigint[], $25::bigint[],
	                     $26::bigint[], $27::text[], $28::bool[])
	    AS ev(i, at, actor, action, team_id, citizen_id, goal_id, ref, allowed)
), a AS (
	INSERT INTO audit_events (at, actor, action, team_id, citizen_id, goal_id, ref, allowed)
	SELECT ev.at, ev.actor, ev.action, ev.team_id, ev.citizen_id, ev.goal_id, ev.ref, ev.allowed
	FROM ev JOIN r ON r.i = ev.i
	WHERE NOT r.has_entry OR ev.i IN (SELECT i FROM w)
)
SELECT r.i, e.id, ok.i IS NOT NULL, us.lang,
       CASE WHEN e.id IS NULL THEN '{}'::int[] ELSE ARRAY(
           SELECT x.staff_score FROM entries x
           WHERE x.goal_id = r.goal_id AND x.kind = 'score' AND x.staff_score IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM entries u WHERE u.replaces = x.id)
           ORDER BY x.day DESC, x.id DESC LIMIT greatest(r.recent - 1, 0)) END
FROM r
LEFT JOIN ok ON ok.i = r.i
LEFT JOIN e ON e.id = ok.entry_id
LEFT JOIN users us ON us.id = r.usr`

// writerStatements is how many statements of the writer run at once, each
// on a connection of its own, counted in Options.MaxConns. Two:
// while one is being written the requests that arrive gather for the
// next, and bigger batches cost the database less than parallel small
// ones (measured on 2 cores at 1,000–3,000 requests a second; see
// BENCHMARKS.md). A pool of 2 or 3 gives it one; with a pool of 1 it
// shares the store's one connection.
func writerStatements(maxConns int) int {
	switch {
	case maxConns == 1:
		return 0
	case maxConns > 0 && maxConns < 4:
		return 1
	}
	return 2
}

// appendStmt prepares appendSQL once it can: planning the statement takes
// longer than running it.
func (db *DB) appendStmt(ctx context.Context) (*sql.Stmt, error) {
	b := db.writer
	b.prepMu.Lock()
	defer b.prepMu.Unlock()
	if b.stmt == nil {
		st, err := b.db.PrepareContext(ctx, appendSQL)
		if err != nil {
			return nil, err
		}
		b.stmt = st
	}
	return b.stmt, nil
}
