package bot_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"smallgoals/bot"
	"smallgoals/commands"
	"smallgoals/store/storetest"
)

// Signed commands over HTTP give the same results as in the shell, as
// ephemeral Block Kit answers.
func TestHTTPCommands(t *testing.T) {
	e := newSlackEnv(t)
	e.fake.setMembers("C1", "UANNA", "UCARL", "UBOT")
	e.fake.locales["UBO"] = "en-US"

	steps := []struct{ user, channel, text, want string }{
		{"UANNA", "C1", "team opret Slusen", "Kanalen er nu oprettet som teamet Slusen"},
		{"UANNA", "C1", "borger ny AB", "Borger AB er oprettet"},
		{"UANNA", "C1", "ny AB Tage bussen alene til arbejde", "Lille mål AB-1 oprettet"},
		{"UANNA", "C1", "AB-1 4 b:6 Tog bussen med støtte", "Registreret på AB-1: personale 4 · borger 6"},
		{"UANNA", "C1", "AB-1 11", "skriv et helt tal fra 1 til 10"},
		{"UANNA", "C1", "AB-1 5 Ringede 010190-1234 i dag", "CPR-nummer"},
		{"UANNA", "C1", "AB", "personale 4 · borger 6"},
		{"UANNA", "C1", "vis AB-1", "Tog bussen med støtte"},
		{"UANNA", "C1", "revider AB-1 +1 fortsættes Gik bedre end ventet", "GAS +1 · fortsættes"},
		{"UCARL", "C1", "AB-1 7 a &lt; b &amp; c", "Registreret på AB-1: personale 7"},
		{"UANNA", "C1", "team", "@UCARL"},
		{"UBO", "C2", "AB-1 5", "There is no goal AB-1"},
		{"UBO", "C2", "help", "how to use me"},
	}
	for _, s := range steps {
		got := e.command(s.user, s.channel, s.text)
		if !strings.Contains(bot.PlainText(got), s.want) && !strings.Contains(got, s.want) {
			t.Errorf("%s %q:\n%s\nwant %q", s.user, s.text, got, s.want)
		}
	}
	if n := e.count(`SELECT count(*) FROM entries`); n != 2 {
		t.Errorf("entries = %d, want 2", n)
	}
	if notes := storetest.Plaintexts(t, e.raw, "entries.note", `SELECT note, key_id FROM entries WHERE staff_score = 7`); len(notes) != 1 || notes[0] != "a < b & c" {
		t.Errorf("the escaped note was not stored as typed")
	}
	if n := e.count(`SELECT count(*) FROM team_members WHERE user_id = 'UANNA' AND coordinator`); n != 1 {
		t.Errorf("creator is not coordinator")
	}
	// Membership was read from Slack, pages and all, and cached.
	if n := e.fake.called("conversations.members"); n == 0 || n > 6 {
		t.Errorf("conversations.members called %d times", n)
	}
	for _, leak := range []string{"Tog bussen", "Gik bedre", "010190", testToken, testSecret} {
		if strings.Contains(e.logs.String(), leak) {
			t.Errorf("logs hold %q", leak)
		}
	}
}

// A guest (restricted user) in the channel is never a member.
func TestHTTPGuestIsNotAMember(t *testing.T) {
	e := newSlackEnv(t)
	e.fake.setMembers("C1", "UANNA", "UGUEST")
	e.fake.guests["UGUEST"] = true
	e.command("UANNA", "C1", "team opret Slusen")
	e.command("UANNA", "C1", "borger ny AB")
	e.command("UANNA", "C1", "ny AB Tage bussen")
	if got := e.command("UGUEST", "C1", "AB-1 5"); !strings.Contains(got, "Der er intet mål AB-1") {
		t.Errorf("guest answer: %s", got)
	}
	if got := e.command("UGUEST", "C1", "AB"); strings.Contains(got, "Tage bussen") {
		t.Errorf("guest sees the goals: %s", got)
	}
	if n := e.count(`SELECT count(*) FROM entries`); n != 0 {
		t.Errorf("guest stored %d entries", n)
	}
	if n := e.count(`SELECT count(*) FROM audit_events WHERE actor = 'UGUEST' AND NOT allowed`); n < 2 {
		t.Errorf("guest refusals audited %d times, want 2", n)
	}
}

