package bot

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// HomeStore is App Home's state shared by the replicas; *store.DB is one.
// A change notifies every replica (PostgreSQL NOTIFY, with the user's ID
// only), which hands it to Bot.HomeSubscriber.
type HomeStore interface {
	// OpenHome records that user opened App Home, and notifies "opened".
	OpenHome(ctx context.Context, user string, at time.Time) error
	// ChangeHome counts a change to user's App Home and notifies
	// "changed"; false when the user has none.
	ChangeHome(ctx context.Context, user string) (bool, error)
	// FindHomeChanges returns how many changes to user's App Home have
	// been counted (0 without one).
	FindHomeChanges(ctx context.Context, user string) (int64, error)
	// ClaimHome claims the changes not yet published: true for the one
	// replica that is to publish.
	ClaimHome(ctx context.Context, user string) (bool, error)
	// ListHomes returns the users with an App Home kept fresh.
	ListHomes(ctx context.Context) ([]string, error)
	// ListPendingHomes returns the users whose App Home has changes not
	// yet published.
	ListPendingHomes(ctx context.Context) ([]string, error)
	// UnclaimHome gives a claim back whose publish failed: the changes are
	// due again.
	UnclaimHome(ctx context.Context, user string) error
}

var homeNotifications = promauto.NewCounterVec(prometheus.CounterOpts{
	Name: "smallgoals_home_notifications_total",
	Help: "App Home notifications this replica heard from PostgreSQL, by kind (opened, changed).",
}, []string{"kind"})

// homeState is what a replica knows of the App Homes kept fresh: which
// users have one (a copy of the database's, read again whenever the
// listener connects, so it survives restarts and lost notifications) and
// which refreshes are about to go out.
type homeState struct {
	mu      sync.Mutex
	pending map[string]bool // users whose App Home is about to be refreshed
	known   map[string]bool // users with an App Home kept fresh
	synced  bool            // known is current: the listener is up and has read them
	// opened is the day (UTC) this replica last recorded each user's
	// opening of App Home: once a day is enough for its retention.
	opened map[string]string
}

// has reports whether user has an App Home kept fresh; sure is false while
// the listener is not synced (then only the database knows).
func (h *homeState) has(user string) (has, sure bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.known[user], h.synced
}

// openedOn returns the day this replica last recorded user's opening.
func (h *homeState) openedOn(user string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.opened[user]
}

// open notes that user opened App Home on day, recorded: they have one.
func (h *homeState) open(user, day string) {
	h.add(user)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.opened == nil {
		h.opened = map[string]string{}
	}
	h.opened[user] = day
}

func (h *homeState) add(user string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.known == nil {
		h.known = map[string]bool{}
	}
	h.known[user] = true
}

// homeOpened records that user opened App Home: in the database, for
// every replica, at most once a day on this replica. The row is kept 90
// days after the last opening (retention), so every day's first opening
// counts, not only the first ever.
func (b *Bot) homeOpened(ctx context.Context, user string) {
	if b.Homes == nil {
		return
	}
	now := b.now()
	day := now.UTC().Format(time.DateOnly)
	if b.home.openedOn(user) == day {
		return
	}
	if err := b.Homes.OpenHome(ctx, user, now); err != nil {
		b.Log.ErrorContext(ctx, "App Home not recorded as open", "err", err)
		return
	}
	b.home.open(user, day)
}

// refreshHome refreshes a user's App Home after a change they made: the
// change is counted and notified, and the replica that claims it
// publishes (any may: views.publish is the same from every replica).
// Without a HomeStore, App Home is published when opened and not
// refreshed.
func (b *Bot) refreshHome(ctx context.Context, user string) {
	if b.Homes == nil {
		return
	}
	has, sure := b.home.has(user)
	if sure && !has {
		return // no App Home to refresh: no database round trip
	}
	b.async(ctx, func(ctx context.Context) {
		changed, err := b.Homes.ChangeHome(ctx, user)
		if err != nil {
			b.Log.ErrorContext(ctx, "App Home change not recorded", "err", err)
			return
		}
		if changed {
			if _, sure := b.home.has(user); !sure {
				// This replica's listener is down: it does not hear its own
				// notification, so it takes the change itself (the claim
				// keeps it to one publish).
				b.scheduleHome(ctx, user)
			}
		}
	})
}

