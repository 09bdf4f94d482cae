package bot

import (
	"cmp"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"smallgoals"
	"smallgoals/commands"
)

// Callback IDs of the forms; the message shortcut's is in manifest.yml.
const (
	callbackLog      = "log"
	callbackNew      = "new"
	callbackRevise   = "revise"
	shortcutLog      = "log_from_message"
	maxMetadataNote  = 1000
	modalTitleLength = 24
)

// formMeta rides in a modal's private_metadata: what the form is about and
// where to confirm. Note is a shortcut's message text, offered as the note.
type formMeta struct {
	Kind    string `json:"k"`
	Channel string `json:"ch,omitempty"`
	Citizen int64  `json:"c,omitempty"`
	Goal    int64  `json:"g,omitempty"`
	Outcome string `json:"o,omitempty"`
	Message string `json:"m,omitempty"`
	UseMsg  bool   `json:"u,omitempty"`
	MsgCPR  bool   `json:"x,omitempty"` // the message holds a CPR number: not offered`
	Thread  string `json:"t,omitempty"` // a shortcut's thread, where the confirmation goes
	Confirm bool   `json:"r,omitempty"` // the revision form has the box that confirms another revision today

	// The borger's turn in the log form: Turn shows the borger's screen;
	// the staff's inputs ride along meanwhile and fill the staff view in
	// again once, with the borger's choice (Carry).
	Turn  bool   `json:"bt,omitempty"`
	Carry *carry `json:"cy,omitempty"`
}

// carry is what the log form held when the borger's turn began, and the
// borger's choice: filled into the staff view when it comes back.
type carry struct {
	Score   string `json:"s,omitempty"`
	Citizen string `json:"b,omitempty"`
	Date    string `json:"d,omitempty"`
	Note    string `json:"n,omitempty"`
	Chosen  bool   `json:"c,omitempty"` // the borger chose Citizen on the turn screen
	NoteCPR bool   `json:"x,omitempty"` // the note looked like it held a CPR number: not carried
}

// maxMetadata is Slack's limit on a view's private_metadata.
const maxMetadata = 3000

// String encodes the metadata, shortening a shortcut's message until it
// fits Slack's limit.
func (m formMeta) String() string {
	for {
		var b strings.Builder
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		enc.Encode(m)
		if b.Len() <= maxMetadata || (m.Message == "" && (m.Carry == nil || m.Carry.Note == "")) {
			return strings.TrimSpace(b.String())
		}
		if m.Carry != nil && m.Carry.Note != "" {
			c := *m.Carry
			r := []rune(c.Note)
			c.Note = string(r[:len(r)*3/4])
			m.Carry = &c
			continue
		}
		r := []rune(m.Message)
		m.Message = string(r[:len(r)*3/4])
	}
}

func readMeta(s string) formMeta {
	var m formMeta
	json.Unmarshal([]byte(s), &m)
	return m
}

// views builds Block Kit views from what commands give, with texts from
// the message files.
type views struct {
	h Forms
}

func plain(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
}

func mrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}

func option(value, label string) *slack.OptionBlockObject {
	return slack.NewOptionBlockObject(value, plain(cut(label, 75)), nil)
}

