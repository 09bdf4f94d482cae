package bot_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"smallgoals"
	"smallgoals/reminders"
	"smallgoals/store/storetest"
)

// postedWorld has the bot post everything it posts about borgere: a
// reminder DM to the contact person and each coordinator (UANNA, UDORA)
// about AB-2, the weekly digests of Slusen (AB) and Lyngen (XY) with
// their charts, and a revisitation notice to UDORA about AB-1. It
// returns the messages and files about AB, as channel/ts and file IDs,
// and those about XY alone.
func postedWorld(t *testing.T) (e *slackEnv, abPosts, abFiles, xyPosts, xyFiles []string) {
	e = newSlackEnv(t)
	setupTeams(e) // Slusen in C1 (UANNA coordinator, AB with AB-1), Lyngen in C2 (XY)
	e.fake.setMembers("C1", "UANNA", "UDORA", "UBOT")
	e.slack.ForgetAll()
	cph := smallgoals.Location("Europe/Copenhagen")
	cal := reminders.NewCalendar()
	day := cal.NextWorkday(smallgoals.Day(time.Now(), cph).AddDate(0, 0, 1))
	for _, c := range []string{"koordinator @UDORA", "ny AB Gå en tur frist:" + smallgoals.FormatDate(day), "AB-1 5 b:7 MARKØR"} {
		if out := e.command("UANNA", "C1", c); !strings.Contains(out, "✅") && !strings.Contains(out, "UDORA") {
			t.Fatalf("%q: %s", c, out)
		}
	}
	e.command("UCARL", "C2", "XY-1 4")
	log := slog.New(slog.DiscardHandler)
	before := len(e.fake.postsCopy())
	rem := &reminders.Reminder{Store: e.db, Post: e.slack, Text: e.handler, Calendar: cal, Log: log,
		IsMember: func(ctx context.Context, team smallgoals.Team, user string) (bool, error) {
			return e.slack.IsMember(ctx, nil, team, user)
		}}
	if res, err := rem.Remind(context.Background(), time.Date(day.Year(), day.Month(), day.Day(), 9, 0, 0, 0, cph)); err != nil || res.DMs != 2 {
		t.Fatalf("reminders: %+v %v", res, err)
	}
	monday := day
	for monday.Weekday() != time.Monday || !cal.IsWorkday(monday) {
		monday = monday.AddDate(0, 0, 1)
	}
	dig := &reminders.Digester{Store: e.db, Post: e.slack, Text: e.handler, Calendar: cal, Log: log,
		Chart: func(string, []smallgoals.DigestGoal, string) ([]byte, error) { return []byte("png"), nil }}
	if res, err := dig.Digest(context.Background(), time.Date(monday.Year(), monday.Month(), monday.Day(), 9, 0, 0, 0, cph)); err != nil || res.Posted != 2 {
		t.Fatalf("digests: %+v %v", res, err)
	}
	e.slash("UANNA", "C1", "revider AB-1 -1 revisitation Borgeren ønsker et andet tilbud")
	posts := e.fake.postsCopy()[before:]
	if len(posts) != 5 {
		t.Fatalf("the bot posted %d messages, want 2 reminders, 2 digests and a notice: %+v", len(posts), posts)
	}
	for _, p := range posts {
		if p.Channel == "C2" {
			xyPosts = append(xyPosts, p.Channel+"/"+p.TS)
		} else {
			abPosts = append(abPosts, p.Channel+"/"+p.TS)
		}
	}
	files, _ := e.fake.filesCopy()
	for _, f := range files {
		if f.Channel == "C2" {
			xyFiles = append(xyFiles, f.ID)
		} else {
			abFiles = append(abFiles, f.ID)
		}
	}
	if len(abFiles) != 1 || len(xyFiles) != 1 {
		t.Fatalf("charts: %+v", files)
	}
	return e, abPosts, abFiles, xyPosts, xyFiles
}

