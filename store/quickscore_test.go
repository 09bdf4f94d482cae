package store_test

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"smallgoals"
	"smallgoals/store"
	"smallgoals/store/storetest"
)

func TestLogQuickScore(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	f := entrySetup(t, e.db)
	var other smallgoals.Citizen
	var closed smallgoals.Goal
	within(t, e.db, func(tx *store.Tx) {
		mkScore(t, tx, f.g.ID, "U1", "2025-03-01", t0.Add(-9*24*time.Hour), 4, nil)
		s := mkScore(t, tx, f.g.ID, "U1", "2025-03-02", t0.Add(-8*24*time.Hour), 9, nil)
		mkUndo(t, tx, s, "U1", t0.Add(-8*24*time.Hour))
		mkScore(t, tx, f.g.ID, "U2", "2025-03-03", t0.Add(-7*24*time.Hour), 5, nil)
		if err := tx.SetUserLang(ctx, "U7", "en", t0); err != nil {
			t.Fatal(err)
		}
		t2 := mkTeam(t, tx, "C2")
		other = mkCitizen(t, tx, t2.ID, "XY")
		mkGoal(t, tx, other.ID, "X")
		closed = mkGoal(t, tx, f.c.ID, "Closed")
	})
	if _, err := e.raw.Exec(`UPDATE goals SET status = 'closed', next_revision = NULL WHERE id = $1`, closed.ID); err != nil {
		t.Fatal(err)
	}
	// 23:30 UTC on 10 March is 11 March in Copenhagen: the day is the team's.
	at := time.Date(2025, 3, 10, 23, 30, 0, 0, time.UTC)
	q := smallgoals.QuickScore{ChannelID: "C1", AliasKey: "AB", GoalNumber: f.g.Number, Author: "U7",
		StaffScore: 6, CitizenScore: ip(3), Note: "Tog selv bussen", At: at, DeliveryKey: "command:T1", Recent: 8}

	res, err := e.db.LogQuickScore(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	want := smallgoals.QuickScoreResult{Stored: true, EntryID: res.EntryID, TeamLang: "da", UserLang: "en",
		Alias: "AB", GoalNumber: f.g.Number, Scale: smallgoals.Scale{Min: 1, Max: 10}, Day: day("2025-03-11"),
		Recent: []int{4, 5, 6}}
	if !reflect.DeepEqual(res, want) {
		t.Fatalf("LogQuickScore =\n%+v, want\n%+v", res, want)
	}
	within(t, e.db, func(tx *store.Tx) {
		es, err := tx.GoalEntries(ctx, f.g.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		got := es[0]
		if got.ID != res.EntryID || got.Author != "U7" || ymd(got.Day) != "2025-03-11" || !got.WrittenAt.Equal(at) ||
			intp(got.StaffScore) != "6" || intp(got.CitizenScore) != "3" || got.Note != "Tog selv bussen" || got.Kind != "score" {
			t.Errorf("stored entry = %+v", got)
		}
		evs, err := tx.AuditEvents(ctx, f.c.ID, time.Time{}, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) != 1 {
			t.Fatalf("audit events = %+v, want 1", evs)
		}
		ev := evs[0]
		if ev.Action != smallgoals.ActEntryCreate || ev.Actor != "U7" || !ev.Allowed || ev.Ref != fmt.Sprintf("AB-%d", f.g.Number) ||
			*ev.TeamID != f.team.ID || *ev.GoalID != f.g.ID || !ev.At.Equal(at) {
			t.Errorf("audit event = %+v", ev)
		}
	})
	var noteCT []byte
	if err := e.raw.QueryRow(`SELECT note FROM entries WHERE id = $1`, res.EntryID).Scan(&noteCT); err != nil {
		t.Fatal(err)
	}
	if len(noteCT) == 0 || string(noteCT) == q.Note {
		t.Errorf("note stored as %q, want it encrypted", noteCT)
	}
	if n := e.count(t, `SELECT count(*) FROM deliveries WHERE key = 'command:T1'`); n != 1 {
		t.Errorf("delivery claims = %d, want 1", n)
	}

	// Nothing is written for what the general path must answer.
	before := e.count(t, `SELECT (SELECT count(*) FROM entries) + (SELECT count(*) FROM audit_events) + (SELECT count(*) FROM deliveries)`)
	declined := map[string]func(q *smallgoals.QuickScore){
		"redelivery":             func(q *smallgoals.QuickScore) {},
		"no team in the channel": func(q *smallgoals.QuickScore) { q.ChannelID = "C9" },
		"another team's citizen": func(q *smallgoals.QuickScore) { q.AliasKey = "XY"; q.GoalNumber = 1 },
		"unknown alias":          func(q *smallgoals.QuickScore) { q.AliasKey = "ZZ" },
		"unknown goal":           func(q *smallgoals.QuickScore) { q.GoalNumber = 99 },
		"closed goal":            func(q *smallgoals.QuickScore) { q.GoalNumber = closed.Number },
		"score off the scale":    func(q *smallgoals.QuickScore) { q.StaffScore = 11 },
		"citizen score off":      func(q *smallgoals.QuickScore) { q.CitizenScore = ip(0) },
	}
	for name, change := range declined {
		q2 := q
		change(&q2)
		if name != "redelivery" {
			q2.DeliveryKey = "command:" + name
		}
		res, err := e.db.LogQuickScore(ctx, q2)
		if err != nil || res.Stored || res.EntryID != 0 {
			t.Errorf("%s: LogQuickScore = %+v, %v; want nothing stored", name, res, err)
		}
	}
	if after := e.count(t, `SELECT (SELECT count(*) FROM entries) + (SELECT count(*) FROM audit_events) + (SELECT count(*) FROM deliveries)`); after != before {
		t.Errorf("rows %d → %d: a declined quick score wrote something", before, after)
	}

	// Without a delivery key and without a citizen score.
	q3 := q
	q3.DeliveryKey, q3.CitizenScore, q3.Note, q3.Author = "", nil, "", "U8"
	res, err = e.db.LogQuickScore(ctx, q3)
	if err != nil || !res.Stored || res.UserLang != "" || !reflect.DeepEqual(res.Recent, []int{4, 5, 6, 6}) {
		t.Fatalf("LogQuickScore without key = %+v, %v", res, err)
	}
	var cs *int
	if err := e.raw.QueryRow(`SELECT citizen_score FROM entries WHERE id = $1`, res.EntryID).Scan(&cs); err != nil || cs != nil {
		t.Errorf("citizen score stored = %v, %v; want NULL", cs, err)
	}

	// As many recent scores as asked for, the new one included.
	q4 := q3
	q4.Recent, q4.StaffScore = 2, 7
	res, err = e.db.LogQuickScore(ctx, q4)
	if err != nil || !res.Stored || !reflect.DeepEqual(res.Recent, []int{6, 7}) {
		t.Fatalf("LogQuickScore with Recent 2 = %+v, %v; want recent [6 7]", res, err)
	}
}

// Concurrent quick scores share statements; each is stored once, and a
// delivery key sent twice at once is stored once.
func TestLogQuickScoreConcurrent(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	f := entrySetup(t, e.db)
	const n = 300
	type out struct {
		res smallgoals.QuickScoreResult
		err error
	}
	outs := make([]out, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g := f.g
			if i%2 == 1 {
				g = f.h
			}
			// Requests i and i+1 for even i below 20 are the same delivery.
			key := fmt.Sprintf("command:%d", i)
			if i < 20 && i%2 == 1 {
				key = fmt.Sprintf("command:%d", i-1)
				g = f.g
			}
			q := smallgoals.QuickScore{ChannelID: "C1", AliasKey: "AB", GoalNumber: g.Number, Author: fmt.Sprintf("U%d", i),
				StaffScore: 1 + i%10, Note: fmt.Sprint("note ", i), At: t0.Add(time.Duration(i) * time.Millisecond), DeliveryKey: key}
			res, err := e.db.LogQuickScore(ctx, q)
			outs[i] = out{res, err}
		}()
	}
	wg.Wait()
	ids := map[int64]int{}
	stored := 0
	for i, o := range outs {
		if o.err != nil {
			t.Fatalf("request %d: %v", i, o.err)
		}
		if o.res.Stored {
			stored++
			if j, ok := ids[o.res.EntryID]; ok {
				t.Errorf("requests %d and %d both got entry %d", j, i, o.res.EntryID)
			}
			ids[o.res.EntryID] = i
		}
	}
	if want := n - 10; stored != want {
		t.Errorf("%d stored, want %d (10 redeliveries)", stored, want)
	}
	for i := 0; i < 20; i += 2 {
		if outs[i].res.Stored == outs[i+1].res.Stored {
			t.Errorf("delivery %d: stored %v and %v, want exactly one", i, outs[i].res.Stored, outs[i+1].res.Stored)
		}
	}
	if got := e.count(t, `SELECT count(*) FROM entries`); got != n-10 {
		t.Errorf("%d entries, want %d", got, n-10)
	}
	if got := e.count(t, `SELECT count(*) FROM audit_events WHERE action = 'entry.create' AND allowed`); got != n-10 {
		t.Errorf("%d audit events, want %d", got, n-10)
	}
	// Each entry is the request that was told so.
	rows, err := e.raw.Query(`SELECT id, author, staff_score FROM entries`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var author string
		var score int
		if err := rows.Scan(&id, &author, &score); err != nil {
			t.Fatal(err)
		}
		i, ok := ids[id]
		if !ok || author != fmt.Sprintf("U%d", i) || score != 1+i%10 {
			t.Errorf("entry %d by %s score %d: told to request %d (%v)", id, author, score, i, ok)
		}
	}
}

// A request whose context ends while it waits is not written.
func TestLogQuickScoreCanceled(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := entrySetup(t, e.db)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	q := smallgoals.QuickScore{ChannelID: "C1", AliasKey: "AB", GoalNumber: f.g.Number, Author: "U1", StaffScore: 5, At: t0}
	res, err := e.db.LogQuickScore(ctx, q)
	if err == nil && res.Stored {
		// It may have been written before the cancellation was seen;
		// then it must be there.
		if e.count(t, `SELECT count(*) FROM entries`) != 1 {
			t.Fatal("told stored, not in the table")
		}
		return
	}
	if err == nil {
		t.Fatalf("LogQuickScore with a canceled context = %+v, nil error", res)
	}
	if n := e.count(t, `SELECT count(*) FROM entries`); n != 0 {
		t.Errorf("%d entries after a canceled request that was told it failed", n)
	}
}

// count returns the single number a query gives.
func (e *env) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := e.raw.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("count %q: %v", query, err)
	}
	return n
}

