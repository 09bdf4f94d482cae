package reminders_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/prometheus/client_golang/prometheus"

	"smallgoals"
	"smallgoals/bot"
	"smallgoals/commands"
	"smallgoals/reminders"
	"smallgoals/store"
	"smallgoals/store/storetest"
)

func date(s string) time.Time {
	d, ok := smallgoals.ParseDate(s)
	if !ok {
		panic(s)
	}
	return d
}

func TestOccurrences(t *testing.T) {
	c := reminders.NewCalendar()
	cases := []struct {
		name     string
		due, day string
		want     string // the occurrence sent that day, "" for none
	}{
		{"7 days before, a working day", "2026-12-09", "2026-12-02", "2026-12-02"},
		{"on the date", "2026-12-09", "2026-12-09", "2026-12-09"},
		{"a week overdue", "2026-12-09", "2026-12-16", "2026-12-16"},
		{"three weeks overdue", "2026-12-09", "2026-12-30", "2026-12-30"},
		{"not between occurrences", "2026-12-09", "2026-12-03", ""},
		{"not before −7", "2026-12-09", "2026-12-01", ""},
		{"Kristi Himmelfartsdag moves the date's reminder", "2026-05-14", "2026-05-15", "2026-05-14"},
		{"nothing on Kristi Himmelfartsdag", "2026-05-14", "2026-05-14", ""},
		{"Nytårsdag (a Friday) moves to Monday", "2027-01-01", "2027-01-04", "2027-01-01"},
		{"−7 on Christmas Day moves past Anden juledag and the weekend", "2027-01-01", "2026-12-28", "2026-12-25"},
		{"a goal made on a Sunday: −7 on a Sunday", "2027-01-03", "2026-12-28", "2026-12-27"},
		{"a goal made on a Sunday: the date on a Sunday", "2027-01-03", "2027-01-04", "2027-01-03"},
		{"nothing on a Saturday", "2026-12-12", "2026-12-12", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			occ, ok := c.OccurrenceOn(date(tc.due), date(tc.day))
			got := ""
			if ok {
				got = smallgoals.FormatDate(occ)
			}
			if got != tc.want {
				t.Errorf("OccurrenceOn(%s, %s) = %q, want %q", tc.due, tc.day, got, tc.want)
			}
		})
	}
	// A goal made on Sunday 2026-11-22 with the default 42 days is reminded.
	due := date("2026-11-22").AddDate(0, 0, smallgoals.DefaultCadenceDays)
	n := 0
	for d := date("2026-11-22"); d.Before(due.AddDate(0, 0, 9)); d = d.AddDate(0, 0, 1) {
		if _, ok := c.OccurrenceOn(due, d); ok {
			n++
		}
	}
	if n != 3 { // −7 (Mon 28 Dec), the date (Mon 4 Jan), a week over (Sun 10 Jan → Mon 11 Jan)
		t.Errorf("reminders of a goal made on a Sunday = %d, want 3", n)
	}
}

// printer counts the DMs a job sends, by user.
type printer struct {
	mu  sync.Mutex
	dms map[string][]string
}

func (p *printer) DM(_ context.Context, user string, r commands.Reply) (smallgoals.Posted, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.dms == nil {
		p.dms = map[string][]string{}
	}
	p.dms[user] = append(p.dms[user], r.Text())
	return smallgoals.Posted{}, nil
}

func (p *printer) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, d := range p.dms {
		n += len(d)
	}
	return n
}

type world struct {
	db  *store.DB
	raw *sql.DB
	h   *commands.Handler
	rem func(p reminders.Poster) *reminders.Reminder
}

