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

// Logging a typed score is what staff do most, all at once at the end of
// a shift. The general path (DB.InTx) costs about ten round trips to the
// database for one score; LogQuickScore costs one statement, and requests
// that arrive while others are being written share the next statement
// (group commit). Each request is answered only after the statement that
// wrote it has committed.

// quickBatchMax bounds the requests written by one statement.
const quickBatchMax = 128

// quickBatchTimeout bounds one statement: the requests in it wait for it
// whatever their own deadlines, since their outcome must be known.
const quickBatchTimeout = 10 * time.Second

// quickBatcher groups concurrent quick scores. At most cap(slots)
// statements run at once; a request that finds a free slot takes
// everything waiting and writes it, so no goroutine runs in the
// background and a lone request is written at once.
type quickBatcher struct {
	db    *sqlx.DB // its own pool, cap(slots) connections
	slots chan struct{}

	prepMu sync.Mutex
	stmt   *sql.Stmt // quickScoreSQL, prepared on each connection as it is used

	// zones caches each team channel's time zone (channel ID → name): the
	// entry's day is worked out in Go, as the general path does, and the
	// statement checks the zone is still the team's.
	zones sync.Map

	mu    sync.Mutex
	queue []*quickReq
}

type quickReq struct {
	in   smallgoals.QuickScore
	note []byte // encrypted
	key  string
	out  smallgoals.QuickScoreResult
	err  error
	done chan struct{}
}

func newQuickBatcher(db *sqlx.DB, statements int) *quickBatcher {
	return &quickBatcher{db: db, slots: make(chan struct{}, max(1, statements))}
}

// LogQuickScore logs q in one statement, maybe together with concurrent
// requests, and commits it. See smallgoals.QuickScoreResult for when it
// writes nothing.
func (db *DB) LogQuickScore(ctx context.Context, q smallgoals.QuickScore) (smallgoals.QuickScoreResult, error) {
	if db.quick == nil {
		return smallgoals.QuickScoreResult{}, nil // no connections of its own: the general path
	}
	note, keyID, err := sealText(db.keys, fieldEntryNote, q.Note)
	if err != nil {
		return smallgoals.QuickScoreResult{}, err
	}
	r := &quickReq{in: q, note: note, key: keyID, done: make(chan struct{})}
	b := db.quick
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
				return smallgoals.QuickScoreResult{}, fmt.Errorf("store: quick score: %w", ctx.Err())
			}
			<-r.done // being written: its outcome counts
			return r.out, r.err
		case b.slots <- struct{}{}:
			batch := b.take()
			func() {
				defer func() { <-b.slots }()
				db.writeQuick(batch)
			}()
			if len(batch) == 0 {
				<-r.done // taken by another statement
				return r.out, r.err
			}
		}
	}
}

// withdraw removes r from the queue unless a statement took it.
func (b *quickBatcher) withdraw(r *quickReq) bool {
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

// take removes up to quickBatchMax requests from the queue.
func (b *quickBatcher) take() []*quickReq {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := min(len(b.queue), quickBatchMax)
	batch := make([]*quickReq, n)
	copy(batch, b.queue)
	rest := copy(b.queue, b.queue[n:])
	clear(b.queue[rest:]) // no request kept alive by the backing array
	b.queue = b.queue[:rest]
	return batch
}

// writeQuick writes a batch in one statement and answers its requests.
func (db *DB) writeQuick(batch []*quickReq) {
	// A delivery key twice in one statement would be claimed once and
	// written twice: the later requests wait for the next statement,
	// which finds the key claimed.
	var now, again []*quickReq
	seen := make(map[string]bool, len(batch))
	for _, r := range batch {
		if k := r.in.DeliveryKey; k != "" {
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
		db.writeQuickOnce(now)
	}()
	if len(again) > 0 {
		db.writeQuick(again)
	}
}

// writeQuickOnce runs quickScoreSQL for batch, whose delivery keys differ.
func (db *DB) writeQuickOnce(batch []*quickReq) {
	n := len(batch)
	if n == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), quickBatchTimeout)
	defer cancel()
	b := db.quick
	if err := b.loadZones(ctx, batch); err != nil {
		b.fail(batch, err)
		return
	}
	var (
		ord                       = make(pq.Int64Array, n)
		channels, aliases, actors = make(pq.StringArray, n), make(pq.StringArray, n), make(pq.StringArray, n)
		numbers, staff, citizen   = make(pq.Int64Array, n), make(pq.Int64Array, n), make(pq.Int64Array, n)
		hasCitizen                = make(pq.BoolArray, n)
		notes                     = make(pq.ByteaArray, n)
		keyIDs, ats, dkeys        = make(pq.StringArray, n), make(pq.StringArray, n), make(pq.StringArray, n)
		zones, days               = make(pq.StringArray, n), make(pq.StringArray, n)
		recent                    = make(pq.Int64Array, n)
	)
	for i, r := range batch {
		q := r.in
		ord[i] = int64(i)
		channels[i], aliases[i], actors[i] = q.ChannelID, q.AliasKey, q.Author
		numbers[i], staff[i] = int64(q.GoalNumber), int64(q.StaffScore)
		if q.CitizenScore != nil {
			citizen[i], hasCitizen[i] = int64(*q.CitizenScore), true
		}
		notes[i], keyIDs[i] = r.note, r.key
		ats[i] = q.At.UTC().Format(time.RFC3339Nano)
		dkeys[i], recent[i] = q.DeliveryKey, int64(q.Recent)
		days[i] = "1970-01-01" // no team known: the statement finds none
		if tz, ok := b.zones.Load(q.ChannelID); ok {
			zones[i] = tz.(string)
			days[i] = smallgoals.Day(q.At, smallgoals.Location(zones[i])).Format(time.DateOnly)
		}
	}
	err := db.scanQuick(ctx, batch, ord, channels, aliases, numbers, actors, staff, citizen, hasCitizen,
		notes, keyIDs, ats, dkeys, zones, days, recent)
	if err != nil {
		// Whether it committed is unknown only if the connection broke
		// while the answer came back: the general path's commit has the
		// same gap, and the delivery key makes a retry harmless.
		b.fail(batch, err)
	}
}