// The day is the team's, worked out in Go as the general path does; a
// team whose zone changed since it was cached is left to the general
// path once, and the next score uses the new zone.
func TestLogQuickScoreZone(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	f := entrySetup(t, e.db)
	at := time.Date(2025, 3, 10, 11, 30, 0, 0, time.UTC) // 12:30 in Copenhagen, 01:30 the next day at UTC+14
	q := smallgoals.QuickScore{ChannelID: "C1", AliasKey: "AB", GoalNumber: f.g.Number, Author: "U1", StaffScore: 5, At: at}
	res, err := e.db.LogQuickScore(ctx, q)
	if err != nil || !res.Stored || ymd(res.Day) != "2025-03-10" {
		t.Fatalf("in Copenhagen: %+v, %v; want stored on 2025-03-10", res, err)
	}
	if _, err := e.raw.Exec(`UPDATE teams SET tz = 'Pacific/Kiritimati' WHERE id = $1`, f.team.ID); err != nil {
		t.Fatal(err)
	}
	res, err = e.db.LogQuickScore(ctx, q)
	if err != nil || res.Stored {
		t.Fatalf("zone changed since cached: %+v, %v; want nothing stored", res, err)
	}
	if n := e.count(t, `SELECT count(*) FROM entries`); n != 1 {
		t.Fatalf("%d entries, want 1", n)
	}
	res, err = e.db.LogQuickScore(ctx, q)
	if err != nil || !res.Stored || ymd(res.Day) != "2025-03-11" {
		t.Fatalf("at UTC+14: %+v, %v; want stored on 2025-03-11", res, err)
	}
	var d time.Time
	if err := e.raw.QueryRow(`SELECT day FROM entries WHERE id = $1`, res.EntryID).Scan(&d); err != nil || ymd(d) != "2025-03-11" {
		t.Errorf("stored day %v, %v; want 2025-03-11", d, err)
	}
}

