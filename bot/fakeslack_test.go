package bot_test

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"smallgoals/internal/slackcheck"
)

// fakeSlack is a local stand-in for Slack's Web API (SLACK_API_URL) and
// for response_url. It answers the methods the bot calls and records
// what it was asked; our own Slack code runs for real against it.
type fakeSlack struct {
	t   testing.TB
	srv *httptest.Server

	mu      sync.Mutex
	teamID  string
	members map[string][]string // channel -> user IDs
	guests  map[string]bool
	// homeTeam is a user's own workspace when it is not teamID (a Slack
	// Connect member from another organisation, or an Enterprise Grid
	// colleague from another workspace), stranger a user users.info marks
	// is_stranger, enterpriseID the organisation auth.test names and
	// userEnterprise a user's.
	homeTeam, userEnterprise map[string]string
	stranger                 map[string]bool
	enterpriseID             string
	locales                  map[string]string
	calls                    []string // API methods in the order called
	posts                    []fakePost
	responses                []map[string]any // bodies posted to response_url
	limit429                 int              // how many chat.postMessage calls answer 429 first
	notFound                 map[string]bool  // channels the bot cannot see
	public                   map[string]bool  // public channels (conversations.info)
	views                    []fakeView       // views.open, views.update, views.publish in order
	files                    []fakeFile       // uploaded files
	deleted                  []string         // files.delete
	unposted                 []string         // chat.delete, as channel/ts
	uploaded                 []byte           // the last upload's body
	uploadName               string
	ephemeral                []fakePost       // chat.postEphemeral
	ws                       http.HandlerFunc // the Socket Mode WebSocket endpoint, if a test sets one
	// Latency is how long every Web API call takes, as a slow Slack would
	// (each method may have its own in slow); at records when each call
	// arrived, in order.
	latency time.Duration
	slow    map[string]time.Duration
	at      []fakeCall
	// fail answers a call of an API method in the fake's place when it
	// returns true: a test's fault (see fault). Called with mu held.
	fail map[string]func(w http.ResponseWriter, r *http.Request) bool

	dms     map[string]string // DMs ("im") and group DMs ("mpim") (conversations.info)
	outside map[string]bool   // channels the bot is not a member of (conversations.info)
}

type fakeCall struct {
	Method  string
	Channel string
	At      time.Time
}

type fakeFile struct {
	ID, Name, Channel string
	Data              []byte
}

type fakeView struct {
	Method string
	User   string // views.publish
	ViewID string // views.update
	View   string // the view as JSON
}

type fakePost struct {
	Channel string
	Text    string
	Blocks  string
	Thread  string // thread_ts
	TS      string // the ts Slack gave it (chat.postMessage)
}

