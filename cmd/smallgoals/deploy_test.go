package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	neturl "net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/lib/pq"
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
	for _, want := range []string{`CMD ["/smallgoals", "healthcheck", "--live"]`, `CMD ["serve"]`, "CGO_ENABLED=0", "\nUSER 65532:65532\n", "./cmd/smallgoals",
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

// `smallgoals healthcheck` asks /readyz (design.md §4.2); with --live it
// asks /healthz, which never touches the database, and that is what the
// container's HEALTHCHECK runs: a database outage (serve answers /readyz
// 503) must not mark every container unhealthy and get it restarted; only
// a serve that does not answer fails it.
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
	check := func(args ...string) (int, string) {
		var out bytes.Buffer
		code := run(context.Background(), append([]string{"healthcheck"}, args...), env, nil, &out, &out)
		return code, out.String()
	}
	if code, out := check("--live"); code != 0 {
		t.Errorf("healthcheck --live with the database down = %d, want 0: %s", code, out)
	}
	if code, out := check(); code != 1 || !strings.Contains(out, "/readyz answered 503") {
		t.Errorf("healthcheck with the database down = %d (%s), want 1: it asks /readyz", code, out)
	}
	stopping.Store(true)
	if code, _ := check("--live"); code != 1 {
		t.Errorf("healthcheck --live with /healthz failing = %d, want 1", code)
	}
	docker, err := os.ReadFile(filepath.Join(repo, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(docker), `CMD ["/smallgoals", "healthcheck", "--live"]`) {
		t.Error("the Dockerfile's HEALTHCHECK does not run healthcheck --live")
	}
}

// Every metric of the program's own that the shipped alert rules
// (deploy/prometheus/alerts.yaml) and dashboard (deploy/grafana) select is
// on /metrics of a running serve, with the labels they match on: a rename
// in the code breaks this test, not the operator's alerts. The program
// runs in HTTP mode against a fake Slack, answers one signed command, button
// and App Home event, and runs each job once, so that every series exists. deploy/check makes sure
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

	signed := func(path, contentType, body string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, "http://"+addr+path, strings.NewReader(body))
		stamp := strconv.FormatInt(time.Now().Unix(), 10)
		mac := hmac.New(sha256.New, []byte(secret))
		io.WriteString(mac, "v0:"+stamp+":"+body)
		req.Header.Set("X-Slack-Request-Timestamp", stamp)
		req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
		req.Header.Set("Content-Type", contentType)
		if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("signed %s: %v %v", path, resp, err)
		} else {
			resp.Body.Close()
		}
	}
	// A signed command (requests, acknowledgements, commands, Slack calls),
	// a button (interactions) and an App Home event (events).
	const form = "application/x-www-form-urlencoded"
	signed("/slack/commands", form, "command=%2Fmaal&text=hj%C3%A6lp&user_id=U1&channel_id=C1&team_id=T1&trigger_id=t-metrics&response_url="+slack.URL+"/response")
	signed("/slack/interactions", form, "payload="+neturl.QueryEscape(`{"type":"block_actions","team":{"id":"T1"},"user":{"id":"U1"},"trigger_id":"t-metrics","actions":[{"action_id":"metrics-test","value":"x"}]}`))
	signed("/slack/events", "application/json", `{"type":"event_callback","team_id":"T1","event":{"type":"app_home_opened","user":"U1","tab":"home"}}`)
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
	// Labels Prometheus adds to every target's series (the program has no
	// label of these names, so none is renamed exported_*).
	targetLabels := map[string]bool{"job": true, "instance": true, "namespace": true, "pod": true, "service": true, "container": true}
	for name, labels := range exported {
		for label := range labels {
			if targetLabels[label] {
				t.Errorf("%s has a label %s, which Prometheus's target label renames exported_%s", name, label, label)
			}
		}
	}
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
					if targetLabels[label] {
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
// and dashboard, by file (JSON reads as YAML).
func monitoringExprs(t *testing.T) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, path := range []string{"deploy/prometheus/alerts.yaml", "deploy/grafana/smallgoals.json"} {
		raw, err := os.ReadFile(filepath.Join(repo, path))
		if err != nil {
			t.Fatal(err)
		}
		type exprs []struct {
			Expr string `yaml:"expr"`
		}
		var doc struct {
			Groups []struct {
				Rules exprs `yaml:"rules"`
			} `yaml:"groups"`
			Panels []struct {
				Targets exprs `yaml:"targets"`
			} `yaml:"panels"`
		}
		if err := yaml.Unmarshal(raw, &doc); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		var all []exprs
		for _, g := range doc.Groups {
			all = append(all, g.Rules)
		}
		for _, p := range doc.Panels {
			all = append(all, p.Targets)
		}
		for _, list := range all {
			for _, e := range list {
				out[filepath.Base(path)] = append(out[filepath.Base(path)], e.Expr)
			}
		}
	}
	return out
}