// A member of a Slack Connect channel from another organisation is not
// staff, nor is one Slack calls a stranger; a colleague from another
// workspace of the bot's own Enterprise Grid organisation is.
func TestHTTPExternalIsNotAMember(t *testing.T) {
	e := newSlackEnv(t)
	e.fake.enterpriseID = "E1"
	if err := e.bot.Slack.Connect(context.Background()); err != nil { // auth.test again: the organisation
		t.Fatal(err)
	}
	e.fake.setMembers("C1", "UANNA", "UEXT", "USTRANGE", "UGRID")
	e.fake.homeTeam["UEXT"] = "TOTHER"
	e.fake.stranger["USTRANGE"] = true
	e.fake.homeTeam["UGRID"], e.fake.userEnterprise["UGRID"] = "T2", "E1"
	e.command("UANNA", "C1", "team opret Slusen")
	e.command("UANNA", "C1", "borger ny AB")
	e.command("UANNA", "C1", "ny AB Tage bussen")
	for _, user := range []string{"UEXT", "USTRANGE"} {
		if got := e.command(user, "C1", "AB-1 5"); !strings.Contains(got, "Der er intet mål AB-1") {
			t.Errorf("%s's score: %s", user, got)
		}
		if got := e.command(user, "C1", "AB"); strings.Contains(got, "Tage bussen") {
			t.Errorf("%s sees the goals: %s", user, got)
		}
		if n := e.count(`SELECT count(*) FROM audit_events WHERE actor = $1 AND NOT allowed`, user); n < 2 {
			t.Errorf("%s's refusals audited %d times, want 2", user, n)
		}
	}
	if got := e.command("UGRID", "C1", "AB-1 5"); !strings.Contains(got, "✅") {
		t.Errorf("an Enterprise Grid colleague's score: %s", got)
	}
	if n := e.count(`SELECT count(*) FROM entries`); n != 1 {
		t.Errorf("%d entries stored, want the colleague's only", n)
	}
}

// A team leader sees the team's figures: never a guest or a member of
// another organisation, though a leader is in none of the team's channels.
func TestLeaderMustBeStaff(t *testing.T) {
	e := newSlackEnv(t)
	e.fake.setMembers("C1", "UANNA")
	e.fake.setMembers("C9", "UGUEST", "UEXT", "ULENE") // elsewhere in the workspace
	e.fake.guests["UGUEST"] = true
	e.fake.homeTeam["UEXT"] = "TOTHER"
	e.command("UANNA", "C1", "team opret Slusen")
	for _, user := range []string{"UGUEST", "UEXT"} {
		if got := e.command("UANNA", "C1", "team leder @"+user); !strings.Contains(got, "kan ikke blive leder") {
			t.Errorf("%s as leader: %s", user, got)
		}
	}
	if n := e.count(`SELECT count(*) FROM team_leaders`); n != 0 {
		t.Errorf("%d leaders stored, want none", n)
	}
	if n := e.count(`SELECT count(*) FROM audit_events WHERE action = 'team.leader' AND NOT allowed`); n != 2 {
		t.Errorf("%d refusals audited, want 2", n)
	}
	if got := e.command("UANNA", "C1", "team leder @ULENE"); !strings.Contains(got, "✅") {
		t.Errorf("a colleague as leader: %s", got)
	}
}

