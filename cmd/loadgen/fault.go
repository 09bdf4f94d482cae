package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"smallgoals"
	"smallgoals/store"
)

// The kinds of delivery the fault test sends, and the text each stores.
var faultKinds = []struct{ name, prefix string }{
	{"typed scores", "fault-note-"},
	{"log-form submissions", "fault-form-"},
	{"revision-form submissions", "fault-rev-"},
}

// faultEvent is a fault the test causes: a shell command run when a share
// of the deliveries has been sent, and when the first failure after it
// was seen and the first delivery sent after that failure succeeded.
type faultEvent struct {
	name, cmd                   string
	at                          int // the delivery before which it runs
	ran, firstFail, recoveredAt atomic.Int64
}

// fault sends n signed deliveries at rate, each with a text of its own,
// in turn: a typed score (/maal AB-1 N note), a log-form submission on
// AB-1 and a revision-form submission on one of B1-1 … B20-1
// (view_submission, as bot/views.go shows the forms). A failed or unanswered one is delivered again as Slack does
// — a command with the same body and trigger_id and X-Slack-Retry-Num, a
// form submitted again with the same view ID and hash — up to 5 times.
// After a third it runs crash (PostgreSQL killed with pg_ctl -m immediate
// and started again), after two thirds restart (pg_ctl -m fast restart);
// either may be empty. At the end, read from the database with the data
// key, every acknowledged delivery must be stored exactly once and none
// twice. A form the bot cleared only after its 2 s deadline (the outcome
// follows as a message) is not counted as acknowledged; it must still be
// stored at most once. It returns an error otherwise.
func (c *client) fault(n int, rate float64, crash, restart, dbURL, key string) error {
	keyBytes, err := smallgoals.ParseKey(key)
	if err != nil {
		return err
	}
	kr, err := smallgoals.NewKeyring(keyBytes)
	if err != nil {
		return err
	}
	ctx := context.Background()
	db, err := store.Open(ctx, dbURL, store.Options{MaxConns: 2, Keys: kr})
	if err != nil {
		return err
	}
	defer db.Close()
	var fsync, syncCommit, fullPages string
	err = db.SQL().QueryRowContext(ctx, `SELECT current_setting('fsync'), current_setting('synchronous_commit'),
		current_setting('full_page_writes')`).Scan(&fsync, &syncCommit, &fullPages)
	if err != nil {
		return err
	}
	fmt.Printf("fault: PostgreSQL with fsync=%s synchronous_commit=%s full_page_writes=%s\n", fsync, syncCommit, fullPages)
	// Scores go on AB-1; revisions on B1-1 … B20-1, so that they do not
	// all queue for one goal's row.
	var ab goalRef
	var revised []goalRef
	err = db.InTx(ctx, func(tx *store.Tx) error {
		for i := 0; i <= 20; i++ {
			alias := "AB"
			if i > 0 {
				alias = fmt.Sprintf("B%d", i)
			}
			cs, err := tx.ListCitizensByAlias(ctx, alias)
			if err != nil || len(cs) != 1 {
				return fmt.Errorf("citizen %s: %d found, %v", alias, len(cs), err)
			}
			g, err := tx.FindGoalByNumber(ctx, cs[0].ID, 1)
			if err != nil {
				return err
			}
			if i == 0 {
				ab = goalRef{citizen: cs[0].ID, goal: g.ID, alias: alias}
			} else {
				revised = append(revised, goalRef{citizen: cs[0].ID, goal: g.ID, alias: alias})
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("fault: run -setup first: %w", err)
	}
	forms, err := newFormSender(c, []goalRef{ab})
	if err != nil {
		return err
	}

	events := []*faultEvent{{name: "crash (pg_ctl -m immediate, then start)", cmd: crash, at: n / 3},
		{name: "restart (pg_ctl -m fast)", cmd: restart, at: 2 * n / 3}}
	// failed notes a failed delivery against the latest fault that ran;
	// succeeded, a success sent after that fault's first failure.
	latest := func() *faultEvent {
		var last *faultEvent
		for _, e := range events {
			if e.ran.Load() != 0 {
				last = e
			}
		}
		return last
	}
	acked := make([]bool, n)
	late := make([]bool, n)
	var retries, lost atomic.Int64
	var wg sync.WaitGroup
	interval := time.Duration(float64(time.Second) / rate)
	start := time.Now()
	for i := 0; i < n; i++ {
		if w := time.Until(start.Add(time.Duration(i) * interval)); w > 0 {
			time.Sleep(w)
		}
		for _, e := range events {
			if i == e.at && e.cmd != "" {
				go func(e *faultEvent) {
					e.ran.Store(time.Now().UnixNano())
					if out, err := exec.Command("sh", "-c", e.cmd).CombinedOutput(); err != nil {
						fmt.Printf("%s failed: %v %s\n", e.name, err, out)
					}
				}(e)
			}
		}
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			text := fmt.Sprintf("%s%06d", faultKinds[i%3].prefix, i)
			var body, target string
			var headers http.Header
			switch i % 3 {
			case 0:
				target = c.url
				body, headers = c.signedForm("U0001", fmt.Sprintf("AB-1 %d %s", i%10+1, text), fmt.Sprintf("fault.%d", i))
			case 1:
				target = forms.url
				body, headers = forms.submission(i, "U0001", i%10+1, (i+3)%10+1, text)
			default:
				target = forms.url
				body, headers = forms.revision(i, "U0001", revised[i/3%len(revised)], i%5-2, text)
			}
			for attempt := 0; attempt < 6; attempt++ {
				if attempt > 0 {
					retries.Add(1)
					time.Sleep(time.Duration(attempt) * 300 * time.Millisecond)
					headers = c.signedHeaders(body)
					if i%3 == 0 {
						headers.Set("X-Slack-Retry-Num", strconv.Itoa(attempt))
					}
				}
				sentAt := time.Now()
				status, resp, err := c.postTo(target, body, headers)
				ok := false
				if i%3 == 0 {
					ok = err == nil && status == 200 && (strings.Contains(resp, "Gemt på") || strings.Contains(resp, "allerede modtaget"))
				} else if err == nil && cleared(status, resp) {
					if time.Since(sentAt) >= 2*time.Second {
						late[i] = true // cleared before the bot knew the outcome
						return
					}
					ok = true
				}
				if ok {
					acked[i] = true
					if e := latest(); e != nil {
						if f := e.firstFail.Load(); f != 0 && sentAt.UnixNano() > f {
							e.recoveredAt.CompareAndSwap(0, time.Now().UnixNano())
						}
					}
					return
				}
				if e := latest(); e != nil {
					e.firstFail.CompareAndSwap(0, time.Now().UnixNano())
				}
			}
			lost.Add(1)
		}(i)
	}
	wg.Wait()

	counts := map[string]int{}
	err = db.InTx(ctx, func(tx *store.Tx) error {
		es, err := tx.ListCitizenEntries(ctx, ab.citizen, time.Time{}, time.Time{})
		if err != nil {
			return err
		}
		for _, e := range es {
			if strings.HasPrefix(e.Note, "fault-") && !e.Replaced {
				counts[e.Note]++
			}
		}
		for _, g := range revised {
			rs, err := tx.ListCitizenRevisions(ctx, g.citizen, time.Time{}, time.Time{})
			if err != nil {
				return err
			}
			for _, r := range rs {
				if strings.HasPrefix(r.Reflection, "fault-") {
					counts[r.Reflection]++
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	failed := false
	for k, kind := range faultKinds {
		sent, ok, lateN, lateStored, missing, dup := 0, 0, 0, 0, 0, 0
		for i := k; i < n; i += 3 {
			sent++
			text := fmt.Sprintf("%s%06d", kind.prefix, i)
			if acked[i] {
				ok++
				if counts[text] != 1 {
					missing++
				}
			}
			if late[i] {
				lateN++
				if counts[text] == 1 {
					lateStored++
				}
			}
			if counts[text] > 1 {
				dup++
			}
		}
		fmt.Printf("fault: %s: %d sent, %d acknowledged, %d cleared after the deadline (%d of them stored); acknowledged but not stored once: %d; stored twice: %d\n",
			kind.name, sent, ok, lateN, lateStored, missing, dup)
		failed = failed || missing > 0 || dup > 0
	}
	fmt.Printf("fault: %d given up after 6 deliveries, %d redeliveries\n", lost.Load(), retries.Load())
	for _, e := range events {
		if e.cmd == "" {
			continue
		}
		recovery := "no failure seen"
		if f, rec := e.firstFail.Load(), e.recoveredAt.Load(); f != 0 && rec != 0 {
			recovery = time.Duration(rec - f).Round(time.Millisecond).String()
		}
		fmt.Printf("fault: %s after delivery %d: recovery (first failure to the first success sent after it): %s\n", e.name, e.at, recovery)
	}
	if failed {
		return errors.New("fault: an acknowledged delivery was lost, or one was stored twice")
	}
	// Six deliveries over 4.5 s outlast the faults: one never acknowledged
	// is a request the bot refuses, and the test did not test it.
	if lost.Load() > 0 {
		return fmt.Errorf("fault: %d deliveries never acknowledged", lost.Load())
	}
	return nil
}

// sigterm sends at rate for d and sends SIGTERM to pid after after. Like
// a load balancer, it polls /readyz and stops sending once it says 503.
// Every request sent must be answered.
func (c *client) sigterm(rate float64, d, after time.Duration, pid int) error {
	n := int(rate * d.Seconds())
	var answered, failed atomic.Int64
	var stopped atomic.Bool
	var wg sync.WaitGroup
	interval := time.Duration(float64(time.Second) / rate)
	start := time.Now()
	readyz := strings.Replace(c.url, "/slack/commands", "/readyz", 1)
	time.AfterFunc(after, func() {
		syscall.Kill(pid, syscall.SIGTERM)
		for !stopped.Load() {
			if resp, err := c.http.Get(readyz); err != nil || resp.StatusCode != http.StatusOK {
				stopped.Store(true)
				break
			} else {
				resp.Body.Close()
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
	sent := 0
	for i := 0; i < n && !stopped.Load(); i++ {
		if w := time.Until(start.Add(time.Duration(i) * interval)); w > 0 {
			time.Sleep(w)
		}
		sent++
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			body, headers := c.signedForm(fmt.Sprintf("U%04d", i%50+1), fmt.Sprintf("AB-1 %d sigterm", i%10+1), fmt.Sprintf("term.%d", i))
			status, resp, err := c.post(body, headers)
			switch {
			case err == nil && status == 200 && strings.Contains(resp, "ephemeral"):
				answered.Add(1)
			default:
				failed.Add(1)
				fmt.Printf("sigterm: in-flight failure: status %d err %v\n", status, err)
			}
		}(i)
	}
	wg.Wait()
	fmt.Printf("sigterm: %d sent before /readyz said 503 (of %d planned), %d answered, %d failed\n",
		sent, n, answered.Load(), failed.Load())
	if failed.Load() > 0 {
		return errors.New("sigterm: requests in flight failed")
	}
	return nil
}

// signedForm builds a slash command's body and signed headers.
func (c *client) signedForm(user, text, trigger string) (string, http.Header) {
	body := c.form(user, text, trigger)
	return body, c.signedHeaders(body)
}

// signedHeaders are the headers Slack sends with body: its content type,
// a timestamp of now and the signature over both.
func (c *client) signedHeaders(body string) http.Header {
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	h := http.Header{}
	h.Set("Content-Type", "application/x-www-form-urlencoded")
	h.Set("X-Slack-Request-Timestamp", ts)
	h.Set("X-Slack-Signature", c.sign(ts, body))
	return h
}
