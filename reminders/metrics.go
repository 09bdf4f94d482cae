package reminders

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// The jobs' metrics, on the default registry that /metrics serves.
var (
	jobRuns = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "smallgoals_job_runs_total",
		Help: "Job runs by job (remind, digest, retention) and outcome (ok, error).",
	}, []string{"job", "outcome"})
	claims = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "smallgoals_claims_total",
		Help: "Messages claimed for sending by kind (reminder_dm, digest); a replica that loses a claim sends nothing.",
	}, []string{"kind"})
	sends = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "smallgoals_sends_total",
		Help: "Claimed messages by kind and how the send went (sent, failed, ambiguous, counts_only).",
	}, []string{"kind", "status"})
)

func run(job string, err error) {
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	jobRuns.WithLabelValues(job, outcome).Inc()
}