// Modal builds the form d for meta.
func (v views) Modal(d commands.FormData, meta formMeta) slack.ModalViewRequest {
	t := func(id string, kv ...any) string { return v.h.T(d.Lang, id, kv...) }
	var blocks []slack.Block
	var title string
	switch d.Kind {
	case commands.FormNew:
		title = t("modal.new.title")
		blocks = v.newGoal(d, t)
	case commands.FormRevise:
		title = t("modal.revise.title")
		blocks = v.revise(d, meta, t)
		meta.Confirm = d.RevisedToday && d.Goal != nil
	case commands.FormEdit:
		title = t("modal.edit.title")
		blocks = v.edit(d, t)
	case commands.FormReflect:
		title = t("modal.reflect.title")
		blocks = v.reflect(d, t)
	default:
		title = t("modal.log.title")
		if meta.Turn && d.Goal != nil {
			title = t("modal.turn.title")
			blocks = v.turn(d, t)
			break
		}
		meta.Turn = false
		blocks = v.log(d, meta, t)
		meta.Carry = nil // filled in once; the state is Slack's from here
	}
	meta.Kind = d.Kind
	if d.Citizen != nil {
		meta.Citizen = d.Citizen.ID
	}
	if d.Goal != nil {
		meta.Goal = d.Goal.ID
	}
	m := slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      d.Kind,
		Title:           plain(cut(title, modalTitleLength)),
		Close:           plain(t("modal.cancel")),
		Blocks:          slack.Blocks{BlockSet: blocks},
		PrivateMetadata: meta.String(),
	}
	if submittable(d) && !meta.Turn {
		m.Submit = plain(t("modal.submit"))
	}
	return m
}

// submittable reports whether a form has something to save: without it
// there is no Gem button (a submission would have no field to show a
// refusal on).
func submittable(d commands.FormData) bool {
	switch d.Kind {
	case commands.FormNew:
		return d.Citizen != nil
	case commands.FormRevise, commands.FormEdit:
		return d.Goal != nil
	case commands.FormReflect:
		return true // the text field; a refusal shows on it
	default:
		return len(d.Citizens) > 0 && (d.Citizen == nil || len(d.Goals) > 0)
	}
}

// Loading is the form shown at once while its content is fetched: Slack's
// trigger_id is valid for 3 seconds, and a user in many teams takes
// longer to look up.
func (v views) Loading(lang, kind string) slack.ModalViewRequest {
	title := map[string]string{commands.FormNew: "modal.new.title", commands.FormRevise: "modal.revise.title", commands.FormEdit: "modal.edit.title",
		commands.FormReflect: "modal.reflect.title"}[kind]
	if title == "" {
		title = "modal.log.title"
	}
	return slack.ModalViewRequest{
		Type:       slack.VTModal,
		CallbackID: kind,
		Title:      plain(cut(v.h.T(lang, title), modalTitleLength)),
		Close:      plain(cut(v.h.T(lang, "modal.cancel"), modalTitleLength)),
		Blocks:     slack.Blocks{BlockSet: []slack.Block{slack.NewSectionBlock(mrkdwn(v.h.T(lang, "modal.loading")), nil, nil)}},
	}
}

// Message is a form that only says something: a failure, or a refusal
// that has no field to stand on.
func (v views) Message(lang, kind, text string) slack.ModalViewRequest {
	m := v.Loading(lang, kind)
	m.Blocks = slack.Blocks{BlockSet: []slack.Block{slack.NewSectionBlock(mrkdwn(cut(text, commands.MaxBlockText)), nil, nil)}}
	return m
}

// maxOptions is how many options a static select, or one of its option
// groups, may hold, and how many groups it may have
// (https://api.slack.com/reference/block-kit/block-elements#static_select).
const maxOptions = 100

// citizenSelect lists the user's citizens. Up to maxOptions, most recently
// used first; more than that (a user in several large teams), in option
// groups by team of at most maxOptions each, so that every citizen can be
// chosen — typing filters the list on every Slack client.
func (v views) citizenSelect(d commands.FormData, t func(string, ...any) string) slack.Block {
	var initial *slack.OptionBlockObject
	opt := func(c commands.CitizenChoice) *slack.OptionBlockObject {
		o := option(strconv.FormatInt(c.ID, 10), c.Alias+" · "+c.Team)
		if d.Citizen != nil && c.ID == d.Citizen.ID {
			initial = o
		}
		return o
	}
	sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain(t("modal.choose")), "citizen")
	if len(d.Citizens) <= maxOptions {
		for _, c := range d.Citizens {
			sel.Options = append(sel.Options, opt(c))
		}
	} else {
		sel.OptionGroups = citizenGroups(d.Citizens, opt)
	}
	sel.InitialOption = initial
	if !submittable(d) {
		// Slack wants a Gem button on a form with input blocks: here there
		// is nothing to save, so the choice is an action, not an input.
		return slack.NewActionBlock("citizen", sel)
	}
	return slack.NewInputBlock("citizen", plain(t("modal.log.citizen")), nil, sel).WithDispatchAction(true)
}

