package bot_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// A 429 from conversations.members is waited out (Retry-After) and the
// call tried again: the command is answered as if Slack had not been busy.
func TestMembersRateLimitedIsRetried(t *testing.T) {
	e := newSlackEnv(t)
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

// slackCalls is smallgoals_slack_calls_total{method, outcome} now.
func slackCalls(t *testing.T, method, outcome string) float64 {
	t.Helper()
	mfs, err := prometheus.DefaultGatherer.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "smallgoals_slack_calls_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["method"] == method && labels["outcome"] == outcome {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
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