// Forged, stale, oversized and foreign requests are refused with a fixed
// answer and have no effect.
func TestHTTPRefusesBadRequests(t *testing.T) {
	e := newSlackEnv(t)
	e.fake.setMembers("C1", "UANNA")
	good := e.commandForm("UANNA", "C1", "team opret Slusen", "t1").Encode()
	now := time.Now()
	noHeaders := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	forged := sign(good, now, "not-the-secret")
	sslCheck := "ssl_check=1&token=x&" + good
	foreign := e.commandForm("UANNA", "C1", "team opret Slusen", "t2")
	foreign.Set("team_id", "TOTHER")
	big := good + "&pad=" + strings.Repeat("x", 1<<20)
	cases := []struct {
		name   string
		body   string
		header http.Header
		skew   time.Duration // if set, signed at the moment of sending with the clock this far off
		status int
		answer string
	}{
		{"forged signature", good, forged, 0, 401, "invalid request signature\n"},
		{"301 s old", good, nil, -301 * time.Second, 401, "invalid request signature\n"},
		{"310 s ahead", good, nil, 310 * time.Second, 401, "invalid request signature\n"},
		{"no headers", good, noHeaders, 0, 401, "invalid request signature\n"},
		{"forged ssl_check", sslCheck, forged, 0, 401, "invalid request signature\n"},
		{"body of 1 MiB", big, sign(big, now, testSecret), 0, 413, "request body too large\n"},
		{"another workspace", foreign.Encode(), sign(foreign.Encode(), now, testSecret), 0, 403, "request from another workspace\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, path := range []string{"/slack/commands", "/slack/interactions", "/slack/events"} {
				header := c.header
				if c.skew != 0 {
					// Signed now: on a busy machine the seconds since the
					// table was made would bring "ahead" within the window
					// (and a timestamp is whole seconds: 310, not 301).
					header = sign(c.body, time.Now().Add(c.skew), testSecret)
				}
				status, body := e.post(path, c.body, header)
				if path != "/slack/commands" && c.status == 403 {
					continue // the workspace is read from each route's own format
				}
				if status != c.status || body != c.answer {
					t.Errorf("%s: %d %q, want %d %q", path, status, body, c.status, c.answer)
				}
			}
		})
	}
	// A signed ssl_check is acknowledged and does nothing.
	status, body := e.post("/slack/commands", sslCheck, sign(sslCheck, now, testSecret))
	if status != 200 || body != "" {
		t.Errorf("signed ssl_check: %d %q", status, body)
	}
	if n := e.count(`SELECT count(*) FROM teams`) + e.count(`SELECT count(*) FROM audit_events`) + e.count(`SELECT count(*) FROM deliveries`); n != 0 {
		t.Errorf("refused requests left %d rows", n)
	}
	logs := e.logs.String()
	for _, leak := range []string{testSecret, testToken, "Slusen", "v0="} {
		if strings.Contains(logs, leak) {
			t.Errorf("logs hold %q:\n%s", leak, logs)
		}
	}
}

// Slack's redeliveries of one command (same trigger_id) store one entry.
func TestHTTPRedeliveryHasOneEffect(t *testing.T) {
	e := newSlackEnv(t)
	e.fake.setMembers("C1", "UANNA")
	e.command("UANNA", "C1", "team opret Slusen")
	e.command("UANNA", "C1", "borger ny AB")
	e.command("UANNA", "C1", "ny AB Tage bussen")
	body := e.commandForm("UANNA", "C1", "AB-1 6 Tog selv bussen", "trigger-42").Encode()
	for i := 0; i < 4; i++ {
		h := sign(body, time.Now(), testSecret)
		if i > 0 {
			h.Set("X-Slack-Retry-Num", strings.Repeat("1", 1))
			h.Set("X-Slack-Retry-Reason", "http_timeout")
		}
		if status, resp := e.post("/slack/commands", body, h); status != 200 || !strings.Contains(resp, "ephemeral") {
			t.Fatalf("delivery %d: %d %s", i, status, resp)
		}
	}
	if n := e.count(`SELECT count(*) FROM entries WHERE staff_score = 6`); n != 1 {
		t.Fatalf("entries = %d after 4 deliveries, want 1", n)
	}
}

