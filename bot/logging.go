package bot

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"
)

// request is what a request's context carries for its log lines and
// metrics: its ID and when it arrived.
type request struct {
	id    string
	start time.Time
}

type requestKey struct{}

// WithRequest returns ctx carrying a request ID (every log line written
// with it says request_id=id) and the request's arrival time.
func WithRequest(ctx context.Context, id string, start time.Time) context.Context {
	return context.WithValue(ctx, requestKey{}, request{id, start})
}

// RequestID returns the request ID ctx carries, or "".
func RequestID(ctx context.Context) string {
	r, _ := ctx.Value(requestKey{}).(request)
	return r.id
}

// requestStart returns when ctx's request arrived, or now.
func requestStart(ctx context.Context) time.Time {
	if r, ok := ctx.Value(requestKey{}).(request); ok {
		return r.start
	}
	return time.Now()
}

// NewRequestID returns a random request ID: 16 hex digits.
func NewRequestID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// withRequests gives every HTTP request an ID of its own, in its context
// (its log lines) and in the X-Request-Id header of its answer.
func withRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := NewRequestID()
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(WithRequest(r.Context(), id, start)))
	})
}

// NewLogHandler is the program's log handler, JSON or text on w: each line
// written with a request's context carries its request_id, and durations
// are seconds (key_seconds=1.5), never nanoseconds.
func NewLogHandler(w io.Writer, json bool, level slog.Leveler) slog.Handler {
	opts := &slog.HandlerOptions{Level: level, ReplaceAttr: durationSeconds}
	if json {
		return contextHandler{slog.NewJSONHandler(w, opts)}
	}
	return contextHandler{slog.NewTextHandler(w, opts)}
}

// durationSeconds writes a duration as seconds under key_seconds.
func durationSeconds(_ []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() != slog.KindDuration {
		return a
	}
	key := a.Key
	if !strings.HasSuffix(key, "_seconds") {
		key += "_seconds"
	}
	return slog.Float64(key, a.Value.Duration().Seconds())
}

// contextHandler adds the request ID of a line's context.
type contextHandler struct{ slog.Handler }

func (h contextHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := RequestID(ctx); id != "" {
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h contextHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return contextHandler{h.Handler.WithAttrs(attrs)}
}

func (h contextHandler) WithGroup(name string) slog.Handler {
	return contextHandler{h.Handler.WithGroup(name)}
}

// limitedWarning logs a warning at most once an interval: the ones in
// between are counted, and the next line says how many were suppressed.
// A public endpoint's refusals (bad signatures) must not flood the logs.
type limitedWarning struct {
	Every time.Duration // default a minute

	mu         sync.Mutex
	last       time.Time
	suppressed int
}

func (l *limitedWarning) warn(ctx context.Context, log *slog.Logger, msg string, args ...any) {
	l.mu.Lock()
	now := time.Now()
	if !l.last.IsZero() && now.Sub(l.last) < cmp.Or(l.Every, time.Minute) {
		l.suppressed++
		l.mu.Unlock()
		return
	}
	n := l.suppressed
	l.last, l.suppressed = now, 0
	l.mu.Unlock()
	log.WarnContext(ctx, msg, append(args, "suppressed", n)...)
}
