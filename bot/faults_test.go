package bot_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
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