// An answer not ready within the acknowledgement window follows through
// response_url; the request itself is acknowledged empty at once.
func TestHTTPSlowAnswerGoesToResponseURL(t *testing.T) {
	e := newSlackEnv(t)
	e.fake.setMembers("C1", "UANNA")
	release := make(chan struct{})
	e.bot.Handler = handlerFunc(func(ctx context.Context, req commands.Request) commands.Reply {
		<-release
		return e.handler.Handle(ctx, req)
	})
	e.bot.AckWithin = 50 * time.Millisecond
	body := e.commandForm("UANNA", "C1", "team opret Slusen", "slow").Encode()
	status, resp := e.post("/slack/commands", body, sign(body, time.Now(), testSecret))
	if status != 200 || resp != "" {
		t.Fatalf("ack = %d %q, want 200 and an empty body", status, resp)
	}
	close(release)
	e.bot.Wait()
	rs := e.fake.responsesCopy()
	if len(rs) != 1 || rs[0]["response_type"] != "ephemeral" || !strings.Contains(rs[0]["text"].(string), "Slusen") {
		t.Fatalf("response_url got %v", rs)
	}
	if n := e.count(`SELECT count(*) FROM teams`); n != 1 {
		t.Fatalf("teams = %d", n)
	}
}

type handlerFunc func(ctx context.Context, req commands.Request) commands.Reply

func (f handlerFunc) Handle(ctx context.Context, req commands.Request) commands.Reply {
	return f(ctx, req)
}

func TestHTTPEventsAndHealth(t *testing.T) {
	e := newSlackEnv(t)
	challenge := `{"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`
	status, body := e.post("/slack/events", challenge, sign(challenge, time.Now(), testSecret))
	if status != 200 || body != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
		t.Errorf("url_verification: %d %q", status, body)
	}
	status, _ = e.post("/slack/events", challenge, sign(challenge, time.Now(), "wrong"))
	if status != 401 {
		t.Errorf("unsigned url_verification: %d", status)
	}
	for path, want := range map[string]int{"/healthz": 200, "/readyz": 200, "/metrics": 200} {
		resp, err := http.Get(e.http.URL + path)
		if err != nil || resp.StatusCode != want {
			t.Errorf("%s: %v %v", path, resp, err)
		}
	}
	e.db.Close()
	if resp, _ := http.Get(e.http.URL + "/readyz"); resp.StatusCode != 503 {
		t.Errorf("/readyz with the database closed: %d", resp.StatusCode)
	}
	if resp, _ := http.Get(e.http.URL + "/healthz"); resp.StatusCode != 200 {
		t.Errorf("/healthz must not need the database: %d", resp.StatusCode)
	}
}

// Posting honours 429 Retry-After and opens DMs with conversations.open.
func TestPostHonoursRateLimits(t *testing.T) {
	e := newSlackEnv(t)
	e.fake.limit429 = 1
	start := time.Now()
	r := commands.Reply{Blocks: []commands.Block{{Kind: commands.Section, Text: "*AB-1* revision"}}}
	if _, err := e.slack.DM(context.Background(), "UANNA", r); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 900*time.Millisecond {
		t.Errorf("retried after %v, before Retry-After", d)
	}
	posts := e.fake.postsCopy()
	if len(posts) != 1 || posts[0].Channel != "DUANNA" || !strings.Contains(posts[0].Blocks, "revision") {
		t.Fatalf("posts = %+v", posts)
	}
	if e.fake.called("conversations.open") != 1 || e.fake.called("chat.postMessage") != 2 {
		t.Errorf("calls: open %d, post %d", e.fake.called("conversations.open"), e.fake.called("chat.postMessage"))
	}
}

// In a private channel the bot was not invited to, Slack hides the
// members: the user is told to invite the bot, nothing else happens.
func TestHTTPBotNotInChannel(t *testing.T) {
	e := newSlackEnv(t)
	e.fake.setMembers("C1", "UANNA")
	e.command("UANNA", "C1", "team opret Slusen")
	e.fake.mu.Lock()
	delete(e.fake.members, "C1")
	e.fake.notFound = map[string]bool{"C1": true}
	e.fake.mu.Unlock()
	e.slack.ForgetMembers("C1")
	if got := e.command("UANNA", "C1", "borger ny AB"); !strings.Contains(got, "/invite") {
		t.Errorf("answer: %s", got)
	}
	if n := e.count(`SELECT count(*) FROM citizens`); n != 0 {
		t.Errorf("citizens = %d", n)
	}
}

