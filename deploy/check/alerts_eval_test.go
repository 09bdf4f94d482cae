package check

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/histogram"
	"github.com/prometheus/prometheus/model/labels"
	engine "github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/storage"
	"github.com/prometheus/prometheus/tsdb/chunkenc"
	"github.com/prometheus/prometheus/tsdb/chunks"
	"github.com/prometheus/prometheus/util/annotations"
)

// The newer alerts' expressions, evaluated by Prometheus' own engine on
// made-up series: each fires for what it is about and stays quiet
// otherwise. (The `for:` durations are not evaluated, only the
// expressions.) Samples are a minute apart from time 0.
func TestAlertExpressions(t *testing.T) {
	groups, _ := parseAlerts(t)
	exprs := map[string]string{}
	for _, g := range groups.Groups {
		for _, r := range g.Rules {
			exprs[r.Alert] = r.Expr
		}
	}
	ng := engine.NewEngine(engine.EngineOpts{MaxSamples: 1e6, Timeout: time.Minute, LookbackDelta: 5 * time.Minute, Parser: promql})
	defer ng.Close()
	for _, c := range []struct {
		alert, series string
		at            time.Duration
		want          []string // the firing series' labels, sorted, as name=value,…
	}{
		// Namespace a runs Socket Mode: i1 lost its connection at 30m, i2
		// kept it. Namespace b runs HTTP mode: its gauge is always 0.
		{"SmallgoalsSocketDisconnected", `
smallgoals_socket_connected{job="smallgoals",namespace="a",instance="i1"} 1x30 0x30
smallgoals_socket_connected{job="smallgoals",namespace="a",instance="i2"} 1x60
smallgoals_socket_connected{job="smallgoals",namespace="b",instance="i3"} 0x60`,
			40 * time.Minute, []string{"instance=i1,namespace=a"}},
		{"SmallgoalsSocketAllDisconnected", `
smallgoals_socket_connected{job="smallgoals",namespace="a",instance="i1"} 1x30 0x30
smallgoals_socket_connected{job="smallgoals",namespace="a",instance="i2"} 1x60
smallgoals_socket_connected{job="smallgoals",namespace="b",instance="i3"} 0x60`,
			40 * time.Minute, nil},
		{"SmallgoalsSocketAllDisconnected", `
smallgoals_socket_connected{job="smallgoals",namespace="a",instance="i1"} 1x30 0x30
smallgoals_socket_connected{job="smallgoals",namespace="a",instance="i2"} 1x20 0x40
smallgoals_socket_connected{job="smallgoals",namespace="b",instance="i3"} 0x60`,
			40 * time.Minute, []string{"namespace=a"}},
		// A new pod (i2) whose listener never connects, in a namespace where
		// listeners ran; namespace b runs none (a pooler, no listen URL).
		{"SmallgoalsListenerDown", `
smallgoals_listener_connected{job="smallgoals",namespace="a",instance="i1"} 1x60
smallgoals_listener_connected{job="smallgoals",namespace="a",instance="i2"} _x30 0x30
smallgoals_listener_connected{job="smallgoals",namespace="b",instance="i3"} 0x60`,
			50 * time.Minute, []string{"instance=i2,namespace=a"}},
		{"SmallgoalsVersionsMixed", `
smallgoals_build_info{job="smallgoals",namespace="a",instance="i1",version="1.4.0",commit="abc",schema="30"} 1x60
smallgoals_build_info{job="smallgoals",namespace="a",instance="i2",version="1.5.0",commit="def",schema="31"} 1x60
smallgoals_build_info{job="smallgoals",namespace="b",instance="i3",version="1.5.0",commit="def",schema="31"} 1x60
smallgoals_build_info{job="smallgoals",namespace="b",instance="i4",version="1.5.0",commit="def",schema="31"} 1x60`,
			40 * time.Minute, []string{"namespace=a"}},
		// A replica's first recovery (the series is born at 1), another's
		// second; a third recovered once long ago.
		{"SmallgoalsClaimsRecovered", `
smallgoals_claims_recovered_total{job="smallgoals",namespace="a",instance="i1",kind="digest"} _x100 1x20
smallgoals_claims_recovered_total{job="smallgoals",namespace="b",instance="i2",kind="reminder_dm"} 1x100 2x20
smallgoals_claims_recovered_total{job="smallgoals",namespace="c",instance="i3",kind="reminder_dm"} 1x120`,
			110 * time.Minute, []string{"kind=digest,namespace=a", "kind=reminder_dm,namespace=b"}},
		// 2 refusals a minute of one method and code; half a one of another.
		{"SmallgoalsSlackRefusals", `
smallgoals_slack_errors_total{job="smallgoals",namespace="a",instance="i1",method="chat.postMessage",error="not_in_channel"} 0+2x60
smallgoals_slack_errors_total{job="smallgoals",namespace="a",instance="i1",method="views.open",error="expired_trigger_id"} 0+0.5x60`,
			40 * time.Minute, []string{"error=not_in_channel,method=chat.postMessage,namespace=a"}},
		// One interaction a second: in a, every one between 2 and 3 s; in b,
		// every one under 0.1 s.
		{"SmallgoalsSlowInteractions", `
smallgoals_interaction_seconds_bucket{job="smallgoals",namespace="a",le="0.1"} 0x60
smallgoals_interaction_seconds_bucket{job="smallgoals",namespace="a",le="2"} 0x60
smallgoals_interaction_seconds_bucket{job="smallgoals",namespace="a",le="3"} 0+60x60
smallgoals_interaction_seconds_bucket{job="smallgoals",namespace="a",le="+Inf"} 0+60x60
smallgoals_interaction_seconds_count{job="smallgoals",namespace="a"} 0+60x60
smallgoals_interaction_seconds_bucket{job="smallgoals",namespace="b",le="0.1"} 0+60x60
smallgoals_interaction_seconds_bucket{job="smallgoals",namespace="b",le="2"} 0+60x60
smallgoals_interaction_seconds_bucket{job="smallgoals",namespace="b",le="3"} 0+60x60
smallgoals_interaction_seconds_bucket{job="smallgoals",namespace="b",le="+Inf"} 0+60x60
smallgoals_interaction_seconds_count{job="smallgoals",namespace="b"} 0+60x60`,
			40 * time.Minute, []string{"namespace=a"}},
	} {
		expr, ok := exprs[c.alert]
		if !ok {
			t.Errorf("no alert %s", c.alert)
			continue
		}
		q, err := ng.NewInstantQuery(context.Background(), loadSeries(t, c.series), nil, expr, time.Unix(0, 0).Add(c.at))
		if err != nil {
			t.Fatalf("%s: %v", c.alert, err)
		}
		res := q.Exec(context.Background())
		if res.Err != nil {
			t.Fatalf("%s: %v", c.alert, res.Err)
		}
		vec, err := res.Vector()
		if err != nil {
			t.Fatalf("%s: %v", c.alert, err)
		}
		var got []string
		for _, s := range vec {
			var pairs []string
			s.Metric.Range(func(l labels.Label) { pairs = append(pairs, l.Name+"="+l.Value) })
			got = append(got, strings.Join(pairs, ","))
		}
		slices.Sort(got)
		if !slices.Equal(got, c.want) {
			t.Errorf("%s at %v: fires for %q, want %q", c.alert, c.at, got, c.want)
		}
		q.Close()
	}
}

