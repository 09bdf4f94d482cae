// Package slackcheck checks Slack payloads — messages, views, view_submission
// acknowledgements and block_suggestion answers — against Slack's documented
// limits (see limits.go). It works on the JSON bytes Slack would receive, not
// on slack-go's types, so it checks what is actually sent.
//
// Every check reports all the rules a payload breaks, each as a *Violation
// naming a JSON path such as blocks[3].elements[0].text, joined into one error
// (errors.Join); nil means the payload passed. Violations lists them.
//
// Live, Fallback and MessageLive find the control sequences (<!here>,
// <@U…>, <https://…>) Slack would act on in text meant to be read as typed.
package slackcheck

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"unicode/utf8"
)

// Violation is one broken rule: where in the payload, and what.
type Violation struct {
	Path string // JSON path, e.g. blocks[3].elements[0].text; "" for the whole payload
	Msg  string
}

func (v *Violation) Error() string {
	if v.Path == "" {
		return v.Msg
	}
	return v.Path + ": " + v.Msg
}

// Violations returns the violations joined in err, an error returned by this
// package; nil for nil.
func Violations(err error) []*Violation {
	var out []*Violation
	var walk func(error)
	walk = func(e error) {
		if v, ok := e.(*Violation); ok {
			out = append(out, v)
			return
		}
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
		}
	}
	if err != nil {
		walk(err)
	}
	return out
}

// Message checks a message payload: the body of chat.postMessage,
// chat.postEphemeral or chat.update, of a response_url or slash command
// answer, or a Socket Mode acknowledgement (an envelope's "payload" is
// checked). It checks the top-level text and the blocks, which may be an
// array or, as a form-encoded chat.postMessage sends them, a string holding
// the JSON array.
func Message(payload []byte) error {
	c := newChecker(inMessage)
	c.message(payload)
	return c.err()
}

// MessageForm checks a form-encoded message, as slack-go posts
// chat.postMessage and chat.postEphemeral: form's fields are read as a JSON
// object of strings ("blocks" holding the JSON array) and checked as Message
// checks them.
func MessageForm(form url.Values) error {
	m := map[string]string{}
	for k, v := range form {
		if len(v) > 0 {
			m[k] = v[0]
		}
	}
	payload, _ := json.Marshal(m)
	return Message(payload)
}

// View checks a view object, as given to views.open, views.update,
// views.push (type modal) or views.publish (type home).
func View(view []byte) error {
	c := newChecker(inModal)
	if len(view) > ViewBytesMax {
		c.add("", "%d bytes, at most %d", len(view), ViewBytesMax)
	}
	if v, ok := c.decode("", view); ok {
		c.view("", v)
	}
	return c.err()
}

// SubmissionResponse checks the acknowledgement of a view_submission against
// the view that was submitted: the "view" object of the payload Slack sent
// (the whole payload will do too). An empty body, which closes the modal,
// passes. Otherwise response_action must be errors, update, push or clear.
// For errors, every key must be the block_id of an input block of the
// submitted view and every message non-empty; when submittedView is empty the
// keys are not checked. For update and push the new view is checked as View
// checks it.
func SubmissionResponse(resp []byte, submittedView []byte) error {
	c := newChecker(inModal)
	c.submission(resp, submittedView)
	return c.err()
}

// Options checks the answer to a block_suggestion (an external select's
// options): options or option_groups, at most SuggestionOptionsMax of them.
func Options(resp []byte) error {
	c := newChecker(inModal)
	c.suggestion(resp)
	return c.err()
}

// surface is where blocks are shown.
type surface int

const (
	inMessage surface = iota
	inModal
	inHome
)

func (s surface) String() string {
	switch s {
	case inModal:
		return "a modal"
	case inHome:
		return "a Home tab"
	}
	return "a message"
}

// checker walks one payload and collects what it breaks.
type checker struct {
	surface   surface
	errs      []error
	blockIDs  map[string]string // block_id → path of the block that has it
	actionIDs map[string]string // action_id → path of the element that has it
	focus     []string          // paths of elements with focus_on_load: true
	inputs    int               // input blocks seen
	mrkdwn    []textAt          // mrkdwn texts seen, for MessageLive
}

