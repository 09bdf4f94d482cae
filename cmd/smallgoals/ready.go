package main

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"
)

// errDraining is readiness while serve drains after SIGTERM (its own log
// line says so).
var errDraining = errors.New("draining")

// readyEvery is how often serve checks its readiness when no probe asks,
// so that a database outage and its end are logged all the same.
const readyEvery = 10 * time.Second

// readiness logs when serve's readiness changes: "ready", or "not ready"
// with the reason, once per change.
type readiness struct {
	log *slog.Logger

	mu    sync.Mutex
	known bool
	err   error
}

// note records the outcome of a readiness check, logging a change, and
// returns it.
func (r *readiness) note(err error) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.known && (r.err == nil) == (err == nil) {
		return err
	}
	r.known, r.err = true, err
	if err == nil {
		r.log.Info("ready")
	} else {
		r.log.Warn("not ready: the database does not answer", "err", err)
	}
	return err
}

// watch checks readiness with check every readyEvery until ctx is done.
func (r *readiness) watch(ctx context.Context, check func(ctx context.Context) error) {
	t := time.NewTicker(readyEvery)
	defer t.Stop()
	for {
		cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		check(cctx)
		cancel()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
