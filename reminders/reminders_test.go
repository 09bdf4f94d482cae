package reminders_test

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"slices"
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
		"ny AB Åbent mål", "AB-2 6 gammel men åben", "borger ny CD", "ny CD Ikke eksporteret", "CD-1 3 gammel",
		"borger ny EF", "plan EF Udskrevet plan", "ny EF Udskrevet mål plan:1", "EF-1 2 udskrevet"} {
		do(long, "anna", "#a", cmd)
	}
	do(long.AddDate(0, 0, 1), "anna", "#a", "revider AB-1 +2 afsluttes Gammel refleksion")
	do(long.AddDate(0, 0, 1), "anna", "#a", "revider CD-1 0 afsluttes")
	do(long.AddDate(0, 0, 1), "anna", "#a", "revider EF-1 0 afsluttes")
	// AB and EF were exported after their entries; CD never was. EF was
	// discharged then.
	raw.Exec(`UPDATE citizens SET exported_at = $1 WHERE alias IN ('AB', 'EF')`, long.AddDate(0, 0, 2))
	raw.Exec(`UPDATE citizens SET discharged_at = $1 WHERE alias = 'EF'`, long.AddDate(0, 0, 3))
	now := time.Date(2026, 11, 23, 3, 15, 0, 0, time.UTC)
	do(now.Add(-time.Hour), "anna", "#a", "ny AB Nyt mål")
	do(now.Add(-time.Hour), "anna", "#a", "AB-3 7 ny")

	db.RecordFile(ctx, smallgoals.FileRecord{ID: "F-old", Name: "a.csv", CreatedAt: now.Add(-100 * time.Hour), ExpiresAt: now.Add(-28 * time.Hour)})
	db.RecordFile(ctx, smallgoals.FileRecord{ID: "F-stuck", Name: "b.csv", CreatedAt: now.Add(-100 * time.Hour), ExpiresAt: now.Add(-28 * time.Hour)})
	db.RecordFile(ctx, smallgoals.FileRecord{ID: "F-new", Name: "c.csv", CreatedAt: now, ExpiresAt: now.Add(72 * time.Hour)})

	files := &deleter{fail: map[string]bool{"F-stuck": true}}
	j := &reminders.Jobs{Store: db, Files: files, Log: slog.New(slog.DiscardHandler), RetentionDays: 365, AuditDays: 1826, Location: time.UTC}
	r, err := j.Retention(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	// AB-1 goes whole (its two entries and its closing revision), EF with
	// everything; CD-1's entry and revision stay (never exported).
	want := reminders.RetentionResult{Purged: smallgoals.Purged{Citizens: 1, Goals: 1, Entries: 2, Revisions: 1, Kept: 2},
		FilesDeleted: 1, FilesFailed: 1}
	if r != want {
		t.Fatalf("retention = %+v, want %+v", r, want)
	}
	// AB-2 (open), AB-3 (new) and CD-1 (never exported) keep their entries.
	if n := count(t, raw, `SELECT count(*) FROM entries`); n != 3 {
		t.Errorf("entries left = %d, want 3", n)
	}
	titles := storetest.Plaintexts(t, raw, "goals.title", `SELECT title, key_id FROM goals ORDER BY id`)
	if want := []string{"Åbent mål", "Ikke eksporteret", "Nyt mål"}; !slices.Equal(titles, want) {
		t.Errorf("goal titles left = %q, want %q", titles, want)
	}
	if refl := storetest.Plaintexts(t, raw, "revisions.reflection", `SELECT reflection, key_id FROM revisions`); len(refl) != 1 || refl[0] != "" {
		t.Errorf("reflections left = %q, want CD-1's empty one", refl)
	}
	if n := count(t, raw, `SELECT count(*) FROM citizens WHERE alias = 'EF'`) + count(t, raw, `SELECT count(*) FROM plan_goals`); n != 0 {
		t.Errorf("EF or its plan goal left: %d", n)
	}
	if n := count(t, raw, `SELECT count(*) FROM audit_events WHERE action = 'retention.purge' AND actor = 'system' AND ref = 'AB'`); n != 1 {
		t.Errorf("retention audited %d times for AB", n)
	}
	if n := count(t, raw, `SELECT count(*) FROM audit_events WHERE action = 'retention.erase' AND actor = 'system' AND ref = 'EF'`); n != 1 {
		t.Errorf("EF's removal audited %d times", n)
	}
	// The audit log keeps its events of 2023: it is kept 5 years.
	if n := count(t, raw, `SELECT count(*) FROM audit_events WHERE at < '2024-01-01' AND ref LIKE 'EF%'`); n == 0 {
		t.Errorf("the audit log lost EF's events with EF")
	}
	if len(files.deleted) != 1 || files.deleted[0] != "F-old" {
		t.Errorf("deleted files = %v", files.deleted)
	}
	if n := count(t, raw, `SELECT count(*) FROM files`); n != 2 {
		t.Errorf("file records left = %d, want 2 (the stuck one is retried)", n)
	}
	// A second run at the same time changes nothing more.
	if r, _ := j.Retention(ctx, now); r.Purged != (smallgoals.Purged{Kept: 2}) || r.FilesDeleted != 0 {
		t.Errorf("second run = %+v", r)
	}
	// A team keeping its data longer is respected, and so is its audit log.
	raw.Exec(`UPDATE teams SET retention_days = 36500`)
	raw.Exec(`UPDATE citizens SET exported_at = $1`, now)
	later := time.Date(2029, 1, 1, 3, 15, 0, 0, time.UTC)
	if r, _ := j.Retention(ctx, later); r.Purged != (smallgoals.Purged{}) {
		t.Errorf("deleted %+v despite the team's 100-year retention", r.Purged)
	}
	// Back to the default, in 2029: CD-1 goes now that it is exported,
	// and the audit events of 2023, but not those of 2026.
	raw.Exec(`UPDATE teams SET retention_days = NULL`)
	old := count(t, raw, `SELECT count(*) FROM audit_events WHERE at < '2024-01-01'`)
	recent := count(t, raw, `SELECT count(*) FROM audit_events WHERE at >= '2026-01-01'`)
	r, err = j.Retention(ctx, later)
	if err != nil {
		t.Fatal(err)
	}
	if want := (smallgoals.Purged{Goals: 1, Entries: 1, Revisions: 1, AuditEvents: old}); r.Purged != want {
		t.Errorf("in 2029: %+v, want %+v", r.Purged, want)
	}
	if n := count(t, raw, `SELECT count(*) FROM audit_events WHERE at < '2024-01-01'`); n != 0 {
		t.Errorf("%d audit events of 2023 left", n)
	}
	if n := count(t, raw, `SELECT count(*) FROM audit_events WHERE at >= '2026-01-01' AND action <> 'retention.audit'`); n != recent+1 {
		t.Errorf("audit events since 2026 = %d, want %d and the new purge's", n, recent)
	}
	if n := count(t, raw, `SELECT count(*) FROM audit_events WHERE action = 'retention.audit'`); n != 1 {
		t.Errorf("the audit log's purge left %d events of its own, want 1", n)
	}
}