// Erasing a borger deletes from Slack every message and file the bot
// posted about them — reminder DMs, the revisitation notice, the digest
// and its chart — and keeps no record of them; what is about other
// borgere only stays.
func TestEraseDeletesBotPosts(t *testing.T) {
	e, abPosts, abFiles, xyPosts, xyFiles := postedWorld(t)
	if !slices.ContainsFunc(storetest.Everything(t, e.raw), func(v storetest.Value) bool { return v.Text == "Gå en tur" }) {
		t.Fatal("the database scan cannot read an encrypted title") // else the scan below proves nothing
	}
	out := e.command("UANNA", "C1", "borger slet AB bekræft tving")
	if !strings.Contains(out, "er slettet") || !strings.Contains(out, "4 beskeder og 1 fil") {
		t.Errorf("erasure's answer: %s", out)
	}
	e.bot.Wait()
	unposted := e.fake.unpostedCopy()
	slices.Sort(unposted)
	slices.Sort(abPosts)
	if !slices.Equal(unposted, abPosts) {
		t.Errorf("chat.delete = %v, want the messages about AB %v (and not XY's %v)", unposted, abPosts, xyPosts)
	}
	if _, deleted := e.fake.filesCopy(); !slices.Equal(deleted, abFiles) {
		t.Errorf("files.delete = %v, want AB's chart %v (and not XY's %v)", deleted, abFiles, xyFiles)
	}
	for _, q := range []string{
		`SELECT count(*) FROM post_citizens pc WHERE $1 <> '' AND pc.citizen_id NOT IN (SELECT id FROM citizens)`,
		`SELECT count(*) FROM posts WHERE channel || '/' || ts = ANY(string_to_array($1, ' '))`,
		`SELECT count(*) FROM files WHERE id = ANY(string_to_array($1, ' '))`,
	} {
		if n := e.count(q, strings.Join(append(abPosts, abFiles...), " ")); n != 0 {
			t.Errorf("%s: %d records left", q, n)
		}
	}
	// Nothing kept holds AB's alias, refs, goal titles, note or
	// reflection — but the audit log, which keeps its events (refs
	// included, as documented).
	markers := []string{"Tage bussen alene", "Gå en tur", "MARKØR", "Borgeren ønsker et andet tilbud"}
	for _, v := range storetest.Everything(t, e.raw) {
		if v.Table == "audit_events" {
			continue
		}
		if v.Text == "AB" || strings.HasPrefix(v.Text, "AB-") || slices.ContainsFunc(markers, func(m string) bool { return strings.Contains(v.Text, m) }) {
			t.Errorf("after the erasure %s.%s holds %q", v.Table, v.Column, v.Text)
		}
	}
	// Nor does any message the bot posted that is still in Slack.
	for _, p := range e.fake.postsCopy() {
		if slices.Contains(unposted, p.Channel+"/"+p.TS) {
			continue
		}
		if strings.Contains(p.Text+p.Blocks, "AB-") || slices.ContainsFunc(markers, func(m string) bool { return strings.Contains(p.Text+p.Blocks, m) }) {
			t.Errorf("a message the bot posted about AB is still in Slack: %s %s", p.Channel, p.Text)
		}
	}
	// XY's digest and chart are still recorded, to go when XY is erased.
	if n := e.count(`SELECT count(*) FROM posts WHERE channel = 'C2'`); n != 1 {
		t.Errorf("XY's digest records = %d, want 1", n)
	}
	if n := e.count(`SELECT count(*) FROM files WHERE id = $1`, xyFiles[0]); n != 1 {
		t.Errorf("XY's chart records = %d, want 1", n)
	}
}

