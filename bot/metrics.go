package bot

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// ackBuckets are the latency buckets of an acknowledgement, up to
// Slack's 3 seconds.
var ackBuckets = []float64{.001, .0025, .005, .01, .015, .025, .05, .1, .25, .5, 1, 2, 3}

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
		Buckets: ackBuckets,
	}, []string{"transport", "command"})
	commandOutcomes = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "smallgoals_commands_total",
		Help: "Commands answered, by command and outcome (done, refused, failed, late, form).",
	}, []string{"command", "outcome"})
)

// observeCommand records a command's answer.
func observeCommand(transport string, start time.Time, command, outcome string) {
	if command == "" {
		command = "unknown"
	}
	ackSeconds.WithLabelValues(transport, command).Observe(time.Since(start).Seconds())
	commandOutcomes.WithLabelValues(command, outcome).Inc()
	if command == "log" { // a typed score (the form's are in observeInteraction)
		scoreSubmissions.WithLabelValues("typed", outcome).Inc()
	}
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

// The metrics of interactions, events, score submissions and the Socket
// Mode connection.
var (
	interactionSeconds = promauto.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "smallgoals_interaction_seconds",
		Help:    "Time from an interaction (button, form, shortcut) to its acknowledgement, by transport (http, socket), type (block_actions, view_submission, shortcut, message_action, …) and kind (the form, button or shortcut).",
		Buckets: ackBuckets,
	}, []string{"transport", "type", "kind"})
	eventSeconds = promauto.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "smallgoals_event_seconds",
		Help:    "Time from an Events API event to its acknowledgement, by transport (http, socket) and event type.",
		Buckets: ackBuckets,
	}, []string{"transport", "event"})
	scoreSubmissions = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "smallgoals_score_submissions_total",
		Help: "Scores submitted, by source (typed: /maal REF SCORE; form: the log form) and outcome (typed: done, refused, failed; form: closed, refused).",
	}, []string{"source", "outcome"})
	socketConnected = promauto.NewGauge(prometheus.GaugeOpts{
		Name: "smallgoals_socket_connected",
		Help: "1 while the Socket Mode WebSocket to Slack is connected, else 0.",
	})
	socketReconnects = promauto.NewCounter(prometheus.CounterOpts{
		Name: "smallgoals_socket_reconnects_total",
		Help: "Socket Mode connections opened again after the first (Slack's disconnect requests, lost connections).",
	})
)
