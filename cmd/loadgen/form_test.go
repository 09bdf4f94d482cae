package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/slack-go/slack"
)

// A form submission is one the bot takes: signed like Slack's, a
// view_submission of the log form from the fake Slack's team, a view ID
// and hash of its own, and a state whose every block is an input block of
// the submitted view (the bot keys inline errors to those only).
func TestFormSubmission(t *testing.T) {
	goals, err := parseGoals("2:3,4:5")
	if err != nil {
		t.Fatal(err)
	}
	c := &client{url: "http://127.0.0.1:1/slack/commands", secret: []byte("s3cret"), team: "T1", channel: "C1"}
	f, err := newFormSender(c, goals)
	if err != nil {
		t.Fatal(err)
	}
	if f.url != "http://127.0.0.1:1/slack/interactions" {
		t.Errorf("url = %s", f.url)
	}
	seen := map[string]bool{}
	for i := range 3 {
		body, h := f.submission(i, "U0007", 6, 9, `Tog "selv" bussen & gik+hjem 100%`)
		if i == 0 {
			t.Logf("a submission is %d bytes", len(body))
		}
		req, _ := http.NewRequest(http.MethodPost, f.url, strings.NewReader(body))
		req.Header = h
		sv, err := slack.NewSecretsVerifier(req.Header, "s3cret")
		if err != nil {
			t.Fatal(err)
		}
		sv.Write([]byte(body))
		if err := sv.Ensure(); err != nil {
			t.Fatalf("signature: %v", err)
		}
		form, _ := url.ParseQuery(body)
		var cb slack.InteractionCallback
		if err := json.Unmarshal([]byte(form.Get("payload")), &cb); err != nil {
			t.Fatal(err)
		}
		g := goals[i%2]
		var meta formMeta
		json.Unmarshal([]byte(cb.View.PrivateMetadata), &meta)
		if cb.Type != slack.InteractionTypeViewSubmission || cb.Team.ID != "T1" || cb.User.ID != "U0007" ||
			meta != (formMeta{"log", "C1", g.citizen, g.goal}) {
			t.Fatalf("submission %d: type %s team %s user %s meta %s", i, cb.Type, cb.Team.ID, cb.User.ID, cb.View.PrivateMetadata)
		}
		key := cb.View.ID + ":" + cb.View.Hash
		if cb.View.ID == "" || cb.View.Hash == "" || seen[key] {
			t.Fatalf("submission %d: view %q", i, key)
		}
		seen[key] = true
		var inputs []string
		for _, b := range cb.View.Blocks.BlockSet {
			if in, ok := b.(*slack.InputBlock); ok {
				inputs = append(inputs, in.BlockID)
			}
		}
		for block := range cb.View.State.Values {
			if !slices.Contains(inputs, block) {
				t.Errorf("state block %s is no input block of the view %v", block, inputs)
			}
		}
		score := cb.View.State.Values["score-"+itoa(g.goal)]["score"].SelectedOption.Value
		own := cb.View.State.Values["citizen_score-"+itoa(g.goal)]["citizen_score"].SelectedOption.Value
		note := cb.View.State.Values["note-false"]["note"].Value
		if score != "6" || own != "9" || note != `Tog "selv" bussen & gik+hjem 100%` || cb.View.State.Values["date"]["date"].SelectedDate == "" {
			t.Errorf("state: score %q, citizen score %q, note %q, %+v", score, own, note, cb.View.State.Values["date"])
		}
	}
	for _, bad := range []string{"", "3", "2:x", "0:1"} {
		if _, err := parseGoals(bad); err == nil {
			t.Errorf("parseGoals(%q) accepted", bad)
		}
	}
	if !cleared(200, "{\"response_action\":\"clear\"}\n") || cleared(200, `{"response_action":"errors","errors":{}}`) || cleared(500, `{"response_action":"clear"}`) {
		t.Error("cleared: wrong verdict")
	}
}