// With Slack failing during an erasure the erasure still happens, says
// what is not yet deleted from Slack, and keeps those deletions; the
// housekeeping job does them once Slack answers again — a message
// someone already deleted (message_not_found) counts as done.
func TestEraseWhileSlackFails(t *testing.T) {
	e, abPosts, abFiles, _, _ := postedWorld(t)
	e.fake.fault("chat.delete", -1, slackError("internal_error"))
	e.fake.fault("files.delete", -1, slackError("internal_error"))
	out := e.command("UANNA", "C1", "borger slet AB bekræft tving")
	if !strings.Contains(out, "er slettet") || !strings.Contains(out, "Endnu ikke slettet fra Slack: 4 beskeder og 1 fil") ||
		strings.Contains(out, "Slettet fra Slack") {
		t.Errorf("erasure's answer with Slack failing: %s", out)
	}
	e.bot.Wait()
	if n := e.count(`SELECT count(*) FROM citizens WHERE alias = 'AB'`); n != 0 {
		t.Fatalf("AB was not erased")
	}
	if n := e.count(`SELECT count(*) FROM posts WHERE delete_at IS NOT NULL`); n != len(abPosts) {
		t.Errorf("pending message deletions = %d, want %d", n, len(abPosts))
	}
	if n := e.count(`SELECT count(*) FROM post_citizens pc JOIN posts p USING (channel, ts) WHERE p.delete_at IS NOT NULL`); n != 0 {
		t.Errorf("pending deletions still linked to borgere: %d", n)
	}
	jobs := &reminders.Jobs{Store: e.db, Files: e.slack, Posts: e.db, Messages: e.slack, Log: slog.New(slog.DiscardHandler)}
	// Slack still down: nothing is lost.
	if r, err := jobs.Unpost(context.Background(), time.Now()); err != nil || r.Failed != len(abPosts) || r.Deleted != 0 {
		t.Fatalf("housekeeping with Slack down: %+v %v", r, err)
	}
	// Slack is back; one message someone had deleted by hand already.
	e.fake.mu.Lock()
	delete(e.fake.fail, "chat.delete")
	delete(e.fake.fail, "files.delete")
	e.fake.mu.Unlock()
	e.fake.fault("chat.delete", 1, slackError("message_not_found"))
	r, err := jobs.Unpost(context.Background(), time.Now())
	if err != nil || r.Deleted != len(abPosts) || r.Failed != 0 {
		t.Fatalf("housekeeping with Slack back: %+v %v", r, err)
	}
	if _, err := jobs.Retention(context.Background(), time.Now()); err != nil {
		t.Fatal(err)
	}
	// The fake records the deletions it did: all of AB's but the one
	// already gone.
	unposted := e.fake.unpostedCopy()
	if len(unposted) != len(abPosts)-1 || slices.ContainsFunc(unposted, func(p string) bool { return !slices.Contains(abPosts, p) }) {
		t.Errorf("chat.delete after Slack came back = %v, want all but one of %v", unposted, abPosts)
	}
	if _, deleted := e.fake.filesCopy(); !slices.Equal(deleted, abFiles) {
		t.Errorf("files.delete after Slack came back = %v, want %v", deleted, abFiles)
	}
	if n := e.count(`SELECT count(*) FROM posts WHERE channel <> 'C2'`); n != 0 {
		t.Errorf("message records left: %d", n)
	}
	if n := e.count(`SELECT count(*) FROM files WHERE id = $1`, abFiles[0]); n != 0 {
		t.Errorf("AB's chart still recorded")
	}
	// Done is done: the next run has nothing to do.
	if r, err := jobs.Unpost(context.Background(), time.Now()); err != nil || r.Deleted+r.Failed != 0 {
		t.Errorf("housekeeping again: %+v %v", r, err)
	}
}

