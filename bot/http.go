package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// MaxBody caps a request body from Slack. A slash command is a few
// kilobytes, but a button in App Home or a form brings the whole view
// along, state included: a full App Home (100 blocks) or a form listing
// hundreds of borgere is several hundred kilobytes once form-encoded. A
// test renders the largest views the bot makes and checks that Slack's
// request for them fits.
const MaxBody = 1 << 20

// Fixed answers: they never echo what was wrong (slack-go's verifier
// error holds the valid signature).
const (
	msgUnauthorized = "invalid request signature"
	msgTooLarge     = "request body too large"
	msgForbidden    = "request from another workspace"
	msgBadRequest   = "bad request"
)

// HTTP is the transport for Slack's HTTP mode: every request's signature
// is verified before anything else looks at it.
type HTTP struct {
	Bot    *Bot
	Secret string
	Ready  func(ctx context.Context) error // the readiness check, e.g. a database ping
	// NoMetrics leaves /metrics out (it has an address of its own).
	NoMetrics bool

	badSignature limitedWarning // at most one warning a minute
}

// Routes returns the HTTP routes of the contract (design.md §4.2).
func (h *HTTP) Routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /slack/commands", counted("commands", h.verified(h.command)))
	mux.HandleFunc("POST /slack/interactions", counted("interactions", h.verified(h.interaction)))
	mux.HandleFunc("POST /slack/events", counted("events", h.verified(h.event)))
	if h.NoMetrics {
		HealthOnly(mux, h.Ready)
	} else {
		HealthRoutes(mux, h.Ready)
	}
	return withRequests(mux)
}

// HealthRoutes adds /healthz (liveness, no database), /readyz (readiness)
// and /metrics to mux; Socket Mode serves them too.
func HealthRoutes(mux *http.ServeMux, ready func(ctx context.Context) error) {
	HealthOnly(mux, ready)
	mux.Handle("GET /metrics", promhttp.Handler())
}

// HealthOnly adds /healthz and /readyz, for when /metrics has an address
// of its own (METRICS_ADDR).
func HealthOnly(mux *http.ServeMux, ready func(ctx context.Context) error) {
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if ready != nil {
			if err := ready(ctx); err != nil {
				http.Error(w, "not ready\n", http.StatusServiceUnavailable)
				return
			}
		}
		io.WriteString(w, "ready\n")
	})
}

// verified reads the capped body, checks Slack's signature over it and
// only then calls next with the body.
func (h *HTTP) verified(next func(http.ResponseWriter, *http.Request, []byte)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := readBody(w, r)
		if err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				http.Error(w, msgTooLarge, http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, msgBadRequest, http.StatusBadRequest)
			return
		}
		sv, err := slack.NewSecretsVerifier(r.Header, h.Secret)
		if err == nil {
			sv.Write(body)
			err = sv.Ensure()
		}
		if err != nil {
			h.badSignature.warn(r.Context(), h.Bot.Log, "request refused: bad signature", "path", r.URL.Path)
			http.Error(w, msgUnauthorized, http.StatusUnauthorized)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next(w, r, body)
	}
}

// ours reports whether a request comes from the bot's own workspace.
func (h *HTTP) ours(w http.ResponseWriter, r *http.Request, teamID string) bool {
	if teamID != h.Bot.Slack.TeamID {
		h.Bot.Log.WarnContext(r.Context(), "request refused: another workspace")
		http.Error(w, msgForbidden, http.StatusForbidden)
		return false
	}
	return true
}

func (h *HTTP) command(w http.ResponseWriter, r *http.Request, _ []byte) {
	sc, err := slack.SlashCommandParse(r)
	if err != nil {
		http.Error(w, msgBadRequest, http.StatusBadRequest)
		return
	}
	if r.PostForm.Get("ssl_check") == "1" {
		return // Slack checking the certificate; signed like any request
	}
	if !h.ours(w, r, sc.TeamID) {
		return
	}
	reply := h.Bot.Command(r.Context(), sc)
	if reply == nil || len(reply.Blocks) == 0 {
		return // acknowledged; the answer follows through response_url, or a form opened
	}
	writeJSON(w, Ephemeral(*reply))
}

func (h *HTTP) interaction(w http.ResponseWriter, r *http.Request, body []byte) {
	payload, err := formValue(body, "payload")
	if err != nil {
		http.Error(w, msgBadRequest, http.StatusBadRequest)
		return
	}
	cb, err := decodeInteraction(payload)
	if err != nil {
		http.Error(w, msgBadRequest, http.StatusBadRequest)
		return
	}
	if !h.ours(w, r, cb.Team.ID) {
		return
	}
	resp := h.Bot.Interaction(r.Context(), cb)
	observeInteraction("http", requestStart(r.Context()), cb.InteractionCallback, resp)
	if resp != nil {
		writeJSON(w, resp)
	}
}

func (h *HTTP) event(w http.ResponseWriter, r *http.Request, body []byte) {
	ev, err := slackevents.ParseEvent(json.RawMessage(body), slackevents.OptionNoVerifyToken())
	if err != nil {
		http.Error(w, msgBadRequest, http.StatusBadRequest)
		return
	}
	if ev.Type == slackevents.URLVerification {
		var c slackevents.ChallengeResponse
		if err := json.Unmarshal(body, &c); err != nil {
			http.Error(w, msgBadRequest, http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, c.Challenge)
		return
	}
	if !h.ours(w, r, ev.TeamID) {
		return
	}
	h.Bot.Event(r.Context(), ev)
	observeEvent("http", requestStart(r.Context()), ev)
}

// readBody reads a request's body, at most MaxBody bytes, into a buffer
// of the size the request declares: a form's submission is several
// kilobytes, which io.ReadAll would grow into step by step.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	body := http.MaxBytesReader(w, r.Body, MaxBody)
	if r.ContentLength <= 0 || r.ContentLength > MaxBody {
		return io.ReadAll(body)
	}
	b := make([]byte, r.ContentLength)
	if _, err := io.ReadFull(body, b); err != nil {
		return nil, err
	}
	return b, nil
}

// formValue returns the first value of key in a form-encoded body,
// decoded, or an error if the body is malformed or has no such key. It
// decodes in place, overwriting body: an interaction's body is its
// payload, several kilobytes that url.ParseQuery would copy twice more.
func formValue(body []byte, key string) ([]byte, error) {
	for len(body) > 0 {
		var pair []byte
		pair, body, _ = bytes.Cut(body, []byte("&"))
		k, v, _ := bytes.Cut(pair, []byte("="))
		name, err := unescapeForm(k)
		if err != nil {
			return nil, err
		}
		if string(name) == key {
			return unescapeForm(v)
		}
	}
	return nil, fmt.Errorf("bot: no %s in the form", key)
}

// unescapeForm decodes a form-encoded key or value in place: + is a
// space, %XX a byte.
func unescapeForm(s []byte) ([]byte, error) {
	out := s[:0] // never longer than what is read: safe to write over s
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '+':
			out = append(out, ' ')
		case '%':
			if i+2 >= len(s) {
				return nil, errors.New("bot: a form's % escape cut short")
			}
			hi, ok1 := unhex(s[i+1])
			lo, ok2 := unhex(s[i+2])
			if !ok1 || !ok2 {
				return nil, errors.New("bot: a form's % escape is not hexadecimal")
			}
			out = append(out, hi<<4|lo)
			i += 2
		default:
			out = append(out, c)
		}
	}
	return out, nil
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}