// formMeta is the bot's private_metadata of a log form (bot/views.go).
type formMeta struct {
	Kind    string `json:"k"`
	Channel string `json:"ch"`
	Citizen int64  `json:"c"`
	Goal    int64  `json:"g"`
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// A revision-form submission is one the bot takes: signed, the revise
// view with its metadata, every state block an input block of the view,
// and the values the bot reads (bot/views.go submission).
func TestRevisionSubmission(t *testing.T) {
	c := &client{url: "http://127.0.0.1:1/slack/commands", secret: []byte("s3cret"), team: "T1", channel: "C1"}
	g := goalRef{citizen: 2, goal: 3, alias: "AB"}
	f, err := newFormSender(c, []goalRef{g})
	if err != nil {
		t.Fatal(err)
	}
	body, h := f.revision(5, "U0001", g, -1, "fault-rev-000005")
	req, _ := http.NewRequest(http.MethodPost, f.url, strings.NewReader(body))
	req.Header = h
	sv, err := slack.NewSecretsVerifier(req.Header, "s3cret")
	if err != nil {
		t.Fatal(err)
	}
	sv.Write([]byte(body))
	if err := sv.Ensure(); err != nil {
		t.Fatalf("signature: %v", err)
	}
	form, _ := url.ParseQuery(body)
	var cb slack.InteractionCallback
	if err := json.Unmarshal([]byte(form.Get("payload")), &cb); err != nil {
		t.Fatal(err)
	}
	var meta formMeta
	json.Unmarshal([]byte(cb.View.PrivateMetadata), &meta)
	if cb.Type != slack.InteractionTypeViewSubmission || cb.View.CallbackID != "revise" || meta != (formMeta{"revise", "C1", 2, 3}) ||
		cb.View.ID == "" || cb.View.Hash == "" {
		t.Fatalf("type %s callback %s meta %s view %s:%s", cb.Type, cb.View.CallbackID, cb.View.PrivateMetadata, cb.View.ID, cb.View.Hash)
	}
	var inputs []string
	for _, b := range cb.View.Blocks.BlockSet {
		if in, ok := b.(*slack.InputBlock); ok {
			inputs = append(inputs, in.BlockID)
		}
	}
	for block := range cb.View.State.Values {
		if !slices.Contains(inputs, block) {
			t.Errorf("state block %s is no input block of the view %v", block, inputs)
		}
	}
	v := cb.View.State.Values
	if v["gas"]["gas"].SelectedOption.Value != "-1" || v["outcome"]["outcome"].SelectedOption.Value != "continue" ||
		len(v["took_part"]["took_part"].SelectedOptions) != 1 || v["took_part"]["took_part"].SelectedOptions[0].Value != "yes" ||
		v["reflection"]["reflection"].Value != "fault-rev-000005" || v["next"]["next"].SelectedDate == "" {
		t.Errorf("state: %+v", v)
	}
}

// BenchmarkSubmission is what building and signing one log-form
// submission costs the load generator, as run does it: appended to a
// buffer used again.
func BenchmarkSubmission(b *testing.B) {
	goals, _ := parseGoals("2:3,4:5,6:7")
	c := &client{url: "http://127.0.0.1:1/slack/commands", secret: []byte("s3cret"), team: "T1", channel: "C1"}
	f, err := newFormSender(c, goals)
	if err != nil {
		b.Fatal(err)
	}
	var body, sig []byte
	ts := []byte("1700000000")
	for i := 0; b.Loop(); i++ {
		body = f.appendSubmission(body[:0], i, "U0007", 6, 9, "Tog selv bussen i dag")
		sig = c.appendSignature(sig[:0], ts, body)
	}
}

// The hot path's encoders write what net/url does: a slash command's body
// is url.Values.Encode's, a slot's value QueryEscape's of its JSON.
func TestAppendEncoders(t *testing.T) {
	c := &client{team: "T1", channel: "C1", secret: []byte("s3cret")}
	for _, s := range []string{"", "B7-1 4 b:8 Tog selv bussen i dag", `a "b" & c+d 100% ø\n<>~._-`, "\x00\xff\u2028 /?=;:@$,"} {
		want := url.Values{
			"token": {"x"}, "team_id": {"T1"}, "channel_id": {"C1"}, "channel_name": {"load"},
			"user_id": {"U0001"}, "user_name": {"u0001"}, "command": {"/maal"}, "text": {s},
			"trigger_id": {"t." + s}, "response_url": {"http://127.0.0.1:1/respond"},
		}.Encode()
		if got := c.form("U0001", s, "t."+s); got != want {
			t.Errorf("form(%q) = %s, want %s", s, got, want)
		}
		j, _ := json.Marshal(s)
		if got, want := string(appendFormJSON(nil, s)), url.QueryEscape(string(j[1:len(j)-1])); got != want {
			t.Errorf("appendFormJSON(%q) = %s, want %s", s, got, want)
		}
	}
	if got := c.sign("1700000000", "a=b"); got != c.sign("1700000000", "a=b") || !strings.HasPrefix(got, "v0=") || len(got) != 67 {
		t.Errorf("sign = %s", got)
	}
}