// /metrics shows acknowledgement latency by command, Slack API calls and
// requests by route.
func TestMetrics(t *testing.T) {
	e := newSlackEnv(t)
	e.fake.setMembers("C1", "UANNA")
	e.command("UANNA", "C1", "team opret Slusen")
	e.command("UANNA", "C1", "AB-1 99")
	resp, err := http.Get(e.http.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	body := string(b)
	for _, want := range []string{
		`smallgoals_ack_seconds_bucket{command="team_create",transport="slack"`,
		`smallgoals_commands_total{command="team_create",outcome="done"}`,
		`smallgoals_commands_total{command="log",outcome="refused"}`,
		`smallgoals_slack_calls_total{method="auth.test",outcome="ok"}`,
		`smallgoals_http_requests_total{route="commands",status="200"}`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// Two replicas behind a load balancer, one database: the same command
// delivered to both at once (Slack retrying while the first is slow) has
// one effect.
func TestTwoReplicasOneEffect(t *testing.T) {
	e := newSlackEnv(t)
	e.fake.setMembers("C1", "UANNA")
	e.command("UANNA", "C1", "team opret Slusen")
	e.command("UANNA", "C1", "borger ny AB")
	e.command("UANNA", "C1", "ny AB Tage bussen")
	log := slog.New(slog.DiscardHandler)
	other := bot.NewSlack(testToken, "", e.fake.URL(), log)
	if err := other.Connect(context.Background()); err != nil {
		t.Fatal(err)
	}
	h2, err := commands.New(commands.Config{Store: commands.NewStore(e.db.InTx), Scores: e.db, Members: other, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	b2 := &bot.Bot{Handler: h2, Forms: h2, Slack: other, Log: log}
	srv2 := httptest.NewServer((&bot.HTTP{Bot: b2, Secret: testSecret}).Routes())
	defer srv2.Close()
	defer b2.Wait()
	for round := 0; round < 10; round++ {
		body := e.commandForm("UANNA", "C1", fmt.Sprintf("AB-1 %d runde", round%10+1), fmt.Sprintf("twin-%d", round)).Encode()
		var wg sync.WaitGroup
		for _, base := range []string{e.http.URL, srv2.URL} {
			wg.Add(1)
			go func(base string) {
				defer wg.Done()
				req, _ := http.NewRequest(http.MethodPost, base+"/slack/commands", strings.NewReader(body))
				req.Header = sign(body, time.Now(), testSecret)
				if resp, err := http.DefaultClient.Do(req); err == nil {
					resp.Body.Close()
				}
			}(base)
		}
		wg.Wait()
	}
	if n := e.count(`SELECT count(*) FROM entries`); n != 10 {
		t.Fatalf("entries = %d after 10 commands each delivered to both replicas, want 10", n)
	}
}

// Access follows Slack within a minute: a member made a guest, or removed
// from the team's channel, is refused once the caches' bounds have passed
// (60 s for a user's kind, 30 s for a channel's members).
func TestAccessFollowsSlackWithinAMinute(t *testing.T) {
	e := newSlackEnv(t)
	e.fake.setMembers("C1", "UANNA", "UEVE")
	var mu sync.Mutex
	now := time.Now()
	e.slack.SetClock(func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	e.command("UANNA", "C1", "team opret Slusen")
	e.command("UANNA", "C1", "borger ny AB")
	e.command("UANNA", "C1", "ny AB Tage bussen")
	if got := e.command("UEVE", "C1", "AB"); !strings.Contains(got, "Tage bussen") {
		t.Fatalf("a member does not see the goals: %s", got)
	}
	e.fake.mu.Lock()
	e.fake.guests["UEVE"] = true
	e.fake.mu.Unlock()
	advance(61 * time.Second)
	if got := e.command("UEVE", "C1", "AB"); strings.Contains(got, "Tage bussen") {
		t.Errorf("a guest sees the goals 61 s after becoming one: %s", got)
	}
	e.fake.setMembers("C1", "UANNA")
	advance(31 * time.Second)
	e.fake.mu.Lock()
	e.fake.guests["UEVE"] = false
	e.fake.mu.Unlock()
	if got := e.command("UEVE", "C1", "AB"); strings.Contains(got, "Tage bussen") {
		t.Errorf("someone removed from the channel sees the goals 31 s later: %s", got)
	}
}
