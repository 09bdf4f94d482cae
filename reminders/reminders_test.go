package reminders_test

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"testing"
	"time"

	_ "github.com/lib/pq"

	"smallgoals"
	"smallgoals/commands"
	"smallgoals/reminders"
	"smallgoals/store/storetest"
)

type deleter struct {
	deleted []string
	fail    map[string]bool
}

func (d *deleter) DeleteFile(_ context.Context, id string) error {
	if d.fail[id] {
		return io.ErrUnexpectedEOF
	}
	d.deleted = append(d.deleted, id)
	return nil
}

func count(t *testing.T, raw *sql.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := raw.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestRetention(t *testing.T) {
	db, raw := storetest.Open(t)
	h, err := commands.New(commands.Config{Store: commands.NewStore(db.InTx), Scores: db})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	long := time.Date(2023, 3, 1, 10, 0, 0, 0, time.UTC)
	do := func(at time.Time, user, ch, text string) {
		h.Handle(ctx, commands.Request{UserID: user, ChannelID: ch, Text: text, Time: at})
	}
	do(long, "anna", "#a", "team opret A")
	for _, cmd := range []string{"borger ny AB", "ny AB Gammelt mål", "AB-1 4 gammel", "AB-1 5 gammel igen",
		"ny AB Åbent mål", "AB-2 6 gammel men åben", "borger ny CD", "ny CD Ikke eksporteret", "CD-1 3 gammel"} {
		do(long, "anna", "#a", cmd)
	}
	do(long.AddDate(0, 0, 1), "anna", "#a", "revider AB-1 +2 afsluttes")
	do(long.AddDate(0, 0, 1), "anna", "#a", "revider CD-1 0 afsluttes")
	// AB was exported after its entries; CD never was.
	raw.Exec(`UPDATE citizens SET exported_at = $1 WHERE alias = 'AB'`, long.AddDate(0, 0, 2))
	now := time.Date(2026, 11, 23, 3, 15, 0, 0, time.UTC)
	do(now.Add(-time.Hour), "anna", "#a", "ny AB Nyt mål")
	do(now.Add(-time.Hour), "anna", "#a", "AB-3 7 ny")

	db.RecordFile(ctx, smallgoals.FileRecord{ID: "F-old", Name: "a.csv", CreatedAt: now.Add(-100 * time.Hour), ExpiresAt: now.Add(-28 * time.Hour)})
	db.RecordFile(ctx, smallgoals.FileRecord{ID: "F-stuck", Name: "b.csv", CreatedAt: now.Add(-100 * time.Hour), ExpiresAt: now.Add(-28 * time.Hour)})
	db.RecordFile(ctx, smallgoals.FileRecord{ID: "F-new", Name: "c.csv", CreatedAt: now, ExpiresAt: now.Add(72 * time.Hour)})

	files := &deleter{fail: map[string]bool{"F-stuck": true}}
	j := &reminders.Jobs{Store: db, Files: files, Log: slog.New(slog.DiscardHandler), RetentionDays: 365, Location: time.UTC}
	r, err := j.Retention(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	want := reminders.RetentionResult{Deleted: 2, Kept: 1, FilesDeleted: 1, FilesFailed: 1}
	if r != want {
		t.Fatalf("retention = %+v, want %+v", r, want)
	}
	// AB-1's two old entries are gone; AB-2 (open) and AB-3 (new) and CD-1 (never exported) stay.
	if n := count(t, raw, `SELECT count(*) FROM entries`); n != 3 {
		t.Errorf("entries left = %d, want 3", n)
	}
	if n := count(t, raw, `SELECT count(*) FROM audit_events WHERE action = 'retention.purge' AND actor = 'system' AND ref = 'AB'`); n != 1 {
		t.Errorf("retention audited %d times for AB", n)
	}
	if len(files.deleted) != 1 || files.deleted[0] != "F-old" {
		t.Errorf("deleted files = %v", files.deleted)
	}
	if n := count(t, raw, `SELECT count(*) FROM files`); n != 2 {
		t.Errorf("file records left = %d, want 2 (the stuck one is retried)", n)
	}
	// A second run at the same time changes nothing more.
	if r, _ := j.Retention(ctx, now); r.Deleted != 0 || r.FilesDeleted != 0 {
		t.Errorf("second run = %+v", r)
	}
	// A team keeping entries longer is respected.
	raw.Exec(`UPDATE teams SET retention_days = 36500`)
	raw.Exec(`UPDATE citizens SET exported_at = now()`)
	if r, _ := j.Retention(ctx, now); r.Deleted != 0 {
		t.Errorf("deleted %d despite the team's 100-year retention", r.Deleted)
	}
}
