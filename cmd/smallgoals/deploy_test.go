package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"go.yaml.in/yaml/v3"
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
