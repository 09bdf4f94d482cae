package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"smallgoals/store/storetest"
)

// `serve` in HTTP mode: connects to Slack (auth.test), answers the health
// routes and refuses unsigned commands; `healthcheck` sees it; a cancel
// stops it cleanly.
func TestServeHTTPMode(t *testing.T) {
	slackAPI := authSlack(t)
	addr := freeAddr(t)
	env := envFunc(map[string]string{
		"DATABASE_URL":         storetest.URL(t),
		"SLACK_BOT_TOKEN":      "xoxb-serve-test",
		"SLACK_SIGNING_SECRET": "serve-test-secret",
		"SLACK_API_URL":        slackAPI.URL + "/api/",
		"HTTP_ADDR":            addr,
		"SHUTDOWN_DRAIN":       "0s",
		"SMALLGOALS_DATA_KEY":  testDataKey,
	})
	ctx, cancel := context.WithCancel(context.Background())
	var stderr bytes.Buffer
	done := make(chan int)
	go func() { done <- run(ctx, []string{"serve"}, env, strings.NewReader(""), io.Discard, &stderr) }()

	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("serve did not come up: %v\n%s", err, stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, live := range []bool{false, true} {
		if code := healthcheck(context.Background(), env, io.Discard, live); code != 0 {
			t.Errorf("healthcheck (live %v) = %d", live, code)
		}
	}
	resp, err := http.Post("http://"+addr+"/slack/commands", "application/x-www-form-urlencoded", strings.NewReader("text=hj%C3%A6lp"))
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("unsigned command: %v %v", resp, err)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exit %d:\n%s", code, stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop")
	}
	if code := healthcheck(context.Background(), env, io.Discard, true); code == 0 {
		t.Error("healthcheck passes with serve stopped")
	}
	if strings.Contains(stderr.String(), "serve-test-secret") || strings.Contains(stderr.String(), "xoxb-serve-test") ||
		strings.Contains(stderr.String(), testDataKey) {
		t.Error("a secret reached the log")
	}
}