// citizenGroups groups citizens by team, in the order the teams first
// appear, a team with more than maxOptions in several groups.
func citizenGroups(cs []commands.CitizenChoice, opt func(commands.CitizenChoice) *slack.OptionBlockObject) []*slack.OptionGroupBlockObject {
	var teams []string
	byTeam := map[string][]commands.CitizenChoice{}
	for _, c := range cs {
		if _, ok := byTeam[c.Team]; !ok {
			teams = append(teams, c.Team)
		}
		byTeam[c.Team] = append(byTeam[c.Team], c)
	}
	var groups []*slack.OptionGroupBlockObject
	for _, team := range teams {
		members := byTeam[team]
		parts := (len(members) + maxOptions - 1) / maxOptions
		for i := 0; i < len(members) && len(groups) < maxOptions; i += maxOptions {
			label := team
			if parts > 1 {
				label = fmt.Sprintf("%s (%d/%d)", team, i/maxOptions+1, parts)
			}
			g := slack.NewOptionGroupBlockElement(plain(cut(label, 75)))
			for _, c := range members[i:min(i+maxOptions, len(members))] {
				g.Options = append(g.Options, opt(c))
			}
			groups = append(groups, g)
		}
	}
	return groups
}

// scoreChoices are a scale's scores as quick choices: big radio buttons
// where the scale has at most 10 steps, a menu otherwise; initial, if it
// is one of them, chosen.
func scoreChoices(action string, s smallgoals.Scale, initial string) slack.BlockElement {
	var opts []*slack.OptionBlockObject
	var chosen *slack.OptionBlockObject
	for n := s.Max; n >= s.Min; n-- {
		label := scoreValue(s, n)
		opts = append(opts, option(label, label))
		if label == initial {
			chosen = opts[len(opts)-1]
		}
	}
	if len(opts) <= 10 {
		r := slack.NewRadioButtonsBlockElement(action, opts...)
		r.InitialOption = chosen
		return r
	}
	sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain(fmt.Sprintf("%d–%d", s.Min, s.Max)), action, opts...)
	sel.InitialOption = chosen
	return sel
}

// scoreValue is a score as the log form's choices carry it: "7", "+1".
func scoreValue(s smallgoals.Scale, n int) string {
	if s.IsGAS() {
		return smallgoals.FormatGASLevel(n)
	}
	return strconv.Itoa(n)
}

// Action IDs of the borger's turn: the log form's button that starts it,
// and the turn screen's choices (turnPrefix + a score, or turnBack).
const (
	actionTurn = "citizen_turn"
	turnPrefix = "turn:"
	turnBack   = "turn:back"
)

// turn is the borger's screen of the log form: the goal's title, one
// question, and the scale as big buttons in easy words — nothing of the
// staff's (no notes, no staff score). A tap goes back to the staff view
// with the borger's score chosen.
func (v views) turn(d commands.FormData, t func(string, ...any) string) []slack.Block {
	s := d.Goal.Scale()
	var buttons []slack.BlockElement
	for n := s.Min; n <= s.Max; n++ {
		val := scoreValue(s, n)
		label := val + " " + t(turnWord(s, n))
		if s.IsGAS() {
			if desc := d.Goal.GASLevels.Level(n); desc != "" {
				label = val + " " + desc
			}
		}
		buttons = append(buttons, slack.NewButtonBlockElement(turnPrefix+val, val, plain(cut(label, 75))))
	}
	return []slack.Block{
		slack.NewHeaderBlock(plain(cut(d.Goal.Title, 150))),
		slack.NewSectionBlock(mrkdwn("*"+t("modal.turn.question")+"*\n"+t("modal.turn.hint")), nil, nil),
		slack.NewActionBlock("turn", buttons...),
		slack.NewDividerBlock(),
		slack.NewActionBlock("turn_back", slack.NewButtonBlockElement(turnBack, "back", plain(t("modal.turn.back")))),
	}
}