// BenchmarkLogQuickScore logs scores from many goroutines at once on 20
// goals, as a shift change does, without HTTP: the database's share of
// the load test (BENCHMARKS.md). go test -run='^$' -bench=LogQuickScore ./store
func BenchmarkLogQuickScore(b *testing.B) {
	db, raw := storetest.Open(b)
	ctx := context.Background()
	var goals []smallgoals.Goal
	err := db.InTx(ctx, func(tx *store.Tx) error {
		tm := smallgoals.Team{ChannelID: "C1", Name: "Team", Lang: "da", TZ: "Europe/Copenhagen", CreatedBy: "U1", CreatedAt: t0}
		if err := tx.CreateTeam(ctx, &tm); err != nil {
			return err
		}
		c := smallgoals.Citizen{TeamID: tm.ID, Alias: "AB", ContactUser: "U1", CreatedAt: t0}
		if err := tx.CreateCitizen(ctx, &c); err != nil {
			return err
		}
		for i := range 20 {
			g := newGoal(c.ID, fmt.Sprint("G", i))
			if err := tx.CreateGoal(ctx, &g); err != nil {
				return err
			}
			goals = append(goals, g)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	var seq atomic.Int64
	log := func() {
		i := seq.Add(1)
		q := smallgoals.QuickScore{ChannelID: "C1", AliasKey: "AB", GoalNumber: goals[i%20].Number,
			Author: fmt.Sprintf("U%d", i%50), StaffScore: int(1 + i%10), Note: "Tog selv bussen i dag",
			At: t0.Add(time.Duration(i) * time.Millisecond), DeliveryKey: fmt.Sprint("command:", i)}
		res, err := db.LogQuickScore(ctx, q)
		if err != nil || !res.Stored {
			b.Fatalf("LogQuickScore = %+v, %v", res, err)
		}
	}
	// A history of 100 scores a goal, and statistics, as a database in
	// use has (see the load test in BENCHMARKS.md).
	for range 2000 {
		log()
	}
	if _, err := raw.Exec(`ANALYZE`); err != nil {
		b.Fatal(err)
	}
	b.SetParallelism(16) // 16 goroutines a core wait on the database together
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			log()
		}
	})
}
