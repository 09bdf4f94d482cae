// Command loadgen sends signed Slack slash commands, or log-form
// submissions, to a smallgoals bot in HTTP mode at a fixed, open-loop rate
// and reports latency percentiles measured from each request's scheduled
// send time (so a server that falls behind is charged for the queue it
// causes). It can also play a minimal Slack Web API for the bot
// (auth.test, conversations.members, users.info, chat.postEphemeral, …),
// so a load test needs no network.
//
//	loadgen -fake-slack 127.0.0.1:9999 -users 50                        # the fake Slack API
//	loadgen -url http://127.0.0.1:3000/slack/commands -secret S -setup  # team, borgere AB and B1…B20, a goal each
//	loadgen -url http://127.0.0.1:3000/slack/commands -secret S -rate 1000 -duration 20s   # scores on B1-1…B20-1
//	loadgen -url http://127.0.0.1:3000/slack/commands -secret S -mode form -goals 2:3,4:5,… -rate 1000
//
// -mode form sends the log form's view_submission to /slack/interactions
// (the -url with /slack/commands replaced) instead: the form as the bot
// shows it for goal Bi-1, with a score, the borger's score, today and a
// note, each submission with a view ID and hash of its own. It needs the
// database IDs of the borgere and goals, which the bot's answers do not
// show: -goals takes CITIZEN:GOAL pairs, B1's first. scripts/loadtest
// reads them from PostgreSQL after -setup:
//
//	SELECT string_agg(c.id || ':' || g.id, ',' ORDER BY c.id) FROM citizens c
//	JOIN goals g ON g.citizen_id = c.id AND g.number = 1 WHERE c.alias_key ~ '^B[0-9]+$'
//
// A submission counts as an error unless it is answered 200
// {"response_action":"clear"} within 2 s of being sent: after 2 s the bot
// clears the form before it knows the outcome, which follows as a message.
//
// -fault N (scripts/faulttest) sends N deliveries in turn — typed
// scores, log-form and revision-form submissions, each with a text of its
// own (scores on AB-1, revisions on B1-1 …), delivered again as Slack
// does when they fail — runs -crash after a third and -restart after two
// thirds, then reads the database (-db, with the data key -key) and fails
// unless every acknowledged one is stored exactly once and none twice.
package main

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"hash"
	"io"
	"log"
	"math"
	"net"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"
)