func newFakeSlack(t testing.TB) *fakeSlack {
	f := &fakeSlack{t: t, teamID: "T1", members: map[string][]string{}, guests: map[string]bool{}, locales: map[string]string{},
		homeTeam: map[string]string{}, userEnterprise: map[string]string{}, stranger: map[string]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/", f.api)
	mux.HandleFunc("/respond/", func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		var body map[string]any
		json.Unmarshal(raw, &body)
		f.mu.Lock()
		if err := errors.Join(slackcheck.Message(raw), slackcheck.MessageLive(raw, f.people()...)); err != nil {
			f.t.Errorf("Slack would refuse the response_url message: %v", err)
		}
		f.responses = append(f.responses, body)
		f.mu.Unlock()
		io.WriteString(w, "ok")
	})
	mux.HandleFunc("/upload/", func(w http.ResponseWriter, r *http.Request) {
		var b []byte
		if mr, err := r.MultipartReader(); err == nil {
			for {
				p, err := mr.NextPart()
				if err != nil {
					break
				}
				if p.FormName() == "file" {
					b, _ = io.ReadAll(p)
				}
			}
		} else {
			b, _ = io.ReadAll(r.Body)
		}
		f.mu.Lock()
		f.uploaded = b
		f.mu.Unlock()
		io.WriteString(w, "OK")
	})
	mux.HandleFunc("/ws", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		h := f.ws
		f.mu.Unlock()
		if h == nil {
			http.NotFound(w, r)
			return
		}
		h(w, r)
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

// URL is the Web API's base URL, for SLACK_API_URL.
func (f *fakeSlack) URL() string { return f.srv.URL + "/api/" }

// ResponseURL is a response_url that records what is posted to it.
func (f *fakeSlack) ResponseURL(id string) string { return f.srv.URL + "/respond/" + id }

func (f *fakeSlack) api(w http.ResponseWriter, r *http.Request) {
	method := strings.TrimPrefix(r.URL.Path, "/api/")
	var body map[string]json.RawMessage
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		json.NewDecoder(r.Body).Decode(&body)
		// A JSON body's fields read as a form's would: strings as they
		// are, anything else (blocks) as its JSON text.
		r.Form = url.Values{}
		for k, raw := range body {
			var s string
			if json.Unmarshal(raw, &s) != nil {
				s = string(raw)
			}
			r.Form.Set(k, s)
		}
	} else {
		r.ParseForm()
	}
	f.mu.Lock()
	f.at = append(f.at, fakeCall{method, r.Form.Get("channel"), time.Now()})
	delay := f.latency
	if d, ok := f.slow[method]; ok {
		delay = d
	}
	f.mu.Unlock()
	time.Sleep(delay)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, method)
	if hook := f.fail[method]; hook != nil && hook(w, r) {
		return
	}
	// Slack answers not_authed to a call without a token.
	if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer x") && !strings.HasPrefix(r.Form.Get("token"), "x") {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok":false,"error":"not_authed"}`)
		return
	}
	reply := func(v map[string]any) {
		v["ok"] = true
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(v)
	}
	// Slack refuses what breaks its documented limits; so does the fake,
	// and the test fails.
	if err := f.check(method, r, body); err != nil {
		f.t.Errorf("Slack would refuse %s: %v", method, err)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok":false,"error":"invalid_blocks"}`)
		return
	}
	switch method {
	case "auth.test":
		reply(map[string]any{"team_id": f.teamID, "user_id": "UBOT", "team": "Test", "enterprise_id": f.enterpriseID})
	case "conversations.members":
		// Two members a page, to exercise the cursor.
		if f.notFound[r.Form.Get("channel")] {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"ok":false,"error":"channel_not_found"}`)
			return
		}
		all := f.members[r.Form.Get("channel")]
		start, _ := strconv.Atoi(r.Form.Get("cursor"))
		end := min(start+2, len(all))
		next := ""
		if end < len(all) {
			next = strconv.Itoa(end)
		}
		reply(map[string]any{"members": all[start:end], "response_metadata": map[string]any{"next_cursor": next}})
	case "users.conversations":
		// The channels the user is in, at most 20 a page, to exercise the
		// cursor.
		user := r.Form.Get("user")
		var all []map[string]any
		for _, ch := range slices.Sorted(maps.Keys(f.members)) {
			if slices.Contains(f.members[ch], user) && !f.notFound[ch] {
				all = append(all, map[string]any{"id": ch, "is_private": !f.public[ch]})
			}
		}
		start, _ := strconv.Atoi(r.Form.Get("cursor"))
		limit, _ := strconv.Atoi(r.Form.Get("limit"))
		end := min(start+min(max(limit, 1), 20), len(all))
		next := ""
		if end < len(all) {
			next = strconv.Itoa(end)
		}
		reply(map[string]any{"channels": all[start:end], "response_metadata": map[string]any{"next_cursor": next}})
	case "users.info":
		id := r.Form.Get("user")
		u := map[string]any{"id": id, "team_id": cmp.Or(f.homeTeam[id], f.teamID), "is_restricted": f.guests[id], "is_stranger": f.stranger[id],
			"locale": f.locales[id], "real_name": strings.TrimPrefix(id, "U"), "profile": map[string]any{"display_name": strings.ToLower(strings.TrimPrefix(id, "U"))}}
		if e := f.userEnterprise[id]; e != "" {
			u["enterprise_user"] = map[string]any{"id": id, "enterprise_id": e, "teams": []string{f.homeTeam[id]}}
		}
		reply(map[string]any{"user": u})
	case "conversations.open":
		reply(map[string]any{"channel": map[string]any{"id": "D" + r.Form.Get("users")}})
	case "chat.postMessage":
		if f.limit429 > 0 {
			f.limit429--
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		f.posts = append(f.posts, fakePost{Channel: r.Form.Get("channel"), Text: r.Form.Get("text"), Blocks: r.Form.Get("blocks"),
			TS: "1700000000." + fmt.Sprintf("%06d", len(f.posts)+1)})
		reply(map[string]any{"channel": r.Form.Get("channel"), "ts": f.posts[len(f.posts)-1].TS})
	case "chat.delete":
		f.unposted = append(f.unposted, r.Form.Get("channel")+"/"+r.Form.Get("ts"))
		reply(map[string]any{"channel": r.Form.Get("channel"), "ts": r.Form.Get("ts")})
	case "views.open", "views.update", "views.publish":
		var user, viewID string
		json.Unmarshal(body["user_id"], &user)
		json.Unmarshal(body["view_id"], &viewID)
		f.views = append(f.views, fakeView{Method: method, User: user, ViewID: viewID, View: string(body["view"])})
		reply(map[string]any{"view": map[string]any{"id": "V" + strconv.Itoa(len(f.views)), "hash": "h" + strconv.Itoa(len(f.views))}})
	case "chat.postEphemeral":
		f.ephemeral = append(f.ephemeral, fakePost{Channel: r.Form.Get("channel"), Text: r.Form.Get("text"), Blocks: r.Form.Get("blocks"), Thread: r.Form.Get("thread_ts")})
		reply(map[string]any{"message_ts": "1.0"})
	case "conversations.info":
		id := r.Form.Get("channel")
		if f.notFound[id] {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"ok":false,"error":"channel_not_found"}`)
			return
		}
		kind := f.dms[id]
		reply(map[string]any{"channel": map[string]any{"id": id, "is_channel": kind == "", "is_im": kind == "im",
			"is_mpim": kind == "mpim", "is_private": !f.public[id], "is_member": !f.outside[id]}})
	case "files.getUploadURLExternal":
		f.uploadName = r.Form.Get("filename")
		reply(map[string]any{"upload_url": f.srv.URL + "/upload/" + r.Form.Get("filename"), "file_id": "F" + strconv.Itoa(len(f.files)+1)})
	case "files.completeUploadExternal":
		var files []map[string]string
		json.Unmarshal([]byte(r.Form.Get("files")), &files)
		id := ""
		if len(files) > 0 {
			id = files[0]["id"]
		}
		f.files = append(f.files, fakeFile{ID: id, Name: f.uploadName, Channel: r.Form.Get("channel_id"), Data: f.uploaded})
		reply(map[string]any{"files": []map[string]any{{"id": id, "title": r.Form.Get("title")}}})
	case "files.delete":
		f.deleted = append(f.deleted, r.Form.Get("file"))
		reply(map[string]any{})
	case "apps.connections.open":
		reply(map[string]any{"url": "ws" + strings.TrimPrefix(f.srv.URL, "http") + "/ws"})
	default:
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok":false,"error":"unknown_method"}`)
	}
}