// turnWord is the message of score n's easy word: on GAS the level's own,
// otherwise one of five bands from "Svært" to "Rigtig godt".
func turnWord(s smallgoals.Scale, n int) string {
	if s.IsGAS() {
		return map[int]string{-2: "modal.turn.gas_m2", -1: "modal.turn.gas_m1", 0: "modal.turn.gas_0",
			1: "modal.turn.gas_p1", 2: "modal.turn.gas_p2"}[n]
	}
	band := min(4, (n-s.Min)*5/(s.Max-s.Min+1))
	return fmt.Sprintf("modal.turn.band%d", band+1)
}

func (v views) log(d commands.FormData, meta formMeta, t func(string, ...any) string) []slack.Block {
	if len(d.Citizens) == 0 {
		return []slack.Block{slack.NewSectionBlock(mrkdwn(t("modal.no_citizens")), nil, nil)}
	}
	blocks := []slack.Block{v.citizenSelect(d, t)}
	if d.Citizen == nil {
		return blocks
	}
	if len(d.Goals) == 0 {
		return append(blocks, slack.NewSectionBlock(mrkdwn(t("modal.no_goals")), nil, nil))
	}
	var opts []*slack.OptionBlockObject
	var initial *slack.OptionBlockObject
	for _, g := range d.Goals {
		o := option(strconv.FormatInt(g.ID, 10), d.Ref(g.Goal)+" "+g.Title)
		opts = append(opts, o)
		if d.Goal != nil && g.ID == d.Goal.ID {
			initial = o
		}
	}
	sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain(t("modal.choose")), "goal", opts...)
	sel.InitialOption = initial
	// Block IDs carry the choice they depend on, so a new choice resets them.
	blocks = append(blocks, slack.NewInputBlock(fmt.Sprintf("goal-%d", d.Citizen.ID), plain(t("modal.log.goal")), nil, sel).WithDispatchAction(true))
	if d.Goal == nil {
		return blocks
	}
	scale := d.Goal.Scale()
	if tr := d.Goal.Recent; len(tr) > 1 {
		blocks = append(blocks, slack.NewContextBlock("", mrkdwn(t("modal.revise.recent")+": "+scoresLine(d.Goal.Recent))))
	}
	// Optional: the borger's score may come alone; one of the two is
	// required, which the submission checks (err.score_or_citizen).
	cy := carry{}
	if meta.Carry != nil {
		cy = *meta.Carry
	}
	ss := slack.NewInputBlock(fmt.Sprintf("score-%d", d.Goal.ID), plain(t("modal.log.score")), nil, scoreChoices("score", scale, cy.Score))
	ss.Optional = true
	blocks = append(blocks, ss)
	cs := slack.NewInputBlock(fmt.Sprintf("citizen_score-%d", d.Goal.ID), plain(t("modal.log.citizen_score")), nil,
		scoreChoices("citizen_score", scale, cy.Citizen))
	cs.Optional = true
	// The borger's turn: a screen of their own, then back here.
	turn := []slack.Block{cs, slack.NewActionBlock(actionTurn, slack.NewButtonBlockElement(actionTurn, "turn", plain(t("modal.log.turn"))))}
	hint := t("modal.log.turn_hint")
	if cy.Chosen && cy.Citizen != "" {
		hint = "✅ " + t("modal.log.turn_chosen", "Score", cy.Citizen)
	}
	turn = append(turn, slack.NewContextBlock("", mrkdwn(hint)))
	date := slack.NewDatePickerBlockElement("date")
	date.InitialDate = cmp.Or(cy.Date, smallgoals.FormatDate(d.Today))
	note := slack.NewPlainTextInputBlockElement(plain(t("modal.log.note_hint")), "note")
	note.Multiline = true
	note.MaxLength = smallgoals.MaxNoteLen
	if meta.UseMsg {
		note.InitialValue = meta.Message
	}
	if cy.Note != "" {
		note.InitialValue = cy.Note
	}
	noteBlock := slack.NewInputBlock(fmt.Sprintf("note-%t", meta.UseMsg), plain(t("modal.log.note")), nil, note)
	noteBlock.Optional = true
	blocks = append(blocks, turn...)
	blocks = append(blocks, slack.NewInputBlock("date", plain(t("modal.log.date")), nil, date), noteBlock)
	if cy.NoteCPR {
		blocks = append(blocks, slack.NewContextBlock("note_cpr", mrkdwn(t("modal.log.turn_note_cpr"))))
	}
	if meta.Message != "" {
		box := slack.NewCheckboxGroupsBlockElement("use_message", option("yes", t("modal.log.use_message")))
		if meta.UseMsg {
			box.InitialOptions = []*slack.OptionBlockObject{option("yes", t("modal.log.use_message"))}
		}
		blocks = append(blocks, slack.NewActionBlock("use_message", box))
	}
	if meta.MsgCPR {
		blocks = append(blocks, slack.NewContextBlock("message_cpr", slack.NewTextBlockObject(slack.MarkdownType, t("modal.log.message_cpr"), false, false)))
	}
	return blocks
}

