package main

import (
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/valyala/fasthttp"
)

// startFakeSlack serves the fake Slack API on a free port and returns its
// base URL.
func startFakeSlack(t testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &fasthttp.Server{Handler: fakeSlack("T1", "C1", 3), NoDefaultServerHeader: true, NoDefaultDate: true}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Shutdown() })
	return "http://" + ln.Addr().String()
}

// The fake Slack answers slack-go as the bot calls it: users.info with
// the user asked about, the members, a private channel the bot is in.
func TestFakeSlack(t *testing.T) {
	base := startFakeSlack(t)
	api := slack.New("xoxb-load", slack.OptionAPIURL(base+"/api/"))
	if r, err := api.AuthTest(); err != nil || r.TeamID != "T1" || r.UserID != "UBOT" {
		t.Fatalf("auth.test: %+v %v", r, err)
	}
	if u, err := api.GetUserInfo("U0002"); err != nil || u.ID != "U0002" || u.Locale != "da-DK" {
		t.Fatalf("users.info: %+v %v", u, err)
	}
	if ms, _, err := api.GetUsersInConversation(&slack.GetUsersInConversationParameters{ChannelID: "C1"}); err != nil ||
		strings.Join(ms, ",") != "U0001,U0002,U0003" {
		t.Fatalf("conversations.members: %v %v", ms, err)
	}
	if ch, err := api.GetConversationInfo(&slack.GetConversationInfoInput{ChannelID: "C1"}); err != nil || ch.ID != "C1" || !ch.IsPrivate || !ch.IsMember {
		t.Fatalf("conversations.info: %+v %v", ch, err)
	}
	if ts, err := api.PostEphemeral("C1", "U0001", slack.MsgOptionText("Gemt", false)); err != nil || ts == "" {
		t.Fatalf("chat.postEphemeral: %q %v", ts, err)
	}
	if ch, _, _, err := api.OpenConversation(&slack.OpenConversationParameters{Users: []string{"U0001"}}); err != nil || ch.ID != "DLOAD" {
		t.Fatalf("conversations.open: %+v %v", ch, err)
	}
	if _, ts, err := api.PostMessage("DLOAD", slack.MsgOptionText("hej", false)); err != nil || ts == "" {
		t.Fatalf("chat.postMessage: %q %v", ts, err)
	}
	if resp, err := http.Get(base + "/other"); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Fatalf("/other: %v %v", resp, err)
	}
}

// BenchmarkRoundTrip is the CPU (client and server: both run in this
// process) of one log-form submission posted and answered the way the
// load test's rig does it: fasthttp is the load generator's run and the
// fake Slack (the answer chat.postEphemeral's); net/http is what they were
// before: net/http's client (postTo) and server, and the body built and
// signed by submission, which costs about what it did then. Many requests are in flight
// at once, as in an open loop at thousands a second.
func BenchmarkRoundTrip(b *testing.B) {
	goals, _ := parseGoals("2:3,4:5,6:7")
	cpu := func() time.Duration {
		var ru syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	bench := func(b *testing.B, url string, c *client, send func(f *formSender, i int) bool) {
		f, err := newFormSender(c, goals)
		if err != nil {
			b.Fatal(err)
		}
		f.url = url
		b.SetParallelism(64)
		var failed atomic.Bool
		start := cpu()
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for i := 0; pb.Next(); i++ {
				if !send(f, i) {
					failed.Store(true)
				}
			}
		})
		b.StopTimer()
		b.ReportMetric(float64((cpu()-start).Microseconds())/float64(b.N), "cpu-µs/op")
		if failed.Load() {
			b.Fatal("a request failed")
		}
	}
	const ok = `{"ok":true,"message_ts":"1700000000.000100"}`
	b.Run("fasthttp", func(b *testing.B) {
		base := startFakeSlack(b)
		c := &client{secret: []byte("s3cret"), team: "T1", channel: "C1",
			fast: &fasthttp.Client{MaxConnsPerHost: 4096, MaxConnWaitTimeout: requestTimeout, NoDefaultUserAgentHeader: true, DisableHeaderNamesNormalizing: true}}
		bench(b, base+"/api/chat.postEphemeral", c, func(f *formSender, i int) bool {
			return c.postSigned(f.url, func(body []byte) []byte {
				return f.appendSubmission(body, i, "U0007", 6, 9, "Tog selv bussen i dag")
			}, func(status int, body []byte, _ time.Time) bool { return status == 200 && string(body) == ok })
		})
	})
	b.Run("net/http", func(b *testing.B) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		mux := http.NewServeMux()
		mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(ok))
		})
		srv := &http.Server{Handler: mux}
		go srv.Serve(ln)
		b.Cleanup(func() { srv.Close() })
		c := &client{secret: []byte("s3cret"), team: "T1", channel: "C1",
			http: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 4096}}}
		bench(b, "http://"+ln.Addr().String()+"/api/chat.postEphemeral", c, func(f *formSender, i int) bool {
			body, h := f.submission(i, "U0007", 6, 9, "Tog selv bussen i dag")
			status, resp, err := c.postTo(f.url, body, h)
			return err == nil && status == 200 && resp == ok
		})
	})
}