// newWorld: team Slusen (coordinators anna and dora), AB with carl as
// contact person and AB-1 due 2026-12-09; CD with anna as contact, CD-1
// due 2026-12-16.
func newWorld(t *testing.T) *world {
	db, raw := storetest.Open(t)
	h, err := commands.New(commands.Config{Store: commands.NewStore(db.InTx), Scores: db})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	for _, c := range []struct{ user, text string }{
		{"anna", "team opret Slusen"}, {"anna", "koordinator @dora"}, {"carl", "borger ny AB"},
		{"carl", "ny AB Tage bussen frist:2026-12-09"}, {"anna", "borger ny CD"}, {"anna", "ny CD Gå en tur frist:2026-12-16"},
	} {
		h.Handle(context.Background(), commands.Request{UserID: c.user, ChannelID: "#slusen", Text: c.text, Time: at})
	}
	w := &world{db: db, raw: raw, h: h}
	w.rem = func(p reminders.Poster) *reminders.Reminder {
		return &reminders.Reminder{Store: db, Post: p, Text: h, Calendar: reminders.NewCalendar(), Log: slog.New(slog.DiscardHandler),
			IsMember: func(ctx context.Context, team smallgoals.Team, user string) (bool, error) {
				return db.IsStoredMember(ctx, team.ID, user)
			}}
	}
	return w
}

func TestRemindGroupsAndClaims(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	p := &printer{}
	r := w.rem(p)
	cph := smallgoals.Location("Europe/Copenhagen")

	// Before the team's reminder time (08:00 local) nothing goes.
	if res, _ := r.Remind(ctx, time.Date(2026, 12, 2, 7, 59, 0, 0, cph)); res.DMs != 0 || res.Teams != 0 {
		t.Fatalf("before 08:00: %+v", res)
	}
	res, err := r.Remind(ctx, time.Date(2026, 12, 2, 8, 0, 0, 0, cph))
	if err != nil {
		t.Fatal(err)
	}
	// AB-1 is 7 days off: carl (contact), anna and dora (coordinators).
	if res.DMs != 3 || len(p.dms["carl"]) != 1 || len(p.dms["anna"]) != 1 || len(p.dms["dora"]) != 1 {
		t.Fatalf("DMs = %+v, %v", res, p.dms)
	}
	if dm := p.dms["carl"][0]; !strings.Contains(dm, "*AB-1* Tage bussen") || !strings.Contains(dm, "om 7 dage") || strings.Contains(dm, "CD-1") {
		t.Errorf("carl's DM: %s", dm)
	}
	// The same slot again: nothing.
	if res, _ := r.Remind(ctx, time.Date(2026, 12, 2, 9, 30, 0, 0, cph)); res.DMs != 0 {
		t.Errorf("second run: %+v", res)
	}
	// dora is away on 2026-12-09: carl and anna get AB-1 (due) and anna CD-1 (−7) in one DM.
	w.h.Handle(ctx, commands.Request{UserID: "dora", ChannelID: "#slusen", Text: "fri til 10.12.2026", Time: time.Date(2026, 12, 3, 9, 0, 0, 0, cph)})
	p2 := &printer{}
	res, _ = w.rem(p2).Remind(ctx, time.Date(2026, 12, 9, 8, 5, 0, 0, cph))
	if res.DMs != 2 || len(p2.dms["dora"]) != 0 || len(p2.dms["anna"]) != 1 {
		t.Fatalf("with dora away: %+v %v", res, p2.dms)
	}
	if dm := p2.dms["anna"][0]; !strings.Contains(dm, "AB-1") || !strings.Contains(dm, "CD-1") || !strings.Contains(dm, "i dag") {
		t.Errorf("anna's grouped DM: %s", dm)
	}
	// Weekly while overdue: AB-1 again on 2026-12-16 with CD-1 due.
	p3 := &printer{}
	res, _ = w.rem(p3).Remind(ctx, time.Date(2026, 12, 16, 8, 0, 0, 0, cph))
	if res.Goals != 5 || !strings.Contains(p3.dms["carl"][0], "7 dage for sent") {
		t.Errorf("a week later: %+v %v", res, p3.dms)
	}
	// Postponing moves AB-1 and its reminders.
	var ab1 int64
	for _, g := range mustDue(t, w.db) {
		if g.Alias == "AB" {
			ab1 = g.ID
		}
	}
	r4 := w.h.Snooze(ctx, commands.Request{UserID: "carl", Time: time.Date(2026, 12, 16, 9, 0, 0, 0, cph)}, ab1)
	if !strings.Contains(r4.Text(), "23.12.2026") {
		t.Errorf("snooze: %s", r4.Text())
	}
	p4 := &printer{}
	res, _ = w.rem(p4).Remind(ctx, time.Date(2026, 12, 23, 8, 0, 0, 0, cph))
	if !strings.Contains(p4.dms["carl"][0], "AB-1") || !strings.Contains(p4.dms["carl"][0], "i dag") {
		t.Errorf("after postponing: %v", p4.dms)
	}
	// An outsider cannot postpone; the refusal is audited.
	if r := w.h.Snooze(ctx, commands.Request{UserID: "bo", Time: time.Now()}, ab1); strings.Contains(r.Text(), "udsat") {
		t.Errorf("outsider postponed: %s", r.Text())
	}
}

