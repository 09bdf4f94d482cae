package bot_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// scrape reads /metrics from srv as Prometheus would.
func scrape(t *testing.T, srv string) string {
	t.Helper()
	resp, err := http.Get(srv + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// series returns the value of the series of name whose labels include
// every name="value" of labels (in any order), or -1 if there is none.
func series(metrics, name string, labels ...string) float64 {
	line := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + `\{([^}]*)\} (\S+)$`)
	for _, m := range line.FindAllStringSubmatch(metrics, -1) {
		have := "," + m[1] + ","
		all := true
		for _, l := range labels {
			if !strings.Contains(have, ","+l+",") {
				all = false
				break
			}
		}
		if all {
			v, _ := strconv.ParseFloat(m[2], 64)
			return v
		}
	}
	if len(labels) == 0 {
		if m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + ` (\S+)$`).FindStringSubmatch(metrics); m != nil {
			v, _ := strconv.ParseFloat(m[1], 64)
			return v
		}
	}
	return -1
}

// wantSeries fails unless each series is on /metrics with a value > 0.
func wantSeries(t *testing.T, metrics string, want [][]string) {
	t.Helper()
	for _, w := range want {
		if v := series(metrics, w[0], w[1:]...); v <= 0 {
			t.Errorf("%s{%s} = %v, want > 0", w[0], strings.Join(w[1:], ","), v)
		}
	}
}

// Every HTTP path is measured: a typed score, the log form opened by a
// button and submitted (saved and refused), the message shortcut, an
// App Home event, and Slack's answers — their latency by method and its
// refusals by error code (an unknown code as other).
func TestInteractionAndSlackMetrics(t *testing.T) {
	e := newSlackEnv(t)
	ab, ab1 := setupTeams(e)
	e.command("UANNA", "C1", "AB-1 4 b:6 Tog bussen")
	e.command("UANNA", "C1", "AB-1 99")
	openHome(e, "UANNA", "EvMetrics")
	e.interact(map[string]any{"type": "block_actions", "user": map[string]any{"id": "UANNA"}, "channel": map[string]any{"id": "C1"},
		"actions": []map[string]any{{"action_id": fmt.Sprintf("log:%d", ab1), "block_id": "b", "type": "button"}}})
	meta := fmt.Sprintf(`{"k":"log","ch":"C1","c":%d,"g":%d}`, ab, ab1)
	score := func(v string) map[string]any {
		return map[string]any{fmt.Sprintf("score-%d", ab1): map[string]any{"score": map[string]any{"type": "radio_buttons", "selected_option": map[string]any{"value": v}}}}
	}
	log := viewPayload("view_submission", "V7", meta, nil, score("11"))
	log["view"].(map[string]any)["callback_id"] = "log"
	if _, resp := e.interact(log); !strings.Contains(resp, "errors") {
		t.Fatalf("score 11 saved: %s", resp)
	}
	log = viewPayload("view_submission", "V7", meta, nil, score("5"))
	log["view"].(map[string]any)["callback_id"] = "log"
	if _, resp := e.interact(log); !strings.Contains(resp, "clear") {
		t.Fatalf("score 5 not saved: %s", resp)
	}
	e.interact(map[string]any{"type": "message_action", "callback_id": "log_from_message", "user": map[string]any{"id": "UANNA"},
		"channel": map[string]any{"id": "C1"}, "message": map[string]any{"text": "Hej", "ts": "1.2"}})
	e.fake.fault("users.info", 1, slackError("user_not_found"))
	e.bot.Slack.Locale(context.Background(), "UNEW1")
	e.fake.fault("users.info", 1, slackError("a_code_no_one_knows"))
	e.bot.Slack.Locale(context.Background(), "UNEW2")

	m := scrape(t, e.http.URL)
	wantSeries(t, m, [][]string{
		{"smallgoals_interaction_seconds_count", `transport="http"`, `type="block_actions"`, `kind="log"`},
		{"smallgoals_interaction_seconds_count", `transport="http"`, `type="view_submission"`, `kind="log"`},
		{"smallgoals_interaction_seconds_count", `transport="http"`, `type="message_action"`, `kind="log_from_message"`},
		{"smallgoals_event_seconds_count", `transport="http"`, `event="app_home_opened"`},
		{"smallgoals_score_submissions_total", `source="typed"`, `outcome="done"`},
		{"smallgoals_score_submissions_total", `source="typed"`, `outcome="refused"`},
		{"smallgoals_score_submissions_total", `source="form"`, `outcome="closed"`},
		{"smallgoals_score_submissions_total", `source="form"`, `outcome="refused"`},
		{"smallgoals_slack_call_seconds_count", `method="views.publish"`},
		{"smallgoals_slack_call_seconds_count", `method="views.open"`},
		{"smallgoals_slack_call_seconds_bucket", `method="chat.postEphemeral"`, `le="+Inf"`},
		{"smallgoals_slack_calls_total", `method="users.info"`, `outcome="slack_error"`},
		{"smallgoals_slack_errors_total", `method="users.info"`, `error="user_not_found"`},
		{"smallgoals_slack_errors_total", `method="users.info"`, `error="other"`},
	})
	if strings.Contains(m, "a_code_no_one_knows") {
		t.Error("an unknown Slack error code became a label value")
	}
}

