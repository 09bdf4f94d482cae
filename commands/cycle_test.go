package commands_test

import (
	"context"
	"testing"

	"smallgoals/commands"
)

func TestDueAwayContact(t *testing.T) {
	e := newEnv(t) // Monday 2026-11-23
	e.setup()      // AB-1 due 2027-01-04
	e.do("anna", "#slusen", "ny AB Overskredet frist:2026-11-23")
	e.do("anna", "#slusen", "ny AB Snart frist:2026-11-27")
	e.now = e.now.AddDate(0, 0, 2) // Wednesday 2026-11-25
	out := e.do("anna", "#slusen", "frist")
	contains(t, out, "*AB-2* Overskredet", "2 dage for sent", "*AB-3* Snart", "om 2 dage", "kontaktperson <@anna>")
	lacks(t, out, "AB-1")
	if i, j := index(out, "AB-2"), index(out, "AB-3"); i > j {
		t.Errorf("overdue not first:\n%s", out)
	}
	contains(t, e.do("bo", "#andet", "due"), "not on any team")
	e.do("bo", "#andet", "team create Andet")
	contains(t, e.do("bo", "#andet", "due"), "No goals are due")

	contains(t, e.do("anna", "#slusen", "fri til 1.12.2026"), "pause til og med 01.12.2026")
	if n := e.count(`SELECT count(*) FROM users WHERE id = 'anna' AND away_until = '2026-12-01'`); n != 1 {
		t.Fatal("away not stored")
	}
	contains(t, e.do("anna", "#slusen", "fri til 1.1.2020"), "passeret")
	contains(t, e.do("anna", "#slusen", "fri"), "fri til DATO")
	contains(t, e.do("anna", "#slusen", "fri slut"), "Velkommen tilbage")
	if n := e.count(`SELECT count(*) FROM users WHERE id = 'anna' AND away_until IS NULL`); n != 1 {
		t.Fatal("away not ended")
	}

	e.do("carl", "#slusen", "hjælp")
	contains(t, e.do("carl", "#slusen", "borger kontakt AB @carl"), "koordinatorer")
	contains(t, e.do("anna", "#slusen", "borger kontakt AB @carl"), "<@carl> er nu kontaktperson for *AB*")
	contains(t, e.do("carl", "#slusen", "borger kontakt AB @dora"), "<@dora> er nu kontaktperson") // the contact person may hand over
	contains(t, e.do("bo", "#andet", "borger kontakt AB @bo"), "ingen borger")
	if n := e.count(`SELECT count(*) FROM citizens WHERE contact_user = 'dora'`); n != 1 {
		t.Fatal("contact not changed")
	}
}

func TestRevisitationNotifiesCoordinators(t *testing.T) {
	e := newEnv(t)
	e.setup()
	e.do("anna", "#slusen", "koordinator @dora")
	r := e.h.Handle(context.Background(), commands.Request{UserID: "carl", ChannelID: "#slusen", Text: "revider AB-1 -1 revisitation Ny handleplan", Time: e.now})
	contains(t, r.Text(), "kommunen")
	if len(r.Notify) != 2 || r.Notify[0].User != "anna" || r.Notify[1].User != "dora" {
		t.Fatalf("notices = %+v", r.Notify)
	}
	contains(t, r.Notify[0].Reply.Text(), "*AB-1*", "revisitation", "<@carl>")
	lacks(t, r.Notify[0].Reply.Text(), "Ny handleplan")
	if n := e.count(`SELECT count(*) FROM goals WHERE revisit_at IS NOT NULL AND status = 'active'`); n != 1 {
		t.Fatal("goal not flagged")
	}
	contains(t, e.do("anna", "#slusen", "frist"), "Til revision") // the flag shows in frist once due
	e.do("anna", "#slusen", "revider AB-1 0 fortsættes bekræft")  // the same day: confirmed
	if n := e.count(`SELECT count(*) FROM goals WHERE revisit_at IS NOT NULL`); n != 0 {
		t.Fatal("flag not cleared by the next revision")
	}
}

func index(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}
