package bot_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"smallgoals"
	"smallgoals/reminders"
)

// The weekly digest through our Slack code: a private channel gets the
// digest and its chart; a public one counts only, without a chart.
func TestDigestToSlack(t *testing.T) {
	e := newSlackEnv(t)
	setupTeams(e) // Slusen in C1, Lyngen in C2
	e.command("UANNA", "C1", "AB-1 5 b:9 MARKØR")
	e.fake.mu.Lock()
	e.fake.public = map[string]bool{"C2": true}
	e.fake.mu.Unlock()
	res, err := nextMondaysDigest(e)
	if err != nil || res.Posted != 1 || res.CountsOnly != 1 {
		t.Fatalf("digest: %+v %v", res, err)
	}
	posts := e.fake.postsCopy()
	if len(posts) != 2 {
		t.Fatalf("posts = %+v", posts)
	}
	for _, p := range posts {
		switch p.Channel {
		case "C1":
			if !strings.Contains(p.Blocks, "AB-1") || strings.Contains(p.Blocks, "MARKØR") {
				t.Errorf("private digest: %s", p.Blocks)
			}
		case "C2":
			if strings.Contains(p.Blocks, "XY-1") || !strings.Contains(p.Blocks, "offentlig") {
				t.Errorf("public digest: %s", p.Blocks)
			}
		}
	}
	files, _ := e.fake.filesCopy()
	if len(files) != 1 || files[0].Channel != "C1" {
		t.Errorf("chart files = %+v", files)
	}
}

// A private channel with a guest, or someone from another organisation,
// in it gets the digest as counts only, as a public one: they would read
// its aliases and figures, though the bot answers them nothing.
func TestDigestWithOutsidersCountsOnly(t *testing.T) {
	for name, outsider := range map[string]func(e *slackEnv){
		"guest":              func(e *slackEnv) { e.fake.guests["UGUEST"] = true },
		"other organisation": func(e *slackEnv) { e.fake.homeTeam["UGUEST"] = "T9" },
	} {
		t.Run(name, func(t *testing.T) {
			e := newSlackEnv(t)
			setupTeams(e) // Slusen in C1
			e.command("UANNA", "C1", "AB-1 5 b:9")
			e.fake.mu.Lock()
			if e.fake.homeTeam == nil {
				e.fake.homeTeam = map[string]string{}
			}
			outsider(e)
			e.fake.mu.Unlock()
			e.fake.setMembers("C1", "UANNA", "UBOT", "UGUEST")
			e.slack.ForgetAll()
			if res, err := nextMondaysDigest(e); err != nil || res.CountsOnly < 1 {
				t.Fatalf("digest: %+v %v", res, err)
			}
			for _, p := range e.fake.postsCopy() {
				if p.Channel == "C1" && (strings.Contains(p.Blocks, "AB-1") || !strings.Contains(p.Blocks, "gæster")) {
					t.Errorf("digest in a channel with an outsider: %s", p.Blocks)
				}
			}
			files, _ := e.fake.filesCopy()
			for _, f := range files {
				if f.Channel == "C1" {
					t.Errorf("a chart in a channel with an outsider: %+v", f)
				}
			}
		})
	}
}

// nextMondaysDigest runs the digest job at 9:00 next Monday through our
// Slack code, charts as stand-in PNGs.
func nextMondaysDigest(e *slackEnv) (reminders.DigestResult, error) {
	d := &reminders.Digester{Store: e.db, Post: e.slack, Text: e.handler, Calendar: reminders.NewCalendar(),
		Log: slog.New(slog.DiscardHandler), Chart: func(string, []smallgoals.DigestGoal, string) ([]byte, error) { return []byte("png"), nil }}
	monday := time.Now().AddDate(0, 0, 1)
	for monday.Weekday() != time.Monday {
		monday = monday.AddDate(0, 0, 1)
	}
	return d.Digest(context.Background(), time.Date(monday.Year(), monday.Month(), monday.Day(), 9, 0, 0, 0, smallgoals.Location("Europe/Copenhagen")))
}
