package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"smallgoals/bot"
	"smallgoals/commands"
	"smallgoals/internal/slackcheck"
)

// socketWait bounds every wait on the Socket Mode connection.
const socketWait = 5 * time.Second

// socketSlack is the Socket Mode side of the fake Slack: it accepts the
// bot's WebSocket (the URL apps.connections.open hands out), says hello,
// sends the envelopes the test asks for and collects the bot's acks.
type socketSlack struct {
	t     *testing.T
	e     *slackEnv
	done  chan struct{}        // closed when the test ends
	conns chan *websocket.Conn // connections accepted, after their hello
	ended chan *websocket.Conn // connections whose client went away
	acks  chan socketAck       // acks read from any connection
	conn  *websocket.Conn      // the connection envelopes go to (test goroutine only)
	early map[string]socketAck // acks that came while another was awaited
	acked map[string]bool      // every envelope acked so far
	n     int                  // envelopes sent
	errs  chan error           // server-side failures, reported by the test goroutine
}

// socketAck is what the client writes back for an envelope.
type socketAck struct {
	EnvelopeID string          `json:"envelope_id"`
	Payload    json.RawMessage `json:"payload"`
}

// socketAnswer is a slash command's answer riding on its ack.
type socketAnswer struct {
	ResponseType string            `json:"response_type"`
	Text         string            `json:"text"`
	Blocks       []json.RawMessage `json:"blocks"`
}

func newSocketSlack(t *testing.T, e *slackEnv) *socketSlack {
	s := &socketSlack{
		t: t, e: e,
		done:  make(chan struct{}),
		conns: make(chan *websocket.Conn, 4),
		ended: make(chan *websocket.Conn, 4),
		acks:  make(chan socketAck, 64),
		early: map[string]socketAck{},
		acked: map[string]bool{},
		errs:  make(chan error, 4),
	}
	e.fake.mu.Lock()
	e.fake.ws = s.serve
	e.fake.mu.Unlock()
	return s
}

// serve is the WebSocket endpoint: hello first, then it reads acks until
// the connection ends.
func (s *socketSlack) serve(w http.ResponseWriter, r *http.Request) {
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	conn, err := up.Upgrade(w, r, nil)
	if err != nil {
		s.fail(fmt.Errorf("upgrade: %w", err))
		return
	}
	defer conn.Close()
	hello := `{"type":"hello","num_connections":1,` +
		`"debug_info":{"host":"applink-fake","build_number":1,"approximate_connection_time":3600},` +
		`"connection_info":{"app_id":"A1"}}`
	if err := conn.WriteMessage(websocket.TextMessage, []byte(hello)); err != nil {
		s.fail(fmt.Errorf("hello: %w", err))
		return
	}
	select {
	case s.conns <- conn:
	case <-s.done:
		return
	}
	for {
		_, msg, err := conn.ReadMessage()
		if err != nil {
			// The client closed or reconnected; every ack it wrote is
			// already in s.acks.
			select {
			case s.ended <- conn:
			case <-s.done:
			}
			return
		}
		var a socketAck
		if err := json.Unmarshal(msg, &a); err != nil || a.EnvelopeID == "" {
			s.fail(fmt.Errorf("not an ack: %q", msg))
			continue
		}
		select {
		case s.acks <- a:
		case <-s.done:
			return
		}
	}
}

func (s *socketSlack) fail(err error) {
	select {
	case s.errs <- err:
	default:
	}
}

// start runs the bot's Socket Mode transport against s; stop (also at the
// test's end, before the bot, database and fake Slack close) cancels it and
// checks it returns nil in time.
func (s *socketSlack) start() (runDone <-chan error, stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- (&bot.Socket{Bot: s.e.bot}).Run(ctx) }()
	stop = sync.OnceFunc(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				s.t.Errorf("Socket.Run = %v after cancel, want nil", err)
			}
		case <-time.After(socketWait):
			s.t.Errorf("Socket.Run did not return within %v of cancel", socketWait)
		}
		close(s.done)
	})
	s.t.Cleanup(stop)
	return done, stop
}

