package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"smallgoals"
)

// goalRef is a goal the form submissions log on, with its borger.
type goalRef struct {
	citizen, goal int64
	alias         string
}

// parseGoals reads -goals: CITIZEN:GOAL pairs of database IDs, comma
// separated, the i-th being borger Bi's goal Bi-1.
func parseGoals(s string) ([]goalRef, error) {
	var gs []goalRef
	for i, p := range strings.Split(s, ",") {
		c, g, ok := strings.Cut(strings.TrimSpace(p), ":")
		ci, err1 := strconv.ParseInt(c, 10, 64)
		gi, err2 := strconv.ParseInt(g, 10, 64)
		if !ok || err1 != nil || err2 != nil || ci <= 0 || gi <= 0 {
			return nil, fmt.Errorf("-goals: %q is not CITIZEN:GOAL", p)
		}
		gs = append(gs, goalRef{citizen: ci, goal: gi, alias: fmt.Sprintf("B%d", i+1)})
	}
	return gs, nil
}

// formSender builds log-form submissions as Slack sends them when a user
// presses Gem: the view as the bot showed it (bot/views.go, the log form
// of a 1–10 goal), its state and its metadata. The blocks of each goal's
// form are encoded once.
type formSender struct {
	c          *client
	url        string // the bot's /slack/interactions
	goals      []goalRef
	blocks     []json.RawMessage // by goal
	templates  []template        // by goal: its log-form submission
	run        string            // makes view IDs unique across runs on one database
	viewPrefix string            // of log forms' view IDs: VL and run
	zone       *time.Location
}

func newFormSender(c *client, goals []goalRef) (*formSender, error) {
	zone, err := time.LoadLocation("Europe/Copenhagen") // the teams' default zone
	if err != nil {
		zone = time.Local
	}
	f := &formSender{c: c, url: strings.Replace(c.url, "/slack/commands", "/slack/interactions", 1), goals: goals,
		run: strconv.FormatInt(time.Now().UnixNano(), 36), zone: zone}
	f.viewPrefix = "VL" + strings.ToUpper(f.run)
	for _, g := range goals {
		b, err := json.Marshal(f.view(g))
		if err != nil {
			return nil, err
		}
		f.blocks = append(f.blocks, b)
		f.templates = append(f.templates, f.logTemplate(g, b))
	}
	return f, nil
}

func plain(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, true, false)
}

func option(value, label string) *slack.OptionBlockObject {
	return slack.NewOptionBlockObject(value, plain(label), nil)
}

// view is the log form's blocks for g, chosen in the form: the borger and
// goal menus, the recent scores, the two score choices, the day and the
// note — the input blocks the state refers to, as Danish as the bot's.
func (f *formSender) view(g goalRef) slack.Blocks {
	var citizens []*slack.OptionBlockObject
	var initial *slack.OptionBlockObject
	for _, o := range f.goals {
		opt := option(strconv.FormatInt(o.citizen, 10), o.alias+" · Load")
		citizens = append(citizens, opt)
		if o == g {
			initial = opt
		}
	}
	csel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Vælg"), "citizen", citizens...)
	csel.InitialOption = initial
	goal := option(strconv.FormatInt(g.goal, 10), g.alias+"-1 Smøre madpakke selv")
	gsel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Vælg"), "goal", goal)
	gsel.InitialOption = goal
	scores := func(action string) *slack.RadioButtonsBlockElement {
		var opts []*slack.OptionBlockObject
		for n := 10; n >= 1; n-- {
			opts = append(opts, option(strconv.Itoa(n), strconv.Itoa(n)))
		}
		return slack.NewRadioButtonsBlockElement(action, opts...)
	}
	cs := slack.NewInputBlock(fmt.Sprintf("citizen_score-%d", g.goal), plain("Borgerens egen score"), nil, scores("citizen_score"))
	cs.Optional = true
	date := slack.NewDatePickerBlockElement("date")
	date.InitialDate = time.Now().In(f.zone).Format(time.DateOnly)
	note := slack.NewPlainTextInputBlockElement(plain("Hvad skete der? Aldrig navne eller CPR-numre."), "note")
	note.Multiline = true
	note.MaxLength = smallgoals.MaxNoteLen
	nb := slack.NewInputBlock("note-false", plain("Kort note"), nil, note)
	nb.Optional = true
	return slack.Blocks{BlockSet: []slack.Block{
		slack.NewInputBlock("citizen", plain("Borger"), nil, csel).WithDispatchAction(true),
		slack.NewInputBlock(fmt.Sprintf("goal-%d", g.citizen), plain("Lille mål"), nil, gsel).WithDispatchAction(true),
		slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, "Seneste scores: 4 → 6 → 5 → 7 → 6 → 8 → 7 → 6", false, false)),
		slack.NewInputBlock(fmt.Sprintf("score-%d", g.goal), plain("Personalets score"), nil, scores("score")),
		cs,
		slack.NewInputBlock("date", plain("Dag"), nil, date),
		nb,
	}}
}

