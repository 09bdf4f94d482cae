package reminders_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"smallgoals"
	"smallgoals/commands"
)

// auditRows lists the audit events of action as "actor recipient alias
// ref allowed", sorted.
func auditRows(t *testing.T, w *world, action string) []string {
	t.Helper()
	rows, err := w.raw.Query(`
		SELECT a.actor || ' ' || a.recipient || ' ' || coalesce(c.alias, '-') || ' ' || a.ref || ' ' || a.allowed
		FROM audit_events a LEFT JOIN citizens c ON c.id = a.citizen_id AND c.team_id = a.team_id
		WHERE a.action = $1`, action)
	if err != nil {
		t.Fatalf("audit events: %v", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// Every reminder DM writes an audit event for each borger it names, with
// its recipient; sent again never, audited again never.
func TestRemindAudited(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	cph := smallgoals.Location("Europe/Copenhagen")
	// 2026-12-09: AB-1 is due (carl, anna, dora); CD-1 is 7 days off (anna, dora).
	for range 2 {
		if _, err := w.rem(&printer{}).Remind(ctx, time.Date(2026, 12, 9, 8, 0, 0, 0, cph)); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{
		"system anna AB AB-1 true", "system anna CD CD-1 true",
		"system carl AB AB-1 true",
		"system dora AB AB-1 true", "system dora CD CD-1 true",
	}
	if got := auditRows(t, w, "reminder.send"); !slices.Equal(got, want) {
		t.Errorf("reminder audit events:\n got %q\nwant %q", got, want)
	}
}

// Every digest writes an audit event for each borger it is about, with
// the channel it went to.
func TestDigestAudited(t *testing.T) {
	w, mk := digestWorld(t)
	cph := smallgoals.Location("Europe/Copenhagen")
	for range 2 {
		if _, err := mk(&channels{private: true}).Digest(context.Background(), time.Date(2026, 11, 23, 9, 0, 0, 0, cph)); err != nil {
			t.Fatal(err)
		}
	}
	got := auditRows(t, w, "digest.send")
	if len(got) != 2 || !strings.HasPrefix(got[0], "system #slusen AB ") || !strings.HasPrefix(got[1], "system #slusen CD ") {
		t.Errorf("digest audit events: %q, want one for AB and one for CD, to #slusen", got)
	}
}

// A revisitation's notice the job sends writes an audit event for the
// goal, with the coordinator it went to.
func TestNoticeAudited(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	cph := smallgoals.Location("Europe/Copenhagen")
	at := time.Date(2026, 11, 24, 10, 0, 0, 0, cph)
	r := w.h.Handle(ctx, commands.Request{UserID: "carl", ChannelID: "#slusen", Text: "revider AB-1 -1 revisitation", Time: at})
	if len(r.Notify) != 2 {
		t.Fatalf("notices: %+v (%s)", r.Notify, r.Text())
	}
	// The transport never sent them: the job does, once.
	for range 2 {
		if _, err := w.rem(&printer{}).Remind(ctx, at.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"system anna AB AB-1 true", "system dora AB AB-1 true"}
	if got := auditRows(t, w, "notice.send"); !slices.Equal(got, want) {
		t.Errorf("notice audit events:\n got %q\nwant %q", got, want)
	}
}