// setLatency makes every call take d, and method's take its own.
func (f *fakeSlack) setLatency(d time.Duration, method ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.latency = d
	f.slow = map[string]time.Duration{}
	for i := 0; i+1 < len(method); i += 2 {
		f.slow[method[i].(string)] = method[i+1].(time.Duration)
	}
}

// callsSince returns the calls that arrived at or after t.
func (f *fakeSlack) callsSince(t time.Time) []fakeCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []fakeCall
	for _, c := range f.at {
		if !c.At.Before(t) {
			out = append(out, c)
		}
	}
	return out
}

// check applies Slack's documented limits (internal/slackcheck) to a
// call's payload, and finds live mentions and links the bot did not mean:
// only its mentions of the workspace's people are allowed. f.mu is held.
func (f *fakeSlack) check(method string, r *http.Request, body map[string]json.RawMessage) error {
	switch method {
	case "chat.postMessage", "chat.postEphemeral", "chat.update":
		return errors.Join(slackcheck.MessageForm(r.Form), slackcheck.Fallback(r.Form.Get("text"), f.people()...),
			slackcheck.MessageLive(mustJSON(map[string]any{"blocks": json.RawMessage(r.Form.Get("blocks"))}), f.people()...))
	case "views.open", "views.update", "views.publish":
		return errors.Join(slackcheck.View(body["view"]), slackcheck.MessageLive(body["view"], f.people()...))
	}
	return nil
}