// The compose file's database setup, on a real PostgreSQL: the init
// script makes the owner and app roles (neither a superuser, and the owner
// without SET on any parameter), the owner migrates, the grants service's
// command — the built binary's `grants --apply` with the service's
// environment — gives the app role its rights, and the bot as the app
// role logs a score and runs retention (purging an old audit event) but
// can neither change audit events nor disable their triggers. It needs
// psql and a server where the roles smallgoals_owner and smallgoals_app
// and a database smallgoals do not exist yet (make test's throwaway one);
// it drops them afterwards.
func TestComposeDatabaseRoles(t *testing.T) {
	admin := os.Getenv("TEST_DATABASE_URL")
	if admin == "" {
		t.Skip("TEST_DATABASE_URL is not set: run the tests with 'make test'")
	}
	if _, err := exec.LookPath("psql"); err != nil {
		t.Skip("psql not found (Debian: postgresql-client)")
	}
	u, err := neturl.Parse(admin)
	if err != nil {
		t.Fatal("TEST_DATABASE_URL does not parse")
	}
	host, port := u.Query().Get("host"), u.Query().Get("port")
	if host == "" {
		host, port = u.Hostname(), u.Port()
	}
	if port == "" {
		port = "5432"
	}
	pw, _ := u.User.Password()
	env := append(os.Environ(), "PGHOST="+host, "PGPORT="+port, "PGPASSWORD="+pw, "PGSSLMODE=disable", "POSTGRES_USER="+u.User.Username())
	db, err := sql.Open("postgres", admin)
	if err != nil {
		t.Fatal(err)
	}
	var taken bool
	if err := db.QueryRow(`SELECT EXISTS (SELECT FROM pg_roles WHERE rolname IN ('smallgoals_owner', 'smallgoals_app'))
		OR EXISTS (SELECT FROM pg_database WHERE datname = 'smallgoals')`).Scan(&taken); err != nil {
		t.Fatal(err)
	}
	if taken {
		db.Close()
		t.Skip("the test server already has smallgoals roles or a smallgoals database: not touching them")
	}
	t.Cleanup(func() {
		for _, q := range []string{`DROP DATABASE IF EXISTS smallgoals WITH (FORCE)`,
			`DROP ROLE IF EXISTS smallgoals_app`, `DROP ROLE IF EXISTS smallgoals_owner`} {
			if _, err := db.Exec(q); err != nil {
				t.Errorf("cleanup: %s: %v", q, err)
			}
		}
		db.Close()
	})

	secrets := filepath.Join(t.TempDir(), "secrets")
	sh := func(args ...string) {
		t.Helper()
		cmd := exec.Command("sh", args...)
		cmd.Env = append(env, "SECRETS_DIR="+secrets)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
	}
	sh(filepath.Join(repo, "deploy/compose/make-secrets"), secrets)
	sh(filepath.Join(repo, "deploy/compose/initdb/10-roles.sh"))
	roleURL := func(role string) string {
		b, err := os.ReadFile(filepath.Join(secrets, "db_"+role+"_password"))
		if err != nil {
			t.Fatal(err)
		}
		return (&neturl.URL{Scheme: "postgres", User: neturl.UserPassword("smallgoals_"+role, strings.TrimSpace(string(b))), Path: "/smallgoals",
			RawQuery: neturl.Values{"host": {host}, "port": {port}, "sslmode": {"disable"}}.Encode()}).String()
	}
	owner, app := roleURL("owner"), roleURL("app")

	if code, _, errs := shellRun(t, map[string]string{"DATABASE_URL": owner, "SMALLGOALS_DATA_KEY": testDataKey}, "", "migrate"); code != 0 {
		t.Fatalf("migrate as the owner: exit %d\n%s", code, errs)
	}
	runComposeService(t, "grants", map[string]string{"owner_database_url": owner})
	appEnv := map[string]string{"DATABASE_URL": app, "SMALLGOALS_DATA_KEY": testDataKey}
	code, out, errs := shellRun(t, appEnv, strings.Join([]string{":user anna", ":channel #slusen", "/maal team opret Slusen",
		"/maal borger ny AB", "/maal ny AB Tage bussen", "/maal AB-1 4 b:6 Tog bussen"}, "\n")+"\n", "shell", "--no-migrate")
	if code != 0 || !strings.Contains(out, "Registreret på AB-1: personale 4 · borger 6") {
		t.Fatalf("the shell as the app role: exit %d\n%s\n%s", code, out, errs)
	}
	adb, err := sql.Open("postgres", app)
	if err != nil {
		t.Fatal(err)
	}
	defer adb.Close()
	var super bool
	if err := adb.QueryRow(`SELECT rolsuper FROM pg_roles WHERE rolname = current_user`).Scan(&super); err != nil || super {
		t.Errorf("the app role is a superuser (%v)", err)
	}
	for _, q := range []string{`DELETE FROM audit_events`, `UPDATE audit_events SET action = action`, `ALTER TABLE audit_events DISABLE TRIGGER ALL`, `CREATE TABLE t (i int)`} {
		if _, err := adb.Exec(q); err == nil {
			t.Errorf("the app role may %s", q)
		}
	}
	// Not only refused by the triggers: the app role lacks the rights.
	for priv, want := range map[string]bool{"SELECT": true, "INSERT": true, "UPDATE": false, "DELETE": false, "TRUNCATE": false} {
		var has bool
		if err := adb.QueryRow(`SELECT has_table_privilege('audit_events', $1)`, priv).Scan(&has); err != nil || has != want {
			t.Errorf("the app role's %s on audit_events: %v (%v), want %v", priv, has, err, want)
		}
	}
	var events int
	if err := adb.QueryRow(`SELECT count(*) FROM audit_events`).Scan(&events); err != nil || events == 0 {
		t.Errorf("audit events: %d, %v", events, err)
	}
	// The owner needs no SET on smallgoals.audit_purge (the init script
	// grants none): retention as the app role purges an event past the
	// audit retention through the owner's function.
	var set bool
	if err := db.QueryRow(`SELECT EXISTS (SELECT FROM pg_parameter_acl WHERE parname = 'smallgoals.audit_purge')`).Scan(&set); err != nil || set {
		t.Errorf("a privilege on smallgoals.audit_purge exists (%v): the init script should grant none", err)
	}
	if _, err := adb.Exec(`INSERT INTO audit_events (at, actor, action, allowed) VALUES (now() - interval '3000 days', 'system', 'test.old', true)`); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := shellRun(t, appEnv, "", "retention", "--once", "--no-migrate"); code != 0 {
		t.Errorf("retention as the app role: exit %d\n%s", code, errs)
	}
	var old, purged int
	if err := adb.QueryRow(`SELECT count(*) FILTER (WHERE action = 'test.old'), count(*) FILTER (WHERE action = 'retention.audit') FROM audit_events`).Scan(&old, &purged); err != nil || old != 0 || purged != 1 {
		t.Errorf("after retention: %d old events, %d retention.audit events (%v); want 0 and 1", old, purged, err)
	}
}