// accept waits for the bot to connect and makes that connection current.
func (s *socketSlack) accept(runDone <-chan error) {
	s.t.Helper()
	select {
	case s.conn = <-s.conns:
	case err := <-runDone:
		s.t.Fatalf("Socket.Run returned before connecting: %v", err)
	case err := <-s.errs:
		s.t.Fatal(err)
	case <-time.After(socketWait):
		s.t.Fatal("the bot did not open a Socket Mode connection")
	}
}

// end waits until the client has gone from conn, then takes the acks
// that came on it.
func (s *socketSlack) end(conn *websocket.Conn) {
	s.t.Helper()
	timeout := time.NewTimer(socketWait)
	defer timeout.Stop()
	for {
		select {
		case c := <-s.ended:
			if c != conn {
				continue
			}
			for {
				select {
				case a := <-s.acks:
					if s.acked[a.EnvelopeID] {
						s.t.Errorf("envelope %s acked twice", a.EnvelopeID)
					}
					s.acked[a.EnvelopeID] = true
					s.early[a.EnvelopeID] = a
				default:
					return
				}
			}
		case err := <-s.errs:
			s.t.Fatal(err)
		case <-timeout.C:
			s.t.Fatalf("the connection was not closed within %v", socketWait)
		}
	}
}

// send writes one envelope and returns its envelope_id.
func (s *socketSlack) send(typ string, payload any, retry int, reason string) string {
	s.t.Helper()
	s.n++
	id := fmt.Sprintf("env-%d-%s", s.n, randomID())
	env := map[string]any{
		"envelope_id":              id,
		"type":                     typ,
		"payload":                  payload,
		"accepts_response_payload": typ == "slash_commands",
		"retry_attempt":            retry,
		"retry_reason":             reason,
	}
	s.conn.SetWriteDeadline(time.Now().Add(socketWait))
	if err := s.conn.WriteJSON(env); err != nil {
		s.t.Fatalf("sending %s envelope: %v", typ, err)
	}
	return id
}

// ack waits for the ack of envelope id.
func (s *socketSlack) ack(id string) socketAck {
	s.t.Helper()
	if a, ok := s.early[id]; ok {
		delete(s.early, id)
		return a
	}
	timeout := time.NewTimer(socketWait)
	defer timeout.Stop()
	for {
		select {
		case a := <-s.acks:
			if s.acked[a.EnvelopeID] {
				s.t.Errorf("envelope %s acked twice", a.EnvelopeID)
				continue
			}
			s.acked[a.EnvelopeID] = true
			if strings.Contains(string(a.Payload), `"blocks"`) && !strings.Contains(string(a.Payload), `"response_action"`) {
				// A command's answer on its ack is a message Slack must accept.
				if err := slackcheck.Message(a.Payload); err != nil {
					s.t.Errorf("Slack would refuse the ack's answer: %v", err)
				}
			}
			if a.EnvelopeID == id {
				return a
			}
			s.early[a.EnvelopeID] = a
		case err := <-s.errs:
			s.t.Fatal(err)
		case <-timeout.C:
			s.t.Fatalf("envelope %s not acked within %v", id, socketWait)
		}
	}
}

// slash is a slash command's payload as Slack sends it in Socket Mode: the
// HTTP form's fields as a JSON object of strings.
func (s *socketSlack) slash(team, user, channel, text, trigger string) map[string]any {
	return map[string]any{
		"token": "legacy", "team_id": team, "team_domain": "test", "channel_id": channel, "channel_name": "slusen",
		"user_id": user, "user_name": strings.ToLower(user), "command": "/maal", "text": text,
		"api_app_id": "A1", "is_enterprise_install": "false",
		"response_url": s.e.fake.ResponseURL(trigger), "trigger_id": trigger,
	}
}

// command sends a slash command from the bot's workspace and returns its
// envelope_id.
func (s *socketSlack) command(user, channel, text, trigger string, retry int) string {
	s.t.Helper()
	reason := ""
	if retry > 0 {
		reason = "timeout"
	}
	return s.send("slash_commands", s.slash(s.e.fake.teamID, user, channel, text, trigger), retry, reason)
}

// answer waits for the ack of a slash command's envelope and returns the
// text of the ephemeral Block Kit answer it carries.
func (s *socketSlack) answer(id, text string) string {
	s.t.Helper()
	a := s.ack(id)
	var msg socketAnswer
	if err := json.Unmarshal(a.Payload, &msg); err != nil {
		s.t.Fatalf("%q: ack payload is not an answer: %s", text, a.Payload)
	}
	if msg.ResponseType != "ephemeral" || len(msg.Blocks) == 0 || msg.Text == "" {
		s.t.Fatalf("%q: ack payload is not an ephemeral Block Kit answer: %s", text, a.Payload)
	}
	return msg.Text
}

