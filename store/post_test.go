package store_test

import (
	"context"
	"testing"
	"time"

	"smallgoals"
	"smallgoals/store"
)

// deliver claims and records one delivery of kind about the citizens,
// with status and what it put in Slack.
func deliver(t *testing.T, db *store.DB, kind, key, status string, sent smallgoals.Sent, citizens ...smallgoals.Citizen) {
	t.Helper()
	ctx := context.Background()
	if _, ok, err := db.Claim(ctx, smallgoals.OutboxClaim{Kind: kind, Key: key, At: t0, Lease: time.Minute, WindowEnd: t0.Add(time.Hour)}); err != nil || !ok {
		t.Fatalf("claim %s: %v %v", key, ok, err)
	}
	d := smallgoals.Delivered{Kind: kind, Key: key, Status: status, At: t0, Sent: sent}
	if status == "failed" {
		retry := t0.Add(5 * time.Minute)
		d.RetryAt = &retry
	}
	for _, c := range citizens {
		d.Audit = append(d.Audit, smallgoals.AuditEvent{At: t0, Actor: smallgoals.ActorSystem, Action: smallgoals.ActDigestSend,
			TeamID: &c.TeamID, CitizenID: i64p(c.ID), Ref: c.Alias, Allowed: true, Recipient: "C1"})
	}
	if err := db.Record(ctx, d); err != nil {
		t.Fatalf("record %s: %v", key, err)
	}
}

// What a delivery put in Slack is recorded with its audit events, one a
// borger, in the transaction that records it sent; erasing a borger makes
// every message and file about them due for deletion — a shared one whole
// — and leaves no record of them once deleted.
func TestPostsRecordedAndErased(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	var ab, xy smallgoals.Citizen
	within(t, e.db, func(tx *store.Tx) {
		tm := mkTeam(t, tx, "C1")
		ab, xy = mkCitizen(t, tx, tm.ID, "AB"), mkCitizen(t, tx, tm.ID, "XY")
	})
	digest := smallgoals.Posted{Channel: "C1", TS: "1.1"}
	chart := smallgoals.FileRecord{ID: "F1", TeamID: &ab.TeamID, Name: "uge.png", CreatedAt: t0, ExpiresAt: t0.Add(72 * time.Hour)}
	deliver(t, e.db, "digest", "1/2025-W11", "sent", smallgoals.Sent{Posts: []smallgoals.Posted{digest}, Files: []smallgoals.FileRecord{chart}}, ab, xy)
	deliver(t, e.db, "reminder_dm", "U1/2025-03-10", "sent", smallgoals.Sent{Posts: []smallgoals.Posted{{Channel: "DU1", TS: "1.2"}}}, xy)
	deliver(t, e.db, "reminder_dm", "U2/2025-03-10", "failed", smallgoals.Sent{}, ab)
	deliver(t, e.db, "reminder_dm", "U3/2025-03-10", "ambiguous", smallgoals.Sent{}, ab)
	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := e.raw.QueryRow(q, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	// Audited: the sent and the ambiguous, not the failed.
	if n := count(`SELECT count(*) FROM audit_events WHERE citizen_id = $1 AND actor = 'system' AND recipient = 'C1'`, ab.ID); n != 2 {
		t.Errorf("AB's audit events = %d, want 2 (the digest and the ambiguous DM)", n)
	}
	var er smallgoals.Erasure
	var posts []smallgoals.Posted
	var files []smallgoals.FileRecord
	within(t, e.db, func(tx *store.Tx) {
		var err error
		if er, err = tx.ErasureOf(ctx, ab.ID); err != nil {
			t.Fatal(err)
		}
		if files, err = tx.ExpireCitizenFiles(ctx, ab.ID, t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if posts, err = tx.UnpostCitizen(ctx, ab.ID, t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := tx.EraseCitizen(ctx, ab.ID); err != nil {
			t.Fatal(err)
		}
	})
	if er.Posts != 1 || er.Files != 1 {
		t.Errorf("erasure of AB counts %d messages and %d files, want 1 and 1", er.Posts, er.Files)
	}
	if len(posts) != 1 || posts[0] != digest || len(files) != 1 || files[0].ID != "F1" {
		t.Fatalf("to delete: %+v %+v, want the digest and its chart", posts, files)
	}
	// The digest goes whole: XY is no longer linked to it either; XY's own DM stays.
	if n := count(`SELECT count(*) FROM post_citizens WHERE ts = '1.1'`); n != 0 {
		t.Errorf("the digest is still linked to %d borgere", n)
	}
	if n := count(`SELECT count(*) FROM post_citizens WHERE citizen_id = $1 AND ts = '1.2'`, xy.ID); n != 1 {
		t.Errorf("XY's reminder lost its link")
	}
	due, err := e.db.ListUnposted(ctx, t0.Add(time.Hour), 10)
	if err != nil || len(due) != 1 || due[0] != digest {
		t.Fatalf("unposted = %+v %v", due, err)
	}
	if due, _ := e.db.ListExpiredFiles(ctx, t0.Add(time.Hour), 10); len(due) != 1 || due[0].ID != "F1" {
		t.Fatalf("expired files = %+v", due)
	}
	if err := e.db.ForgetPost(ctx, digest); err != nil {
		t.Fatal(err)
	}
	if err := e.db.ForgetFile(ctx, "F1"); err != nil {
		t.Fatal(err)
	}
	if n := count(`SELECT (SELECT count(*) FROM posts WHERE ts = '1.1') + (SELECT count(*) FROM files) + (SELECT count(*) FROM file_citizens)
		+ (SELECT count(*) FROM post_citizens WHERE citizen_id = $1)`, ab.ID); n != 0 {
		t.Errorf("%d records of what was deleted are left", n)
	}
	// The audit log keeps its events.
	if n := count(`SELECT count(*) FROM audit_events WHERE citizen_id = $1`, ab.ID); n != 2 {
		t.Errorf("AB's audit events after erasure = %d, want 2", n)
	}
}
