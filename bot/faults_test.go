package bot_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"smallgoals"
	"smallgoals/bot"
	"smallgoals/commands"
	"smallgoals/reminders"
)

// A 429 from conversations.members is waited out (Retry-After) and the
// call tried again: the command is answered as if Slack had not been busy.
func TestMembersRateLimitedIsRetried(t *testing.T) {
	e := newSlackEnv(t)
	e.bot.AckWithin = 10 * time.Second // the answer in the body, after the retry
	e.fake.setMembers("C1", "UANNA")
	e.command("UANNA", "C1", "team opret Slusen")
	e.slack.ForgetMembers("C1")
	before := e.fake.called("conversations.members")
	e.fake.fault("conversations.members", 1, rateLimited("1"))
	start := time.Now()
	if got := e.command("UANNA", "C1", "borger ny AB"); !strings.Contains(got, "✅") {
		t.Fatalf("answer after one 429: %s", got)
	}
	if d := time.Since(start); d < 900*time.Millisecond {
		t.Errorf("retried after %v, before Retry-After", d)
	}
	if n := e.fake.called("conversations.members") - before; n != 2 {
		t.Errorf("conversations.members called %d times, want 2 (the 429 and the retry)", n)
	}
	if n := e.count(`SELECT count(*) FROM citizens`); n != 1 {
		t.Errorf("citizens = %d, want 1", n)
	}
}

// While Slack stays busy, the members are asked for a few times within
// about two seconds; then the command fails and saves nothing.
func TestMembersRateLimitGivesUp(t *testing.T) {
	e := newSlackEnv(t)
	e.fake.setMembers("C1", "UANNA")
	e.command("UANNA", "C1", "team opret Slusen")
	e.slack.ForgetMembers("C1")
	before := e.fake.called("conversations.members")
	e.fake.fault("conversations.members", -1, rateLimited("1"))
	e.slash("UANNA", "C1", "borger ny AB") // answered late, through response_url
	if n := e.fake.called("conversations.members") - before; n != 3 {
		t.Errorf("conversations.members called %d times, want 3", n)
	}
	rs := e.fake.responsesCopy()
	if len(rs) != 1 || !strings.Contains(rs[0]["text"].(string), "intet er gemt") {
		t.Fatalf("response_url got %v, want that nothing was saved", rs)
	}
	if n := e.count(`SELECT count(*) FROM citizens`); n != 0 {
		t.Errorf("citizens = %d, want 0", n)
	}
}

// No wait longer than the bound, and none past the caller's deadline: the
// 429 is the answer at once.
func TestMembersRateLimitWaitsNoLongerThanAllowed(t *testing.T) {
	e := newSlackEnv(t)
	e.fake.setMembers("C1", "UANNA")
	for name, tc := range map[string]struct {
		retryAfter string
		timeout    time.Duration
	}{
		"Retry-After beyond the bound": {"30", time.Minute},
		"deadline before Retry-After":  {"1", 300 * time.Millisecond},
	} {
		t.Run(name, func(t *testing.T) {
			e.slack.ForgetMembers("C1")
			e.fake.fault("conversations.members", -1, rateLimited(tc.retryAfter))
			before := e.fake.called("conversations.members")
			ctx, cancel := context.WithTimeout(context.Background(), tc.timeout)
			defer cancel()
			_, err := e.slack.IsChannelMember(ctx, "C1", "UANNA")
			if err == nil || errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "rate limit") {
				t.Errorf("err = %v, want Slack's rate limit at once", err)
			}
			if n := e.fake.called("conversations.members") - before; n != 1 {
				t.Errorf("conversations.members called %d times, want 1", n)
			}
		})
	}
}

// counter is a counter's value now: name{labels}, labels as name, value
// pairs; 0 if it was never counted.
func counter(t *testing.T, name string, labels ...string) float64 {
	t.Helper()
	mfs, err := prometheus.DefaultGatherer.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	metrics:
		for _, m := range mf.GetMetric() {
			have := map[string]string{}
			for _, l := range m.GetLabel() {
				have[l.GetName()] = l.GetValue()
			}
			for i := 0; i+1 < len(labels); i += 2 {
				if have[labels[i]] != labels[i+1] {
					continue metrics
				}
			}
			return m.GetCounter().GetValue()
		}
	}
	return 0
}