// reviseView is the revision form's blocks for g as the bot shows it
// (bot/views.go): the goal, its recent scores, GAS level, outcome,
// whether the borger took part, the reflection and the next revision.
func (f *formSender) reviseView(g goalRef) slack.Blocks {
	var gas []*slack.OptionBlockObject
	for n := smallgoals.GASMax; n >= smallgoals.GASMin; n-- {
		gas = append(gas, option(smallgoals.FormatGASLevel(n), smallgoals.FormatGASLevel(n)))
	}
	var outcomes []*slack.OptionBlockObject
	for _, o := range [][2]string{{"continue", "fortsættes"}, {"adjust", "ændres"}, {"close", "afsluttes"}, {"revisit", "revisitation"}} {
		outcomes = append(outcomes, option(o[0], o[1]))
	}
	took := slack.NewInputBlock("took_part", plain("Deltog borgeren?"), nil,
		slack.NewCheckboxGroupsBlockElement("took_part", option("yes", "Ja, borgeren var med")))
	took.Optional = true
	refl := slack.NewPlainTextInputBlockElement(nil, "reflection")
	refl.Multiline = true
	refl.MaxLength = smallgoals.MaxNoteLen
	rb := slack.NewInputBlock("reflection", plain("Refleksion"), nil, refl)
	rb.Optional = true
	// The box a revision form has when its goal was revised today already,
	// as the fault test's goals are from their second revision on.
	confirm := slack.NewInputBlock("confirm", plain("Bekræft"), nil,
		slack.NewCheckboxGroupsBlockElement("confirm", option("yes", "Ja, registrér endnu en revision i dag")))
	confirm.Optional = true
	next := slack.NewDatePickerBlockElement("next")
	next.InitialDate = time.Now().In(f.zone).AddDate(0, 0, 42).Format(time.DateOnly)
	return slack.Blocks{BlockSet: []slack.Block{
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "*"+g.alias+"-1* Smøre madpakke selv", false, false), nil, nil),
		slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, "Seneste scores: 11-23: 6/8", false, false)),
		slack.NewInputBlock("gas", plain("GAS-niveau"), nil, slack.NewRadioButtonsBlockElement("gas", gas...)),
		slack.NewInputBlock("outcome", plain("Udfald"), nil, slack.NewRadioButtonsBlockElement("outcome", outcomes...)).WithDispatchAction(true),
		took, rb,
		slack.NewInputBlock("next", plain("Næste revision"), nil, next),
		confirm,
	}}
}