func main() {
	var (
		target   = flag.String("url", "http://127.0.0.1:3000/slack/commands", "the bot's command URL")
		secret   = flag.String("secret", "load-test-secret", "the signing secret")
		rate     = flag.Float64("rate", 200, "requests per second, open loop")
		duration = flag.Duration("duration", 10*time.Second, "how long to send")
		users    = flag.Int("users", 50, "distinct users (U0001…) sending")
		team     = flag.String("team", "T1", "the workspace ID")
		channel  = flag.String("channel", "C1", "the team channel")
		text     = flag.String("text", "%s %d b:%d Tog selv bussen i dag", "the command text: %s is a ref, the %d are filled with scores")
		setup    = flag.Bool("setup", false, "create the team, borger AB with goal AB-1 and -citizens more with a goal each (B1-1 …), then exit")
		citizens = flag.Int("citizens", 20, "the borgere B1…BN whose goals the commands log on (made by -setup)")
		fake     = flag.String("fake-slack", "", "serve a fake Slack Web API on this address instead")
		jsonOut  = flag.Bool("json", false, "print the result as JSON")
		faultN   = flag.Int("fault", 0, "fault test: send this many typed scores, log forms and revision forms on AB-1, crash PostgreSQL after a third (-crash) and restart it after two thirds (-restart), check each acknowledged one is stored once (-db, -key)")
		crash    = flag.String("crash", "", "fault test: the shell command that kills PostgreSQL (pg_ctl -m immediate) and starts it again")
		restart  = flag.String("restart", "", "fault test: the shell command that restarts PostgreSQL (pg_ctl -m fast)")
		dbURL    = flag.String("db", "", "fault test: the bot's database URL")
		key      = flag.String("key", "", "fault test: the bot's data key (base64)")
		termPID  = flag.Int("sigterm", 0, "SIGTERM test: the server's PID, sent SIGTERM after -sigterm-after during the run")
		termAt   = flag.Duration("sigterm-after", 2*time.Second, "SIGTERM test: when to send it")
		mode     = flag.String("mode", "command", "what to send: command (slash commands) or form (log-form submissions, needs -goals)")
		goals    = flag.String("goals", "", "form mode: the goals to log on, CITIZEN:GOAL database IDs, comma separated")
	)
	flag.Parse()
	if *fake != "" {
		serveFakeSlack(*fake, *team, *channel, *users)
		return
	}
	c := &client{url: *target, secret: []byte(*secret), team: *team, channel: *channel,
		http: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 4096, MaxConnsPerHost: 0}},
		// An open loop at up to ~5,000/s with answers taking seconds
		// needs thousands of connections at once; past 4,096 a request
		// waits for one (its wait counted in its latency) instead of
		// failing at once, as fasthttp does by default.
		fast: &fasthttp.Client{MaxConnsPerHost: 4096, MaxConnWaitTimeout: requestTimeout,
			NoDefaultUserAgentHeader: true, DisableHeaderNamesNormalizing: true}}
	if *setup {
		cmds := []string{"team opret Load", "borger ny AB", "ny AB Tage bussen alene"}
		for i := 1; i <= *citizens; i++ {
			cmds = append(cmds, fmt.Sprintf("borger ny B%d", i), fmt.Sprintf("ny B%d Smøre madpakke selv", i))
		}
		for _, cmd := range cmds {
			status, body, err := c.send("U0001", cmd)
			if err != nil || status != 200 || !strings.Contains(body, "✅") {
				log.Fatalf("setup %q: %d %v %s", cmd, status, err, body)
			}
		}
		fmt.Printf("setup done: team Load, AB-1 and B1-1 … B%d-1\n", *citizens)
		return
	}
	switch {
	case *faultN > 0:
		if err := c.fault(*faultN, *rate, *crash, *restart, *dbURL, *key); err != nil {
			log.Fatal(err)
		}
		return
	case *termPID > 0:
		if err := c.sigterm(*rate, *duration, *termAt, *termPID); err != nil {
			log.Fatal(err)
		}
		return
	}
	// The sending is fasthttp's (postSigned) on bodies appended to a pooled
	// buffer: with net/http and bodies built anew the load generator took
	// ~200 µs of CPU a form, ~40 % of a core at 2,000/s, on the cores the
	// bot is measured on.
	var send func(i int) bool
	switch *mode {
	case "command":
		n := max(1, *citizens)
		ephemeral := []byte(`"response_type":"ephemeral"`)
		send = func(i int) bool {
			score := i%10 + 1
			user, text := fmt.Sprintf("U%04d", i%*users+1), fmt.Sprintf(*text, fmt.Sprintf("B%d-1", i%n+1), score, (score+3)%10+1)
			return c.postSigned(c.url, func(b []byte) []byte { return c.appendForm(b, user, text, c.trigger()) },
				func(status int, body []byte, _ time.Time) bool {
					return status == 200 && bytes.Contains(body, ephemeral)
				})
		}
	case "form":
		gs, err := parseGoals(*goals)
		if err != nil {
			log.Fatal(err)
		}
		f, err := newFormSender(c, gs)
		if err != nil {
			log.Fatal(err)
		}
		send = func(i int) bool {
			score := i%10 + 1
			user := fmt.Sprintf("U%04d", i%*users+1)
			return c.postSigned(f.url, func(b []byte) []byte {
				return f.appendSubmission(b, i, user, score, (score+3)%10+1, "Tog selv bussen i dag")
			}, func(status int, resp []byte, sent time.Time) bool {
				return cleared(status, string(resp)) && time.Since(sent) < 2*time.Second
			})
		}
	default:
		log.Fatalf("-mode %q: want command or form", *mode)
	}
	r := c.run(*rate, *duration, send)
	if *jsonOut {
		json.NewEncoder(os.Stdout).Encode(r)
		return
	}
	fmt.Printf("%s: rate %.0f/s for %s: sent %d, ok %d, errors %d, achieved %.0f/s\n", *mode, *rate, *duration, r.Sent, r.OK, r.Errors, r.Achieved)
	fmt.Printf("latency from scheduled send: p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  p99.9 %.2f ms  max %.2f ms\n",
		r.P50, r.P90, r.P99, r.P999, r.Max)
}

// requestTimeout is how long a request may take, connecting and waiting
// for a connection included.
const requestTimeout = 10 * time.Second

type client struct {
	url, team, channel string
	secret             []byte
	http               *http.Client     // -setup and the fault and SIGTERM tests
	fast               *fasthttp.Client // run's sending
	macs               sync.Pool        // HMAC-SHA256s keyed with secret
	seq                atomic.Int64
}

// form is a slash command's body as Slack sends it.
func (c *client) form(user, text, trigger string) string {
	return string(c.appendForm(nil, user, text, trigger))
}