// slackCalls is smallgoals_slack_calls_total{method, outcome} now.
func slackCalls(t *testing.T, method, outcome string) float64 {
	t.Helper()
	return counter(t, "smallgoals_slack_calls_total", "method", method, "outcome", outcome)
}

// Slack's ok:false with HTTP 200 counts as an error (slack_error) in
// smallgoals_slack_calls_total, not as ok; the caller still reads Slack's
// whole answer, however long.
func TestMetricsCountSlackErrors(t *testing.T) {
	e := newSlackEnv(t)
	ctx := context.Background()
	const method = "conversations.info"
	padding := strings.Repeat("x", 200<<10) // beyond any look-ahead
	for _, tc := range []struct {
		name    string
		answer  http.HandlerFunc
		outcome string
		wantErr string // "": the channel is read as private
	}{
		{"ok:false", slackError("invalid_auth"), "slack_error", "invalid_auth"},
		{"long ok:false", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			io.WriteString(w, `{"ok":false,"error":"not_authed","padding":"`+padding+`"}`)
		}, "slack_error", "not_authed"},
		{"long ok:true", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			io.WriteString(w, `{"ok":true,"padding":"`+padding+`","channel":{"id":"C1","is_private":true}}`)
		}, "ok", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			okBefore, errBefore := slackCalls(t, method, "ok"), slackCalls(t, method, "slack_error")
			e.fake.fault(method, 1, tc.answer)
			private, err := e.slack.IsPrivate(ctx, "C1")
			switch {
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("err = %v, want Slack's %s: the answer must reach the caller", err, tc.wantErr)
			case tc.wantErr == "" && (err != nil || !private):
				t.Errorf("private, err = %v, %v, want true, nil: the answer must reach the caller whole", private, err)
			}
			wantOK, wantErr := 1.0, 0.0
			if tc.outcome == "slack_error" {
				wantOK, wantErr = 0, 1
			}
			okDelta, errDelta := slackCalls(t, method, "ok")-okBefore, slackCalls(t, method, "slack_error")-errBefore
			if okDelta != wantOK || errDelta != wantErr {
				t.Errorf("counted ok +%v, slack_error +%v; want ok +%v, slack_error +%v", okDelta, errDelta, wantOK, wantErr)
			}
		})
	}
}

// A file Slack does not take (ok:false, or 429 until the retries are
// spent) is not reported as sent: the user is told it was not sent and to
// try again, nothing is recorded (no file, no export), and the failure is
// counted and logged without the token. Trying again then works.
func TestFileNotTakenIsNotReportedSent(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		method     string // the call that fails
		times      int
		answer     http.HandlerFunc
		outcome    string // its smallgoals_slack_calls_total outcome
		id         string // the command's ID in smallgoals_commands_total
	}{
		{"export refused", "eksport AB", "files.completeUploadExternal", 1, slackError("invalid_auth"), "slack_error", "export"},
		{"chart rate limited", "graf AB-1", "files.getUploadURLExternal", 3, rateLimited("1"), "rate_limited", "chart"},
		{"access log refused", "adgangslog AB", "files.completeUploadExternal", 1, slackError("not_allowed_token_type"), "slack_error", "audit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newSlackEnv(t)
			e.bot.AckWithin = 10 * time.Second // the answer in the body, after the retries
			e.fake.setMembers("C1", "UANNA")
			for _, c := range []string{"team opret Slusen", "borger ny AB", "ny AB Titel", "AB-1 5"} {
				e.command("UANNA", "C1", c)
			}
			calls := slackCalls(t, tc.method, tc.outcome)
			failed := counter(t, "smallgoals_commands_total", "command", tc.id, "outcome", "failed")
			e.fake.fault(tc.method, tc.times, tc.answer)
			got := e.command("UANNA", "C1", tc.text)
			e.bot.Wait()
			if strings.Contains(got, "er sendt") || !strings.Contains(got, "kunne ikke sende") || !strings.Contains(got, "Prøv igen") {
				t.Errorf("answer when Slack did not take the file: %s", got)
			}
			if files, _ := e.fake.filesCopy(); len(files) != 0 {
				t.Errorf("%d files shared, the first %s: a reply's files stop at the first Slack does not take", len(files), files[0].Name)
			}
			if n := e.count(`SELECT count(*) FROM files`); n != 0 {
				t.Errorf("file records = %d, want 0", n)
			}
			if n := e.count(`SELECT count(*) FROM citizens WHERE exported_at IS NOT NULL`); n != 0 {
				t.Errorf("the citizen is marked exported, but nothing was sent")
			}
			if d := slackCalls(t, tc.method, tc.outcome) - calls; d < 1 {
				t.Errorf("smallgoals_slack_calls_total{method=%q,outcome=%q} +%v", tc.method, tc.outcome, d)
			}
			if d := counter(t, "smallgoals_commands_total", "command", tc.id, "outcome", "failed") - failed; d != 1 {
				t.Errorf("smallgoals_commands_total{command=%q,outcome=\"failed\"} +%v, want +1", tc.id, d)
			}
			if logs := e.logs.String(); !strings.Contains(logs, "file not sent") || strings.Contains(logs, testToken) {
				t.Errorf("logs lack the failure or hold the token:\n%s", logs)
			}

			before := time.Now()
			got = e.command("UANNA", "C1", tc.text)
			e.bot.Wait()
			if !strings.Contains(got, "sendt") || strings.Contains(got, "kunne ikke") {
				t.Errorf("answer when trying again: %s", got)
			}
			// When Slack will remove the file(s): the clock plus the TTL.
			cph, _ := time.LoadLocation("Europe/Copenhagen")
			told := false
			for _, at := range []time.Time{before, time.Now()} {
				told = told || strings.Contains(got, "slettes igen "+at.Add(bot.DefaultFileTTL).In(cph).Format("02.01.2006 kl. 15.04"))
			}
			if !told {
				t.Errorf("the answer does not say when the file goes: %s", got)
			}
			if files, _ := e.fake.filesCopy(); len(files) == 0 {
				t.Errorf("no file shared when trying again")
			}
			if n := e.count(`SELECT count(*) FROM citizens WHERE exported_at IS NOT NULL`); (n == 1) != (tc.id == "export") {
				t.Errorf("citizens marked exported = %d after %s", n, tc.text)
			}
		})
	}
}