// run sends a command and returns its answer.
func (s *socketSlack) run(user, channel, text string) string {
	s.t.Helper()
	return s.answer(s.command(user, channel, text, randomID(), 0), text)
}

func emptyPayload(p json.RawMessage) bool {
	return len(p) == 0 || string(p) == "null"
}

// The real Socket Mode client, against a local Socket Mode server: slash
// commands are answered on their acks, redeliveries have one effect,
// strangers and other workspaces get nothing, every envelope is acked.
func TestSocketModeEndToEnd(t *testing.T) {
	e := newSlackEnv(t)
	e.fake.setMembers("C1", "UANNA")
	e.fake.setMembers("C9", "UANNA") // would be a team, were the workspace ours
	s := newSocketSlack(t, e)

	runDone, stop := s.start()
	s.accept(runDone)
	if n := e.fake.called("apps.connections.open"); n != 1 {
		t.Errorf("apps.connections.open called %d times, want 1", n)
	}

	steps := []struct{ text, want string }{
		{"team opret Slusen", "Slusen"},
		{"borger ny AB", "AB"},
		{"ny AB Tage bussen", "AB-1"},
		{"AB-1 4 b:6 Tog bussen", "4 · borger 6"},
	}
	for _, st := range steps {
		if got := s.run("UANNA", "C1", st.text); !strings.Contains(got, st.want) {
			t.Fatalf("%q answered %q, want it to contain %q", st.text, got, st.want)
		}
	}
	if n := e.count(`SELECT count(*) FROM entries WHERE staff_score = 4 AND citizen_score = 6`); n != 1 {
		t.Fatalf("entries 4/6 = %d, want 1", n)
	}

	// Slack redelivers the same command (same trigger_id) in new envelopes;
	// all three are in flight at once, each is acked, one has an effect.
	trigger := "trigger-" + randomID()
	var redelivered []string
	for retry := range 3 {
		redelivered = append(redelivered, s.command("UANNA", "C1", "AB-1 5 igen", trigger, retry))
	}
	saved := 0
	for _, id := range redelivered {
		if got := s.answer(id, "AB-1 5 igen"); strings.Contains(got, "AB-1") && strings.Contains(got, "5") {
			saved++
		}
	}
	if saved != 1 {
		t.Errorf("%d of 3 deliveries answered as saved, want 1", saved)
	}
	if n := e.count(`SELECT count(*) FROM entries WHERE staff_score = 5`); n != 1 {
		t.Errorf("entries with staff_score 5 = %d after 3 deliveries, want 1", n)
	}

	// Someone not in the team's channel gets the answer for an unknown ref.
	if got := s.run("UBO", "C2", "AB-1 5"); !strings.Contains(got, "intet mål") {
		t.Errorf("stranger's answer %q, want it to contain %q", got, "intet mål")
	}
	if n := e.count(`SELECT count(*) FROM entries`); n != 2 {
		t.Errorf("entries = %d, want 2", n)
	}

	// Another workspace's envelope is acked and has no effect.
	foreign := s.send("slash_commands", s.slash("TOTHER", "UANNA", "C9", "team opret Andet", "trigger-"+randomID()), 0, "")
	if a := s.ack(foreign); !emptyPayload(a.Payload) {
		t.Errorf("another workspace got an answer: %s", a.Payload)
	}
	if n := e.count(`SELECT count(*) FROM teams WHERE channel_id = 'C9'`); n != 0 {
		t.Errorf("another workspace's command created a team")
	}
	if n := e.count(`SELECT count(*) FROM teams`); n != 1 {
		t.Errorf("teams = %d, want 1", n)
	}

	// Events and interactions are acked without a payload.
	event := map[string]any{
		"token": "x", "team_id": e.fake.teamID, "api_app_id": "A1", "type": "event_callback",
		"event_id": "Ev" + randomID(), "event_time": 1700000000,
		"event": map[string]any{"type": "app_home_opened", "user": "UANNA", "channel": "DUANNA", "tab": "home", "event_ts": "1700000000.000100"},
	}
	if a := s.ack(s.send("events_api", event, 0, "")); !emptyPayload(a.Payload) {
		t.Errorf("events_api ack carries %s", a.Payload)
	}
	interaction := map[string]any{
		"type": "block_actions", "team": map[string]any{"id": e.fake.teamID}, "user": map[string]any{"id": "UANNA"},
		"trigger_id": "trigger-" + randomID(),
	}
	if a := s.ack(s.send("interactive", interaction, 0, "")); !emptyPayload(a.Payload) {
		t.Errorf("interactive ack carries %s", a.Payload)
	}
	// A form submission's answer rides on its ack: here an inline error.
	var ab1 int64
	e.raw.QueryRow(`SELECT id FROM goals`).Scan(&ab1)
	submission := map[string]any{
		"type": "view_submission", "team": map[string]any{"id": e.fake.teamID}, "user": map[string]any{"id": "UANNA"},
		"view": map[string]any{"id": "VS1", "hash": "hs1", "type": "modal", "callback_id": "log",
			"private_metadata": fmt.Sprintf(`{"k":"log","ch":"C1","g":%d}`, ab1),
			"blocks":           scoreInput(ab1),
			"state": map[string]any{"values": map[string]any{fmt.Sprintf("score-%d", ab1): map[string]any{
				"score": map[string]any{"type": "radio_buttons", "selected_option": map[string]any{"value": "99"}}}}}},
	}
	if a := s.ack(s.send("interactive", submission, 0, "")); !strings.Contains(string(a.Payload), `"response_action":"errors"`) {
		t.Errorf("view_submission ack = %s, want inline errors", a.Payload)
	}

	// Slack asks the client to reconnect; it does, and serves on.
	s.conn.SetWriteDeadline(time.Now().Add(socketWait))
	disconnect := `{"type":"disconnect","reason":"refresh_requested","debug_info":{"host":"applink-fake"}}`
	if err := s.conn.WriteMessage(websocket.TextMessage, []byte(disconnect)); err != nil {
		t.Fatal(err)
	}
	s.accept(runDone)
	if n := e.fake.called("apps.connections.open"); n != 2 {
		t.Errorf("apps.connections.open called %d times after a disconnect, want 2", n)
	}
	if got := s.run("UANNA", "C1", "AB"); !strings.Contains(got, "AB") {
		t.Errorf("after reconnecting, %q answered %q", "AB", got)
	}

	// Every answer rode on its ack.
	if rs := e.fake.responsesCopy(); len(rs) != 0 {
		t.Errorf("answers went to response_url: %v", rs)
	}
	stop()
	if len(s.early) != 0 {
		t.Errorf("acks for envelopes never sent: %v", s.early)
	}
	logs := e.logs.String()
	for _, leak := range []string{"Tog bussen", "Andet", testToken, "xapp-test-app-token"} {
		if strings.Contains(logs, leak) {
			t.Errorf("logs hold %q:\n%s", leak, logs)
		}
	}
}

