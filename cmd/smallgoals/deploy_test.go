package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.yaml.in/yaml/v3"

	"smallgoals/store/storetest"
)

// The container files agree with the binary: every variable the compose
// file sets is one the README documents (or a documented secret's _FILE),
// every secret file it names is declared, and the Dockerfile's commands
// are the binary's.
func TestDeploymentFilesMatchTheBinary(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(repo, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for _, m := range regexp.MustCompile("(?m)^\\| `([A-Z_]+)` \\|").FindAllStringSubmatch(string(readme), -1) {
		documented[m[1]] = true
	}
	if len(documented) < 10 {
		t.Fatalf("found only %d documented variables in the README", len(documented))
	}
	raw, err := os.ReadFile(filepath.Join(repo, "docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var compose struct {
		Services map[string]struct {
			Environment map[string]string `yaml:"environment"`
			Secrets     []string          `yaml:"secrets"`
		} `yaml:"services"`
		Secrets map[string]struct {
			File string `yaml:"file"`
		} `yaml:"secrets"`
	}
	if err := yaml.Unmarshal(raw, &compose); err != nil {
		t.Fatal(err)
	}
	bot, ok := compose.Services["bot"]
	if !ok {
		t.Fatal("no bot service")
	}
	for name, value := range bot.Environment {
		base := strings.TrimSuffix(name, "_FILE")
		if !documented[name] && !(base != name && documented[base] && slices.ContainsFunc(envOptions, func(o option) bool { return o.secret && o.name == base })) {
			t.Errorf("compose sets %s, which the README does not document", name)
		}
		if strings.HasPrefix(value, "/run/secrets/") && !slices.Contains(bot.Secrets, strings.TrimPrefix(value, "/run/secrets/")) {
			t.Errorf("%s points at a secret the bot service does not mount: %s", name, value)
		}
	}
	for _, s := range bot.Secrets {
		if _, ok := compose.Secrets[s]; !ok {
			t.Errorf("secret %s is not declared", s)
		}
	}
	// The configuration the compose file gives is one the binary accepts.
	env := map[string]string{}
	for k, v := range bot.Environment {
		env[k] = v
	}
	dir := t.TempDir()
	for _, s := range []string{"database_url", "slack_bot_token", "slack_app_token", "data_key"} {
		content := "x"
		if s == "data_key" {
			content = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
		}
		os.WriteFile(dir+"/"+s, []byte(content), 0o600)
	}
	for k, v := range env {
		env[k] = strings.Replace(v, "/run/secrets", dir, 1)
	}
	cfg, err := LoadConfig(envFunc(env))
	if err != nil {
		t.Fatalf("the compose configuration does not load: %v", err)
	}
	if tr, _ := cfg.Transport(); tr != TransportSocket {
		t.Errorf("compose transport = %s, want socket", tr)
	}

	docker, err := os.ReadFile(filepath.Join(repo, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`CMD ["/smallgoals", "healthcheck"]`, `CMD ["serve"]`, "CGO_ENABLED=0", "\nUSER 65532:65532\n", "./cmd/smallgoals",
		"-X main.version=${VERSION} -X main.commit=${COMMIT}",
		`org.opencontainers.image.version="${VERSION}"`, `org.opencontainers.image.revision="${COMMIT}"`} {
		if !bytes.Contains(docker, []byte(want)) {
			t.Errorf("Dockerfile lacks %s", want)
		}
	}
	// Every base image is pinned by its digest.
	froms := regexp.MustCompile(`(?m)^FROM\s+(\S+)`).FindAllSubmatch(docker, -1)
	if len(froms) != 2 {
		t.Errorf("%d FROM lines, want the build and the runtime stage", len(froms))
	}
	for _, f := range froms {
		if !regexp.MustCompile(`^[^@\s]+:[^@\s]+@sha256:[0-9a-f]{64}$`).Match(f[1]) {
			t.Errorf("FROM %s: want image:tag@sha256:digest", f[1])
		}
	}
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"healthcheck"}, envFunc(map[string]string{"HTTP_ADDR": "127.0.0.1:1"}), nil, &stderr, &stderr); code != 1 {
		t.Errorf("healthcheck without a server = %d, want 1", code)
	}
}

// The container's HEALTHCHECK is liveness: `smallgoals healthcheck` asks
// /healthz, which never touches the database, so a database outage (serve
// answers /readyz 503) does not mark every container unhealthy and get it
// restarted; only a serve that does not answer fails it.
func TestHealthcheckIsLiveness(t *testing.T) {
	var stopping atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case stopping.Load():
			http.Error(w, "stopping", http.StatusInternalServerError)
		case r.URL.Path == "/healthz":
			io.WriteString(w, "ok")
		case r.URL.Path == "/readyz":
			http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	env := envFunc(map[string]string{"HTTP_ADDR": strings.TrimPrefix(srv.URL, "http://")})
	var stderr bytes.Buffer
	if code := healthcheck(context.Background(), env, &stderr); code != 0 {
		t.Errorf("healthcheck with the database down = %d, want 0: %s", code, stderr.String())
	}
	stopping.Store(true)
	if code := healthcheck(context.Background(), env, &stderr); code != 1 {
		t.Errorf("healthcheck with /healthz failing = %d, want 1", code)
	}
}

// Every metric of the program's own that the shipped alert rules
// (deploy/prometheus/alerts.yaml) and dashboard (deploy/grafana) select is
// on /metrics of a running serve, with the labels they match on: a rename
// in the code breaks this test, not the operator's alerts. The program
// runs in HTTP mode against a fake Slack, answers one signed command, and
// runs each job once, so that every series exists. deploy/check makes sure
// every name the files select is either the program's (smallgoals_*, go_*,
// process_*) or a listed external one (up, kube-state-metrics).
func TestMonitoringMetricsExported(t *testing.T) {
	url := storetest.URL(t)
	shell(t, map[string]string{"DATABASE_URL": url, "SMALLGOALS_DATA_KEY": testDataKey},
		":user anna", ":channel #slusen", "/maal team opret Slusen", "/maal borger ny AB", "/maal ny AB Tage bussen", "/maal AB-1 4 b:6")
	slack := httptest.NewServer(&digestSlack{posts: map[string]int{}})
	defer slack.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	const secret = "metrics-test-secret"
	env := envFunc(map[string]string{"DATABASE_URL": url, "SLACK_BOT_TOKEN": "xoxb-metrics", "SLACK_SIGNING_SECRET": secret,
		"SLACK_API_URL": slack.URL + "/api/", "HTTP_ADDR": addr, "SHUTDOWN_DRAIN": "0s", "SMALLGOALS_DATA_KEY": testDataKey})
	ctx, cancel := context.WithCancel(context.Background())
	var stderr bytes.Buffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"serve", "--no-migrate"}, env, strings.NewReader(""), io.Discard, &stderr)
	}()
	defer func() {
		cancel()
		<-done
	}()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not come up:\n%s", stderr.String())
		}
	}

	// A signed command (requests, acknowledgements, commands, Slack calls).
	body := "command=%2Fmaal&text=hj%C3%A6lp&user_id=U1&channel_id=C1&team_id=T1&trigger_id=t-metrics&response_url=" + slack.URL + "/response"
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/slack/commands", strings.NewReader(body))
	stamp := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	io.WriteString(mac, "v0:"+stamp+":"+body)
	req.Header.Set("X-Slack-Request-Timestamp", stamp)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("signed command: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	// Each job once, in this process (its registry is the one /metrics serves).
	monday := nextMonday(time.Now()).Format("2006-01-02") + "T09:00:00+01:00"
	for _, args := range [][]string{{"digest", "--once", "--no-migrate", "--at", monday}, {"remind", "--once", "--no-migrate"}, {"retention", "--once", "--no-migrate"}} {
		var out, errs bytes.Buffer
		if code := run(context.Background(), args, env, nil, &out, &errs); code != 0 {
			t.Fatalf("%v: exit %d\n%s", args, code, errs.String())
		}
	}

	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	exposition, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	exported := map[string]map[string]bool{} // series name -> its label names
	sample := regexp.MustCompile(`(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})? `)
	labelName := regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)="`)
	for _, m := range sample.FindAllSubmatch(exposition, -1) {
		name := string(m[1])
		if exported[name] == nil {
			exported[name] = map[string]bool{}
		}
		for _, l := range labelName.FindAllSubmatch(m[2], -1) {
			exported[name][string(l[1])] = true
		}
	}

	exprs := monitoringExprs(t)
	// Label values are blanked first (db_name="smallgoals_writer" is no metric).
	quoted := regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)
	selector := regexp.MustCompile(`\b((?:smallgoals|go|process)_[a-zA-Z0-9_]+)\b(\{[^}]*\})?`)
	matcher := regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)`)
	// Labels Prometheus adds to every target's series; exported_job is the
	// program's own `job` label, renamed when scraped.
	targetLabels := map[string]bool{"job": true, "instance": true, "namespace": true, "pod": true, "service": true, "container": true}
	used := 0
	for file, list := range exprs {
		for _, e := range list {
			for _, m := range selector.FindAllStringSubmatch(quoted.ReplaceAllString(e, `""`), -1) {
				used++
				name := m[1]
				if exported[name] == nil {
					// A vector none of whose series this run made (retries,
					// compose failures) is at least registered under the name.
					if !registered(name) {
						t.Errorf("%s uses %s, which /metrics does not export", file, name)
					}
					continue
				}
				for _, l := range matcher.FindAllStringSubmatch(m[2], -1) {
					label := l[1]
					if label == "exported_job" {
						label = "job"
					} else if targetLabels[label] {
						continue
					}
					if !exported[name][label] {
						t.Errorf("%s matches %s on %s, a label it does not have", file, name, l[1])
					}
				}
			}
		}
	}
	if used < 40 {
		t.Errorf("found only %d selectors of the program's metrics in %v", used, slices.Collect(maps.Keys(exprs)))
	}
}

// registered reports whether the default registry (the one /metrics
// serves) has a metric of that name: registering another collector of the
// name fails then.
func registered(name string) bool {
	probe := prometheus.NewCounter(prometheus.CounterOpts{Name: name, Help: "deploy_test probe"})
	if err := prometheus.Register(probe); err != nil {
		return true
	}
	prometheus.Unregister(probe)
	return false
}

// monitoringExprs are the PromQL expressions of the shipped alert rules
// and dashboard, by file.
func monitoringExprs(t *testing.T) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	raw, err := os.ReadFile(filepath.Join(repo, "deploy/prometheus/alerts.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var rules struct {
		Groups []struct {
			Rules []struct {
				Expr string `yaml:"expr"`
			} `yaml:"rules"`
		} `yaml:"groups"`
	}
	if err := yaml.Unmarshal(raw, &rules); err != nil {
		t.Fatal(err)
	}
	for _, g := range rules.Groups {
		for _, r := range g.Rules {
			out["alerts.yaml"] = append(out["alerts.yaml"], r.Expr)
		}
	}
	raw, err = os.ReadFile(filepath.Join(repo, "deploy/grafana/smallgoals.json"))
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Panels []struct {
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(raw, &dash); err != nil {
		t.Fatal(err)
	}
	for _, p := range dash.Panels {
		for _, tg := range p.Targets {
			out["smallgoals.json"] = append(out["smallgoals.json"], tg.Expr)
		}
	}
	return out
}
