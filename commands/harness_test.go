package commands_test

import (
	"context"
	"database/sql"
	"regexp"
	"strings"
	"testing"
	"time"

	"smallgoals/commands"
	"smallgoals/store"
	"smallgoals/store/storetest"

	_ "github.com/lib/pq"
)

// env is a handler on a database of the test's own, with a settable clock.
type env struct {
	t   testing.TB
	db  *store.DB
	raw *sql.DB // the same database, for counting rows
	h   *commands.Handler
	now time.Time
}

// monday 2026-11-23 10:00 in Copenhagen.
var monday = time.Date(2026, 11, 23, 10, 0, 0, 0, mustLoc("Europe/Copenhagen"))

func mustLoc(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func newEnv(t testing.TB) *env {
	t.Helper()
	db, raw := storetest.Open(t)
	h, err := commands.New(commands.Config{Store: commands.NewStore(db.InTx), Scores: db, Lang: "da", TZ: "Europe/Copenhagen"})
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, db: db, raw: raw, h: h, now: monday}
}

// missingID matches a message ID that reached a reply untranslated.
var missingID = regexp.MustCompile(`\b(err|usage|help|team|citizen|citizens|plan|goal|overview|score|show|log|undo|revise|outcome|lang|weekday|shell)\.[a-z_.]+\b`)

// do runs "/maal text" as user in channel and returns the reply as text.
func (e *env) do(user, channel, text string) string {
	e.t.Helper()
	return e.req(commands.Request{UserID: user, ChannelID: channel, ChannelName: strings.TrimPrefix(channel, "#"), Text: text})
}

func (e *env) req(r commands.Request) string {
	e.t.Helper()
	if r.Time.IsZero() {
		r.Time = e.now
	}
	out := e.h.Handle(context.Background(), r).Text()
	if m := missingID.FindString(out); m != "" {
		e.t.Fatalf("reply to %q holds the untranslated message ID %q:\n%s", r.Text, m, out)
	}
	return out
}

// count returns the number of rows of a query.
func (e *env) count(query string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.raw.QueryRow(query, args...).Scan(&n); err != nil {
		e.t.Fatalf("count %q: %v", query, err)
	}
	return n
}

func contains(t *testing.T, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("reply lacks %q:\n%s", w, got)
		}
	}
}

func lacks(t *testing.T, got string, nots ...string) {
	t.Helper()
	for _, w := range nots {
		if strings.Contains(got, w) {
			t.Errorf("reply holds %q:\n%s", w, got)
		}
	}
}

// setup makes team Slusen in #slusen with anna as coordinator, citizen AB
// and goal AB-1.
func (e *env) setup() {
	e.t.Helper()
	for _, cmd := range []string{"team opret Slusen", "borger ny AB", "ny AB Tage bussen alene til arbejde"} {
		if out := e.do("anna", "#slusen", cmd); !strings.Contains(out, "✅") {
			e.t.Fatalf("setup %q: %s", cmd, out)
		}
	}
}