// loadSeries holds series given as promqltest's load command does
// ("name{labels} 0+1x10 _x5 1x3"), a sample a minute from time 0, for
// the engine to query (promqltest's own storage needs the whole TSDB and
// its cloud dependencies).
func loadSeries(t *testing.T, input string) storage.Queryable {
	t.Helper()
	var series []storage.Series
	for _, line := range strings.Split(strings.TrimSpace(input), "\n") {
		lset, values, err := promql.ParseSeriesDesc(line)
		if err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		var samples []chunks.Sample
		for i, v := range values {
			if !v.Omitted {
				samples = append(samples, sample{t: int64(i) * time.Minute.Milliseconds(), f: v.Value})
			}
		}
		series = append(series, storage.NewListSeries(lset, samples))
	}
	return &storage.MockQueryable{MockQuerier: &storage.MockQuerier{
		SelectMockFunction: func(_ bool, _ *storage.SelectHints, ms ...*labels.Matcher) storage.SeriesSet {
			var picked []storage.Series
			for _, s := range series {
				if matchAll(s.Labels(), ms) {
					picked = append(picked, s)
				}
			}
			slices.SortFunc(picked, func(a, b storage.Series) int { return labels.Compare(a.Labels(), b.Labels()) })
			return &seriesSet{list: picked, i: -1}
		},
	}}
}

func matchAll(lset labels.Labels, ms []*labels.Matcher) bool {
	for _, m := range ms {
		if !m.Matches(lset.Get(m.Name)) {
			return false
		}
	}
	return true
}

// sample is a float sample.
type sample struct {
	t int64
	f float64
}

func (s sample) T() int64                      { return s.t }
func (s sample) ST() int64                     { return 0 }
func (s sample) F() float64                    { return s.f }
func (s sample) H() *histogram.Histogram       { return nil }
func (s sample) FH() *histogram.FloatHistogram { return nil }
func (s sample) Type() chunkenc.ValueType      { return chunkenc.ValFloat }
func (s sample) Copy() chunks.Sample           { return s }

type seriesSet struct {
	list []storage.Series
	i    int
}

func (s *seriesSet) Next() bool                        { s.i++; return s.i < len(s.list) }
func (s *seriesSet) At() storage.Series                { return s.list[s.i] }
func (s *seriesSet) Err() error                        { return nil }
func (s *seriesSet) Warnings() annotations.Annotations { return nil }
