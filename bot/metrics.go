package bot

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// The bot's metrics, on the default registry that /metrics serves.
var (
	busy = promauto.NewCounter(prometheus.CounterOpts{
		Name: "smallgoals_busy_total",
		Help: "Commands and form submissions refused because MaxWork were being worked on (nothing saved; the user was told).",
	})
	httpRequests = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "smallgoals_http_requests_total",
		Help: "Requests from Slack by route and status code.",
	}, []string{"route", "status"})
	ackSeconds = promauto.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "smallgoals_ack_seconds",
		Help:    "Time from a Slack request or envelope to its acknowledgement, by transport and command.",
		Buckets: []float64{.001, .0025, .005, .01, .015, .025, .05, .1, .25, .5, 1, 2, 3},
	}, []string{"transport", "command"})
	commandOutcomes = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "smallgoals_commands_total",
		Help: "Commands answered, by command and outcome (done, refused, failed, late, form).",
	}, []string{"command", "outcome"})
	slackCalls = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "smallgoals_slack_calls_total",
		Help: "Calls to Slack's Web API by method and outcome (ok, slack_error, rate_limited, http_error, transport_error).",
	}, []string{"method", "outcome"})
)

// observeCommand records a command's answer.
func observeCommand(transport string, start time.Time, command, outcome string) {
	if command == "" {
		command = "unknown"
	}
	ackSeconds.WithLabelValues(transport, command).Observe(time.Since(start).Seconds())
	commandOutcomes.WithLabelValues(command, outcome).Inc()
}

// countingTransport counts the bot's calls to Slack by API method. A Web
// API answer with HTTP 200 and "ok": false is Slack refusing the call: it
// counts as slack_error.
type countingTransport struct{ next http.RoundTripper }

func (t countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	method := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
	api := strings.Contains(r.URL.Path, "/api/")
	if !api {
		method = "upload" // file uploads and response_url posts
	}
	resp, err := t.next.RoundTrip(r)
	switch {
	case err != nil:
		slackCalls.WithLabelValues(method, "transport_error").Inc()
	case resp.StatusCode == http.StatusTooManyRequests:
		slackCalls.WithLabelValues(method, "rate_limited").Inc()
	case resp.StatusCode >= 400:
		slackCalls.WithLabelValues(method, "http_error").Inc()
	case api && refused(resp):
		slackCalls.WithLabelValues(method, "slack_error").Inc()
	default:
		slackCalls.WithLabelValues(method, "ok").Inc()
	}
	return resp, err
}

// peekLimit bounds how much of an answer refused reads ahead.
const peekLimit = 64 << 10

// refused reports whether a JSON answer of the Web API says "ok": false.
// It reads at most peekLimit bytes of the body (Slack writes "ok" first)
// and puts them back, so the caller reads the body as it came.
func refused(resp *http.Response) bool {
	if ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); ct != "application/json" || resp.Body == nil {
		return false
	}
	head, err := io.ReadAll(io.LimitReader(resp.Body, peekLimit))
	rest := io.Reader(resp.Body)
	if err != nil {
		rest = errReader{err} // the caller meets the read's error where it happened
	}
	resp.Body = peekedBody{io.MultiReader(bytes.NewReader(head), rest), resp.Body}
	ok, found := okField(head)
	return found && !ok
}

// okField finds the top-level "ok" of a JSON object in b, which may be cut
// short; found is false if b ends or goes wrong before "ok".
func okField(b []byte) (ok, found bool) {
	dec := json.NewDecoder(bytes.NewReader(b))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return false, false
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return false, false
		}
		if key == "ok" {
			v, err := dec.Token()
			ok, isBool := v.(bool)
			return ok, err == nil && isBool
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return false, false
		}
	}
	return false, false
}

// peekedBody is a response body with its first bytes read and put back.
type peekedBody struct {
	io.Reader
	io.Closer
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

// statusRecorder keeps a response's status code for the request counter.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// counted counts a route's requests by status.
func counted(route string, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next(rec, r)
		httpRequests.WithLabelValues(route, strconv.Itoa(rec.status)).Inc()
	}
}