// appendForm appends a slash command's body as Slack sends it, its fields
// in url.Values.Encode's order.
func (c *client) appendForm(b []byte, user, text, trigger string) []byte {
	for i, f := range [...][2]string{
		{"channel_id", c.channel}, {"channel_name", "load"}, {"command", "/maal"},
		{"response_url", "http://127.0.0.1:1/respond"}, {"team_id", c.team}, {"text", text}, {"token", "x"},
		{"trigger_id", trigger}, {"user_id", user}, {"user_name", strings.ToLower(user)},
	} {
		if i > 0 {
			b = append(b, '&')
		}
		b = append(b, f[0]...)
		b = append(b, '=')
		b = appendQueryEscape(b, f[1])
	}
	return b
}

// trigger is a trigger_id of its own.
func (c *client) trigger() string {
	return fmt.Sprintf("load.%d.%d", time.Now().UnixNano(), c.seq.Add(1))
}

// appendQueryEscape appends s escaped as url.QueryEscape does.
func appendQueryEscape(b []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; {
		case 'a' <= ch && ch <= 'z', 'A' <= ch && ch <= 'Z', '0' <= ch && ch <= '9', ch == '-', ch == '_', ch == '.', ch == '~':
			b = append(b, ch)
		case ch == ' ':
			b = append(b, '+')
		default:
			b = append(b, '%', hex[ch>>4], hex[ch&15])
		}
	}
	return b
}

var signaturePrefix = []byte("v0:")

// appendSignature appends the X-Slack-Signature of body at timestamp ts.
// The HMAC is pooled and the body written as it is: at thousands of
// requests a second a new HMAC and a copy of each body ("v0:"+ts+":"+body)
// are garbage the collector takes CPU for.
func (c *client) appendSignature(b, ts, body []byte) []byte {
	mac, ok := c.macs.Get().(hash.Hash)
	if ok {
		mac.Reset()
	} else {
		mac = hmac.New(sha256.New, c.secret)
	}
	mac.Write(signaturePrefix)
	mac.Write(ts)
	mac.Write(signaturePrefix[2:])
	mac.Write(body)
	var sum [sha256.Size]byte
	b = append(b, "v0="...)
	b = hex.AppendEncode(b, mac.Sum(sum[:0]))
	c.macs.Put(mac)
	return b
}

// sign returns the X-Slack-Signature of body at timestamp ts.
func (c *client) sign(ts, body string) string {
	return string(c.appendSignature(nil, []byte(ts), []byte(body)))
}

// bodies are the buffers postSigned's bodies are built in: a form
// submission is ~8 kB.
var bodies = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

// postSigned posts the body build appends to an empty buffer to url,
// signed as Slack signs (now), with fasthttp: pooled requests and
// responses on keep-alive connections. It reports what ok makes of the
// answer's status and body, sent being when the request was ready to go;
// a request that failed or took more than requestTimeout is not ok.
// Neither build nor ok may keep the bytes they are given.
func (c *client) postSigned(url string, build func([]byte) []byte, ok func(status int, body []byte, sent time.Time) bool) bool {
	bp := bodies.Get().(*[]byte)
	body := build((*bp)[:0])
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer func() {
		fasthttp.ReleaseRequest(req)
		fasthttp.ReleaseResponse(resp)
		*bp = body[:0]
		bodies.Put(bp)
	}()
	req.SetRequestURI(url)
	req.Header.SetMethod(fasthttp.MethodPost)
	req.Header.SetContentType("application/x-www-form-urlencoded")
	var tsb [20]byte
	var sigb [3 + 2*sha256.Size]byte
	ts := strconv.AppendInt(tsb[:0], time.Now().Unix(), 10)
	req.Header.SetBytesV("X-Slack-Request-Timestamp", ts)
	req.Header.SetBytesV("X-Slack-Signature", c.appendSignature(sigb[:0], ts, body))
	req.SetBodyRaw(body)
	sent := time.Now()
	if err := c.fast.DoTimeout(req, resp, requestTimeout); err != nil {
		return false
	}
	return ok(resp.StatusCode(), resp.Body(), sent)
}

// send posts one signed slash command and returns the status and body.
func (c *client) send(user, text string) (int, string, error) {
	body, h := c.signedForm(user, text, c.trigger())
	return c.post(body, h)
}

// post sends a body with headers to the command URL.
func (c *client) post(body string, h http.Header) (int, string, error) {
	return c.postTo(c.url, body, h)
}

// postTo sends a body with headers to url with net/http: the set-up's,
// the fault test's and the SIGTERM test's way, at rates where its cost
// does not matter. (Unlike fasthttp, it sends a POST again on a new
// connection if a kept-alive one turns out closed before anything was
// written, as connections to the SIGTERM test's shutting-down server do.)
func (c *client) postTo(url, body string, h http.Header) (int, string, error) {
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header = h
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), nil
}