func mustDue(t *testing.T, db *store.DB) []smallgoals.DueGoal {
	teams, _ := db.ListTeams(context.Background())
	var ids []int64
	for _, tm := range teams {
		ids = append(ids, tm.ID)
	}
	gs, err := db.ListDueGoals(context.Background(), ids, date("2030-01-01"))
	if err != nil {
		t.Fatal(err)
	}
	return gs
}

// The team's reminder time is local: right across both DST changes.
func TestRemindAcrossDST(t *testing.T) {
	for _, tc := range []struct {
		name   string
		due    string
		before time.Time // UTC, one minute before 08:00 local
	}{
		{"summer time (CEST, UTC+2) from 29 March", "2026-04-06", time.Date(2026, 3, 30, 5, 59, 0, 0, time.UTC)},
		{"winter time (CET, UTC+1) from 25 October", "2026-11-02", time.Date(2026, 10, 26, 6, 59, 0, 0, time.UTC)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, _ := storetest.Open(t)
			h, _ := commands.New(commands.Config{Store: commands.NewStore(db.InTx), Scores: db})
			at := tc.before.AddDate(0, 0, -10)
			for _, c := range []string{"team opret T", "borger ny AB", "ny AB Mål frist:" + tc.due} {
				h.Handle(context.Background(), commands.Request{UserID: "anna", ChannelID: "#t", Text: c, Time: at})
			}
			p := &printer{}
			r := &reminders.Reminder{Store: db, Post: p, Text: h, Calendar: reminders.NewCalendar(), Log: slog.New(slog.DiscardHandler),
				IsMember: func(context.Context, smallgoals.Team, string) (bool, error) { return true, nil }}
			if res, _ := r.Remind(context.Background(), tc.before); res.DMs != 0 {
				t.Fatalf("sent at %s, before 08:00 local", tc.before)
			}
			if res, _ := r.Remind(context.Background(), tc.before.Add(time.Minute)); res.DMs != 1 {
				t.Fatalf("not sent at 08:00 local (%s): %+v", tc.before.Add(time.Minute), res)
			}
		})
	}
}