type textAt struct{ path, text string }

func newChecker(s surface) *checker {
	return &checker{surface: s, blockIDs: map[string]string{}, actionIDs: map[string]string{}}
}

func (c *checker) add(path, format string, args ...any) {
	c.errs = append(c.errs, &Violation{Path: path, Msg: fmt.Sprintf(format, args...)})
}

func (c *checker) err() error { return errors.Join(c.errs...) }

// at is the path of key in the object at path; index the path of element i
// of the array at path.
func at(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func index(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }

// runes is the length Slack's limits are checked against (see limits.go).
func runes(s string) int { return utf8.RuneCountInString(s) }

// present reports whether m has key with a non-null value.
func present(m map[string]any, key string) bool { return m[key] != nil }

func (c *checker) decode(path string, data []byte) (any, bool) {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		c.add(path, "not JSON: %v", err)
		return nil, false
	}
	return v, true
}

// object returns v as a JSON object, reporting it if it is not one.
func (c *checker) object(path string, v any) (map[string]any, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		c.add(path, "must be an object, not %s", kind(v))
	}
	return m, ok
}

// array returns v as a JSON array, reporting it if it is not one.
func (c *checker) array(path string, v any) ([]any, bool) {
	a, ok := v.([]any)
	if !ok {
		c.add(path, "must be an array, not %s", kind(v))
	}
	return a, ok
}

func kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case float64:
		return "a number"
	case bool:
		return "a boolean"
	}
	return fmt.Sprintf("%T", v)
}

// str returns m[key] if it is a string, reporting it if it is longer than
// max characters (max 0: no limit) or not a string; ok is false when the key
// is absent, null or not a string.
func (c *checker) str(path string, m map[string]any, key string, max int) (s string, ok bool) {
	if !present(m, key) {
		return "", false
	}
	s, ok = m[key].(string)
	if !ok {
		c.add(at(path, key), "must be a string, not %s", kind(m[key]))
		return "", false
	}
	if max > 0 && runes(s) > max {
		c.add(at(path, key), "%d characters, at most %d", runes(s), max)
	}
	return s, true
}

// integer returns m[key] if it is a whole number, reporting it otherwise.
func (c *checker) integer(path string, m map[string]any, key string) (int, bool) {
	if !present(m, key) {
		return 0, false
	}
	f, ok := m[key].(float64)
	if !ok || f != float64(int(f)) {
		c.add(at(path, key), "must be an integer, not %v", m[key])
		return 0, false
	}
	return int(f), true
}

// list returns the array m[key], reporting it if it is missing (when min >
// 0), not an array, or holds fewer than min or more than max items.
func (c *checker) list(path string, m map[string]any, key string, min, max int) []any {
	p := at(path, key)
	if !present(m, key) {
		if min > 0 {
			c.add(p, "missing")
		}
		return nil
	}
	a, ok := c.array(p, m[key])
	if !ok {
		return nil
	}
	if len(a) < min {
		c.add(p, "%d items, at least %d", len(a), min)
	}
	if max > 0 && len(a) > max {
		c.add(p, "%d items, at most %d", len(a), max)
	}
	return a
}

// text checks m[key], a text object of at most max characters (plain_text
// only if plain), reporting its absence if required. It returns the object's
// type and text.
func (c *checker) text(path string, m map[string]any, key string, max int, plain, required bool) (typ, text string) {
	if !present(m, key) {
		if required {
			c.add(at(path, key), "missing")
		}
		return "", ""
	}
	return c.textObject(at(path, key), m[key], max, plain)
}

