package store

import (
	"context"
	"log/slog"
	"time"

	"github.com/lib/pq"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// The listener's metrics, on the default registry that /metrics serves.
var (
	listenerConnected = promauto.NewGauge(prometheus.GaugeOpts{
		Name: "smallgoals_listener_connected",
		Help: "1 while the LISTEN connection to PostgreSQL (App Home changes from other replicas) is up, else 0.",
	})
	listenerReconnects = promauto.NewCounter(prometheus.CounterOpts{
		Name: "smallgoals_listener_reconnects_total",
		Help: "Times the LISTEN connection to PostgreSQL was lost and opened again.",
	})
)

// Subscriber receives what Listen hears. Its methods may be called from
// different goroutines.
type Subscriber interface {
	// Notified gets a notification's payload.
	Notified(ctx context.Context, payload string)
	// Synced is called when the connection listens: at first, and after
	// every reconnection. What was notified while it was down is lost, so
	// the subscriber reads again from the database what it keeps.
	Synced(ctx context.Context)
	// Lost is called when the connection is lost; until Synced,
	// notifications are missed.
	Lost()
}

// How Listen reconnects: after a second, doubling up to a minute; and how
// often it checks an idle connection is alive.
const (
	listenMinReconnect = time.Second
	listenMaxReconnect = time.Minute
	listenPing         = 30 * time.Second
)

// Listen LISTENs on channel over a connection of its own to url until ctx
// is done, and hands what it hears to sub. A lost connection is opened
// again with backoff (counted in smallgoals_listener_reconnects_total;
// smallgoals_listener_connected says whether it is up). It needs a
// session of its own: behind a pooler in transaction mode (PgBouncer),
// url must reach PostgreSQL directly.
func Listen(ctx context.Context, url, channel string, log *slog.Logger, sub Subscriber) {
	l := pq.NewListener(url, listenMinReconnect, listenMaxReconnect, func(ev pq.ListenerEventType, err error) {
		if ctx.Err() != nil {
			return // shutting down: the connection closes on purpose
		}
		switch ev {
		case pq.ListenerEventConnected:
			listenerConnected.Set(1)
		case pq.ListenerEventReconnected:
			listenerConnected.Set(1)
			listenerReconnects.Inc()
			log.Info("listening again for App Home changes")
		case pq.ListenerEventDisconnected:
			listenerConnected.Set(0)
			sub.Lost()
			log.Warn("listener connection lost; reconnecting", "err", safe(err))
		case pq.ListenerEventConnectionAttemptFailed:
			log.Warn("listener connection failed; trying again", "err", safe(err))
		}
	})
	listening := make(chan struct{})
	defer func() {
		l.Close() // and Listen gives up, if it still waits
		<-listening
		listenerConnected.Set(0)
	}()
	go func() {
		defer close(listening)
		// Blocks until the connection is up (it may never be).
		if err := l.Listen(channel); err != nil {
			if ctx.Err() == nil {
				log.Error("listener not listening", "channel", channel, "err", safe(err))
			}
			return
		}
		if ctx.Err() == nil {
			sub.Synced(ctx)
		}
	}()
	ping := time.NewTicker(listenPing)
	defer ping.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case n := <-l.Notify:
			if n == nil {
				sub.Synced(ctx) // reconnected: what came meanwhile is lost
				continue
			}
			sub.Notified(ctx, n.Extra)
		case <-ping.C:
			// A connection that died quietly is found out, and reopened.
			l.Ping()
		}
	}
}
