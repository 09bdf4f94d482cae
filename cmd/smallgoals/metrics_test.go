package main

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"smallgoals/store/storetest"
)

// Both connection pools are on /metrics, sized as DATABASE_MAX_CONNS says.
func TestPoolMetrics(t *testing.T) {
	db, _ := storetest.Open(t) // MaxConns 10: 8 general, 2 quick
	registerPoolMetrics(db)
	mfs, err := prometheus.DefaultGatherer.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, mf := range mfs {
		if mf.GetName() != "go_sql_max_open_connections" {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "db_name" {
					got[l.GetValue()] = m.GetGauge().GetValue()
				}
			}
		}
	}
	// The first database registered counts (once a process): this one (8)
	// or a serve test's, at DATABASE_MAX_CONNS 20 (18).
	if g := got["smallgoals"]; (g != 8 && g != 18) || got["smallgoals_writer"] != 2 {
		t.Errorf("go_sql_max_open_connections by db_name = %v, want smallgoals 8 or 18, smallgoals_writer 2", got)
	}
}