// textObject checks the text object v: its type, its length (TextMin to the
// smaller of TextMax and max), and emoji and verbatim, each allowed on one
// type only.
func (c *checker) textObject(path string, v any, max int, plain bool) (typ, text string) {
	t, ok := c.object(path, v)
	if !ok {
		return "", ""
	}
	typ, _ = t["type"].(string)
	switch typ {
	case "plain_text":
	case "mrkdwn":
		if plain {
			c.add(at(path, "type"), "must be plain_text, not mrkdwn")
		}
	default:
		c.add(at(path, "type"), "must be plain_text or mrkdwn, not %v", t["type"])
	}
	if max <= 0 || max > TextMax {
		max = TextMax
	}
	text, ok = t["text"].(string)
	switch {
	case !ok:
		c.add(at(path, "text"), "missing")
	case runes(text) < TextMin:
		c.add(at(path, "text"), "empty")
	case runes(text) > max:
		c.add(at(path, "text"), "%d characters, at most %d", runes(text), max)
	}
	if _, ok := t["emoji"]; ok && typ != "plain_text" {
		c.add(at(path, "emoji"), "only allowed on plain_text")
	}
	if _, ok := t["verbatim"]; ok && typ != "mrkdwn" {
		c.add(at(path, "verbatim"), "only allowed on mrkdwn")
	}
	if typ == "mrkdwn" && text != "" {
		c.mrkdwn = append(c.mrkdwn, textAt{at(path, "text"), text})
	}
	return typ, text
}

// envelope returns the payload of a Socket Mode acknowledgement
// ({"envelope_id": …, "payload": …}) and the path it is at, or m itself.
func envelope(m map[string]any) (map[string]any, string, bool) {
	if _, ok := m["envelope_id"]; !ok {
		return m, "", true
	}
	p, ok := m["payload"].(map[string]any)
	return p, "payload", ok
}

// root decodes a payload that must be a JSON object.
func (c *checker) root(payload []byte) (map[string]any, bool) {
	v, ok := c.decode("", payload)
	if !ok {
		return nil, false
	}
	return c.object("", v)
}

// message checks a message payload.
func (c *checker) message(payload []byte) {
	m, ok := c.root(payload)
	if !ok {
		return
	}
	m, path, ok := envelope(m)
	if !ok {
		return // a bare acknowledgement: nothing is posted
	}
	text, _ := c.str(path, m, "text", MessageTextMax)
	if text != "" {
		c.mrkdwn = append(c.mrkdwn, textAt{at(path, "text"), text})
	}
	blocks := m["blocks"]
	if s, ok := blocks.(string); ok { // a form-encoded chat.postMessage
		blocks = nil
		if s != "" {
			if err := json.Unmarshal([]byte(s), &blocks); err != nil {
				c.add(at(path, "blocks"), "not JSON: %v", err)
				return
			}
		}
	}
	n := 0
	if blocks != nil {
		if list, ok := c.array(at(path, "blocks"), blocks); ok {
			n = len(list)
			c.blocks(at(path, "blocks"), list, MessageBlocksMax)
		}
	}
	// chat.postMessage: "One of these arguments is required to describe the
	// content of the message" (text, blocks, attachments). A response_url body
	// that only deletes the original message needs none.
	if text == "" && n == 0 && !present(m, "attachments") && m["delete_original"] != true {
		c.add(path, "a message needs text or blocks")
	}
}

// view checks the view object v.
func (c *checker) view(path string, v any) {
	m, ok := c.object(path, v)
	if !ok {
		return
	}
	typ, _ := m["type"].(string)
	switch typ {
	case "modal":
		c.surface = inModal
	case "home":
		c.surface = inHome
	default:
		c.add(at(path, "type"), "must be modal or home, not %v", m["type"])
	}
	if !present(m, "blocks") {
		c.add(at(path, "blocks"), "missing")
	} else if list, ok := c.array(at(path, "blocks"), m["blocks"]); ok {
		c.blocks(at(path, "blocks"), list, ViewBlocksMax)
	}
	c.str(path, m, "private_metadata", PrivateMetadataMax)
	c.str(path, m, "callback_id", CallbackIDMax)
	c.str(path, m, "external_id", ExternalIDMax)
	if typ == "modal" {
		c.text(path, m, "title", ModalTitleMax, true, true)
		c.text(path, m, "close", ModalButtonMax, true, false)
		c.text(path, m, "submit", ModalButtonMax, true, false)
		if c.inputs > 0 && !present(m, "submit") {
			c.add(at(path, "submit"), "required when the view has input blocks")
		}
	}
	// focus_on_load: "Only one element can be set to true."
	// https://docs.slack.dev/reference/block-kit/block-elements/checkboxes-element
	if len(c.focus) > 1 {
		for _, p := range c.focus[1:] {
			c.add(at(p, "focus_on_load"), "also set on %s; only one element of a view may have it", c.focus[0])
		}
	}
}

