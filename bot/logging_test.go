package bot_test

import (
	"bufio"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"smallgoals/bot"
	"smallgoals/commands"
	"smallgoals/store/storetest"
)

// logLines decodes JSON log output, one object a line.
func logLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var lines []map[string]any
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l map[string]any
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("a log line is not JSON: %q", sc.Text())
		}
		lines = append(lines, l)
	}
	return lines
}

// The program's log handler: a request's lines carry its request_id,
// durations are seconds; lines of no request carry none.
func TestLogHandler(t *testing.T) {
	for _, jsonLogs := range []bool{true, false} {
		var out syncBuffer
		log := slog.New(bot.NewLogHandler(&out, jsonLogs, slog.LevelInfo)).With("component", "x")
		ctx := bot.WithRequest(context.Background(), "req-123", time.Now())
		log.InfoContext(ctx, "in a request", "retry_after", 1500*time.Millisecond, "took_seconds", 2*time.Second)
		log.Info("outside")
		if jsonLogs {
			lines := logLines(t, out.String())
			if len(lines) != 2 || lines[0]["request_id"] != "req-123" || lines[0]["retry_after_seconds"] != 1.5 ||
				lines[0]["took_seconds"] != 2.0 || lines[0]["component"] != "x" || lines[1]["request_id"] != nil {
				t.Errorf("JSON lines = %v", lines)
			}
			continue
		}
		got := out.String()
		if !strings.Contains(got, "retry_after_seconds=1.5") || !strings.Contains(got, "request_id=req-123") ||
			strings.Count(got, "request_id") != 1 || strings.Contains(got, "1500000000") {
			t.Errorf("text lines = %s", got)
		}
	}
}

// Over HTTP, with JSON logs at debug level: every line of a request —
// those of the command handler and of the work after the acknowledgement
// — carries the request ID the answer's X-Request-Id names; bad
// signatures are warned about once however many come; and no request
// body, note text, token or secret reaches the log.
func TestRequestLogs(t *testing.T) {
	db, raw := storetest.Open(t)
	e := newSlackEnvOn(t, newFakeSlack(t), db, raw, true)
	setupTeams(e)
	const note = "NOTE-MARKER-7f3a"
	send := func(text string) string {
		t.Helper()
		body := e.commandForm("UANNA", "C1", text, randomID()).Encode()
		req, _ := http.NewRequest(http.MethodPost, e.http.URL+"/slack/commands", strings.NewReader(body))
		req.Header = sign(body, time.Now(), testSecret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		e.bot.Wait()
		return resp.Header.Get("X-Request-Id")
	}
	scoreID := send("AB-1 4 " + note)
	e.fake.fault("views.open", 1, slackError("expired_trigger_id"))
	formID := send("") // the log form, which Slack refuses to open
	for range 5 {
		e.post("/slack/commands", "text=AB-1+4+"+note, http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
	}
	if scoreID == "" || formID == "" || scoreID == formID {
		t.Fatalf("request IDs %q, %q", scoreID, formID)
	}

	var done, notOpened, badSignature int
	for _, l := range logLines(t, e.logs.String()) {
		switch l["msg"] {
		case "command done":
			if l["request_id"] == scoreID {
				done++
			}
		case "form not opened":
			if l["request_id"] != formID {
				t.Errorf("the failed form's line has request_id %v, want %s", l["request_id"], formID)
			}
			notOpened++
		case "request refused: bad signature":
			badSignature++
			if l["suppressed"] != 0.0 || l["request_id"] == nil {
				t.Errorf("bad-signature line %v", l)
			}
		}
	}
	if done != 1 || notOpened != 1 {
		t.Errorf("lines with the request's ID: command done %d, form not opened %d; want 1 each\n%s", done, notOpened, e.logs.String())
	}
	if badSignature != 1 {
		t.Errorf("%d bad-signature warnings for 5 bad requests, want 1 (one a minute)", badSignature)
	}
	for _, secret := range []string{note, testToken, testSecret, "trigger_id=", "response_url"} {
		if strings.Contains(e.logs.String(), secret) {
			t.Errorf("the log holds %q", secret)
		}
	}
}

// A response_url is a secret (it posts as the bot for 30 minutes): when
// Slack cannot be reached — refused, a name that does not resolve, a
// timeout — neither the error nor the log holds its path.
func TestResponseURLNotInErrors(t *testing.T) {
	e := newSlackEnv(t)
	stall := newStallServer(t)
	reply := commandsReply("svar")
	for _, u := range []string{
		"http://127.0.0.1:1/commands/T1/123/SECRETTOKEN",         // refused
		"http://nonexistent.invalid/commands/T1/123/SECRETTOKEN", // does not resolve
		stall + "/commands/T1/123/SECRETTOKEN",                   // no answer before ctx ends
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		err := e.slack.Respond(ctx, u, reply)
		cancel()
		if err == nil {
			t.Fatalf("%s: no error", u)
		}
		if strings.Contains(err.Error(), "SECRETTOKEN") {
			t.Errorf("the error holds the response_url: %v", err)
		}
	}
	if strings.Contains(e.logs.String(), "SECRETTOKEN") {
		t.Errorf("the log holds the response_url:\n%s", e.logs.String())
	}
}

// newStallServer returns the URL of a server that never answers.
func newStallServer(t *testing.T) string {
	t.Helper()
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-done }))
	t.Cleanup(func() { close(done); srv.Close() })
	return srv.URL
}

func commandsReply(text string) commands.Reply {
	return commands.Reply{Blocks: []commands.Block{{Kind: commands.Section, Text: text}}}
}
