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

func TestAppend(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	f := entrySetup(t, e.db)
	var other smallgoals.Goal
	var t2 smallgoals.Team
	var closed smallgoals.Goal
	within(t, e.db, func(tx *store.Tx) {
		mkScore(t, tx, f.g.ID, "U1", "2025-03-01", t0.Add(-9*24*time.Hour), 4, nil)
		s := mkScore(t, tx, f.g.ID, "U1", "2025-03-02", t0.Add(-8*24*time.Hour), 9, nil)
		mkUndo(t, tx, s, "U1", t0.Add(-8*24*time.Hour))
		mkScore(t, tx, f.g.ID, "U2", "2025-03-03", t0.Add(-7*24*time.Hour), 5, nil)
		if err := tx.SetUserLang(ctx, "U7", "en", t0); err != nil {
			t.Fatal(err)
		}
		t2 = mkTeam(t, tx, "C2")
		other = mkGoal(t, tx, mkCitizen(t, tx, t2.ID, "XY").ID, "X")
		closed = mkGoal(t, tx, f.c.ID, "Closed")
	})
	if _, err := e.raw.Exec(`UPDATE goals SET status = 'closed', next_revision = NULL WHERE id = $1`, closed.ID); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 3, 10, 23, 30, 0, 0, time.UTC)
	a := appendOf(f, f.g, "U7", 6, ip(3), "Tog selv bussen", at, "2025-03-11", "command:T1")
	res, err := e.db.Append(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	want := smallgoals.AppendResult{Stored: true, EntryID: res.EntryID, UserLang: "en", Recent: []int{4, 5, 6}}
	if !reflect.DeepEqual(res, want) {
		t.Fatalf("Append =\n%+v, want\n%+v", res, want)
	}
	within(t, e.db, func(tx *store.Tx) {
		es, err := tx.ListGoalEntries(ctx, f.g.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		got := es[0]
		if got.ID != res.EntryID || got.Author != "U7" || ymd(got.Day) != "2025-03-11" || !got.WrittenAt.Equal(at) ||
			intp(got.StaffScore) != "6" || intp(got.CitizenScore) != "3" || got.Note != "Tog selv bussen" || got.Kind != "score" {
			t.Errorf("stored entry = %+v", got)
		}
		evs, err := tx.ListAuditEvents(ctx, f.c.ID, time.Time{}, time.Time{})
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
	if len(noteCT) == 0 || string(noteCT) == a.Entry.Note {
		t.Errorf("note stored as %q, want it encrypted", noteCT)
	}
	if n := e.count(t, `SELECT count(*) FROM deliveries WHERE key = 'command:T1'`); n != 1 {
		t.Errorf("delivery claims = %d, want 1", n)
	}

	// Nothing is written when the key was claimed, or the guard no longer holds.
	before := e.count(t, `SELECT (SELECT count(*) FROM entries) + (SELECT count(*) FROM audit_events) + (SELECT count(*) FROM deliveries)`)
	if res, err := e.db.Append(ctx, a); err != nil || !res.Duplicate || res.Stored || res.Stale {
		t.Errorf("redelivery: %+v, %v; want a duplicate", res, err)
	}
	stale := map[string]func(a *smallgoals.Append){
		"closed goal":         func(a *smallgoals.Append) { a.Entry.GoalID = closed.ID },
		"another team's goal": func(a *smallgoals.Append) { a.Entry.GoalID = other.ID },
		"moved to a team":     func(a *smallgoals.Append) { a.Guard.TeamID = t2.ID },
		"rescaled":            func(a *smallgoals.Append) { a.Guard.ScaleMax = 5 },
		"zone changed":        func(a *smallgoals.Append) { a.Guard.TZ = "Pacific/Kiritimati" },
		"no such goal":        func(a *smallgoals.Append) { a.Entry.GoalID = 1 << 40 },
	}
	for name, change := range stale {
		a2 := appendOf(f, f.g, "U7", 6, nil, "x", at, "2025-03-11", "command:"+name)
		change(&a2)
		res, err := e.db.Append(ctx, a2)
		if err != nil || !res.Stale || res.Stored || res.EntryID != 0 {
			t.Errorf("%s: Append = %+v, %v; want stale, nothing stored", name, res, err)
		}
	}
	if after := e.count(t, `SELECT (SELECT count(*) FROM entries) + (SELECT count(*) FROM audit_events) + (SELECT count(*) FROM deliveries)`); after != before {
		t.Errorf("rows %d → %d: an append that did not hold wrote something", before, after)
	}

	// Only audit events: a refusal.
	refusal := smallgoals.AuditEvent{At: at, Actor: "U9", Action: smallgoals.ActEntryCreate, TeamID: &t2.ID, Ref: "XY", Allowed: false}
	if res, err := e.db.Append(ctx, smallgoals.Append{Audit: []smallgoals.AuditEvent{refusal, refusal}, User: "U9"}); err != nil || res.Stored {
		t.Fatalf("refusal: %+v, %v", res, err)
	}
	if n := e.count(t, `SELECT count(*) FROM audit_events WHERE actor = 'U9' AND NOT allowed AND citizen_id IS NULL AND team_id = $1`, t2.ID); n != 2 {
		t.Errorf("%d refusals audited, want 2", n)
	}

	// Without a delivery key and without a citizen score.
	a3 := appendOf(f, f.g, "U8", 6, nil, "", at, "2025-03-11", "")
	res, err = e.db.Append(ctx, a3)
	if err != nil || !res.Stored || res.UserLang != "" || !reflect.DeepEqual(res.Recent, []int{4, 5, 6, 6}) {
		t.Fatalf("Append without key = %+v, %v", res, err)
	}
	var cs *int
	if err := e.raw.QueryRow(`SELECT citizen_score FROM entries WHERE id = $1`, res.EntryID).Scan(&cs); err != nil || cs != nil {
		t.Errorf("citizen score stored = %v, %v; want NULL", cs, err)
	}

	// As many recent scores as asked for, the new one included.
	a4 := appendOf(f, f.g, "U8", 7, nil, "", at, "2025-03-11", "")
	a4.Recent = 2
	res, err = e.db.Append(ctx, a4)
	if err != nil || !res.Stored || !reflect.DeepEqual(res.Recent, []int{6, 7}) {
		t.Fatalf("Append with Recent 2 = %+v, %v; want recent [6 7]", res, err)
	}
}

// appendOf is the Append of a score on goal g of team f.team, as commands
// decides it: the entry, its guard and its audit event.
func appendOf(f entryFixture, g smallgoals.Goal, author string, staff int, citizen *int, note string, at time.Time, dayStr, key string) smallgoals.Append {
	e := smallgoals.Entry{GoalID: g.ID, Kind: smallgoals.EntryScore, Author: author, Day: day(dayStr), WrittenAt: at,
		StaffScore: &staff, CitizenScore: citizen, Note: note}
	ref := fmt.Sprintf("AB-%d", g.Number)
	return smallgoals.Append{Entry: &e, Guard: smallgoals.EntryGuard{TeamID: f.team.ID, ScaleMin: 1, ScaleMax: 10, TZ: f.team.TZ},
		Audit: []smallgoals.AuditEvent{{At: at, Actor: author, Action: smallgoals.ActEntryCreate, TeamID: &f.team.ID,
			CitizenID: &f.c.ID, GoalID: &g.ID, Ref: ref, Allowed: true}},
		DeliveryKey: key, Recent: 8, User: author}
}

// Concurrent scores share statements; each is stored once, and a
// delivery key sent twice at once is stored once.
func TestAppendConcurrent(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	f := entrySetup(t, e.db)
	const n = 300
	type out struct {
		res smallgoals.AppendResult
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
			at := t0.Add(time.Duration(i) * time.Millisecond)
			res, err := e.db.Append(ctx, appendOf(f, g, fmt.Sprintf("U%d", i), 1+i%10, nil, fmt.Sprint("note ", i), at, "2025-03-09", key))
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
func TestAppendCanceled(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := entrySetup(t, e.db)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := e.db.Append(ctx, appendOf(f, f.g, "U1", 5, nil, "", t0, "2025-03-09", ""))
	if err == nil && res.Stored {
		// It may have been written before the cancellation was seen;
		// then it must be there.
		if e.count(t, `SELECT count(*) FROM entries`) != 1 {
			t.Fatal("told stored, not in the table")
		}
		return
	}
	if err == nil {
		t.Fatalf("Append with a canceled context = %+v, nil error", res)
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

// BenchmarkAppend writes scores from many goroutines at once on 20 goals,
// as a shift change does, without HTTP: the database's share of the load
// test (BENCHMARKS.md). go test -run='^$' -bench=Append ./store
func BenchmarkAppend(b *testing.B) {
	db, raw := storetest.Open(b)
	ctx := context.Background()
	var goals []smallgoals.Goal
	var f entryFixture
	err := db.InTx(ctx, func(tx *store.Tx) error {
		tm := smallgoals.Team{ChannelID: "C1", Name: "Team", Lang: "da", TZ: "Europe/Copenhagen", CreatedBy: "U1", CreatedAt: t0}
		if err := tx.CreateTeam(ctx, &tm); err != nil {
			return err
		}
		c := smallgoals.Citizen{TeamID: tm.ID, Alias: "AB", ContactUser: "U1", CreatedAt: t0}
		if err := tx.CreateCitizen(ctx, &c); err != nil {
			return err
		}
		f.team, f.c = tm, c
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
		res, err := db.Append(ctx, appendOf(f, goals[i%20], fmt.Sprintf("U%d", i%50), int(1+i%10), nil, "Tog selv bussen i dag",
			t0.Add(time.Duration(i)*time.Millisecond), "2025-03-09", fmt.Sprint("command:", i)))
		if err != nil || !res.Stored {
			b.Fatalf("Append = %+v, %v", res, err)
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