// Three replicas tick at the same moment against one database and one
// (fake) Slack: each DM is posted once. A 429 is waited out; an ambiguous
// failure is recorded and not sent again.
func TestRemindExactlyOnceAcrossReplicas(t *testing.T) {
	w := newWorld(t)
	var posts atomic.Int64
	var first429 atomic.Bool
	var mu sync.Mutex
	channels := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		rw.Header().Set("Content-Type", "application/json")
		switch {
		case strings.HasSuffix(r.URL.Path, "/conversations.open"):
			fmt.Fprintf(rw, `{"ok":true,"channel":{"id":"D%s"}}`, r.Form.Get("users"))
		case strings.HasSuffix(r.URL.Path, "/chat.postMessage"):
			if !first429.Swap(true) {
				rw.Header().Set("Retry-After", "1")
				rw.WriteHeader(http.StatusTooManyRequests)
				return
			}
			posts.Add(1)
			mu.Lock()
			channels[r.Form.Get("channel")]++
			mu.Unlock()
			io.WriteString(rw, `{"ok":true,"channel":"D","ts":"1.0"}`)
		default:
			io.WriteString(rw, `{"ok":false,"error":"unknown_method"}`)
		}
	}))
	defer srv.Close()
	at := time.Date(2026, 12, 2, 8, 0, 0, 0, smallgoals.Location("Europe/Copenhagen"))
	var wg sync.WaitGroup
	results := make([]reminders.RemindResult, 3)
	for i := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sl := bot.NewSlack("xoxb-test", "", srv.URL+"/api/", slog.New(slog.DiscardHandler))
			res, err := w.rem(sl).Remind(context.Background(), at)
			if err != nil {
				t.Error(err)
			}
			results[i] = res
		}()
	}
	wg.Wait()
	if n := posts.Load(); n != 3 {
		t.Fatalf("posted %d DMs across three replicas, want 3 (carl, anna, dora once each)", n)
	}
	for ch, n := range channels {
		if n != 1 {
			t.Errorf("%s got %d DMs", ch, n)
		}
	}
	total := 0
	for _, r := range results {
		total += r.DMs
	}
	if total != 3 {
		t.Errorf("replicas report %d DMs sent: %+v", total, results)
	}

	// Ambiguous: the connection dies after the request on 2026-12-09.
	dead := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/conversations.open") {
			r.ParseForm()
			rw.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(rw, `{"ok":true,"channel":{"id":"D%s"}}`, r.Form.Get("users"))
			return
		}
		hj, _ := rw.(http.Hijacker)
		conn, _, _ := hj.Hijack()
		conn.Close()
	}))
	defer dead.Close()
	later := time.Date(2026, 12, 9, 8, 0, 0, 0, smallgoals.Location("Europe/Copenhagen"))
	sl := bot.NewSlack("xoxb-test", "", dead.URL+"/api/", slog.New(slog.DiscardHandler))
	res, _ := w.rem(sl).Remind(context.Background(), later)
	if res.Ambiguous == 0 || res.DMs != 0 {
		t.Fatalf("ambiguous run: %+v", res)
	}
	sl2 := bot.NewSlack("xoxb-test", "", srv.URL+"/api/", slog.New(slog.DiscardHandler))
	before := posts.Load()
	if res, _ := w.rem(sl2).Remind(context.Background(), later.Add(time.Minute)); res.DMs != 0 || posts.Load() != before {
		t.Errorf("an ambiguous DM was sent again: %+v", res)
	}
}

// Three schedulers (three replicas' gocron, on one fake clock) tick at
// the team's reminder time against one database: three DMs in all.
func TestThreeSchedulers(t *testing.T) {
	w := newWorld(t)
	p := &printer{}
	cph := smallgoals.Location("Europe/Copenhagen")
	clock := clockwork.NewFakeClockAt(time.Date(2026, 12, 2, 7, 58, 30, 0, cph))
	ctx := context.Background()
	for range 3 {
		j := &reminders.Jobs{Store: w.db, Files: nil, Log: slog.New(slog.DiscardHandler), Location: cph, Clock: clock, Reminder: w.rem(p)}
		s, err := j.Start(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Shutdown()
	}
	// Five seconds at a time to 08:02, giving the schedulers' goroutines
	// real time to fire and re-arm between steps.
	for range 42 {
		time.Sleep(20 * time.Millisecond)
		clock.Advance(5 * time.Second)
	}
	deadline := time.Now().Add(10 * time.Second)
	for p.count() < 3 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond) // let any duplicate show itself
	if n := p.count(); n != 3 {
		t.Fatalf("DMs = %d (%v), want 3", n, p.dms)
	}
	for _, u := range []string{"carl", "anna", "dora"} {
		if len(p.dms[u]) != 1 {
			t.Errorf("%s got %d DMs", u, len(p.dms[u]))
		}
	}
}

// flakyPoster fails every DM definitely (Slack answered ok:false) while
// down is set, and counts the DMs it delivered.
type flakyPoster struct {
	mu   sync.Mutex
	down bool
	dms  map[string]int
	err  error
}

func (p *flakyPoster) DM(_ context.Context, user string, _ commands.Reply) (smallgoals.Posted, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.down {
		return smallgoals.Posted{}, p.err
	}
	p.dms[user]++
	return smallgoals.Posted{}, nil
}

