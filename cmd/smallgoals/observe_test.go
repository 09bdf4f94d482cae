package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/lib/pq"

	"smallgoals/store/storetest"
)

// serve's logs (JSON): readiness is logged when it changes — ready, not
// ready while the database refuses connections, ready again when it is
// back —, durations are seconds, and a stop writes one "stopped" line and
// no ERROR about a canceled context.
func TestServeLogs(t *testing.T) {
	slackAPI := authSlack(t)
	dbURL := storetest.URL(t)
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	dbName := strings.TrimPrefix(u.Path, "/")
	admin, err := sql.Open("postgres", os.Getenv("TEST_DATABASE_URL"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	allow := func(yes bool) {
		t.Helper()
		if _, err := admin.Exec(`ALTER DATABASE ` + pq.QuoteIdentifier(dbName) + ` ALLOW_CONNECTIONS ` + map[bool]string{true: "true", false: "false"}[yes]); err != nil {
			t.Fatal(err)
		}
		if !yes {
			if _, err := admin.Exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, dbName); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Cleanup(func() { allow(true) }) // for the database's drop

	addr := freeAddr(t)
	env := envFunc(map[string]string{
		"DATABASE_URL":         dbURL,
		"SLACK_BOT_TOKEN":      "xoxb-serve-test",
		"SLACK_SIGNING_SECRET": "serve-test-secret",
		"SLACK_API_URL":        slackAPI.URL + "/api/",
		"HTTP_ADDR":            addr,
		"SHUTDOWN_DRAIN":       "250ms",
		"SMALLGOALS_DATA_KEY":  testDataKey,
		"LOG_FORMAT":           "json",
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stderr := &lockedBuffer{}
	done := make(chan int)
	go func() { done <- run(ctx, []string{"serve"}, env, strings.NewReader(""), io.Discard, stderr) }()

	readyz := func(want int) {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		for {
			resp, err := http.Get("http://" + addr + "/readyz")
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == want {
					return
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("/readyz never answered %d (%v):\n%s", want, err, stderr.String())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	readyz(http.StatusOK)
	allow(false)
	readyz(http.StatusServiceUnavailable)
	allow(true)
	readyz(http.StatusOK)
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exit %d:\n%s", code, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}

	var msgs []string
	sc := bufio.NewScanner(strings.NewReader(stderr.String()))
	for sc.Scan() {
		var l map[string]any
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("not a JSON line: %q", sc.Text())
		}
		msg, _ := l["msg"].(string)
		switch {
		case msg == "ready" || msg == "stopped" || strings.HasPrefix(msg, "not ready"):
			msgs = append(msgs, msg)
		case msg == "draining":
			msgs = append(msgs, msg)
			if l["for_seconds"] != 0.25 {
				t.Errorf("draining line %v: want for_seconds 0.25", l)
			}
		}
		if l["level"] == "ERROR" && strings.Contains(sc.Text(), "context canceled") {
			t.Errorf("an ERROR about a canceled context: %s", sc.Text())
		}
	}
	want := []string{"ready", "not ready: the database does not answer", "ready", "draining", "stopped"}
	if strings.Join(msgs, "|") != strings.Join(want, "|") {
		t.Errorf("lines %q, want %q\n%s", msgs, want, stderr.String())
	}
}