// In the shell, a file that cannot be written is not reported as written:
// the reply reads as its FilesDone says for a failure, and no path is
// printed. One that is written is reported as sent.
func TestShellFileNotWritten(t *testing.T) {
	blocked := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(blocked, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, dir string
		sent      bool
	}{
		{"written", t.TempDir(), true},
		{"not written", filepath.Join(blocked, "files"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var told []bool
			h := handlerFunc(func(context.Context, commands.Request) commands.Reply {
				return commands.Reply{
					Blocks: []commands.Block{{Kind: commands.Section, Text: "sendt"}},
					Files:  []commands.File{{Name: "graf.png", Data: []byte("png")}},
					FilesDone: func(_ context.Context, sent bool, _ time.Time) []commands.Block {
						told = append(told, sent)
						if sent {
							return []commands.Block{{Kind: commands.Section, Text: "sendt"}}
						}
						return []commands.Block{{Kind: commands.Section, Text: "ikke sendt"}}
					},
				}
			})
			var out strings.Builder
			sh := &bot.Shell{Handler: h, In: strings.NewReader("/maal graf AB-1\n"), Out: &out, FilesDir: tc.dir}
			if err := sh.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
			if len(told) != 1 || told[0] != tc.sent {
				t.Errorf("FilesDone told %v, want [%v]", told, tc.sent)
			}
			if got := out.String(); strings.Contains(got, "📎") != tc.sent || strings.Contains(got, "ikke sendt") == tc.sent {
				t.Errorf("output = %q", got)
			}
		})
	}
}

