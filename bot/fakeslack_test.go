package bot_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// fakeSlack is a local stand-in for Slack's Web API (SLACK_API_URL) and
// for response_url. It answers the methods the bot calls and records
// what it was asked; our own Slack code runs for real against it.
type fakeSlack struct {
	t   testing.TB
	srv *httptest.Server

	mu         sync.Mutex
	teamID     string
	members    map[string][]string // channel -> user IDs
	guests     map[string]bool
	locales    map[string]string
	calls      []string // API methods in the order called
	posts      []fakePost
	responses  []map[string]any // bodies posted to response_url
	limit429   int              // how many chat.postMessage calls answer 429 first
	notFound   map[string]bool  // channels the bot cannot see
	public     map[string]bool  // public channels (conversations.info)
	views      []fakeView       // views.open, views.update, views.publish in order
	files      []fakeFile       // uploaded files
	deleted    []string         // files.delete
	uploaded   []byte           // the last upload's body
	uploadName string
	ephemeral  []fakePost       // chat.postEphemeral
	ws         http.HandlerFunc // the Socket Mode WebSocket endpoint, if a test sets one
	// fail answers a call of an API method in the fake's place when it
	// returns true: a test's fault (see fault). Called with mu held.
	fail map[string]func(w http.ResponseWriter, r *http.Request) bool

	dms     map[string]string // DMs ("im") and group DMs ("mpim") (conversations.info)
	outside map[string]bool   // channels the bot is not a member of (conversations.info)
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
}

func newFakeSlack(t testing.TB) *fakeSlack {
	f := &fakeSlack{t: t, teamID: "T1", members: map[string][]string{}, guests: map[string]bool{}, locales: map[string]string{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/", f.api)
	mux.HandleFunc("/respond/", func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		json.NewDecoder(r.Body).Decode(&body)
		f.mu.Lock()
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
	} else {
		r.ParseForm()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, method)
	if hook := f.fail[method]; hook != nil && hook(w, r) {
		return
	}
	reply := func(v map[string]any) {
		v["ok"] = true
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(v)
	}
	switch method {
	case "auth.test":
		reply(map[string]any{"team_id": f.teamID, "user_id": "UBOT", "team": "Test"})
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
	case "users.info":
		id := r.Form.Get("user")
		reply(map[string]any{"user": map[string]any{"id": id, "is_restricted": f.guests[id], "locale": f.locales[id]}})
	case "conversations.open":
		reply(map[string]any{"channel": map[string]any{"id": "D" + r.Form.Get("users")}})
	case "chat.postMessage":
		if f.limit429 > 0 {
			f.limit429--
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		f.posts = append(f.posts, fakePost{Channel: r.Form.Get("channel"), Text: r.Form.Get("text"), Blocks: r.Form.Get("blocks")})
		reply(map[string]any{"channel": r.Form.Get("channel"), "ts": "1.0"})
	case "views.open", "views.update", "views.publish":
		var user, viewID string
		json.Unmarshal(body["user_id"], &user)
		json.Unmarshal(body["view_id"], &viewID)
		f.views = append(f.views, fakeView{Method: method, User: user, ViewID: viewID, View: string(body["view"])})
		reply(map[string]any{"view": map[string]any{"id": "V" + strconv.Itoa(len(f.views)), "hash": "h" + strconv.Itoa(len(f.views))}})
	case "chat.postEphemeral":
		f.ephemeral = append(f.ephemeral, fakePost{Channel: r.Form.Get("channel"), Text: r.Form.Get("text"), Blocks: r.Form.Get("blocks")})
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
