package bot

import (
	"cmp"
	"encoding/json"
	"net/url"
	"os"
	"reflect"
	"slices"
	"testing"

	"github.com/slack-go/slack"
)

// The lean decoding of an interaction gives what slack-go's full one
// gives, in every field the bot reads.
func TestDecodeInteraction(t *testing.T) {
	fixture, err := os.ReadFile("testdata/log-submission.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, payload := range []string{string(fixture),
		`{"type":"view_submission","team":{"id":"T1"},"user":{"id":"U1","name":"anna"},"trigger_id":"tr",
		  "view":{"id":"V1","hash":"h1","type":"modal","callback_id":"log","private_metadata":"{\"k\":\"log\"}",
		    "blocks":[{"type":"section","text":{"type":"mrkdwn","text":"x"}},
		      {"type":"input","block_id":"score-7","label":{"type":"plain_text","text":"Score"},"element":{"type":"radio_buttons","action_id":"score","options":[{"text":{"type":"plain_text","text":"1"},"value":"1"}]}},
		      {"type":"actions","block_id":"citizen","elements":[{"type":"static_select","action_id":"citizen"}]},
		      {"type":"input","block_id":"note-false","label":{"type":"plain_text","text":"Note"},"element":{"type":"plain_text_input","action_id":"note"}}],
		    "state":{"values":{"score-7":{"score":{"type":"radio_buttons","selected_option":{"value":"6"}}},"note-false":{"note":{"type":"plain_text_input","value":"Tog bussen"}}}}}}`,
		`{"type":"block_actions","team":{"id":"T1"},"user":{"id":"U2"},"channel":{"id":"C1"},"trigger_id":"t2","response_url":"https://hooks/x",
		  "actions":[{"action_id":"log:42#2","block_id":"b","type":"button","value":"42"}],"view":{"type":"home","id":"VH"}}`,
		`{"type":"message_action","callback_id":"log_from_message","team":{"id":"T1"},"user":{"id":"U3"},"channel":{"id":"C2"},
		  "message":{"type":"message","text":"<@U4> tog bussen","ts":"1.2","thread_ts":"1.1","blocks":[{"type":"rich_text","elements":[]}]}}`,
	} {
		var full slack.InteractionCallback
		if err := json.Unmarshal([]byte(payload), &full); err != nil {
			t.Fatal(err)
		}
		lean, err := decodeInteraction([]byte(payload))
		if err != nil {
			t.Fatal(err)
		}
		for name, pair := range map[string][2]any{
			"type": {full.Type, lean.Type}, "callback": {full.CallbackID, lean.CallbackID}, "trigger": {full.TriggerID, lean.TriggerID},
			"response_url": {full.ResponseURL, lean.ResponseURL}, "team": {full.Team.ID, lean.Team.ID}, "user": {full.User.ID, lean.User.ID},
			"channel": {full.Channel.ID, lean.Channel.ID}, "message": {full.Message.Text, lean.Message.Text},
			"thread": {full.Message.ThreadTimestamp, lean.Message.ThreadTimestamp}, "ts": {full.Message.Timestamp, lean.Message.Timestamp}, "actions": {full.ActionCallback.BlockActions, lean.ActionCallback.BlockActions},
			"view": {[]string{full.View.ID, full.View.Hash, string(full.View.Type), full.View.CallbackID, full.View.PrivateMetadata},
				[]string{lean.View.ID, lean.View.Hash, string(lean.View.Type), lean.View.CallbackID, lean.View.PrivateMetadata}},
			"values": {sortedValues(fromSlack(full).Values), sortedValues(lean.Values)},
			"inputs": {inputBlocks(full.View), inputBlocks(lean.View)},
		} {
			if !reflect.DeepEqual(pair[0], pair[1]) {
				t.Errorf("%s: slack-go %#v, lean %#v", name, pair[0], pair[1])
			}
		}
	}
}

// sortedValues are a form's values in a fixed order: they come in the
// order of a map from slack-go.
func sortedValues(v []FormValue) []FormValue {
	return slices.SortedFunc(slices.Values(v), func(a, b FormValue) int { return cmp.Compare(a.Action, b.Action) })
}

// BenchmarkDecodeInteraction decodes a log form's view_submission as
// Slack sends it (testdata/log-submission.json: the bot's own form with a
// goal chosen, its state filled in).
func BenchmarkDecodeInteraction(b *testing.B) {
	payload, err := os.ReadFile("testdata/log-submission.json")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(payload)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeInteraction(payload); err != nil {
			b.Fatal(err)
		}
	}
}

// formValue reads a field as url.ParseQuery does, wherever ParseQuery
// finds the body well-formed; FuzzFormValue tries more bodies.
func TestFormValue(t *testing.T) {
	for _, body := range []string{"payload=%7B%22a%22%3A1%7D", "a=1&payload=x+y%2B%26&payload=2", "payload=", "payload",
		"x=1", "", "payload=%zz", "payload=%4", "pay%6Coad=ok", "a=%&payload=1", "&&payload=%C3%A6+%E2%80%93&"} {
		checkFormValue(t, body)
	}
}

func FuzzFormValue(f *testing.F) {
	for _, s := range []string{"payload=%7B%7D", "a=1&payload=x+y", "payload=%zz", "p%61yload=1&payload=2"} {
		f.Add(s)
	}
	f.Fuzz(checkFormValue)
}

func checkFormValue(t *testing.T, body string) {
	got, err := formValue([]byte(body), "payload")
	form, perr := url.ParseQuery(body)
	if perr != nil {
		return
	}
	want, ok := form["payload"]
	switch {
	case !ok && err == nil:
		t.Errorf("%q: formValue found %q, ParseQuery no payload", body, got)
	case ok && (err != nil || string(got) != want[0]):
		t.Errorf("%q: formValue %q (%v), ParseQuery %q", body, got, err, want[0])
	}
}

// Decoding never panics, whatever the payload, and a payload it reads is
// read the same way twice.
func FuzzDecodeInteraction(f *testing.F) {
	fixture, err := os.ReadFile("testdata/log-submission.json")
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{string(fixture), `{}`, `{"view":{"state":{"values":{"b":{"a":{"selected_options":[]}}}}}}`,
		`{"view":{"blocks":[1,{"type":"input"}],"state":{"values":{"b":7,"c":{"a":null}}}}}`, `{"actions":{}}`, `[]`, `null`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		a, err := decodeInteraction(payload)
		if err != nil {
			return
		}
		b, _ := decodeInteraction(payload)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%q read two ways", payload)
		}
	})
}

// BenchmarkFormValue reads the payload of a log form's submission as
// Slack form-encodes it.
func BenchmarkFormValue(b *testing.B) {
	fixture, err := os.ReadFile("testdata/log-submission.json")
	if err != nil {
		b.Fatal(err)
	}
	body := []byte(url.Values{"payload": {string(fixture)}}.Encode())
	buf := make([]byte, len(body))
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		copy(buf, body)
		if _, err := formValue(buf, "payload"); err != nil {
			b.Fatal(err)
		}
	}
}
