package reminders

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// The jobs' metrics, on the default registry that /metrics serves.
var (
	jobRuns = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "smallgoals_job_runs_total",
		Help: "Job runs by task (remind, digest, retention, unpost) and outcome (ok, error).",
	}, []string{"task", "outcome"})
	jobSeconds = promauto.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "smallgoals_job_duration_seconds",
		Help:    "How long a job run took, by task (the job).",
		Buckets: []float64{.01, .05, .1, .5, 1, 5, 10, 30, 60, 120, 300},
	}, []string{"task"})
	jobLastSuccess = promauto.NewGaugeVec(prometheus.GaugeOpts{
		Name: "smallgoals_job_last_success_timestamp_seconds",
		Help: "When a run of the job (task) last ended without error (Unix time): alert when it is old.",
	}, []string{"task"})
	claims = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "smallgoals_claims_total",
		Help: "Messages claimed for sending by kind (reminder_dm, digest); a replica that loses a claim sends nothing.",
	}, []string{"kind"})
	retries = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "smallgoals_retries_total",
		Help: "Claims that are a new try of a message whose send failed, or whose claimer died, by kind.",
	}, []string{"kind"})
	sends = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "smallgoals_sends_total",
		Help: "Claimed messages by kind and how the send went (sent, failed, ambiguous, given_up).",
	}, []string{"kind", "status"})
	undelivered = promauto.NewGaugeVec(prometheus.GaugeOpts{
		Name: "smallgoals_undelivered_messages",
		Help: "Messages of the last 30 days that did not go out for sure, by kind and status (ambiguous: may have reached Slack, never sent again; given_up: failed through their day or week). Each is logged with its key.",
	}, []string{"kind", "status"})
	composeFailures = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "smallgoals_compose_failures_total",
		Help: "Messages that could not be composed (nothing was claimed; the next run tries again), by kind.",
	}, []string{"kind"})
)

// run records a run of the job task that started at start. The label is
// task, not job: Prometheus's own target label job would rename it.
func run(task string, start time.Time, err error) {
	outcome := "ok"
	if err != nil {
		outcome = "error"
	} else {
		jobLastSuccess.WithLabelValues(task).SetToCurrentTime()
	}
	jobRuns.WithLabelValues(task, outcome).Inc()
	jobSeconds.WithLabelValues(task).Observe(time.Since(start).Seconds())
}

// failed logs a scheduled run's error; a run cut short because the
// program is stopping is no error (the next run, here or on another
// replica, does what it left).
func failed(log *slog.Logger, msg string, err error) {
	if errors.Is(err, context.Canceled) {
		log.Info(msg+": stopped by the shutdown", "err", err)
		return
	}
	log.Error(msg, "err", err)
}
