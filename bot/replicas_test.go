package bot_test

import (
	"context"
	"database/sql"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"smallgoals/store"
	"smallgoals/store/storetest"
)

// replica is one replica of the bot on a database others share: its own
// pool, HTTP server and App Home listener.
type replica struct {
	*slackEnv
	stop func()
}

// startReplica starts a replica on the database at url against fake; with
// listen, its App Home listener too (and waits until it has synced).
func startReplica(t *testing.T, fake *fakeSlack, url string, listen bool) *replica {
	t.Helper()
	db, err := store.Open(context.Background(), url, store.Options{MaxConns: 6, Keys: storetest.Keyring()})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	e := newSlackEnvOn(t, fake, db, raw, false)
	e.bot.Homes = db
	e.bot.HomeDelay = 20 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	if listen {
		go func() {
			defer close(done)
			store.Listen(ctx, url, store.HomeChannel, e.bot.Log, e.bot.HomeListener())
		}()
	} else {
		close(done)
	}
	r := &replica{slackEnv: e, stop: sync.OnceFunc(func() {
		e.http.Close()
		cancel() // before Wait: the listener starts refreshes
		<-done
		e.bot.Wait()
		db.Close()
		raw.Close()
	})}
	t.Cleanup(r.stop)
	if listen {
		r.waitLog("listening for App Home changes")
	}
	return r
}