func scoresLine(scores []int) string {
	s := make([]string, len(scores))
	for i, n := range scores {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, " → ")
}

// edit is the form of `ret REF`: the goal's title, target, cadence and
// next revision as they are, to change (the scale and the plan goal are
// typed: the scale rarely may change, see lifecycle.go).
func (v views) edit(d commands.FormData, t func(string, ...any) string) []slack.Block {
	if d.Goal == nil {
		return []slack.Block{slack.NewSectionBlock(mrkdwn(t("err.unknown_goal")), nil, nil)}
	}
	g := d.Goal
	title := slack.NewPlainTextInputBlockElement(nil, "title")
	title.MaxLength = smallgoals.MaxTitleLen
	title.InitialValue = g.Title
	tb, eb, db := goalSettings(t, g.Target, plain(t("modal.edit.scale", "Scale", g.Scale().String())), g.CadenceDays,
		g.NextRevision, t("modal.edit.due"))
	blocks := []slack.Block{
		slack.NewSectionBlock(mrkdwn("*"+d.Ref(g.Goal)+"* "+commands.Escape(g.Title)), nil, nil),
		slack.NewContextBlock("", mrkdwn(t("modal.edit.history"))),
		slack.NewInputBlock("title", plain(t("modal.new.goal_title")), nil, title),
		tb, eb, db,
	}
	if th := themeSelect(d.Themes, g.Theme, t); th != nil {
		blocks = append(blocks, th)
	}
	return blocks
}

// themeSelect is the edit form's theme: the catalogue after "Intet tema"
// (none, which removes it), the goal's theme chosen. A theme the catalogue
// no longer has leaves the form without the select (initial_option must
// be one of the options, and choosing it again would be refused): it is
// changed by typing `ret REF tema:KODE`.
func themeSelect(themes []commands.ThemeChoice, current string, t func(string, ...any) string) *slack.InputBlock {
	if len(themes) == 0 {
		return nil
	}
	none := option("none", t("modal.new.theme_none"))
	opts := []*slack.OptionBlockObject{none}
	chosen := none
	for _, th := range themes {
		o := option(th.Code, th.Label)
		opts = append(opts, o)
		if th.Code == current {
			chosen = o
		}
	}
	if current != "" && chosen == none {
		return nil
	}
	sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, nil, "theme", opts...)
	sel.InitialOption = chosen
	return slack.NewInputBlock("theme", plain(t("modal.new.theme")), plain(t("modal.new.theme_hint")), sel)
}