// A DM that Slack refused is tried again later that day — not at once,
// not twice; one whose outcome is unknown is never sent again.
func TestReminderRetriedAfterFailure(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	p := &flakyPoster{down: true, dms: map[string]int{}, err: fmt.Errorf("bot: chat.postMessage: internal_error")}
	r := w.rem(p)
	cph := smallgoals.Location("Europe/Copenhagen")
	at := time.Date(2026, 12, 2, 8, 0, 0, 0, cph)
	if res, err := r.Remind(ctx, at); err != nil || res.Failed != 3 || res.DMs != 0 {
		t.Fatalf("Slack down at 08:00: %+v %v", res, err)
	}
	p.mu.Lock()
	p.down = false
	p.mu.Unlock()
	if res, _ := r.Remind(ctx, at.Add(time.Minute)); res.DMs != 0 {
		t.Fatalf("tried again at once: %+v", res)
	}
	if res, _ := r.Remind(ctx, at.Add(6*time.Minute)); res.DMs != 3 {
		t.Fatalf("not tried again after 5 minutes: %+v", res)
	}
	if res, _ := r.Remind(ctx, at.Add(30*time.Minute)); res.DMs != 0 {
		t.Fatalf("sent again: %+v", res)
	}
	for _, u := range []string{"carl", "anna", "dora"} {
		if p.dms[u] != 1 {
			t.Errorf("%s got %d DMs, want 1", u, p.dms[u])
		}
	}
	// Down for the rest of the day: given up at its end, never sent the next.
	p.mu.Lock()
	p.down = true
	p.mu.Unlock()
	next := time.Date(2026, 12, 9, 8, 0, 0, 0, cph)
	for m := time.Duration(0); m < 16*time.Hour; m += 10 * time.Minute {
		r.Remind(ctx, next.Add(m))
	}
	p.mu.Lock()
	p.down = false
	p.mu.Unlock()
	if res, _ := r.Remind(ctx, time.Date(2026, 12, 10, 8, 0, 0, 0, cph)); res.DMs != 0 {
		t.Errorf("yesterday's DMs sent the next day: %+v", res)
	}
	var given int
	w.db.SQL().QueryRow(`SELECT count(*) FROM outbox WHERE kind = 'reminder_dm' AND status = 'given_up'`).Scan(&given)
	if given != 3 {
		t.Errorf("%d DMs given up, want 3", given)
	}
	// An operator sees them on /metrics.
	mfs, _ := prometheus.DefaultGatherer.Gather()
	found := false
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if mf.GetName() == "smallgoals_undelivered_messages" && labels["kind"] == "reminder_dm" && labels["status"] == "given_up" {
				found = m.GetGauge().GetValue() == 3
			}
		}
	}
	if !found {
		t.Error("smallgoals_undelivered_messages{kind=reminder_dm,status=given_up} is not 3")
	}
}

// A scheduled run cut short because the program is stopping (its context
// canceled) is logged as such, not as an ERROR.
func TestRunStoppedByShutdownIsNoError(t *testing.T) {
	w := newWorld(t)
	var logs bytes.Buffer
	var mu sync.Mutex
	log := slog.New(slog.NewJSONHandler(&lockedWriter{w: &logs, mu: &mu}, nil))
	cph := smallgoals.Location("Europe/Copenhagen")
	clock := clockwork.NewFakeClockAt(time.Date(2026, 12, 2, 7, 59, 50, 0, cph))
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // SIGTERM came
	j := &reminders.Jobs{Store: w.db, Log: log, Location: cph, Clock: clock, Reminder: w.rem(&printer{})}
	s, err := j.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for range 6 {
		time.Sleep(20 * time.Millisecond)
		clock.Advance(5 * time.Second)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		out := logs.String()
		mu.Unlock()
		if strings.Contains(out, "reminders failed: stopped by the shutdown") {
			if strings.Contains(out, `"level":"ERROR"`) {
				t.Errorf("an ERROR at shutdown:\n%s", out)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the run never ran or said so:\n%s", out)
		}
		time.Sleep(10 * time.Millisecond)
	}
	s.Shutdown()
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