// waitLog waits until the replica's log holds s.
func (r *replica) waitLog(s string) {
	r.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(r.logs.String(), s) {
		if time.Now().After(deadline) {
			r.t.Fatalf("the replica never logged %q:\n%s", s, r.logs.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// publishes counts the App Homes published for user.
func publishes(f *fakeSlack, user string) int {
	n := 0
	for _, v := range f.viewsCopy() {
		if v.Method == "views.publish" && v.User == user {
			n++
		}
	}
	return n
}

// waitHome waits until an App Home holding want is published for user.
func waitHome(t *testing.T, f *fakeSlack, user, want string) fakeView {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		for _, v := range f.viewsCopy() {
			if v.Method == "views.publish" && v.User == user && strings.Contains(v.View, want) {
				return v
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no App Home with %q published for %s; views: %+v", want, user, f.viewsCopy())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// settle waits for the replicas' work after a change, and a little more
// for a notification on its way, before counting what reached Slack.
func settle(rs ...*replica) {
	time.Sleep(300 * time.Millisecond)
	for _, r := range rs {
		r.bot.Wait()
	}
}

// Two replicas on one database and one Slack: App Home opened through
// one is refreshed — once — after a score logged through the other; after
// both restart, a new replica still refreshes it; a replica whose
// listener is down refreshes it too; a user who never opened App Home
// gets none.
func TestAppHomeAcrossReplicas(t *testing.T) {
	url := storetest.URL(t)
	fake := newFakeSlack(t)
	a := startReplica(t, fake, url, true)
	b := startReplica(t, fake, url, true)
	setupTeams(a.slackEnv)
	openHome(a.slackEnv, "UANNA", "Ev1")
	b.waitLog("kind=opened user=UANNA")

	before := publishes(fake, "UANNA")
	b.command("UANNA", "C1", "AB-1 7 b:8 Gik selv til bussen")
	home := waitHome(t, fake, "UANNA", "7 · borger 8")
	if strings.Contains(home.View, "Gik selv") {
		t.Error("a note reached App Home")
	}
	settle(a, b)
	if n := publishes(fake, "UANNA") - before; n != 1 {
		t.Errorf("App Home published %d times after one change, want once", n)
	}

	// A burst of changes on both replicas: one refresh each for a handful, not one per change.
	before = publishes(fake, "UANNA")
	for i, r := range []*replica{a, b, a, b} {
		r.command("UANNA", "C1", []string{"AB-1 5", "AB-1 6", "AB-1 4", "AB-1 2 b:3"}[i])
	}
	waitHome(t, fake, "UANNA", "2 · borger 3")
	settle(a, b)
	if n := publishes(fake, "UANNA") - before; n < 1 || n > 4 {
		t.Errorf("App Home published %d times after a burst of 4 changes", n)
	}

	// Both replicas restart: what is open is in the database.
	a.stop()
	b.stop()
	c := startReplica(t, fake, url, true)
	c.command("UANNA", "C1", "AB-1 3 b:9")
	waitHome(t, fake, "UANNA", "3 · borger 9")

	// A replica whose listener is down refreshes the Homes it changes.
	d := startReplica(t, fake, url, false)
	before = publishes(fake, "UANNA")
	d.command("UANNA", "C1", "AB-1 8 b:1")
	waitHome(t, fake, "UANNA", "8 · borger 1")
	settle(c, d)
	if n := publishes(fake, "UANNA") - before; n != 1 {
		t.Errorf("App Home published %d times after one change with one listener down, want once", n)
	}

	// Carl never opened App Home: his changes publish nothing.
	c.command("UCARL", "C2", "XY-1 5")
	settle(c, d)
	if n := publishes(fake, "UCARL"); n != 0 {
		t.Errorf("%d App Homes published for a user who never opened it", n)
	}
	if n := c.count(`SELECT count(*) FROM app_homes`); n != 1 {
		t.Errorf("app_homes has %d rows, want anna's", n)
	}
}

// A change recorded while no replica listened (smallgoals dpo erase while
// serve is stopped, or the listener reconnecting) is published once a
// replica's listener syncs: the notification was lost, the row says it.
func TestAppHomeChangedWhileNobodyListened(t *testing.T) {
	url := storetest.URL(t)
	fake := newFakeSlack(t)
	a := startReplica(t, fake, url, false)
	setupTeams(a.slackEnv)
	openHome(a.slackEnv, "UANNA", "EvQuiet")
	before := publishes(fake, "UANNA")
	// As smallgoals dpo erase records it: the change, and a notification nobody hears.
	if _, err := a.raw.Exec(`UPDATE app_homes SET changes = changes + 1 WHERE user_id = 'UANNA'`); err != nil {
		t.Fatal(err)
	}
	b := startReplica(t, fake, url, true)
	deadline := time.Now().Add(10 * time.Second)
	for publishes(fake, "UANNA") == before {
		if time.Now().After(deadline) {
			t.Fatal("a change made while nobody listened was never published")
		}
		time.Sleep(20 * time.Millisecond)
	}
	settle(a, b)
	if n := a.count(`SELECT count(*) FROM app_homes WHERE user_id = 'UANNA' AND published = changes`); n != 1 {
		t.Error("the change is still due after its publish")
	}
}

// A refresh whose views.publish fails is tried again: Slack failing for a
// moment does not leave a Home showing what changed before.
func TestAppHomePublishRetried(t *testing.T) {
	url := storetest.URL(t)
	fake := newFakeSlack(t)
	a := startReplica(t, fake, url, true)
	a.bot.HomeRetry = []time.Duration{50 * time.Millisecond, 50 * time.Millisecond, 50 * time.Millisecond}
	setupTeams(a.slackEnv)
	openHome(a.slackEnv, "UANNA", "EvRetry")
	fake.fault("views.publish", 2, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
	})
	a.command("UANNA", "C1", "AB-1 7 b:8")
	waitHome(t, fake, "UANNA", "7 · borger 8")
	settle(a)
	if n := a.count(`SELECT count(*) FROM app_homes WHERE user_id = 'UANNA' AND published = changes`); n != 1 {
		t.Error("the change is still due after its publish")
	}
}

// A shutdown does not wait for an App Home refresh's retries: Stop ends
// them, and the change stays due for the replica that syncs next.
func TestStopEndsHomeRetries(t *testing.T) {
	url := storetest.URL(t)
	fake := newFakeSlack(t)
	a := startReplica(t, fake, url, true)
	a.bot.HomeRetry = []time.Duration{30 * time.Second}
	setupTeams(a.slackEnv)
	openHome(a.slackEnv, "UANNA", "EvStop")
	fake.fault("views.publish", -1, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
	})
	start := time.Now()
	a.command("UANNA", "C1", "AB-1 7 b:8")
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if slices.ContainsFunc(fake.callsSince(start), func(c fakeCall) bool { return c.Method == "views.publish" }) {
			break // failed: the refresh waits to try again
		}
		if time.Now().After(deadline) {
			t.Fatal("UANNA's App Home was not refreshed after her score")
		}
	}
	stopping := time.Now()
	a.bot.Stop()
	a.bot.Stop() // twice is the same as once
	a.bot.Wait()
	if d := time.Since(stopping); d > 10*time.Second {
		t.Errorf("Wait after Stop took %v: it waited for the retry", d.Round(time.Second))
	}
	if n := a.count(`SELECT count(*) FROM app_homes WHERE user_id = 'UANNA' AND changes > published`); n != 1 {
		t.Error("the change is not due again after the shutdown")
	}
}

// Changes that come while a slow views.publish is on its way get a
// publish rendered after them, and then publishing stops: a publish that
// sees changes come in renders again itself rather than counting one
// more, which would fall inside the other publish's window and so on
// without end.
func TestAppHomeSlackSlowPublishesEnd(t *testing.T) {
	url := storetest.URL(t)
	fake := newFakeSlack(t)
	a := startReplica(t, fake, url, true)
	a.bot.HomeDelay = 5 * time.Millisecond
	setupTeams(a.slackEnv)
	openHome(a.slackEnv, "UANNA", "EvSlow")
	fake.setLatency(0, "views.publish", 300*time.Millisecond)
	before := publishes(fake, "UANNA")
	a.command("UANNA", "C1", "AB-1 6 b:7")
	time.Sleep(100 * time.Millisecond) // its refresh is on its way to Slack
	a.command("UANNA", "C1", "AB-1 7 b:8")
	time.Sleep(4 * time.Second)
	settle(a)
	n := publishes(fake, "UANNA") - before
	time.Sleep(1500 * time.Millisecond)
	settle(a)
	if more := publishes(fake, "UANNA") - before - n; more != 0 || n > 6 {
		t.Errorf("App Home published %d times for two changes, and %d more while nothing changed", n, more)
	}
	if home := fake.lastHome(t, "UANNA"); !strings.Contains(home.View, "7 · borger 8") {
		t.Errorf("the last App Home published does not show the last score: %s", home.View)
	}
}

// An erasure refreshes the App Home of a user the database lists, even
// before this replica has heard that they opened it.
func TestEraseRefreshesHomeNotHeardOf(t *testing.T) {
	url := storetest.URL(t)
	fake := newFakeSlack(t)
	a := startReplica(t, fake, url, true)
	setupTeams(a.slackEnv)
	// Opened on another replica, its notification not yet here.
	if _, err := a.raw.Exec(`INSERT INTO app_homes (user_id, opened_at) VALUES ('UANNA', now())`); err != nil {
		t.Fatal(err)
	}
	if out := a.command("UANNA", "C1", "borger slet AB bekræft tving"); !strings.Contains(out, "er slettet") {
		t.Fatalf("erasure's answer: %s", out)
	}
	for deadline := time.Now().Add(10 * time.Second); publishes(fake, "UANNA") == 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("UANNA's App Home was not published after the erasure")
		}
	}
}

// Every day's first opening of App Home is recorded, not only the first
// ever: the row (and with it the refreshes) is kept 90 days after the
// last opening.
func TestAppHomeOpeningRecordedDaily(t *testing.T) {
	url := storetest.URL(t)
	fake := newFakeSlack(t)
	a := startReplica(t, fake, url, true)
	setupTeams(a.slackEnv)
	day := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	a.bot.Now = func() time.Time { return day }
	openHome(a.slackEnv, "UANNA", "EvDay1")
	day = day.AddDate(0, 0, 100)
	openHome(a.slackEnv, "UANNA", "EvDay101")
	var opened time.Time
	if err := a.raw.QueryRow(`SELECT opened_at FROM app_homes WHERE user_id = 'UANNA'`).Scan(&opened); err != nil || !opened.Equal(day) {
		t.Errorf("opened_at = %v, %v; want the last opening, %v", opened, err, day)
	}
}
