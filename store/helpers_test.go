package store_test

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/lib/pq"

	"smallgoals"
	"smallgoals/store"
	"smallgoals/store/storetest"
)

// t0 is the instant the fixtures are written at, unless a test says
// otherwise.
var t0 = time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)

// env is a test's own migrated database, through the store and through a
// plain connection for raw SQL the store does not offer.
type env struct {
	db  *store.DB
	raw *sql.DB
}

// newEnv opens a fresh database (a template clone) both ways.
func newEnv(t *testing.T) *env {
	t.Helper()
	db, raw := storetest.Open(t)
	return &env{db: db, raw: raw}
}

// within runs fn in one transaction and fails the test if it errs.
func within(t *testing.T, db *store.DB, fn func(tx *store.Tx)) {
	t.Helper()
	// A t.Fatal in fn leaves InTx without a rollback; canceling the
	// transaction's context has database/sql roll it back, so its locks do
	// not hang the following tests.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	err := db.InTx(ctx, func(tx *store.Tx) error {
		fn(tx)
		return nil
	})
	if err != nil {
		t.Fatalf("InTx: %v", err)
	}
}

// attempt runs fn in its own transaction and returns fn's error (or the
// commit's).
func attempt(db *store.DB, fn func(tx *store.Tx) error) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	return db.InTx(ctx, fn)
}

// wantCode fails the test unless err carries the code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := smallgoals.ErrorCode(err); got != code {
		t.Fatalf("error code = %q, want %q (err: %v)", got, code, err)
	}
}

// day returns the civil date as midnight UTC.
func day(s string) time.Time {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return d
}

func dayp(s string) *time.Time { d := day(s); return &d }

// ymd formats a civil date read back from the database.
func ymd(d time.Time) string { return d.Format("2006-01-02") }

func ymdp(d *time.Time) string {
	if d == nil {
		return "<nil>"
	}
	return ymd(*d)
}

func ip(i int) *int { return &i }

func i64p(i int64) *int64 { return &i }

func bp(b bool) *bool { return &b }

func intp(p *int) string {
	if p == nil {
		return "<nil>"
	}
	return strconv.Itoa(*p)
}

// mkTeam creates a team on the channel.
func mkTeam(t *testing.T, tx *store.Tx, channel string) smallgoals.Team {
	t.Helper()
	tm := smallgoals.Team{ChannelID: channel, Name: "Team " + channel, Lang: "da",
		TZ: "Europe/Copenhagen", CreatedBy: "U1", CreatedAt: t0}
	if err := tx.CreateTeam(context.Background(), &tm); err != nil {
		t.Fatalf("CreateTeam(%s): %v", channel, err)
	}
	return tm
}

// mkCitizen creates a citizen with an alias already folded.
func mkCitizen(t *testing.T, tx *store.Tx, teamID int64, alias string) smallgoals.Citizen {
	t.Helper()
	c := smallgoals.Citizen{TeamID: teamID, Alias: alias, ContactUser: "U1", CreatedAt: t0}
	if err := tx.CreateCitizen(context.Background(), &c); err != nil {
		t.Fatalf("CreateCitizen(%s): %v", alias, err)
	}
	return c
}

// newGoal is an active 1–10 goal of the citizen due on 2025-04-21.
func newGoal(citizenID int64, title string) smallgoals.Goal {
	return smallgoals.Goal{CitizenID: citizenID, Title: title, ScaleMin: 1, ScaleMax: 10,
		CadenceDays: 42, NextRevision: dayp("2025-04-21"), CreatedBy: "U1", CreatedAt: t0}
}

func mkGoal(t *testing.T, tx *store.Tx, citizenID int64, title string) smallgoals.Goal {
	t.Helper()
	g := newGoal(citizenID, title)
	if err := tx.CreateGoal(context.Background(), &g); err != nil {
		t.Fatalf("CreateGoal(%s): %v", title, err)
	}
	return g
}

// mkScore appends a score entry by author about day d, written at w.
func mkScore(t *testing.T, tx *store.Tx, goalID int64, author, d string, w time.Time, staff int, citizen *int) smallgoals.Entry {
	t.Helper()
	e := smallgoals.Entry{GoalID: goalID, Kind: smallgoals.EntryScore, Author: author, Day: day(d),
		WrittenAt: w, StaffScore: ip(staff), CitizenScore: citizen}
	if err := tx.CreateEntry(context.Background(), &e); err != nil {
		t.Fatalf("CreateEntry: %v", err)
	}
	return e
}

// mkUndo appends an undo entry replacing the entry.
func mkUndo(t *testing.T, tx *store.Tx, of smallgoals.Entry, author string, w time.Time) smallgoals.Entry {
	t.Helper()
	u := smallgoals.Entry{GoalID: of.GoalID, Kind: smallgoals.EntryUndo, Author: author, Day: of.Day,
		WrittenAt: w, Replaces: i64p(of.ID)}
	if err := tx.CreateEntry(context.Background(), &u); err != nil {
		t.Fatalf("CreateEntry(undo): %v", err)
	}
	return u
}

// pgCode returns the SQLSTATE of a raw PostgreSQL error, or "".
func pgCode(err error) string {
	var pe *pq.Error
	if errors.As(err, &pe) {
		return string(pe.Code)
	}
	return ""
}