// Socket Mode: the connection's state and reconnects, interactions and
// events measured on that transport, and a command's log lines carrying
// its envelope's ID as request_id.
func TestSocketModeMetrics(t *testing.T) {
	e := newSlackEnv(t)
	_, ab1 := setupTeams(e)
	s := newSocketSlack(t, e)
	runDone, stop := s.start()
	s.accept(runDone)
	waitFor(t, "connected", func() bool { return series(scrape(t, e.http.URL), "smallgoals_socket_connected") == 1 })
	before := series(scrape(t, e.http.URL), "smallgoals_socket_reconnects_total")

	// Slack asks the client to reconnect.
	old := s.conn
	s.conn.WriteJSON(map[string]any{"type": "disconnect", "reason": "refresh_requested"})
	s.end(old)
	s.accept(runDone)
	waitFor(t, "reconnected", func() bool {
		m := scrape(t, e.http.URL)
		return series(m, "smallgoals_socket_reconnects_total") == before+1 && series(m, "smallgoals_socket_connected") == 1
	})

	s.ack(s.send("interactive", map[string]any{"type": "block_actions", "team": map[string]any{"id": e.fake.teamID},
		"user": map[string]any{"id": "UANNA"}, "channel": map[string]any{"id": "C1"}, "trigger_id": randomID(),
		"actions": []map[string]any{{"action_id": fmt.Sprintf("revise:%d", ab1), "block_id": "b", "type": "button"}}}, 0, ""))
	s.ack(s.send("events_api", map[string]any{"token": "x", "team_id": e.fake.teamID, "type": "event_callback", "event_id": "EvS1",
		"event_time": 1, "event": map[string]any{"type": "app_home_opened", "user": "UANNA", "channel": "D1", "tab": "home"}}, 0, ""))
	env := s.command("UANNA", "C1", "AB-1 5", randomID(), 0)
	s.answer(env, "AB-1 5")
	e.bot.Wait()
	if !regexp.MustCompile(`msg="command done".*request_id=` + env).MatchString(e.logs.String()) {
		t.Errorf("no log line of the command with its envelope's ID %s as request_id:\n%s", env, e.logs.String())
	}
	m := scrape(t, e.http.URL)
	wantSeries(t, m, [][]string{
		{"smallgoals_interaction_seconds_count", `transport="socket"`, `type="block_actions"`, `kind="revise"`},
		{"smallgoals_event_seconds_count", `transport="socket"`, `event="app_home_opened"`},
	})
	stop()
	if v := series(scrape(t, e.http.URL), "smallgoals_socket_connected"); v != 0 {
		t.Errorf("smallgoals_socket_connected = %v after the connection closed", v)
	}
}

// waitFor waits until ok, for at most socketWait.
func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(socketWait)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("not %s within %v", what, socketWait)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
