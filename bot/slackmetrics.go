package bot

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// The metrics of the bot's calls to Slack, counted by countingTransport
// around the HTTP client slack-go uses (and response_url and uploads).
var (
	slackCalls = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "smallgoals_slack_calls_total",
		Help: "Calls to Slack's Web API by method and outcome (ok, slack_error, rate_limited, http_error, transport_error).",
	}, []string{"method", "outcome"})
	slackSeconds = promauto.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "smallgoals_slack_call_seconds",
		Help:    "Time a call to Slack's Web API took until its answer's headers (slack_error and rate_limited included), by method.",
		Buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 2, 5, 10, 20},
	}, []string{"method"})
	slackErrors = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "smallgoals_slack_errors_total",
		Help: "Slack's refusals (ok:false) by method and error code; codes the bot does not know count as other.",
	}, []string{"method", "error"})
)

// slackErrorCodes are the error codes kept as a label of
// smallgoals_slack_errors_total; any other is "other", so the label's
// values stay few whatever Slack answers.
var slackErrorCodes = map[string]bool{
	"account_inactive": true, "already_reacted": true, "cannot_dm_bot": true, "cant_delete_file": true,
	"cant_delete_message": true, "channel_not_found": true, "duplicate_external_id": true, "ekm_access_denied": true,
	"expired_trigger_id": true, "fatal_error": true, "file_deleted": true, "file_not_found": true,
	"hash_conflict": true, "internal_error": true, "invalid_arguments": true, "invalid_auth": true,
	"invalid_blocks": true, "invalid_blocks_format": true, "invalid_cursor": true, "invalid_trigger_id": true,
	"is_archived": true, "message_not_found": true, "missing_scope": true, "msg_too_long": true,
	"no_permission": true, "no_text": true, "not_authed": true, "not_found": true,
	"not_in_channel": true, "ratelimited": true, "request_timeout": true, "restricted_action": true,
	"service_unavailable": true, "team_access_not_granted": true, "token_expired": true, "token_revoked": true,
	"too_many_attachments": true, "unknown_method": true, "user_not_found": true, "user_not_in_channel": true,
	"users_not_found": true, "view_too_large": true,
}

// methodName keeps the method label to Web API method names.
var methodName = regexp.MustCompile(`^[a-z]+(\.[a-zA-Z]+){1,3}$`)

// countingTransport counts the bot's calls to Slack by API method, with
// their latency. A Web API answer with HTTP 200 and "ok": false is Slack
// refusing the call: it counts as slack_error, with its error code.
type countingTransport struct{ next http.RoundTripper }

func (t countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	method := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
	api := strings.Contains(r.URL.Path, "/api/")
	switch {
	case !api:
		method = "upload" // file uploads and response_url posts
	case !methodName.MatchString(method):
		method = "other"
	}
	start := time.Now()
	resp, err := t.next.RoundTrip(r)
	slackSeconds.WithLabelValues(method).Observe(time.Since(start).Seconds())
	switch {
	case err != nil:
		slackCalls.WithLabelValues(method, "transport_error").Inc()
	case resp.StatusCode == http.StatusTooManyRequests:
		slackCalls.WithLabelValues(method, "rate_limited").Inc()
	case resp.StatusCode >= 400:
		slackCalls.WithLabelValues(method, "http_error").Inc()
	default:
		refused := false
		if api {
			var c string
			if c, refused = slackRefusal(resp); refused {
				if !slackErrorCodes[c] {
					c = "other"
				}
				slackErrors.WithLabelValues(method, c).Inc()
			}
		}
		if refused {
			slackCalls.WithLabelValues(method, "slack_error").Inc()
		} else {
			slackCalls.WithLabelValues(method, "ok").Inc()
		}
	}
	return resp, err
}

// peekLimit bounds how much of an answer slackRefusal reads ahead.
const peekLimit = 64 << 10

// slackRefusal reports whether a JSON answer of the Web API says
// "ok": false, and its "error". It reads at most peekLimit bytes of the
// body (Slack writes "ok" and "error" first) and puts them back, so the
// caller reads the body as it came.
func slackRefusal(resp *http.Response) (code string, refused bool) {
	if ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); ct != "application/json" || resp.Body == nil {
		return "", false
	}
	head, err := io.ReadAll(io.LimitReader(resp.Body, peekLimit))
	rest := io.Reader(resp.Body)
	if err != nil {
		rest = errReader{err} // the caller meets the read's error where it happened
	}
	resp.Body = peekedBody{io.MultiReader(bytes.NewReader(head), rest), resp.Body}
	ok, found, code := okField(head)
	return code, found && !ok
}

// okField finds the top-level "ok" of a JSON object in b, which may be cut
// short, and its "error" if it comes before b ends; found is false if b
// ends or goes wrong before "ok".
func okField(b []byte) (ok, found bool, code string) {
	dec := json.NewDecoder(bytes.NewReader(b))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return false, false, ""
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			break
		}
		switch key {
		case "ok":
			v, err := dec.Token()
			ok, found = v.(bool)
			if err != nil {
				return false, false, code
			}
			if ok || code != "" {
				return ok, found, code
			}
			continue
		case "error":
			v, err := dec.Token()
			code, _ = v.(string)
			if err != nil || found {
				return ok, found, code
			}
			continue
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			break
		}
	}
	return ok, found, code
}

// peekedBody is a response body with its first bytes read and put back.
type peekedBody struct {
	io.Reader
	io.Closer
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }
