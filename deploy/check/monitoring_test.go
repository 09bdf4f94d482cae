package check

import (
	"encoding/json"
	"log/slog"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
)

// external are the metrics the rules and dashboard use that the binary
// does not export, with where they come from. Every other name must be the
// binary's (smallgoals_*, go_*, process_*), which
// cmd/smallgoals/deploy_test.go checks against a running program.
var external = map[string]string{
	"up":                            "Prometheus, for every scrape target",
	"kube_deployment_spec_replicas": "kube-state-metrics",
	"kube_deployment_status_replicas_available": "kube-state-metrics",
}

// ours are the prefixes of the binary's own metrics.
var ours = regexp.MustCompile(`^(smallgoals_|go_|process_)`)

var promql = parser.NewParser(parser.Options{})

func parseAlerts(t *testing.T) (*rulefmt.RuleGroups, []string) {
	t.Helper()
	groups, errs := rulefmt.ParseFile("../prometheus/alerts.yaml", false, model.UTF8Validation, promql, slog.New(slog.DiscardHandler))
	for _, err := range errs {
		t.Error(err)
	}
	if groups == nil {
		t.FailNow()
	}
	var exprs []string
	for _, g := range groups.Groups {
		for _, r := range g.Rules {
			exprs = append(exprs, r.Expr)
		}
	}
	return groups, exprs
}

// The alert rules parse with Prometheus' own rule parser (unknown fields
// are errors; every expression and template is checked), each alert says
// how bad it is and what it means, and they cover what an operator must
// hear about.
func TestAlertRules(t *testing.T) {
	groups, exprs := parseAlerts(t)
	var names []string
	for _, g := range groups.Groups {
		for _, r := range g.Rules {
			if r.Alert == "" {
				t.Errorf("%s: a recording rule %q; the file holds alerts", g.Name, r.Record)
				continue
			}
			names = append(names, r.Alert)
			if sev := r.Labels["severity"]; sev != "critical" && sev != "warning" {
				t.Errorf("%s: severity %q", r.Alert, sev)
			}
			if r.Annotations["summary"] == "" || r.Annotations["description"] == "" {
				t.Errorf("%s: no summary or description", r.Alert)
			}
		}
	}
	for _, want := range []string{"SmallgoalsDown", "SmallgoalsNotReady", "SmallgoalsCommandErrors", "SmallgoalsSlowAnswers",
		"SmallgoalsBusy", "SmallgoalsJobNotSucceeding", "SmallgoalsJobFailing", "SmallgoalsUndeliveredMessages", "SmallgoalsDatabasePoolSaturated",
		"SmallgoalsSlowInteractions", "SmallgoalsSlackRefusals", "SmallgoalsSocketDisconnected", "SmallgoalsSocketAllDisconnected",
		"SmallgoalsListenerDown", "SmallgoalsVersionsMixed", "SmallgoalsClaimsRecovered"} {
		if !slices.Contains(names, want) {
			t.Errorf("no alert %s", want)
		}
	}
	checkSelectors(t, "alerts.yaml", exprs)
}

// grafanaVars are the dashboard's variables that stand where PromQL needs
// a duration; each is replaced by one before parsing.
var grafanaVars = strings.NewReplacer("$__rate_interval", "5m", "$__interval", "1m", "$__range", "1d")

// The Grafana dashboard is valid JSON, every panel reads the datasource
// variable, panel IDs are unique, and every query parses as PromQL.
func TestGrafanaDashboard(t *testing.T) {
	b, err := os.ReadFile("../grafana/smallgoals.json")
	if err != nil {
		t.Fatal(err)
	}
	type target struct {
		Expr       string `json:"expr"`
		Datasource struct {
			UID string `json:"uid"`
		} `json:"datasource"`
	}
	type panel struct {
		ID         int    `json:"id"`
		Type       string `json:"type"`
		Title      string `json:"title"`
		Datasource *struct {
			UID string `json:"uid"`
		} `json:"datasource"`
		Targets []target         `json:"targets"`
		Panels  []map[string]any `json:"panels"`
	}
	var dash struct {
		UID        string  `json:"uid"`
		Title      string  `json:"title"`
		Panels     []panel `json:"panels"`
		Templating struct {
			List []struct {
				Name string `json:"name"`
			} `json:"list"`
		} `json:"templating"`
	}
	if err := json.Unmarshal(b, &dash); err != nil {
		t.Fatalf("smallgoals.json: %v", err)
	}
	if dash.UID == "" || dash.Title == "" {
		t.Error("the dashboard has no uid or title")
	}
	var vars []string
	for _, v := range dash.Templating.List {
		vars = append(vars, v.Name)
	}
	if !slices.Contains(vars, "datasource") {
		t.Errorf("variables %v: want datasource", vars)
	}
	ids := map[int]bool{}
	var exprs []string
	for _, p := range dash.Panels {
		if ids[p.ID] {
			t.Errorf("panel ID %d twice", p.ID)
		}
		ids[p.ID] = true
		if len(p.Panels) > 0 {
			t.Errorf("row %q is collapsed: its panels are not checked", p.Title)
		}
		if p.Type == "row" {
			continue
		}
		if p.Datasource == nil || p.Datasource.UID != "${datasource}" || len(p.Targets) == 0 {
			t.Errorf("panel %q: datasource %v, %d queries", p.Title, p.Datasource, len(p.Targets))
		}
		for _, tg := range p.Targets {
			exprs = append(exprs, grafanaVars.Replace(tg.Expr))
		}
	}
	if len(exprs) < 20 {
		t.Errorf("only %d queries", len(exprs))
	}
	checkSelectors(t, "smallgoals.json", exprs)
}

// checkSelectors parses each expression and checks every metric it
// selects: the binary's own (then with job="smallgoals", the scrape job
// the ServiceMonitor names) or a listed external one.
func checkSelectors(t *testing.T, file string, exprs []string) {
	t.Helper()
	for _, e := range exprs {
		expr, err := promql.ParseExpr(e)
		if err != nil {
			t.Errorf("%s: %q: %v", file, e, err)
			continue
		}
		for _, sel := range parser.ExtractSelectors(expr) {
			var name string
			var job bool
			for _, m := range sel {
				if m.Name == model.MetricNameLabel && m.Type == labels.MatchEqual {
					name = m.Value
				}
				job = job || (m.Name == "job" && m.Type == labels.MatchEqual && m.Value == "smallgoals")
			}
			switch {
			case name == "":
				t.Errorf("%s: %q selects by no metric name", file, e)
			case ours.MatchString(name):
				if !job {
					t.Errorf("%s: %s without job=\"smallgoals\" in %q", file, name, e)
				}
			case external[name] == "" && name != "up":
				t.Errorf("%s: %s is neither the binary's nor a listed external metric", file, name)
			}
		}
	}
}