// An erasure republishes every App Home kept fresh, so that no colleague's
// Home tab keeps the erased borger in the view Slack stores.
func TestEraseRepublishesAppHomes(t *testing.T) {
	e, _, _, _, _ := postedWorld(t)
	openHome(e, "UDORA", "EvHomeDora")
	e.fake.setMembers("C2", "UCARL", "UBOT") // Lyngen's: not on AB's team
	openHome(e, "UCARL", "EvHomeCarl")
	carl := publishes(e.fake, "UCARL")
	showsAB := func(view string) bool { return strings.Contains(view, "AB-") || strings.Contains(view, "Slusen: AB") }
	if home := e.fake.lastHome(t, "UDORA"); !showsAB(home.View) {
		t.Fatalf("UDORA's App Home before the erasure does not show AB: %s", home.View)
	}
	if out := e.command("UANNA", "C1", "borger slet AB bekræft tving"); !strings.Contains(out, "er slettet") {
		t.Fatalf("erasure's answer: %s", out)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		e.bot.Wait()
		home := e.fake.lastHome(t, "UDORA")
		if !showsAB(home.View) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("UDORA's App Home after the erasure still shows AB: %s", home.View)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// Only AB's team's Homes: views.publish is rate-limited.
	if n := publishes(e.fake, "UCARL") - carl; n != 0 {
		t.Errorf("a Home of another team published %d times after the erasure", n)
	}
}

// An App Home rendered before an erasure and published after the
// erasure's own refresh of it does not stay: the refresh rendered after
// the erasure is published last, so no colleague's Home tab keeps the
// erased borger.
func TestHomeRenderedBeforeErasure(t *testing.T) {
	e, _, _, _, _ := postedWorld(t)
	openHome(e, "UDORA", "EvHomeDora")
	showsAB := func(view string) bool { return strings.Contains(view, "AB-") || strings.Contains(view, "Slusen: AB") }
	// UDORA's score refreshes her Home: rendered with AB, and Slack slow
	// to take it.
	e.fake.setLatency(0, "views.publish", time.Second)
	start := time.Now()
	if out := e.command("UDORA", "C1", "AB-1 6"); !strings.Contains(out, "✅") {
		t.Fatalf("UDORA's score: %s", out)
	}
	for deadline := time.Now().Add(10 * time.Second); !slices.ContainsFunc(e.fake.callsSince(start),
		func(c fakeCall) bool { return c.Method == "views.publish" }); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("UDORA's App Home was not refreshed after her score")
		}
	}
	// Meanwhile AB is erased, and the erasure's refresh of her Home
	// reaches Slack first.
	e.fake.setLatency(0)
	if out := e.command("UANNA", "C1", "borger slet AB bekræft tving"); !strings.Contains(out, "er slettet") {
		t.Fatalf("erasure's answer: %s", out)
	}
	// Once every refresh is done, the last view published shows no AB.
	for n := -1; n != publishes(e.fake, "UDORA"); {
		n = publishes(e.fake, "UDORA")
		time.Sleep(300 * time.Millisecond) // a notification from PostgreSQL may still start one
		e.bot.Wait()
	}
	if home := e.fake.lastHome(t, "UDORA"); showsAB(home.View) {
		t.Errorf("UDORA's App Home after the erasure shows AB: %s", home.View)
	}
}

// A confirmation sent as a DM — a form opened from App Home has no
// channel to show it in — stays in Slack, so it is recorded with its
// borger, and erasing the borger deletes it.
func TestEraseDeletesDMdConfirmations(t *testing.T) {
	e := newSlackEnv(t)
	setupTeams(e)
	e.slash("UANNA", "C1", "ny AB")
	_, meta, _ := view(t, e.fake.lastView(t, "views.update").View)
	var m map[string]any
	if err := json.Unmarshal([]byte(meta), &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "ch") // as from App Home
	noChannel, _ := json.Marshal(m)
	before := len(e.fake.postsCopy())
	text := func(v string) map[string]any { return map[string]any{"value": v} }
	if _, resp := e.interact(viewPayload("view_submission", "V9", string(noChannel), nil, map[string]any{
		"title": map[string]any{"title": text("Smører selv madpakke")}, "every": map[string]any{"every": text("14")},
	})); !strings.Contains(resp, "clear") {
		t.Fatalf("new goal: %s", resp)
	}
	posts := e.fake.postsCopy()[before:]
	if len(posts) != 1 || !strings.Contains(posts[0].Blocks, "Smører selv madpakke") || !strings.HasPrefix(posts[0].Channel, "D") {
		t.Fatalf("the confirmation as a DM: %+v", posts)
	}
	if out := e.command("UANNA", "C1", "borger slet AB bekræft tving"); !strings.Contains(out, "er slettet") {
		t.Fatalf("erasure's answer: %s", out)
	}
	e.bot.Wait()
	if got := e.fake.unpostedCopy(); !slices.Contains(got, posts[0].Channel+"/"+posts[0].TS) {
		t.Errorf("the DM'd confirmation was not deleted: deleted %v", got)
	}
	if n := e.count(`SELECT count(*) FROM posts`); n != 0 {
		t.Errorf("%d posts still recorded after the erasure", n)
	}
}
