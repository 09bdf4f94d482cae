package reminders

import (
	"errors"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// The jobs' metrics name the job by `task`: a label `job` of their own
// would clash with Prometheus's target label (it arrives as
// exported_job when scraped).
func TestJobMetricsLabel(t *testing.T) {
	run("metrics_test", time.Now(), nil)
	run("metrics_test", time.Now(), errors.New("failed"))
	families, err := prometheus.DefaultGatherer.Gather()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"smallgoals_job_runs_total": false, "smallgoals_job_duration_seconds": false, "smallgoals_job_last_success_timestamp_seconds": false}
	for _, f := range families {
		if _, ok := want[f.GetName()]; !ok {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				switch {
				case l.GetName() == "job":
					t.Errorf("%s has a label job", f.GetName())
				case l.GetName() == "task" && l.GetValue() == "metrics_test":
					want[f.GetName()] = true
				}
			}
		}
	}
	for name, found := range want {
		if !found {
			t.Errorf("%s has no series with task=\"metrics_test\"", name)
		}
	}
}