// goalSettings are the target, cadence and next-revision inputs of the
// new-goal and edit forms, filled with the values given (nil: empty).
func goalSettings(t func(string, ...any) string, target *int, targetHint *slack.TextBlockObject, every int,
	due *time.Time, dueLabel string) (targetBlock, everyBlock, dueBlock *slack.InputBlock) {
	te := slack.NewPlainTextInputBlockElement(nil, "target")
	te.MaxLength = 3
	if target != nil {
		te.InitialValue = strconv.Itoa(*target)
	}
	targetBlock = slack.NewInputBlock("target", plain(t("modal.new.target")), targetHint, te)
	targetBlock.Optional = true
	ee := slack.NewPlainTextInputBlockElement(nil, "every")
	ee.InitialValue = strconv.Itoa(every)
	ee.MaxLength = 3
	everyBlock = slack.NewInputBlock("every", plain(t("modal.new.every")), nil, ee)
	de := slack.NewDatePickerBlockElement("due")
	if due != nil {
		de.InitialDate = smallgoals.FormatDate(*due)
	}
	dueBlock = slack.NewInputBlock("due", plain(dueLabel), nil, de)
	dueBlock.Optional = true
	return targetBlock, everyBlock, dueBlock
}

func (v views) newGoal(d commands.FormData, t func(string, ...any) string) []slack.Block {
	if d.Citizen == nil {
		return []slack.Block{slack.NewSectionBlock(mrkdwn(t("modal.no_citizens")), nil, nil)}
	}
	title := slack.NewPlainTextInputBlockElement(nil, "title")
	title.MaxLength = smallgoals.MaxTitleLen
	blocks := []slack.Block{
		slack.NewContextBlock("", mrkdwn("*"+d.Citizen.Alias+"* · "+commands.Escape(d.Citizen.Team))),
		slack.NewInputBlock("title", plain(t("modal.new.goal_title")), plain(t("modal.new.goal_title_hint")), title),
	}
	if len(d.Plans) > 0 {
		opts := []*slack.OptionBlockObject{}
		for _, p := range d.Plans {
			opts = append(opts, option(strconv.Itoa(p.Number), smallgoals.Ref{Alias: d.Citizen.Alias, Plan: true, N: p.Number}.String()+" "+p.Title))
		}
		pl := slack.NewInputBlock("plan", plain(t("modal.new.plan")), nil,
			slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain(t("modal.new.plan_none")), "plan", opts...))
		pl.Optional = true
		blocks = append(blocks, pl)
	}
	if len(d.Themes) > 0 {
		opts := make([]*slack.OptionBlockObject, len(d.Themes))
		for i, th := range d.Themes {
			opts[i] = option(th.Code, th.Label)
		}
		tb := slack.NewInputBlock("theme", plain(t("modal.new.theme")), plain(t("modal.new.theme_hint")),
			slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain(t("modal.new.theme_none")), "theme", opts...))
		tb.Optional = true
		blocks = append(blocks, tb)
	}
	scales := []*slack.OptionBlockObject{option("1-10", "1–10"), option("0-10", "0–10"), option("1-5", "1–5"), option("gas", "GAS −2…+2")}
	scale := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, nil, "scale", scales...)
	scale.InitialOption = scales[0]
	tb, eb, db := goalSettings(t, nil, nil, smallgoals.DefaultCadenceDays, nil, t("modal.new.due"))
	blocks = append(blocks, slack.NewInputBlock("scale", plain(t("modal.new.scale")), nil, scale), tb, eb, db)
	for n := smallgoals.GASMax; n >= smallgoals.GASMin; n-- {
		lvl := smallgoals.FormatGASLevel(n)
		in := slack.NewPlainTextInputBlockElement(nil, "gas"+lvl)
		in.MaxLength = smallgoals.MaxTitleLen
		b := slack.NewInputBlock("gas"+lvl, plain(t("modal.new.gas", "Level", lvl)), plain(t("modal.new.gas_hint")), in)
		b.Optional = true
		blocks = append(blocks, b)
	}
	return blocks
}