// people are the mentions the bot may make: the workspace's users.
func (f *fakeSlack) people() []string {
	var out []string
	for _, users := range f.members {
		for _, u := range users {
			out = append(out, "<@"+u+">")
		}
	}
	return out
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// fault makes the next n calls of an API method (every call when n < 0)
// get answer instead of the fake's own.
func (f *fakeSlack) fault(method string, n int, answer http.HandlerFunc) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail == nil {
		f.fail = map[string]func(http.ResponseWriter, *http.Request) bool{}
	}
	f.fail[method] = func(w http.ResponseWriter, r *http.Request) bool {
		if n == 0 {
			return false
		}
		n--
		answer(w, r)
		return true
	}
}

// rateLimited answers 429 Too Many Requests with Retry-After: seconds.
func rateLimited(seconds string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", seconds)
		w.WriteHeader(http.StatusTooManyRequests)
	}
}

// slackError answers HTTP 200 with {"ok":false,"error":code} and the
// extra fields given as name, value pairs (e.g. "needed", "im:read").
func slackError(code string, fields ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		v := map[string]any{"ok": false, "error": code}
		for i := 0; i+1 < len(fields); i += 2 {
			v[fields[i]] = fields[i+1]
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		json.NewEncoder(w).Encode(v)
	}
}

func (f *fakeSlack) setMembers(channel string, users ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.members[channel] = users
}

func (f *fakeSlack) called(method string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		if c == method {
			n++
		}
	}
	return n
}

func (f *fakeSlack) postsCopy() []fakePost {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]fakePost(nil), f.posts...)
}

func (f *fakeSlack) responsesCopy() []map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]map[string]any(nil), f.responses...)
}

func (f *fakeSlack) viewsCopy() []fakeView {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]fakeView(nil), f.views...)
}

// lastView returns the latest view sent with method, failing if none.
func (f *fakeSlack) lastView(t *testing.T, method string) fakeView {
	t.Helper()
	vs := f.viewsCopy()
	for i := len(vs) - 1; i >= 0; i-- {
		if vs[i].Method == method {
			return vs[i]
		}
	}
	t.Fatalf("no %s reached Slack; views: %+v", method, vs)
	return fakeView{}
}

// lastModal returns the latest modal opened or updated, or nil.
func (f *fakeSlack) lastModal() []byte {
	for _, v := range slices.Backward(f.viewsCopy()) {
		if v.Method != "views.publish" {
			return []byte(v.View)
		}
	}
	return nil
}

// lastModalBlocks returns the blocks of the latest modal opened or
// updated, or nil.
func (f *fakeSlack) lastModalBlocks() json.RawMessage {
	for _, v := range slices.Backward(f.viewsCopy()) {
		if v.Method != "views.publish" {
			var m struct {
				Blocks json.RawMessage `json:"blocks"`
			}
			json.Unmarshal([]byte(v.View), &m)
			return m.Blocks
		}
	}
	return nil
}

func (f *fakeSlack) ephemeralCopy() []fakePost {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]fakePost(nil), f.ephemeral...)
}

// lastHome returns the latest App Home published for user.
func (f *fakeSlack) lastHome(t *testing.T, user string) fakeView {
	t.Helper()
	vs := f.viewsCopy()
	for i := len(vs) - 1; i >= 0; i-- {
		if vs[i].Method == "views.publish" && vs[i].User == user {
			return vs[i]
		}
	}
	t.Fatalf("no App Home published for %s", user)
	return fakeView{}
}

func (f *fakeSlack) filesCopy() ([]fakeFile, []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]fakeFile(nil), f.files...), append([]string(nil), f.deleted...)
}

// unpostedCopy returns the messages deleted with chat.delete, as channel/ts.
func (f *fakeSlack) unpostedCopy() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.unposted...)
}