// fail answers every request of batch with err.
func (b *quickBatcher) fail(batch []*quickReq, err error) {
	err = wrap("quick score", err)
	for _, r := range batch {
		r.out, r.err = smallgoals.QuickScoreResult{}, err
	}
}

// loadZones looks up the time zones of the batch's channels not cached
// yet, in one query. A channel that is no team's stays unknown.
func (b *quickBatcher) loadZones(ctx context.Context, batch []*quickReq) error {
	var missing pq.StringArray
	for _, r := range batch {
		if _, ok := b.zones.Load(r.in.ChannelID); !ok {
			missing = append(missing, r.in.ChannelID)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	rows, err := b.db.QueryContext(ctx, `SELECT channel_id, tz FROM teams WHERE channel_id = ANY($1)`, missing)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var channel, tz string
		if err := rows.Scan(&channel, &tz); err != nil {
			return err
		}
		b.zones.Store(channel, tz)
	}
	return rows.Err()
}

// quickStmt prepares quickScoreSQL once it can: planning the statement
// takes longer than running it.
func (db *DB) quickStmt(ctx context.Context) (*sql.Stmt, error) {
	b := db.quick
	b.prepMu.Lock()
	defer b.prepMu.Unlock()
	if b.stmt == nil {
		st, err := b.db.PrepareContext(ctx, quickScoreSQL)
		if err != nil {
			return nil, err
		}
		b.stmt = st
	}
	return b.stmt, nil
}

func (db *DB) scanQuick(ctx context.Context, batch []*quickReq, args ...any) error {
	stmt, err := db.quickStmt(ctx)
	if err != nil {
		return err
	}
	rows, err := stmt.QueryContext(ctx, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	// Every row is read: the statement commits once they are, so a row
	// that cannot be decoded fails its own request, not the others.
	answered := make([]bool, len(batch))
	var rowErr error
	for rows.Next() {
		var (
			i                  int
			entryID            *int64
			teamLang, userLang *string
			tz                 *string
			alias              string
			number, lo, hi     int
			day                time.Time
			recent             pq.Int64Array
		)
		if err := rows.Scan(&i, &entryID, &teamLang, &userLang, &tz, &alias, &number, &lo, &hi, &day, &recent); err != nil || i < 0 || i >= len(batch) {
			rowErr = cmp.Or(err, fmt.Errorf("row %d of %d", i, len(batch)))
			continue
		}
		answered[i] = true
		if tz != nil {
			// A team's zone may have changed: the next score uses the new one.
			if old, ok := db.quick.zones.Load(batch[i].in.ChannelID); !ok || old != *tz {
				db.quick.zones.Store(batch[i].in.ChannelID, *tz)
			}
		}
		if entryID == nil {
			continue // nothing written: the general path tells why
		}
		out := smallgoals.QuickScoreResult{Stored: true, EntryID: *entryID, Alias: alias, GoalNumber: number,
			Scale: smallgoals.Scale{Min: lo, Max: hi}, Day: time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)}
		if teamLang != nil {
			out.TeamLang = *teamLang
		}
		if userLang != nil {
			out.UserLang = *userLang
		}
		for j := len(recent) - 1; j >= 0; j-- {
			out.Recent = append(out.Recent, int(recent[j]))
		}
		out.Recent = append(out.Recent, batch[i].in.StaffScore)
		batch[i].out = out
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for i, ok := range answered {
		if !ok {
			// Written or not, unknown: the delivery key makes the general
			// path's try harmless; without one the user is told it failed.
			batch[i].out, batch[i].err = smallgoals.QuickScoreResult{}, wrap("quick score", cmp.Or(rowErr, errors.New("no row")))
		}
	}
	return nil
}

// quickScoreSQL writes the scores whose team, citizen and active goal are
// found and whose scores are on the goal's scale, claims their delivery
// keys, and audits them; one row a request, entry_id NULL if nothing was
// written. It is the general path's runLog in one statement: compare
// commands/entry.go. The statement sees the goal's entries as they were
// before it, so the Recent-1 latest and the new score make the Recent of
// the general path's sparkline.
const quickScoreSQL = `
WITH r AS (
	SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::int[], $5::text[], $6::int[], $7::int[],
	                     $8::bool[], $9::bytea[], $10::text[], $11::timestamptz[], $12::text[], $13::text[], $14::date[],
	                     $15::int[])
	    AS r(i, channel_id, alias_key, number, actor, staff, citizen, has_citizen, note, key_id, at, dkey, tz, day, recent)
), m AS MATERIALIZED (
	SELECT r.*, t.id AS team_id, t.lang AS team_lang, c.id AS citizen_id, c.alias, g.id AS goal_id,
	       g.scale_min, g.scale_max, nextval('entries_id_seq') AS entry_id
	FROM r
	JOIN teams t ON t.channel_id = r.channel_id
	JOIN citizens c ON c.team_id = t.id AND c.alias_key = r.alias_key
	JOIN goals g ON g.citizen_id = c.id AND g.number = r.number
	WHERE g.status = 'active'
	  AND t.tz = r.tz -- the day was worked out in this zone
	  AND r.staff BETWEEN g.scale_min AND g.scale_max
	  AND (NOT r.has_citizen OR r.citizen BETWEEN g.scale_min AND g.scale_max)
), d AS (
	INSERT INTO deliveries (key, at)
	SELECT dkey, at FROM m WHERE dkey <> ''
	ON CONFLICT (key) DO NOTHING
	RETURNING key
), w AS (
	SELECT m.* FROM m WHERE m.dkey = '' OR m.dkey IN (SELECT key FROM d)
), e AS (
	INSERT INTO entries (id, goal_id, kind, author, day, written_at, staff_score, citizen_score, note, key_id)
	SELECT entry_id, goal_id, 'score', actor, day, at, staff, CASE WHEN has_citizen THEN citizen END, note, key_id
	FROM w
	RETURNING id
), a AS (
	INSERT INTO audit_events (at, actor, action, team_id, citizen_id, goal_id, ref, allowed)
	SELECT at, actor, '` + smallgoals.ActEntryCreate + `', team_id, citizen_id, goal_id, left(alias || '-' || number, 40), true
	FROM w
)
SELECT r.i, e.id, m.team_lang, us.lang, tt.tz, coalesce(m.alias, ''), r.number, coalesce(m.scale_min, 0),
       coalesce(m.scale_max, 0), coalesce(m.day, '1970-01-01'),
       CASE WHEN e.id IS NULL THEN '{}'::int[] ELSE ARRAY(
           SELECT x.staff_score FROM entries x
           WHERE x.goal_id = m.goal_id AND x.kind = 'score'
             AND NOT EXISTS (SELECT 1 FROM entries u WHERE u.replaces = x.id)
           ORDER BY x.day DESC, x.id DESC LIMIT greatest(m.recent - 1, 0)) END
FROM r
LEFT JOIN m ON m.i = r.i
LEFT JOIN e ON e.id = m.entry_id
LEFT JOIN users us ON us.id = r.actor
LEFT JOIN teams tt ON tt.channel_id = r.channel_id`

// quickStatements is how many quick-score statements run at once, each on
// a connection of the quick path's own, counted in Options.MaxConns. Two:
// while one is being written the requests that arrive gather for the
// next, and bigger batches cost the database less than parallel small
// ones (measured on 2 cores at 1,000–3,000 requests a second; see
// BENCHMARKS.md). A pool of 2 or 3 gives it one, a pool of 1 none.
func quickStatements(maxConns int) int {
	switch {
	case maxConns == 1:
		return 0
	case maxConns > 0 && maxConns < 4:
		return 1
	}
	return 2
}