// revision is the i-th revision-form submission's signed body and
// headers: user revises goal g with a GAS level, "fortsættes", the borger
// taking part, a reflection and the next revision in 42 days. Its view ID
// and hash are its own.
func (f *formSender) revision(i int, user string, g goalRef, gas int, reflection string) (string, http.Header) {
	viewID := fmt.Sprintf("VR%s%07d", strings.ToUpper(f.run), i)
	meta, _ := json.Marshal(map[string]any{"k": "revise", "ch": f.c.channel, "c": g.citizen, "g": g.goal, "r": true})
	blocks, _ := json.Marshal(f.reviseView(g))
	values := map[string]any{
		"gas":     map[string]any{"gas": selected("radio_buttons", smallgoals.FormatGASLevel(gas))},
		"outcome": map[string]any{"outcome": selected("radio_buttons", "continue")},
		"took_part": map[string]any{"took_part": map[string]any{"type": "checkboxes", "selected_options": []any{
			map[string]any{"text": map[string]any{"type": "plain_text", "text": "Ja"}, "value": "yes"}}}},
		"reflection": map[string]any{"reflection": map[string]any{"type": "plain_text_input", "value": reflection}},
		"confirm": map[string]any{"confirm": map[string]any{"type": "checkboxes", "selected_options": []any{
			map[string]any{"text": map[string]any{"type": "plain_text", "text": "Ja"}, "value": "yes"}}}},
		"next": map[string]any{"next": map[string]any{"type": "datepicker",
			"selected_date": time.Now().In(f.zone).AddDate(0, 0, 42).Format(time.DateOnly)}},
	}
	return f.signed(user, "revise", viewID, fmt.Sprintf("r%d.%s", i, f.run), string(meta), blocks, values)
}

// selected is a menu's or radio button's value in a view's state.
func selected(typ, value string) map[string]any {
	return map[string]any{"type": typ, "selected_option": map[string]any{
		"text": map[string]any{"type": "plain_text", "text": value, "emoji": true}, "value": value}}
}

// submission is the i-th submission's signed body and headers: user on
// goal i mod goals, a score, the borger's own score and a note. Its view
// ID and hash are its own, as every opened form's are.
func (f *formSender) submission(i int, user string, score, citizenScore int, note string) (string, http.Header) {
	body := string(f.appendSubmission(nil, i, user, score, citizenScore, note))
	return body, f.c.signedHeaders(body)
}

// appendSubmission appends the i-th submission's body (see submission).
// It is filled into its goal's template: at thousands a second, encoding
// the whole payload anew would make the load generator what the machine
// is busy with.
func (f *formSender) appendSubmission(b []byte, i int, user string, score, citizenScore int, note string) []byte {
	return f.templates[i%len(f.goals)].appendFill(b, []slotValue{
		{"USER", user}, {"NAME", strings.ToLower(user)}, {"VIEW", fmt.Sprintf("%s%07d", f.viewPrefix, i)},
		{"HASH", fmt.Sprintf("%d.%s", i, f.run)}, {"SCORE", strconv.Itoa(score)}, {"CSCORE", strconv.Itoa(citizenScore)}, {"NOTE", note},
	})
}

// logTemplate is goal g's log-form submission, form-encoded, with a slot
// for each value that differs between submissions.
func (f *formSender) logTemplate(g goalRef, blocks json.RawMessage) template {
	slot := func(name string) string { return "@@" + name + "@@" }
	meta, _ := json.Marshal(map[string]any{"k": "log", "ch": f.c.channel, "c": g.citizen, "g": g.goal})
	values := map[string]any{
		"citizen":                         map[string]any{"citizen": selected("static_select", strconv.FormatInt(g.citizen, 10))},
		fmt.Sprintf("goal-%d", g.citizen): map[string]any{"goal": selected("static_select", strconv.FormatInt(g.goal, 10))},
		fmt.Sprintf("score-%d", g.goal):   map[string]any{"score": selected("radio_buttons", slot("SCORE"))},
		fmt.Sprintf("citizen_score-%d", g.goal): map[string]any{
			"citizen_score": selected("radio_buttons", slot("CSCORE"))},
		"date":       map[string]any{"date": map[string]any{"type": "datepicker", "selected_date": time.Now().In(f.zone).Format(time.DateOnly)}},
		"note-false": map[string]any{"note": map[string]any{"type": "plain_text_input", "value": slot("NOTE")}},
	}
	return parseTemplate(f.payload(slot("USER"), slot("NAME"), "log", slot("VIEW"), slot("HASH"), string(meta), blocks, values))
}

