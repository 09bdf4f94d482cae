package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"smallgoals/store/storetest"
)

// digestSlack is a Slack Web API for the digest job: every team channel
// is private and has the bot; chat.postMessage fails while down is set,
// and otherwise posts the message as it arrives and takes a while to
// answer — as Slack does, a post whose sender went away before the answer
// (a killed process) is posted all the same.
type digestSlack struct {
	mu       sync.Mutex
	posts    map[string]int // channel -> digests posted
	down     bool
	delay    time.Duration
	inflight int // posts being taken now
}

func (s *digestSlack) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	w.Header().Set("Content-Type", "application/json")
	switch strings.TrimPrefix(r.URL.Path, "/api/") {
	case "auth.test":
		io.WriteString(w, `{"ok":true,"team_id":"T1","user_id":"UBOT"}`)
	case "conversations.info":
		fmt.Fprintf(w, `{"ok":true,"channel":{"id":%q,"is_private":true,"is_member":true}}`, r.Form.Get("channel"))
	case "chat.postMessage":
		s.mu.Lock()
		down, delay := s.down, s.delay
		s.inflight++
		if !down {
			s.posts[r.Form.Get("channel")]++
		}
		s.mu.Unlock()
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
		}
		s.mu.Lock()
		s.inflight--
		s.mu.Unlock()
		if down {
			io.WriteString(w, `{"ok":false,"error":"internal_error"}`)
			return
		}
		io.WriteString(w, `{"ok":true,"channel":"C","ts":"1.0"}`)
	default:
		io.WriteString(w, `{"ok":false,"error":"not_in_test"}`)
	}
}

func (s *digestSlack) counts() (teams, total, twice int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, n := range s.posts {
		teams++
		total += n
		if n > 1 {
			twice++
		}
	}
	return teams, total, twice
}

// A digest run over many teams, killed with SIGKILL in the middle of a
// post, then run again once the dead run's claim has lapsed: every team
// gets exactly one digest, and the post the dead run never heard back
// about is recorded ambiguous, not posted again. Then Slack fails for a
// while and recovers: again exactly one.
func TestDigestKilledMidRunAndSlackDown(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	const teams = 30
	url := storetest.URL(t)
	var script []string
	for i := range teams {
		script = append(script, ":user anna", fmt.Sprintf(":channel #team%d", i), fmt.Sprintf("/maal team opret Team %d", i),
			"/maal borger ny AB", "/maal ny AB Tage bussen", "/maal AB-1 4 b:6")
	}
	env := map[string]string{"DATABASE_URL": url, "SMALLGOALS_DATA_KEY": testDataKey}
	var out, errs bytes.Buffer
	if code := run(context.Background(), []string{"shell"}, envFunc(env), strings.NewReader(strings.Join(script, "\n")+"\n"), &out, &errs); code != 0 {
		t.Fatalf("setup: %d %s", code, errs.String())
	}
	bin := filepath.Join(t.TempDir(), "smallgoals")
	build := exec.Command("go", "build", "-o", bin, "./cmd/smallgoals")
	build.Dir = repo
	if b, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, b)
	}
	slack := &digestSlack{posts: map[string]int{}, delay: 150 * time.Millisecond}
	srv := httptest.NewServer(slack)
	defer srv.Close()
	environ := append(os.Environ(), "DATABASE_URL="+url, "SMALLGOALS_DATA_KEY="+testDataKey, "SLACK_BOT_TOKEN=xoxb-test",
		"SLACK_SIGNING_SECRET=secret", "SLACK_API_URL="+srv.URL+"/api/", "LOG_FORMAT=json")
	digest := func(at time.Time) *exec.Cmd {
		cmd := exec.Command(bin, "digest", "--once", "--no-migrate", "--at", at.Format(time.RFC3339))
		cmd.Env = environ
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		t.Cleanup(func() {
			if t.Failed() {
				t.Logf("digest --at %s: %s", at.Format(time.RFC3339), stderr.String())
			}
		})
		return cmd
	}
	monday := nextMonday(time.Now())
	at := time.Date(monday.Year(), monday.Month(), monday.Day(), 9, 0, 0, 0, time.FixedZone("", 3600))

	// Killed after a third of the teams, while a digest is being posted.
	first := digest(at)
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		n, _, _ := slack.counts()
		slack.mu.Lock()
		inflight := slack.inflight
		slack.mu.Unlock()
		if n >= teams/3 && inflight > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the first run posted too little")
		}
		time.Sleep(time.Millisecond)
	}
	first.Process.Signal(syscall.SIGKILL)
	first.Wait()
	killedAt, _, _ := slack.counts()
	if killedAt == teams {
		t.Fatal("the run ended before it was killed")
	}
	// Again at once: the dead run's claim is still leased, nothing twice.
	slack.mu.Lock()
	slack.delay = 0
	slack.mu.Unlock()
	if err := digest(at.Add(time.Minute)).Run(); err != nil {
		t.Fatal(err)
	}
	// After the lease: the rest.
	if err := digest(at.Add(15 * time.Minute)).Run(); err != nil {
		t.Fatal(err)
	}
	if n, total, twice := slack.counts(); n != teams || total != teams || twice != 0 {
		t.Fatalf("after SIGKILL at %d posted and a run after the lease: %d teams, %d digests, %d twice; want %d, one each",
			killedAt, n, total, twice, teams)
	}
	raw, err := sql.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var ambiguous int
	if err := raw.QueryRow(`SELECT count(*) FROM outbox WHERE kind = 'digest' AND status = 'ambiguous'`).Scan(&ambiguous); err != nil || ambiguous != 1 {
		t.Fatalf("digests recorded ambiguous after the SIGKILL = %d (%v), want 1: the one in flight", ambiguous, err)
	}

	// The next week, Slack is down at the slot and back an hour later.
	slack.mu.Lock()
	slack.posts, slack.down = map[string]int{}, true
	slack.mu.Unlock()
	next := at.AddDate(0, 0, 7)
	if err := digest(next).Run(); err != nil {
		t.Fatal(err)
	}
	if n, _, _ := slack.counts(); n != 0 {
		t.Fatalf("%d digests posted while Slack was down", n)
	}
	slack.mu.Lock()
	slack.down = false
	slack.mu.Unlock()
	for _, later := range []time.Duration{time.Minute, time.Hour, 2 * time.Hour} {
		if err := digest(next.Add(later)).Run(); err != nil {
			t.Fatal(err)
		}
	}
	if n, total, twice := slack.counts(); n != teams || total != teams || twice != 0 {
		t.Fatalf("after Slack came back: %d teams, %d digests, %d twice; want %d, one each", n, total, twice, teams)
	}
}