// scheduleHome publishes user's App Home shortly, once for a burst of
// changes (views.publish is rate-limited by Slack), if this replica
// claims the changes.
func (b *Bot) scheduleHome(ctx context.Context, user string) {
	h := &b.home
	h.mu.Lock()
	if h.pending == nil {
		h.pending = map[string]bool{}
	}
	if h.pending[user] {
		h.mu.Unlock()
		return
	}
	h.pending[user] = true
	h.mu.Unlock()
	b.async(ctx, func(ctx context.Context) {
		delay := b.HomeDelay
		if delay <= 0 {
			delay = 500 * time.Millisecond
		}
		sleepCtx(ctx, delay)
		h.mu.Lock()
		delete(h.pending, user)
		h.mu.Unlock()
		mine, err := b.Homes.ClaimHome(ctx, user)
		if err != nil {
			b.Log.ErrorContext(ctx, "App Home refresh not claimed", "err", err)
			return
		}
		if !mine {
			return // another replica publishes it
		}
		retry := b.HomeRetry
		if retry == nil {
			retry = []time.Duration{time.Second, 4 * time.Second, 10 * time.Second}
		}
		for i := 0; !b.publishHome(ctx, user, ""); i++ {
			if i == len(retry) || b.pause(ctx, retry[i]) != nil {
				if err := b.Homes.UnclaimHome(context.WithoutCancel(ctx), user); err != nil {
					b.Log.ErrorContext(ctx, "App Home refresh neither published nor given back", "err", err)
				}
				return
			}
		}
	})
}

// HomeListener is what the listener (store.Listen on store.HomeChannel)
// hands App Home notifications to.
func (b *Bot) HomeListener() HomeListener { return HomeListener{b} }

// HomeListener takes App Home notifications for a Bot (a store.Subscriber).
type HomeListener struct{ b *Bot }

// Notified takes a notification: an App Home opened on some replica, or
// changed (then refreshed by the replica that claims the change).
func (s HomeListener) Notified(ctx context.Context, payload string) {
	var ev struct {
		Kind string `json:"kind"`
		User string `json:"user"`
	}
	if s.b.Homes == nil {
		return
	}
	if err := json.Unmarshal([]byte(payload), &ev); err != nil || ev.User == "" {
		s.b.Log.Warn("App Home notification not understood")
		return
	}
	s.b.Log.Debug("App Home notified", "kind", ev.Kind, "user", ev.User)
	switch ev.Kind {
	case "opened":
		s.b.home.add(ev.User)
	case "changed":
		s.b.home.add(ev.User)
		s.b.scheduleHome(ctx, ev.User)
	default:
		s.b.Log.Warn("App Home notification not understood")
		return
	}
	homeNotifications.WithLabelValues(ev.Kind).Inc()
}

// Synced reads again which users have an App Home, when the listener has
// (re)connected, and publishes those with changes not yet published: what
// was notified while it was down is lost, not what the rows say.
func (s HomeListener) Synced(ctx context.Context) {
	if s.b.Homes == nil {
		return
	}
	users, err := s.b.Homes.ListHomes(ctx)
	if err != nil {
		if ctx.Err() == nil { // not the shutdown
			s.b.Log.Error("App Homes not read", "err", err)
		}
		return
	}
	known := make(map[string]bool, len(users))
	for _, u := range users {
		known[u] = true
	}
	h := &s.b.home
	h.mu.Lock()
	h.known, h.synced = known, true
	h.mu.Unlock()
	s.b.Log.Info("listening for App Home changes", "homes", len(users))
	pending, err := s.b.Homes.ListPendingHomes(ctx)
	if err != nil {
		if ctx.Err() == nil {
			s.b.Log.Error("App Homes due not read", "err", err)
		}
		return
	}
	for _, u := range pending {
		s.b.scheduleHome(ctx, u) // the claim keeps it to one replica
	}
}

// Lost marks what the replica knows of App Homes as unsure until the
// listener is back: meanwhile every change is written to the database.
func (s HomeListener) Lost() {
	s.b.home.mu.Lock()
	s.b.home.synced = false
	s.b.home.mu.Unlock()
}