// A template is a form-encoded body with named slots: parts[i] is
// followed by the value of slots[i], as a JSON string's content,
// URL-encoded.
type template struct {
	parts []string
	slots []string
}

// parseTemplate splits a form-encoded body at its @@NAME@@ slots.
func parseTemplate(body string) template {
	var t template
	const mark = "%40%40" // @@, form-encoded
	for {
		i := strings.Index(body, mark)
		if i < 0 {
			t.parts = append(t.parts, body)
			return t
		}
		rest := body[i+len(mark):]
		j := strings.Index(rest, mark)
		t.parts, t.slots = append(t.parts, body[:i]), append(t.slots, rest[:j])
		body = rest[j+len(mark):]
	}
}

// A slotValue is a template slot's name and value.
type slotValue struct{ name, value string }

// appendFill appends the body with every slot's value in place.
func (t template) appendFill(b []byte, values []slotValue) []byte {
	for i, p := range t.parts {
		b = append(b, p...)
		if i < len(t.slots) {
			for _, v := range values {
				if v.name == t.slots[i] {
					b = appendFormJSON(b, v.value)
					break
				}
			}
		}
	}
	return b
}

// appendFormJSON appends s as a JSON string's content, URL-encoded: what
// json.Marshal and url.QueryEscape make of it. Only a string JSON would
// escape (a note may be any text) goes through json.Marshal.
func appendFormJSON(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if ch := s[i]; ch < 0x20 || ch >= 0x80 || ch == '"' || ch == '\\' || ch == '<' || ch == '>' || ch == '&' {
			j, _ := json.Marshal(s)
			return appendQueryEscape(b, string(j[1:len(j)-1]))
		}
	}
	return appendQueryEscape(b, s)
}

// signed is a view_submission of the form callback as Slack sends it:
// the view with its blocks, metadata and state, signed.
func (f *formSender) signed(user, callback, viewID, hash, meta string, blocks json.RawMessage, values map[string]any) (string, http.Header) {
	body := f.payload(user, strings.ToLower(user), callback, viewID, hash, meta, blocks, values)
	return body, f.c.signedHeaders(body)
}

// payload is a view_submission's form-encoded body.
func (f *formSender) payload(user, name, callback, viewID, hash, meta string, blocks json.RawMessage, values map[string]any) string {
	payload := map[string]any{
		"type":       "view_submission",
		"team":       map[string]any{"id": f.c.team, "domain": "load"},
		"user":       map[string]any{"id": user, "username": name, "name": name, "team_id": f.c.team},
		"api_app_id": "ALOAD",
		"token":      "x",
		"trigger_id": "form." + hash,
		"view": map[string]any{
			"id": viewID, "team_id": f.c.team, "type": "modal", "callback_id": callback, "hash": hash,
			"private_metadata": meta, "blocks": blocks,
			"title": plain("Registrér"), "close": plain("Annullér"), "submit": plain("Gem"),
			"state": map[string]any{"values": values}, "clear_on_close": false, "notify_on_close": false,
			"root_view_id": viewID, "previous_view_id": nil, "app_id": "ALOAD", "external_id": "",
			"app_installed_team_id": f.c.team, "bot_id": "BLOAD",
		},
		"response_urls":         []any{},
		"is_enterprise_install": false,
		"enterprise":            nil,
	}
	b, _ := json.Marshal(payload)
	return url.Values{"payload": {string(b)}}.Encode()
}

// cleared reports whether a form acknowledgement closes the form: the
// answer to a saved (or redelivered) submission.
func cleared(status int, body string) bool {
	return status == http.StatusOK && strings.TrimSpace(body) == `{"response_action":"clear"}`
}