// team opret refuses a DM or a group DM (a team is a unit's channel) and a
// channel the bot is not in (it could neither see who is on the team nor
// post the digest there), and creates nothing. It learns which is which
// from conversations.info, not from the channel ID; without im:read or
// mpim:read, Slack's missing_scope for them says the same.
func TestTeamCreateNeedsAChannelWithTheBot(t *testing.T) {
	e := newSlackEnv(t)
	e.fake.mu.Lock()
	e.fake.dms = map[string]string{"DANNA": "im", "GANNA": "mpim"}
	e.fake.public = map[string]bool{"CPUBLIC": true, "C1": true}
	e.fake.outside = map[string]bool{"CPUBLIC": true}
	e.fake.notFound = map[string]bool{"GPRIVATE": true}
	e.fake.mu.Unlock()
	for _, ch := range []string{"DANNA", "GANNA", "DNOSCOPE", "GNOSCOPE", "CPUBLIC", "GPRIVATE", "C1"} {
		e.fake.setMembers(ch, "UANNA", "UBOT")
	}
	for _, tc := range []struct {
		name, channel string
		fault         http.HandlerFunc // conversations.info's answer, if not the fake's own
		want          string
	}{
		{"DM", "DANNA", nil, "direkte besked"},
		{"group DM", "GANNA", nil, "gruppebesked"},
		{"DM without im:read", "DNOSCOPE", slackError("missing_scope", "needed", "im:read"), "direkte besked"},
		{"group DM without mpim:read", "GNOSCOPE", slackError("missing_scope", "needed", "mpim:read"), "gruppebesked"},
		{"public channel without the bot", "CPUBLIC", nil, "/invite @smaamaal"},
		{"private channel without the bot", "GPRIVATE", nil, "/invite @smaamaal"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.fault != nil {
				e.fake.fault("conversations.info", 1, tc.fault)
			}
			before := e.fake.called("conversations.info")
			got := e.command("UANNA", tc.channel, "team opret Slusen")
			if !strings.Contains(got, tc.want) || strings.Contains(got, "✅") {
				t.Errorf("answer in %s: %s", tc.channel, got)
			}
			if e.fake.called("conversations.info") == before {
				t.Error("conversations.info was not asked")
			}
			if n := e.count(`SELECT count(*) FROM teams`); n != 0 {
				t.Fatalf("teams = %d, want 0", n)
			}
		})
	}
	if got := e.command("UANNA", "C1", "team opret Slusen"); !strings.Contains(got, "✅") {
		t.Errorf("answer in a channel the bot is in: %s", got)
	}
}

// A revisitation's notice to a coordinator that Slack refuses is not
// lost: the reminder job sends it once Slack takes it again, and only
// once.
func TestRevisitNoticeRetried(t *testing.T) {
	e := newSlackEnv(t)
	setupTeams(e) // Slusen in C1: UANNA coordinator
	e.fake.setMembers("C1", "UANNA", "UDORA", "UBOT")
	e.slack.ForgetAll()
	if out := e.command("UANNA", "C1", "koordinator @UDORA"); !strings.Contains(out, "UDORA") {
		t.Fatalf("koordinator: %s", out)
	}
	e.fake.fault("chat.postMessage", -1, slackError("internal_error"))
	e.slash("UANNA", "C1", "revider AB-1 -1 revisitation Borgeren ønsker et andet tilbud")
	if dms := e.postsTo("DUDORA"); len(dms) != 0 {
		t.Fatalf("a refused notice was posted: %+v", dms)
	}
	if n := e.count(`SELECT count(*) FROM outbox WHERE kind = 'notice' AND status = 'failed'`); n != 1 {
		t.Fatalf("%d failed notices recorded, want 1", n)
	}
	e.fake.mu.Lock()
	delete(e.fake.fail, "chat.postMessage")
	e.fake.mu.Unlock()
	rem := &reminders.Reminder{Store: e.db, Post: e.slack, Text: e.handler, Calendar: reminders.NewCalendar(), Log: slog.New(slog.DiscardHandler),
		IsMember: func(ctx context.Context, team smallgoals.Team, user string) (bool, error) {
			return e.slack.IsMember(ctx, nil, team, user)
		}}
	for _, after := range []time.Duration{time.Minute, 6 * time.Minute, 30 * time.Minute} {
		if _, err := rem.Remind(context.Background(), time.Now().Add(after)); err != nil {
			t.Fatal(err)
		}
	}
	dms := e.postsTo("DUDORA")
	if len(dms) != 1 || !strings.Contains(dms[0].Blocks, "AB-1") || !strings.Contains(dms[0].Blocks, "revisitation") {
		t.Fatalf("the coordinator's notices after Slack came back: %+v", dms)
	}
	if n := e.count(`SELECT count(*) FROM outbox WHERE kind = 'notice' AND status = 'sent'`); n != 1 {
		t.Errorf("%d notices recorded sent, want 1", n)
	}
}