// A shutdown while a command is being worked on acknowledges it at once,
// before its answer is ready (the connection is about to close), and the
// answer follows through its response_url.
func TestSocketModeShutdownAnswersInFlight(t *testing.T) {
	e := newSlackEnv(t)
	e.fake.setMembers("C1", "UANNA")
	hold, release := holdUntil(t)
	started := make(chan struct{}, 1)
	e.bot.Handler = handlerFunc(func(ctx context.Context, req commands.Request) commands.Reply {
		started <- struct{}{}
		<-hold
		return e.handler.Handle(ctx, req)
	})
	e.bot.AckWithin = 10 * time.Second
	s := newSocketSlack(t, e)
	ctx, cancel := context.WithCancel(context.Background())
	runDone := make(chan error, 1)
	go func() { runDone <- (&bot.Socket{Bot: e.bot}).Run(ctx) }()
	s.accept(runDone)
	id := s.command("UANNA", "C1", "team opret Slusen", randomID(), 0)
	select {
	case <-started:
	case <-time.After(socketWait):
		t.Fatal("the command never reached the handler")
	}
	cancel() // SIGTERM while the command is in flight
	if a := s.ack(id); !emptyPayload(a.Payload) {
		t.Errorf("ack after shutdown carries %s, want none: the answer is not ready", a.Payload)
	}
	release()
	select {
	case err := <-runDone:
		if err != nil {
			t.Errorf("Run = %v", err)
		}
	case <-time.After(socketWait):
		t.Fatal("Run did not return")
	}
	e.bot.Wait()
	rs := e.fake.responsesCopy()
	if len(rs) != 1 {
		t.Fatalf("response_url got %d answers, want 1: %v", len(rs), rs)
	}
	if text, _ := rs[0]["text"].(string); !strings.Contains(text, "Slusen") {
		t.Errorf("answer through response_url: %v", rs[0])
	}
	if n := e.count(`SELECT count(*) FROM teams`); n != 1 {
		t.Errorf("teams = %d", n)
	}
}

