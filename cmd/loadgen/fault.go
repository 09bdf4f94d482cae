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

// fault sends n signed commands, each with a note of its own, at rate; a
// failed or unanswered one is delivered again as Slack does (same body and
// trigger_id, X-Slack-Retry-Num) up to 5 times. After a third of them it
// runs restart (a PostgreSQL restart). At the end every acknowledged note
// must be stored exactly once and no note twice. It returns an error
// otherwise.
func (c *client) fault(n int, rate float64, restart, dbURL, key string) error {
	keyBytes, err := smallgoals.ParseKey(key)
	if err != nil {
		return err
	}
	kr, err := smallgoals.NewKeyring(keyBytes)
	if err != nil {
		return err
	}
	acked := make([]bool, n)
	var restartedAt, firstFail, recoveredAt atomic.Int64
	var retries, lost atomic.Int64
	var wg sync.WaitGroup
	interval := time.Duration(float64(time.Second) / rate)
	start := time.Now()
	for i := 0; i < n; i++ {
		if w := time.Until(start.Add(time.Duration(i) * interval)); w > 0 {
			time.Sleep(w)
		}
		if i == n/3 && restart != "" {
			go func() {
				restartedAt.Store(time.Now().UnixNano())
				if out, err := exec.Command("sh", "-c", restart).CombinedOutput(); err != nil {
					fmt.Printf("restart failed: %v %s\n", err, out)
				}
			}()
		}
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			body, headers := c.signedForm("U0001", fmt.Sprintf("AB-1 %d fault-note-%06d", i%10+1, i), fmt.Sprintf("fault.%d", i))
			for attempt := 0; attempt < 6; attempt++ {
				if attempt > 0 {
					retries.Add(1)
					time.Sleep(time.Duration(attempt) * 300 * time.Millisecond)
					headers.Set("X-Slack-Retry-Num", strconv.Itoa(attempt))
					headers.Set("X-Slack-Request-Timestamp", strconv.FormatInt(time.Now().Unix(), 10))
					headers.Set("X-Slack-Signature", c.sign(headers.Get("X-Slack-Request-Timestamp"), body))
				}
				sentAt := time.Now().UnixNano()
				status, resp, err := c.post(body, headers)
				if err == nil && status == 200 && (strings.Contains(resp, "Gemt på") || strings.Contains(resp, "allerede modtaget")) {
					acked[i] = true
					// Recovered: the first delivery sent after the first
					// failure that succeeds.
					if f := firstFail.Load(); f != 0 && sentAt > f {
						recoveredAt.CompareAndSwap(0, time.Now().UnixNano())
					}
					return
				}
				if restartedAt.Load() != 0 {
					firstFail.CompareAndSwap(0, time.Now().UnixNano())
				}
			}
			lost.Add(1)
		}(i)
	}
	wg.Wait()

	ctx := context.Background()
	db, err := store.Open(ctx, dbURL, store.Options{MaxConns: 2, Keys: kr})
	if err != nil {
		return err
	}
	defer db.Close()
	counts := map[string]int{}
	err = db.InTx(ctx, func(tx *store.Tx) error {
		cs, err := tx.ListCitizensByAlias(ctx, "AB")
		if err != nil || len(cs) != 1 {
			return fmt.Errorf("citizen AB: %v", err)
		}
		es, err := tx.ListCitizenEntries(ctx, cs[0].ID, time.Time{}, time.Time{})
		for _, e := range es {
			if strings.HasPrefix(e.Note, "fault-note-") && !e.Replaced {
				counts[e.Note]++
			}
		}
		return err
	})
	if err != nil {
		return err
	}
	ok, missing, dup := 0, 0, 0
	for i, a := range acked {
		k := fmt.Sprintf("fault-note-%06d", i)
		if a {
			ok++
			if counts[k] != 1 {
				missing++
			}
		}
		if counts[k] > 1 {
			dup++
		}
	}
	recovery := "no failure seen"
	if f, rec := firstFail.Load(), recoveredAt.Load(); f != 0 && rec != 0 {
		recovery = time.Duration(rec - f).Round(time.Millisecond).String()
	}
	fmt.Printf("fault: %d submissions, %d acknowledged, %d given up after 6 deliveries, %d redeliveries; "+
		"acknowledged but not stored once: %d; stored twice: %d; recovery (first failure to the first success sent after it): %s\n",
		n, ok, lost.Load(), retries.Load(), missing, dup, recovery)
	if missing > 0 || dup > 0 {
		return errors.New("fault: a note was lost or duplicated")
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
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	h := http.Header{}
	h.Set("Content-Type", "application/x-www-form-urlencoded")
	h.Set("X-Slack-Request-Timestamp", ts)
	h.Set("X-Slack-Signature", c.sign(ts, body))
	return body, h
}