// reflect is the team's reflection form: the text, and optionally the
// borger (of the channel's team) and one of the borger's goals it is about.
func (v views) reflect(d commands.FormData, t func(string, ...any) string) []slack.Block {
	text := slack.NewPlainTextInputBlockElement(nil, "reflection")
	text.Multiline = true
	text.MaxLength = smallgoals.MaxNoteLen
	blocks := []slack.Block{
		slack.NewInputBlock("reflection", plain(t("modal.reflect.text")), nil, text),
		slack.NewContextBlock("", mrkdwn(t("modal.reflect.hint"))),
	}
	if len(d.Citizens) == 0 {
		return blocks
	}
	sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain(t("modal.reflect.team")), "citizen")
	for i, c := range d.Citizens {
		if i == maxOptions {
			break
		}
		o := option(strconv.FormatInt(c.ID, 10), c.Alias)
		sel.Options = append(sel.Options, o)
		if d.Citizen != nil && c.ID == d.Citizen.ID {
			sel.InitialOption = o
		}
	}
	cb := slack.NewInputBlock("citizen", plain(t("modal.reflect.citizen")), nil, sel).WithDispatchAction(true)
	cb.Optional = true
	blocks = append(blocks, cb)
	if d.Citizen == nil || len(d.Goals) == 0 {
		return blocks
	}
	gs := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain(t("modal.reflect.team")), "goal")
	for _, g := range d.Goals {
		gs.Options = append(gs.Options, option(strconv.FormatInt(g.ID, 10), d.Ref(g.Goal)+" "+g.Title))
	}
	gb := slack.NewInputBlock("goal", plain(t("modal.reflect.goal")), nil, gs)
	gb.Optional = true
	return append(blocks, gb)
}

