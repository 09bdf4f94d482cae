package bot

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// The bot's metrics, on the default registry that /metrics serves.
var (
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
		Help: "Calls to Slack's Web API by method and outcome (ok, rate_limited, http_error, transport_error).",
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

// countingTransport counts the bot's calls to Slack by API method.
type countingTransport struct{ next http.RoundTripper }

func (t countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	method := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
	if !strings.Contains(r.URL.Path, "/api/") {
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
	default:
		slackCalls.WithLabelValues(method, "ok").Inc()
	}
	return resp, err
}

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