// runComposeService runs a service of docker-compose.yml that uses the
// bot's image as compose would: the binary built from this tree, with the
// service's command and environment and nothing else, /run/secrets/NAME
// read from a file holding secrets[NAME]. It fails the test unless the
// service mounts those secrets and exits 0.
func runComposeService(t *testing.T, name string, secrets map[string]string) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(repo, "docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var compose struct {
		Services map[string]struct {
			Image       string            `yaml:"image"`
			Command     []string          `yaml:"command"`
			Environment map[string]string `yaml:"environment"`
			Secrets     []string          `yaml:"secrets"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal(raw, &compose); err != nil {
		t.Fatal(err)
	}
	svc, ok := compose.Services[name]
	if !ok || svc.Image != compose.Services["bot"].Image || len(svc.Command) == 0 {
		t.Fatalf("compose service %s: image %q, command %q; want the bot's image and a command", name, svc.Image, svc.Command)
	}
	dir := t.TempDir()
	for s, value := range secrets {
		if !slices.Contains(svc.Secrets, s) {
			t.Fatalf("compose service %s does not mount the secret %s (%v)", name, s, svc.Secrets)
		}
		if err := os.WriteFile(filepath.Join(dir, s), []byte(value+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	bin := filepath.Join(t.TempDir(), "smallgoals")
	build := exec.Command("go", "build", "-o", bin, "./cmd/smallgoals")
	build.Dir = repo
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, svc.Command...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	for k, v := range svc.Environment {
		cmd.Env = append(cmd.Env, k+"="+strings.Replace(v, "/run/secrets", dir, 1))
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("compose service %s (%q): %v\n%s", name, svc.Command, err, out)
	}
}