// Result is what a run measured; latencies in milliseconds.
type Result struct {
	Rate, Achieved           float64
	Sent, OK, Errors         int
	P50, P90, P99, P999, Max float64
	DurationSeconds, Seconds float64
}

// run calls send(i) at rate for d: request i is due at start + i/rate,
// whether or not earlier ones have answered (open loop). send reports
// whether the answer was the one wanted.
func (c *client) run(rate float64, d time.Duration, send func(i int) bool) Result {
	n := int(rate * d.Seconds())
	lat := make([]float64, n)
	var ok, errs atomic.Int64
	var wg sync.WaitGroup
	start := time.Now().Add(50 * time.Millisecond)
	interval := time.Duration(float64(time.Second) / rate)
	for i := 0; i < n; i++ {
		due := start.Add(time.Duration(i) * interval)
		if w := time.Until(due); w > 0 {
			time.Sleep(w)
		}
		wg.Add(1)
		go func(i int, due time.Time) {
			defer wg.Done()
			good := send(i)
			lat[i] = float64(time.Since(due).Microseconds()) / 1000
			if !good {
				errs.Add(1)
				return
			}
			ok.Add(1)
		}(i, due)
	}
	wg.Wait()
	elapsed := time.Since(start).Seconds()
	sort.Float64s(lat)
	pct := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return lat[int(math.Min(float64(len(lat)-1), math.Ceil(p*float64(len(lat)))-1))]
	}
	return Result{Rate: rate, Achieved: float64(n) / elapsed, Sent: n, OK: int(ok.Load()), Errors: int(errs.Load()),
		P50: pct(.50), P90: pct(.90), P99: pct(.99), P999: pct(.999), Max: pct(1), DurationSeconds: d.Seconds(), Seconds: elapsed}
}

// serveFakeSlack answers the Web API calls the bot makes while logging:
// auth.test, conversations.members (users U0001…), users.info,
// conversations.info (a private channel the bot is in),
// users.conversations (that channel), and chat.postEphemeral (a saved
// form's confirmation), conversations.open and chat.postMessage, each at
// once with ok: at thousands of confirmations a second the fake must not
// be what the bot waits for.
func serveFakeSlack(addr, team, channel string, users int) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("fake Slack API on http://%s/api/ (team %s, channel %s, %d members)", ln.Addr(), team, channel, users)
	srv := &fasthttp.Server{Handler: fakeSlack(team, channel, users), NoDefaultServerHeader: true, NoDefaultDate: true}
	log.Fatal(srv.Serve(ln))
}

// fakeSlack is the fake Slack Web API's handler.
func fakeSlack(team, channel string, users int) fasthttp.RequestHandler {
	var members []string
	for i := 1; i <= users; i++ {
		members = append(members, fmt.Sprintf("U%04d", i))
	}
	membersJSON, _ := json.Marshal(map[string]any{"ok": true, "members": members, "response_metadata": map[string]string{"next_cursor": ""}})
	// fasthttp, not net/http: at ~75 µs of CPU a chat.postEphemeral the
	// fake took ~15 % of a core at 2,000 forms a second, from the bot.
	return func(ctx *fasthttp.RequestCtx) {
		method, ok := bytes.CutPrefix(ctx.Path(), []byte("/api/"))
		if !ok {
			ctx.NotFound()
			return
		}
		ctx.SetContentType("application/json")
		switch string(method) {
		case "auth.test":
			fmt.Fprintf(ctx, `{"ok":true,"team_id":%q,"user_id":"UBOT"}`, team)
		case "conversations.members":
			ctx.SetBody(membersJSON)
		case "users.info":
			// slack-go sends it as a form; FormValue reads the query too.
			fmt.Fprintf(ctx, `{"ok":true,"user":{"id":%q,"locale":"da-DK"}}`, ctx.FormValue("user"))
		case "conversations.info":
			fmt.Fprintf(ctx, `{"ok":true,"channel":{"id":%q,"is_channel":true,"is_private":true,"is_member":true}}`, channel)
		case "users.conversations":
			fmt.Fprintf(ctx, `{"ok":true,"channels":[{"id":%q,"is_private":true}],"response_metadata":{"next_cursor":""}}`, channel)
		case "chat.postEphemeral":
			ctx.SetBodyString(`{"ok":true,"message_ts":"1700000000.000100"}`)
		case "conversations.open":
			ctx.SetBodyString(`{"ok":true,"channel":{"id":"DLOAD"}}`)
		case "chat.postMessage":
			fmt.Fprintf(ctx, `{"ok":true,"channel":"DLOAD","ts":"%d.000100"}`, time.Now().Unix())
		default:
			ctx.SetBodyString(`{"ok":true}`)
		}
	}
}
