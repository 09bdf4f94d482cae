package bot_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/lib/pq"

	"smallgoals/bot"
	"smallgoals/commands"
	"smallgoals/internal/slackcheck"
	"smallgoals/reminders"
	"smallgoals/store"
	"smallgoals/store/storetest"
)

const (
	testSecret = "8f742231b10e8888abcd99yyyzzz85a5"
	testToken  = "xoxb-test-token-do-not-log"
)

// syncBuffer collects log output from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// slackEnv is the bot wired as in production — real commands, real
// PostgreSQL, our Slack code — against a fake Slack API.
type slackEnv struct {
	t       *testing.T
	fake    *fakeSlack
	db      *store.DB
	raw     *sql.DB
	slack   *bot.Slack
	handler *commands.Handler
	bot     *bot.Bot
	http    *httptest.Server
	logs    *syncBuffer
}

func newSlackEnv(t *testing.T) *slackEnv {
	t.Helper()
	db, raw := storetest.Open(t)
	return newSlackEnvOn(t, newFakeSlack(t), db, raw, false)
}

// newSlackEnvOn is newSlackEnv on a given fake Slack and database (several
// of them are replicas of one bot), logging as the program does (JSON or
// text) at debug level.
func newSlackEnvOn(t *testing.T, fake *fakeSlack, db *store.DB, raw *sql.DB, jsonLogs bool) *slackEnv {
	t.Helper()
	e := &slackEnv{t: t, fake: fake, logs: &syncBuffer{}, db: db, raw: raw}
	log := slog.New(bot.NewLogHandler(e.logs, jsonLogs, slog.LevelDebug))
	e.slack = bot.NewSlack(testToken, "xapp-test-app-token", e.fake.URL(), log)
	if err := e.slack.Connect(context.Background()); err != nil {
		t.Fatal(err)
	}
	var err error
	e.handler, err = commands.New(commands.Config{Store: commands.NewStore(db.InTx), Scores: db, Members: e.slack, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	e.bot = &bot.Bot{Handler: e.handler, Forms: e.handler, Slack: e.slack, Log: log, HomeDelay: 5 * time.Millisecond, FileLog: e.db,
		Outbox: reminders.Deliverer{Outbox: e.db, Log: log}, Homes: e.db}
	e.http = httptest.NewServer((&bot.HTTP{Bot: e.bot, Secret: testSecret, Ready: db.Ping}).Routes())
	t.Cleanup(e.http.Close)
	t.Cleanup(e.bot.Wait)
	return e
}

func (e *slackEnv) count(query string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.raw.QueryRow(query, args...).Scan(&n); err != nil {
		e.t.Fatalf("count %q: %v", query, err)
	}
	return n
}

// sign returns the headers of a request Slack signed at ts.
func sign(body string, ts time.Time, secret string) http.Header {
	stamp := strconv.FormatInt(ts.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	io.WriteString(mac, "v0:"+stamp+":"+body)
	h := http.Header{}
	h.Set("X-Slack-Request-Timestamp", stamp)
	h.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	h.Set("Content-Type", "application/x-www-form-urlencoded")
	return h
}

// post sends body to path with headers and returns the status and body.
func (e *slackEnv) post(path, body string, h http.Header) (int, string) {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.http.URL+path, strings.NewReader(body))
	req.Header = h
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// commandForm is a slash command's form as Slack sends it.
func (e *slackEnv) commandForm(user, channel, text, trigger string) url.Values {
	return url.Values{
		"token": {"legacy"}, "team_id": {e.fake.teamID}, "user_id": {user}, "user_name": {strings.ToLower(user)},
		"channel_id": {channel}, "channel_name": {"slusen"}, "command": {"/maal"}, "text": {text},
		"trigger_id": {trigger}, "response_url": {e.fake.ResponseURL(trigger)},
	}
}

// command sends a signed slash command and returns the ephemeral answer's
// text; it fails the test unless the answer came in the response body.
func (e *slackEnv) command(user, channel, text string) string {
	e.t.Helper()
	body := e.commandForm(user, channel, text, randomID()).Encode()
	status, resp := e.post("/slack/commands", body, sign(body, time.Now(), testSecret))
	if status != http.StatusOK {
		e.t.Fatalf("%q: status %d: %s", text, status, resp)
	}
	var msg struct {
		ResponseType string            `json:"response_type"`
		Text         string            `json:"text"`
		Blocks       []json.RawMessage `json:"blocks"`
	}
	if err := json.Unmarshal([]byte(resp), &msg); err != nil {
		e.t.Fatalf("%q: answer is not JSON: %q", text, resp)
	}
	if msg.ResponseType != "ephemeral" || len(msg.Blocks) == 0 {
		e.t.Fatalf("%q: answer not ephemeral Block Kit: %s", text, resp)
	}
	e.checkAnswer(resp)
	return msg.Text
}

func randomID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// interact posts a signed interaction payload and returns the status and
// the acknowledgement's body, once the work after it is done.
func (e *slackEnv) interact(payload map[string]any) (int, string) {
	e.t.Helper()
	status, resp := e.interactNow(payload)
	e.bot.Wait()
	return status, resp
}

// interactNow is interact without waiting for the bot's work after the
// acknowledgement.
func (e *slackEnv) interactNow(payload map[string]any) (int, string) {
	e.t.Helper()
	if _, ok := payload["team"]; !ok {
		payload["team"] = map[string]any{"id": e.fake.teamID}
	}
	if _, ok := payload["trigger_id"]; !ok {
		payload["trigger_id"] = randomID()
	}
	// Slack sends the view the user has open, blocks and all: a test that
	// does not give them submits the form the bot showed last.
	if v, ok := payload["view"].(map[string]any); ok && v["blocks"] == nil && v["type"] == "modal" {
		v["blocks"] = e.fake.lastModalBlocks()
	}
	b, _ := json.Marshal(payload)
	body := url.Values{"payload": {string(b)}}.Encode()
	status, resp := e.post("/slack/interactions", body, sign(body, time.Now(), testSecret))
	if payload["type"] == "view_submission" && status == http.StatusOK {
		view, _ := json.Marshal(payload["view"])
		if err := slackcheck.SubmissionResponse([]byte(resp), view); err != nil {
			e.t.Errorf("Slack would refuse the acknowledgement: %v: %s", err, resp)
		}
	}
	return status, resp
}

// slash sends a signed slash command and returns the raw answer body,
// once the work after it is done.
func (e *slackEnv) slash(user, channel, text string) string {
	e.t.Helper()
	body := e.commandForm(user, channel, text, randomID()).Encode()
	status, resp := e.post("/slack/commands", body, sign(body, time.Now(), testSecret))
	if status != http.StatusOK {
		e.t.Fatalf("%q: status %d: %s", text, status, resp)
	}
	e.bot.Wait()
	e.checkAnswer(resp)
	return resp
}