// Under overload the work being done is bounded (MaxWork): beyond it a
// form submission and a command are answered at once that the bot is
// busy and nothing was saved — not left waiting on the database, piling
// up goroutines — and nothing of theirs is stored.
func TestBusyBeyondMaxWork(t *testing.T) {
	e := newSlackEnv(t)
	e.bot.MaxWork = 1 // before any request: the bound is set on the first
	ab, ab1 := setupTeams(e)
	e.bot.AckWithin = 200 * time.Millisecond
	before := e.count(`SELECT count(*) FROM entries`)
	e.stall("entries", 3*time.Second) // the first save waits for the database
	meta := fmt.Sprintf(`{"k":"log","ch":"C1","c":%d,"g":%d}`, ab, ab1)
	score := func(n string) map[string]any {
		return map[string]any{fmt.Sprintf("score-%d", ab1): map[string]any{"score": map[string]any{"type": "radio_buttons", "selected_option": map[string]any{"value": n}}}}
	}
	first := make(chan string, 1)
	go func() {
		_, resp := e.interact(viewPayload("view_submission", "V1", meta, nil, score("5")))
		first <- resp
	}()
	e.waitLocked("entries") // its save waits for the database, holding the one place
	if out := e.command("UANNA", "C1", "AB-1 7"); !strings.Contains(out, "travlt") {
		t.Errorf("a command beyond MaxWork: %s", out)
	}
	// (interact waits for the bot's work: the first save is done after it.)
	_, resp := e.interact(viewPayload("view_submission", "V2", meta, nil, score("6")))
	if !strings.Contains(resp, "travlt") || !strings.Contains(resp, "intet er gemt") {
		t.Errorf("a submission beyond MaxWork: %s", resp)
	}
	if resp := <-first; !strings.Contains(resp, "clear") {
		t.Errorf("the first submission: %s", resp)
	}
	e.bot.Wait()
	if n := e.count(`SELECT count(*) FROM entries`) - before; n != 1 {
		t.Errorf("entries stored = %d, want the first submission's only", n)
	}
	// Free again: work goes through.
	if out := e.command("UANNA", "C1", "AB-1 7"); !strings.Contains(out, "✅") {
		t.Errorf("a command once the work is done: %s", out)
	}
}

// A saved form's confirmation holds its place of MaxWork until it is
// posted, as a command's late answer does: under overload, or with Slack
// slow to take the confirmations, the work waiting on Slack is bounded
// too, instead of piling up goroutines and memory (790 MB at 4,500 forms
// a second before), and a submission beyond it is answered that the bot
// is busy.
func TestConfirmationHoldsItsPlace(t *testing.T) {
	e := newSlackEnv(t)
	e.bot.MaxWork = 1
	ab, ab1 := setupTeams(e)
	before := e.count(`SELECT count(*) FROM entries`)
	e.fake.setLatency(0, "chat.postEphemeral", 2*time.Second)
	meta := fmt.Sprintf(`{"k":"log","ch":"C1","c":%d,"g":%d}`, ab, ab1)
	score := func(n string) map[string]any {
		return map[string]any{fmt.Sprintf("score-%d", ab1): map[string]any{"score": map[string]any{"type": "radio_buttons", "selected_option": map[string]any{"value": n}}}}
	}
	start := time.Now()
	if _, resp := e.interactNow(viewPayload("view_submission", "V1", meta, nil, score("5"))); !strings.Contains(resp, "clear") {
		t.Fatalf("the first submission: %s", resp)
	}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if slices.ContainsFunc(e.fake.callsSince(start), func(c fakeCall) bool { return c.Method == "chat.postEphemeral" }) {
			break // the first confirmation is on its way, Slack slow to take it
		}
		if time.Now().After(deadline) {
			t.Fatal("the first submission was not confirmed")
		}
	}
	_, resp := e.interactNow(viewPayload("view_submission", "V2", meta, nil, score("6")))
	if !strings.Contains(resp, "travlt") || !strings.Contains(resp, "intet er gemt") {
		t.Errorf("a submission while the first is being confirmed, beyond MaxWork: %s", resp)
	}
	e.bot.Wait()
	if n := e.count(`SELECT count(*) FROM entries`) - before; n != 1 {
		t.Errorf("entries stored = %d, want the first submission's only", n)
	}
	if eph := e.fake.ephemeralCopy(); len(eph) != 1 {
		t.Errorf("confirmations = %d, want the first submission's", len(eph))
	}
	// Confirmed: the place is free again.
	e.fake.setLatency(0)
	if _, resp := e.interact(viewPayload("view_submission", "V3", meta, nil, score("6"))); !strings.Contains(resp, "clear") {
		t.Errorf("a submission once the first is confirmed: %s", resp)
	}
}