// submission checks a view_submission acknowledgement. Its rules are in
// "Handling and responding to interactions" of the modals guide
// (https://api.slack.com/surfaces/modals#interactions) and, as checked here,
// in Bolt's reference: response_action errors carries "errors: {[blockId:
// string]: string}" (https://docs.slack.dev/tools/bolt-js/reference/interfaces/ViewErrorsResponseAction),
// keyed by "the input block with `email_address` as the block_id"
// (https://slack.dev/bolt-js/concepts/acknowledge).
func (c *checker) submission(resp, submitted []byte) {
	if len(bytes.TrimSpace(resp)) == 0 {
		return // an empty 200 closes the modal
	}
	m, ok := c.root(resp)
	if !ok {
		return
	}
	m, path, ok := envelope(m)
	if !ok {
		return // a bare acknowledgement closes the modal
	}
	switch action := m["response_action"]; action {
	case "errors":
		c.submissionErrors(path, m, submitted)
	case "update", "push":
		if !present(m, "view") {
			c.add(at(path, "view"), "missing for response_action %q", action)
			break
		}
		vc := newChecker(inModal)
		vc.view(at(path, "view"), m["view"])
		c.errs = append(c.errs, vc.errs...)
		if v, ok := m["view"].(map[string]any); ok && v["type"] != nil && v["type"] != "modal" {
			c.add(at(at(path, "view"), "type"), "response_action %q needs a modal, not %v", action, v["type"])
		}
	case "clear":
	case nil:
		if len(m) > 0 {
			c.add(at(path, "response_action"), "missing")
		}
	default:
		c.add(at(path, "response_action"), "must be errors, update, push or clear, not %v", action)
	}
}

func (c *checker) submissionErrors(path string, m map[string]any, submitted []byte) {
	p := at(path, "errors")
	if !present(m, "errors") {
		c.add(p, "missing for response_action \"errors\"")
		return
	}
	errs, ok := c.object(p, m["errors"])
	if !ok {
		return
	}
	if len(errs) == 0 {
		c.add(p, "empty")
	}
	inputs, known := inputBlockIDs(submitted)
	for _, id := range sortedKeys(errs) {
		if msg, ok := errs[id].(string); !ok || msg == "" {
			c.add(at(p, id), "must be a non-empty message")
		}
		if known && !inputs[id] {
			c.add(at(p, id), "%q is not the block_id of an input block of the submitted view", id)
		}
	}
}

// inputBlockIDs returns the block_ids of the input blocks of a submitted
// view (or of the view of a view_submission payload); known is false when
// there is no view to look at.
func inputBlockIDs(submitted []byte) (ids map[string]bool, known bool) {
	if len(bytes.TrimSpace(submitted)) == 0 {
		return nil, false
	}
	var v struct {
		Type   string          `json:"type"`
		View   json.RawMessage `json:"view"`
		Blocks []struct {
			Type    string `json:"type"`
			BlockID string `json:"block_id"`
		} `json:"blocks"`
	}
	if json.Unmarshal(submitted, &v) != nil {
		return nil, false
	}
	if v.Type == "view_submission" {
		return inputBlockIDs(v.View)
	}
	ids = map[string]bool{}
	for _, b := range v.Blocks {
		if b.Type == "input" {
			ids[b.BlockID] = true
		}
	}
	return ids, true
}

// suggestion checks a block_suggestion answer.
func (c *checker) suggestion(resp []byte) {
	m, ok := c.root(resp)
	if !ok {
		return
	}
	m, path, ok := envelope(m)
	if !ok {
		c.add("payload", "missing")
		return
	}
	hasOptions, hasGroups := present(m, "options"), present(m, "option_groups")
	switch {
	case hasOptions && hasGroups:
		c.add(path, "options and option_groups exclude each other")
	case !hasOptions && !hasGroups:
		c.add(path, "needs options or option_groups")
	}
	seen := map[string]string{}
	if hasOptions {
		c.options(path, m, "options", 0, SuggestionOptionsMax, optPlain, seen)
	}
	if hasGroups {
		c.optionGroups(path, m, "option_groups", SuggestionOptionsMax, seen)
	}
}