func (v views) revise(d commands.FormData, meta formMeta, t func(string, ...any) string) []slack.Block {
	if d.Goal == nil {
		return []slack.Block{slack.NewSectionBlock(mrkdwn(t("err.unknown_goal")), nil, nil)}
	}
	g := d.Goal
	recent := t("modal.revise.no_recent")
	if len(d.Recent) > 0 {
		var parts []string
		for i := len(d.Recent) - 1; i >= 0; i-- {
			e := d.Recent[i]
			if e.Replaced || (e.StaffScore == nil && e.CitizenScore == nil) {
				continue
			}
			day := v.h.ShortDate(d.Lang, e.Day)
			p := day + ": –" // "–/7": the borger's score alone
			if e.StaffScore != nil {
				p = day + ": " + strconv.Itoa(*e.StaffScore)
			}
			if e.CitizenScore != nil {
				p += "/" + strconv.Itoa(*e.CitizenScore)
			}
			parts = append(parts, p)
		}
		if len(parts) > 0 {
			recent = strings.Join(parts, " · ")
		}
	}
	blocks := []slack.Block{
		slack.NewSectionBlock(mrkdwn("*"+d.Ref(g.Goal)+"* "+commands.Escape(g.Title)), nil, nil),
		slack.NewContextBlock("", mrkdwn(t("modal.revise.recent")+": "+recent)),
	}
	var gas []*slack.OptionBlockObject
	for n := smallgoals.GASMax; n >= smallgoals.GASMin; n-- {
		label := smallgoals.FormatGASLevel(n)
		if desc := g.GASLevels.Level(n); desc != "" {
			label += " — " + desc
		}
		gas = append(gas, option(smallgoals.FormatGASLevel(n), label))
	}
	outcomes := []*slack.OptionBlockObject{}
	var initial *slack.OptionBlockObject
	for _, o := range []string{smallgoals.OutcomeContinue, smallgoals.OutcomeAdjust, smallgoals.OutcomeClose, smallgoals.OutcomeRevisit} {
		opt := option(o, t("outcome."+o))
		outcomes = append(outcomes, opt)
		if o == meta.Outcome {
			initial = opt
		}
	}
	outcome := slack.NewRadioButtonsBlockElement("outcome", outcomes...)
	outcome.InitialOption = initial
	// Asked every time: required, no answer chosen beforehand.
	took := slack.NewInputBlock("took_part", plain(t("modal.revise.took_part")), nil,
		slack.NewRadioButtonsBlockElement("took_part", option("yes", t("modal.revise.took_part_yes")),
			option("no", t("modal.revise.took_part_no"))))
	refl := slack.NewPlainTextInputBlockElement(nil, "reflection")
	refl.Multiline = true
	refl.MaxLength = smallgoals.MaxNoteLen
	rb := slack.NewInputBlock("reflection", plain(t("modal.revise.reflection")), nil, refl)
	rb.Optional = true
	blocks = append(blocks,
		slack.NewInputBlock("gas", plain(t("modal.revise.gas")), nil, slack.NewRadioButtonsBlockElement("gas", gas...)),
		slack.NewInputBlock("outcome", plain(t("modal.revise.outcome")), nil, outcome).WithDispatchAction(true),
		took, rb)
	if meta.Outcome != smallgoals.OutcomeClose {
		next := slack.NewDatePickerBlockElement("next")
		next.InitialDate = smallgoals.FormatDate(d.Today.AddDate(0, 0, g.CadenceDays))
		blocks = append(blocks, slack.NewInputBlock("next", plain(t("modal.revise.next")), nil, next))
	}
	if d.RevisedToday {
		// Another revision today is saved only when confirmed.
		cb := slack.NewInputBlock("confirm", plain(t("modal.revise.confirm", "Ref", d.Ref(g.Goal))), nil,
			slack.NewCheckboxGroupsBlockElement("confirm", option("yes", t("modal.revise.confirm_yes"))))
		cb.Optional = true
		blocks = append(blocks, cb)
	}
	return blocks
}

// Home builds the App Home view from a reply.
func (v views) Home(r commands.Reply) slack.HomeTabViewRequest {
	return slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: Blocks(r, commands.ViewBlocks)}}
}

// submission reads a submitted form's values by field name.
func submission(meta formMeta, values []FormValue) commands.Submission {
	s := commands.Submission{Kind: meta.Kind, CitizenID: meta.Citizen, GoalID: meta.Goal, Values: map[string]string{}}
	for _, v := range values {
		switch v.Action {
		case "citizen":
			s.CitizenID, _ = strconv.ParseInt(v.Value, 10, 64)
		case "goal":
			s.GoalID, _ = strconv.ParseInt(v.Value, 10, 64)
		case "use_message":
		default:
			s.Values[v.Action] = v.Value
		}
	}
	return s
}

// fieldBlocks maps form fields to the block showing them, for inline errors.
func fieldBlock(field string, meta formMeta, s commands.Submission) string {
	switch field {
	case "score", "citizen_score":
		return fmt.Sprintf("%s-%d", field, s.GoalID)
	case "note":
		return fmt.Sprintf("note-%t", meta.UseMsg)
	case "confirm":
		if !meta.Confirm { // revised since the form was opened: no box to show it on
			return "gas"
		}
		return field
	case commands.GeneralField:
		switch meta.Kind {
		case commands.FormLog:
			return "citizen"
		case commands.FormRevise:
			return "gas"
		case commands.FormReflect:
			return "reflection"
		default: // new and edit: the title
			return "title"
		}
	}
	return field
}
