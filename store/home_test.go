package store_test

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lib/pq"
	"github.com/prometheus/client_golang/prometheus"

	"smallgoals/store"
	"smallgoals/store/storetest"
)

// App Home's shared state: a change counts only for a user whose Home is
// open, is claimed once, and notifies with ids only.
func TestHomeChangesAndClaims(t *testing.T) {
	t.Parallel()
	db, u := openURL(t)
	ctx := context.Background()
	heard := make(chan string, 8)
	l := pq.NewListener(u, time.Second, time.Second, nil)
	t.Cleanup(func() { l.Close() })
	if err := l.Listen(store.HomeChannel); err != nil {
		t.Fatal(err)
	}
	go func() {
		for n := range l.Notify {
			if n != nil {
				heard <- n.Extra
			}
		}
	}()
	next := func() string {
		t.Helper()
		select {
		case p := <-heard:
			return p
		case <-time.After(10 * time.Second):
			t.Fatal("no notification")
			return ""
		}
	}

	if changed, err := db.ChangeHome(ctx, "UANNA"); err != nil || changed {
		t.Fatalf("ChangeHome before the Home opened = %v, %v; want false", changed, err)
	}
	if err := db.OpenHome(ctx, "UANNA", t0); err != nil {
		t.Fatal(err)
	}
	if p := next(); p != `{"kind" : "opened", "user" : "UANNA"}` {
		t.Errorf("opened payload = %s", p)
	}
	if mine, err := db.ClaimHome(ctx, "UANNA"); err != nil || mine {
		t.Errorf("ClaimHome with no change = %v, %v; want false", mine, err)
	}
	for range 2 {
		if changed, err := db.ChangeHome(ctx, "UANNA"); err != nil || !changed {
			t.Fatalf("ChangeHome = %v, %v; want true", changed, err)
		}
		if p := next(); p != `{"kind" : "changed", "user" : "UANNA"}` {
			t.Errorf("changed payload = %s", p)
		}
	}
	// Three replicas heard the two changes; one claims them.
	var wg sync.WaitGroup
	var mu sync.Mutex
	won := 0
	for range 3 {
		wg.Go(func() {
			mine, err := db.ClaimHome(ctx, "UANNA")
			if err != nil {
				t.Error(err)
			}
			if mine {
				mu.Lock()
				won++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if won != 1 {
		t.Errorf("%d replicas claimed the changes, want 1", won)
	}
	// Opening again keeps the row (and what was published).
	if err := db.OpenHome(ctx, "UANNA", t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	next()
	if err := db.OpenHome(ctx, "UBO", t0); err != nil {
		t.Fatal(err)
	}
	next()
	if users, err := db.ListHomes(ctx); err != nil || !slices.Equal(users, []string{"UANNA", "UBO"}) {
		t.Errorf("ListHomes = %v, %v", users, err)
	}
	if mine, _ := db.ClaimHome(ctx, "UANNA"); mine {
		t.Error("opening again made something to publish")
	}
	// The changes counted, claimed or not, and 0 for a user without a Home.
	for user, want := range map[string]int64{"UANNA": 2, "UBO": 0, "UNONE": 0} {
		if n, err := db.FindHomeChanges(ctx, user); err != nil || n != want {
			t.Errorf("FindHomeChanges(%s) = %d, %v; want %d", user, n, err, want)
		}
	}
}

// subscriber records what Listen hands it.
type subscriber struct {
	mu       sync.Mutex
	payloads []string
	synced   int
	lost     int
}

func (s *subscriber) Notified(_ context.Context, p string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.payloads = append(s.payloads, p)
}

func (s *subscriber) Synced(context.Context) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.synced++
}

func (s *subscriber) Lost() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lost++
}

func (s *subscriber) wait(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		s.mu.Lock()
		done := ok()
		s.mu.Unlock()
		if done {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: synced %d, lost %d, payloads %q", what, s.synced, s.lost, s.payloads)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Listen hears notifications, and when its connection is killed it says
// so, reconnects and syncs again, then hears what comes after.
func TestListenReconnects(t *testing.T) {
	t.Parallel()
	db, u := openURL(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	sub := &subscriber{}
	go func() {
		defer close(done)
		store.Listen(ctx, u, store.HomeChannel, slog.New(slog.DiscardHandler), sub)
	}()
	t.Cleanup(func() { cancel(); <-done })
	sub.wait(t, "first sync", func() bool { return sub.synced == 1 })
	if err := db.OpenHome(context.Background(), "UANNA", t0); err != nil {
		t.Fatal(err)
	}
	sub.wait(t, "first notification", func() bool { return len(sub.payloads) == 1 })

	// The listener's backend dies (a failover, an idle timeout).
	if _, err := db.SQL().Exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE datname = current_database() AND query LIKE 'LISTEN%'`); err != nil {
		t.Fatal(err)
	}
	reconnects := metric(t, "smallgoals_listener_reconnects_total")
	sub.wait(t, "resync after the connection was killed", func() bool { return sub.lost == 1 && sub.synced == 2 })
	if d := metric(t, "smallgoals_listener_reconnects_total") - reconnects; d < 1 {
		t.Errorf("smallgoals_listener_reconnects_total +%v, want +1", d)
	}
	if up := metric(t, "smallgoals_listener_connected"); up != 1 {
		t.Errorf("smallgoals_listener_connected = %v after the reconnect", up)
	}
	if _, err := db.ChangeHome(context.Background(), "UANNA"); err != nil {
		t.Fatal(err)
	}
	sub.wait(t, "a notification after the reconnect", func() bool { return len(sub.payloads) == 2 })
	if !strings.Contains(sub.payloads[1], `"changed"`) {
		t.Errorf("payloads %q", sub.payloads)
	}
}

// metric is the value of an unlabelled counter or gauge, or the sum over
// a vector's series; 0 if never set.
func metric(t *testing.T, name string) float64 {
	t.Helper()
	mfs, err := prometheus.DefaultGatherer.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			sum += m.GetCounter().GetValue() + m.GetGauge().GetValue()
		}
	}
	return sum
}

// openURL opens a new test database and returns its URL too, for a
// listener of its own.
func openURL(t *testing.T) (*store.DB, string) {
	t.Helper()
	u := storetest.URL(t)
	db, err := store.Open(context.Background(), u, store.Options{MaxConns: 4, Keys: storetest.Keyring()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, u
}

// A claim whose publish failed is given back: the Home is due again, and
// the next claim takes it; a change meanwhile is not lost either.
func TestHomeUnclaim(t *testing.T) {
	t.Parallel()
	db, _ := openURL(t)
	ctx := context.Background()
	if err := db.OpenHome(ctx, "UANNA", time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ChangeHome(ctx, "UANNA"); err != nil {
		t.Fatal(err)
	}
	due := func() []string {
		t.Helper()
		us, err := db.ListPendingHomes(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return us
	}
	if got := due(); !slices.Equal(got, []string{"UANNA"}) {
		t.Fatalf("due after a change: %v", got)
	}
	if mine, err := db.ClaimHome(ctx, "UANNA"); err != nil || !mine {
		t.Fatalf("claim: %v %v", mine, err)
	}
	if got := due(); len(got) != 0 {
		t.Fatalf("due after the claim: %v", got)
	}
	if err := db.UnclaimHome(ctx, "UANNA"); err != nil {
		t.Fatal(err)
	}
	if got := due(); !slices.Equal(got, []string{"UANNA"}) {
		t.Fatalf("due after the claim was given back: %v", got)
	}
	if mine, err := db.ClaimHome(ctx, "UANNA"); err != nil || !mine {
		t.Fatalf("claim again: %v %v", mine, err)
	}
}