// holdUntil returns a channel that work in flight waits on and the func
// that closes it; a test that stops early closes it too, so that the
// bot's Wait in the cleanup returns.
func holdUntil(t *testing.T) (<-chan struct{}, func()) {
	c := make(chan struct{})
	var once sync.Once
	release := func() { once.Do(func() { close(c) }) }
	t.Cleanup(release)
	return c, release
}

// holdForms is the real forms with a pause before a submission is saved.
type holdForms struct {
	bot.Forms
	hold func()
}

func (f holdForms) Submit(ctx context.Context, req commands.Request, s commands.Submission) (commands.Reply, map[string]string) {
	f.hold()
	return f.Forms.Submit(ctx, req, s)
}

// ackedBefore waits until the logs hold want or envelope id is acked,
// and says whether it was acked.
func (s *socketSlack) ackedBefore(id string, logs *syncBuffer, want string) bool {
	s.t.Helper()
	deadline := time.Now().Add(socketWait)
	for !strings.Contains(logs.String(), want) {
		select {
		case a := <-s.acks:
			if s.acked[a.EnvelopeID] {
				s.t.Errorf("envelope %s acked twice", a.EnvelopeID)
			}
			s.acked[a.EnvelopeID] = true
			s.early[a.EnvelopeID] = a
			if a.EnvelopeID == id {
				return true
			}
		case err := <-s.errs:
			s.t.Fatal(err)
		case <-time.After(5 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("envelope %s neither acked nor left within %v", id, socketWait)
		}
	}
	return false
}

// A shutdown takes nothing new: an envelope that comes after SIGTERM is
// not acknowledged, the connection closes under it, and Slack redelivers
// it on another connection — here a second replica's, which answers it.
// What was in flight when the shutdown began is still answered: the
// command (on its ack or through response_url) and the form submission
// (on its ack, which carries the form's answer).
func TestSocketModeShutdownLeavesNewEnvelopesForRedelivery(t *testing.T) {
	e := newSlackEnv(t)
	e.fake.setMembers("C1", "UANNA")
	held, release := holdUntil(t)
	started := make(chan string, 2)
	hold := func(what string) { started <- what; <-held }
	e.bot.Handler = handlerFunc(func(ctx context.Context, req commands.Request) commands.Reply {
		if req.Text == "AB-1 4 Før SIGTERM" {
			hold("command")
		}
		return e.handler.Handle(ctx, req)
	})
	e.bot.Forms = holdForms{Forms: e.handler, hold: func() { hold("form") }}
	e.bot.AckWithin = 10 * time.Second // the answers in flight are not late by themselves
	s := newSocketSlack(t, e)
	t.Cleanup(func() { close(s.done) })

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	runDone := make(chan error, 1)
	go func() { runDone <- (&bot.Socket{Bot: e.bot}).Run(ctx) }()
	s.accept(runDone)
	first := s.conn
	for _, text := range []string{"team opret Slusen", "borger ny AB", "ny AB Tage bussen"} {
		if got := s.run("UANNA", "C1", text); got == "" {
			t.Fatalf("%q: no answer", text)
		}
	}
	var ab1 int64
	if err := e.raw.QueryRow(`SELECT id FROM goals`).Scan(&ab1); err != nil {
		t.Fatal(err)
	}

	// In flight when SIGTERM comes: a command and a form submission (a
	// score off the scale: its answer is an inline error on the ack).
	inflight := s.command("UANNA", "C1", "AB-1 4 Før SIGTERM", "trigger-"+randomID(), 0)
	submission := map[string]any{
		"type": "view_submission", "team": map[string]any{"id": e.fake.teamID}, "user": map[string]any{"id": "UANNA"},
		"view": map[string]any{"id": "VS1", "hash": "hs1", "type": "modal", "callback_id": "log",
			"private_metadata": fmt.Sprintf(`{"k":"log","ch":"C1","g":%d}`, ab1),
			"blocks":           scoreInput(ab1),
			"state": map[string]any{"values": map[string]any{fmt.Sprintf("score-%d", ab1): map[string]any{
				"score": map[string]any{"type": "radio_buttons", "selected_option": map[string]any{"value": "99"}}}}}},
	}
	form := s.send("interactive", submission, 0, "")
	for range 2 {
		select {
		case <-started:
		case <-time.After(socketWait):
			t.Fatal("the work in flight never reached the handlers")
		}
	}
	cancel() // SIGTERM

	// After SIGTERM, on the same connection: a command the bot must leave
	// to Slack, unacknowledged.
	late := s.slash(e.fake.teamID, "UANNA", "C1", "AB-1 6 Efter SIGTERM", "trigger-"+randomID())
	lateID := s.send("slash_commands", late, 0, "")
	if s.ackedBefore(lateID, e.logs, "envelope left for Slack to redeliver") {
		t.Errorf("the envelope that came after SIGTERM was acked: it is lost")
	}
	release()

	if a := s.ack(form); !strings.Contains(string(a.Payload), `"response_action":"errors"`) {
		t.Errorf("form submission in flight: ack = %s, want its inline errors", a.Payload)
	}
	a := s.ack(inflight)
	s.end(first) // the bot closes the connection...
	if s.acked[lateID] {
		t.Errorf("the envelope that came after SIGTERM was acked on the closing connection: it is lost")
	}
	select {
	case err := <-runDone:
		if err != nil {
			t.Errorf("Run = %v", err)
		}
	case <-time.After(socketWait):
		t.Fatal("Run did not return")
	}
	e.bot.Wait() // ...and the answers that follow their acks are sent

	// The command in flight got its answer, once: on its ack or through
	// response_url.
	var answers []string
	if !emptyPayload(a.Payload) {
		var msg socketAnswer
		json.Unmarshal(a.Payload, &msg)
		answers = append(answers, msg.Text)
	}
	for _, r := range e.fake.responsesCopy() {
		text, _ := r["text"].(string)
		answers = append(answers, text)
	}
	if len(answers) != 1 || !strings.Contains(answers[0], "AB-1") || !strings.Contains(answers[0], "4") {
		t.Errorf("command in flight answered %q, want one answer about AB-1 4", answers)
	}

	// Slack redelivers the envelope on another replica's connection; that
	// one answers it.
	other := &bot.Bot{Handler: e.handler, Forms: e.handler, Slack: e.slack, Log: e.bot.Log}
	ctx2, cancel2 := context.WithCancel(context.Background())
	run2 := make(chan error, 1)
	go func() { run2 <- (&bot.Socket{Bot: other}).Run(ctx2) }()
	t.Cleanup(func() {
		cancel2()
		select {
		case <-run2:
		case <-time.After(socketWait):
			t.Error("the second replica's Run did not return")
		}
		other.Wait()
	})
	s.accept(run2)
	again := s.send("slash_commands", late, 1, "connection_closed")
	if got := s.answer(again, "AB-1 6 Efter SIGTERM"); !strings.Contains(got, "AB-1") || !strings.Contains(got, "6") {
		t.Errorf("redelivered command answered %q", got)
	}
	for score, want := range map[int]int{4: 1, 6: 1} {
		if n := e.count(`SELECT count(*) FROM entries WHERE staff_score = $1`, score); n != want {
			t.Errorf("entries with staff score %d = %d, want %d", score, n, want)
		}
	}
}

// scoreInput is the score block of a log form for goal, as Slack sends a
// submitted view's blocks back.
func scoreInput(goal int64) []map[string]any {
	return []map[string]any{{"type": "input", "block_id": fmt.Sprintf("score-%d", goal), "label": map[string]any{"type": "plain_text", "text": "Score"},
		"element": map[string]any{"type": "radio_buttons", "action_id": "score"}}}
}
