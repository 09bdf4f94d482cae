package bot_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/slack-go/slack"
	"go.yaml.in/yaml/v3"

	"smallgoals"
)

// The read paths are every way a user reads, or is refused, data about a
// borger. They are collected from the code's own lists, so that a new
// command, button, form, form choice, shortcut or event fails
// TestEveryReadPathAudited until it has a case here:
//
//	command:ID   every command of the table (commands: &command{id: …})
//	button:ACT   every button action (commands: the Act… constants)
//	form:KIND    every form's submission (commands: the Form… constants)
//	choice:ID    every action_id in a form that Slack sends back as it is
//	             chosen (an actions block, or an input that dispatches),
//	             as the bot renders the forms
//	shortcut:ID  every shortcut of manifest.yml
//	event:TYPE   every bot event of manifest.yml
//
// The jobs — reminder DMs, digests, revisitation notices — are enumerated
// by TestEveryJobAudited, from the outbox's kinds.
func readPaths(t *testing.T, e *slackEnv) []string {
	t.Helper()
	var keys []string
	fset := token.NewFileSet()
	files, _ := filepath.Glob("../commands/*.go")
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CompositeLit:
				if id, ok := n.Type.(*ast.Ident); ok && id.Name == "command" {
					for _, el := range n.Elts {
						if kv, ok := el.(*ast.KeyValueExpr); ok && isIdent(kv.Key, "id") {
							keys = append(keys, "command:"+stringLit(t, kv.Value))
						}
					}
				}
			case *ast.GenDecl:
				if n.Tok != token.CONST {
					return true
				}
				for _, spec := range n.Specs {
					vs := spec.(*ast.ValueSpec)
					for i, name := range vs.Names {
						switch {
						case i >= len(vs.Values):
						case strings.HasPrefix(name.Name, "Act"):
							keys = append(keys, "button:"+stringLit(t, vs.Values[i]))
						case strings.HasPrefix(name.Name, "Form"):
							keys = append(keys, "form:"+stringLit(t, vs.Values[i]))
						}
					}
				}
			}
			return true
		})
	}
	keys = append(keys, formChoices(t, e)...)

	b, err := os.ReadFile("../manifest.yml")
	if err != nil {
		t.Fatal(err)
	}
	var m slack.Manifest
	if err := yaml.NewDecoder(bytes.NewReader(b)).Decode(&m); err != nil {
		t.Fatal(err)
	}
	for _, s := range m.Features.Shortcuts {
		keys = append(keys, "shortcut:"+s.CallbackID)
	}
	for _, ev := range m.Settings.EventSubscriptions.BotEvents {
		keys = append(keys, "event:"+ev)
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

func isIdent(x ast.Expr, name string) bool {
	id, ok := x.(*ast.Ident)
	return ok && id.Name == name
}

func stringLit(t *testing.T, x ast.Expr) string {
	t.Helper()
	lit, ok := x.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		t.Fatalf("not a string literal: %#v", x)
	}
	s, _ := strconv.Unquote(lit.Value)
	return s
}

// formChoices opens every form as far as it goes — the log form from the
// message shortcut with a borger and a goal chosen, the revision and
// new-goal forms from their buttons — and returns the action_ids that
// Slack sends as block_actions while the form is open.
func formChoices(t *testing.T, e *slackEnv) []string {
	t.Helper()
	ab, ab1 := e.ids()
	e.interact(map[string]any{"type": "message_action", "callback_id": "log_from_message", "user": map[string]any{"id": member},
		"channel": map[string]any{"id": "C1"}, "message": map[string]any{"ts": "1.1", "text": "Tog bussen"}})
	_, meta, _ := view(t, e.fake.lastView(t, "views.update").View)
	e.interact(viewPayload("block_actions", "V1", meta, selectAction("citizen", fmt.Sprint(ab)), nil))
	_, meta, _ = view(t, e.fake.lastView(t, "views.update").View)
	e.interact(viewPayload("block_actions", "V1", meta, selectAction("goal", fmt.Sprint(ab1)), nil))
	_, meta, _ = view(t, e.fake.lastView(t, "views.update").View)
	e.interact(viewPayload("block_actions", "V1", meta, buttonAction("citizen_turn", "turn"), nil)) // the borger's turn
	e.press(member, fmt.Sprintf("revise:%d", ab1))
	e.press(member, fmt.Sprintf("new:%d", ab))

	var keys []string
	for _, v := range e.fake.viewsCopy() {
		if v.Method == "views.publish" {
			continue
		}
		var view struct {
			Blocks []struct {
				Type     string           `json:"type"`
				Dispatch bool             `json:"dispatch_action"`
				Element  map[string]any   `json:"element"`
				Elements []map[string]any `json:"elements"`
			} `json:"blocks"`
		}
		if err := json.Unmarshal([]byte(v.View), &view); err != nil {
			t.Fatal(err)
		}
		for _, bl := range view.Blocks {
			switch {
			case bl.Type == "actions":
				for _, el := range bl.Elements {
					// The borger's turn: one choice, turn:SCORE (or turn:back).
					id, _, _ := strings.Cut(fmt.Sprint(el["action_id"]), ":")
					keys = append(keys, "choice:"+id)
				}
			case bl.Type == "input" && bl.Dispatch:
				keys = append(keys, fmt.Sprint("choice:", bl.Element["action_id"]))
			}
		}
	}
	return keys
}

// The users of the read paths: a member of team Slusen (#C1, its
// coordinator, AB's contact person) and an outsider — a guest in C1, who
// is in the channel but never on the team.
const (
	member   = "UANNA"
	outsider = "UGUEST"
)

// What a read path's audit event must be about.
type about int

const (
	nothing about = iota // nothing of the borger is shown, so nothing is audited about it
	citizen              // the borger AB
	team                 // AB's team, Slusen (a list of its borgere, its settings)
)

// readPath performs one read path as a user.
type readPath struct {
	key    string // what it is, as readPaths names it
	name   string
	do     func(e *slackEnv, user string)
	member about // what the member's event is about (allowed)
	// outsider is what the outsider's event is about (refused); nothing
	// where the path shows only the caller's own teams.
	outsider about
	why      string // for a path with nothing to audit: why
}

// ids returns AB's and AB-1's IDs.
func (e *slackEnv) ids() (ab, ab1 int64) {
	e.raw.QueryRow(`SELECT c.id, g.id FROM citizens c JOIN goals g ON g.citizen_id = c.id WHERE c.alias = 'AB' AND g.number = 1`).Scan(&ab, &ab1)
	return ab, ab1
}

// press presses a button in a message in C1.
func (e *slackEnv) press(user, actionID string) {
	e.interact(map[string]any{"type": "block_actions", "user": map[string]any{"id": user}, "channel": map[string]any{"id": "C1"},
		"response_url": e.fake.ResponseURL(randomID()), "message": map[string]any{"ts": "1700000000.000100", "text": "x"},
		"actions": []map[string]any{{"action_id": actionID, "block_id": "b", "type": "button", "action_ts": "1700000001.000100"}}})
}

// choose makes a choice in an open form whose metadata is meta.
func (e *slackEnv) choose(user, meta string, action map[string]any) {
	p := viewPayload("block_actions", "V1", meta, []map[string]any{action}, nil)
	p["user"] = map[string]any{"id": user}
	e.interact(p)
}

// submit submits a form whose metadata is meta.
func (e *slackEnv) submit(user, meta string, values map[string]any) {
	p := viewPayload("view_submission", "VS"+randomID(), meta, nil, values)
	p["user"] = map[string]any{"id": user}
	e.interact(p)
}

// pressOnGoal presses the button of action on AB-1.
func pressOnGoal(action string) func(e *slackEnv, user string) {
	return func(e *slackEnv, user string) {
		_, ab1 := e.ids()
		e.press(user, fmt.Sprintf("%s:%d", action, ab1))
	}
}

func typed(text string) func(e *slackEnv, user string) {
	return func(e *slackEnv, user string) { e.slash(user, "C1", text) }
}

func input(action, field string, v any) map[string]any {
	return map[string]any{action: map[string]any{field: v}}
}

func readPathCases() []readPath {
	none := func(key, why string) readPath { return readPath{key: key, name: key, why: why} }
	both := func(key, name string, a about, do func(e *slackEnv, user string)) readPath {
		return readPath{key: key, name: name, do: do, member: a, outsider: a}
	}
	goalMeta := func(kind string) func(e *slackEnv) string {
		return func(e *slackEnv) string {
			ab, ab1 := e.ids()
			return fmt.Sprintf(`{"k":%q,"ch":"C1","c":%d,"g":%d,"m":"Tog bussen"}`, kind, ab, ab1)
		}
	}
	return []readPath{
		none("command:help", "the help: no borger"),
		none("command:lang", "the user's own language"),
		none("command:away", "the user's own reminders"),
		none("command:team_create", "makes a team of a channel; no borger"),
		both("command:log", "AB-1 5", citizen, typed("AB-1 5")),
		both("command:log", "AB-1 b:7 (the borger's score alone)", citizen, typed("AB-1 b:7")),
		both("command:overview", "AB", citizen, typed("AB")),
		both("command:show", "vis AB-1", citizen, typed("vis AB-1")),
		both("command:show", "AB-1 (alone, as vis)", citizen, typed("AB-1")),
		both("command:undo", "fortryd AB-1", citizen, typed("fortryd AB-1")),
		both("command:undo", "fortryd AB-1 nr:1 grund (coordinators)", citizen, typed("fortryd AB-1 nr:1 Forkert borger")),
		both("command:new", "ny AB Titel", citizen, typed("ny AB Smøre madpakke")),
		both("command:new", "ny AB (the form)", citizen, typed("ny AB")),
		both("command:plan", "plan AB Titel", citizen, typed("plan AB Bo for sig selv")),
		both("command:revise", "revider AB-1 +1 fortsættes", citizen, typed("revider AB-1 +1 fortsættes")),
		both("command:revise", "revider AB-1 (the form)", citizen, typed("revider AB-1")),
		both("command:citizen_add", "borger ny CD", team, typed("borger ny CD")),
		both("command:citizens", "borgere", team, typed("borgere")),
		both("command:team", "team", team, typed("team")),
		both("command:team_set", "team indstil", team, typed("team indstil sprog:da")),
		both("command:coordinator", "koordinator", team, typed("koordinator @UANNA")),
		both("command:audit", "adgangslog AB", citizen, typed("adgangslog AB")),
		both("command:erase", "borger slet AB", citizen, typed("borger slet AB")),
		both("command:erase", "borger slet AB bekræft tving", citizen, typed("borger slet AB bekræft tving")),
		both("command:contact", "borger kontakt AB", citizen, typed("borger kontakt AB @UANNA")),
		{key: "command:due", name: "frist", do: typed("frist"), member: citizen, outsider: nothing,
			why: "lists the caller's own teams' goals only"},
		both("command:chart", "graf AB-1", citizen, typed("graf AB-1")),
		both("command:export", "eksport AB", citizen, typed("eksport AB")),
		both("command:snooze", "Udsæt 7 dage", citizen, pressOnGoal("snooze")),
		both("command:coordinator_remove", "koordinator fjern", team, func(e *slackEnv, user string) {
			e.slash(user, "C1", "koordinator @UBOT")
			e.slash(user, "C1", "koordinator fjern @UBOT")
		}),
		both("command:citizen_move", "borger flyt AB #lyngen", citizen, func(e *slackEnv, user string) {
			// The member coordinates Lyngen too (in its channel, C2).
			e.fake.setMembers("C2", "UCARL", "UANNA")
			e.slack.ForgetMembers("C2")
			e.command("UCARL", "C2", "koordinator @UANNA")
			e.slash(user, "C1", "borger flyt AB <#C2|lyngen>")
		}),
		both("command:citizen_discharge", "borger udskriv AB", citizen, typed("borger udskriv AB")),
		both("command:citizens_discharged", "borgere udskrevne", team, typed("borgere udskrevne")),
		{key: "command:themes", name: "temaer", do: typed("temaer"), member: nothing, outsider: nothing,
			why: "the theme catalogue, the same for everyone: nothing of a borger or a team"},
		both("command:team_leader", "team leder @UBOT", team, typed("team leder @UBOT")),
		both("command:team_leader_remove", "team leder fjern @UBOT", team, func(e *slackEnv, user string) {
			e.command("UANNA", "C1", "team leder @UBOT") // a leader to remove, named by a coordinator
			e.slash(user, "C1", "team leder fjern @UBOT")
		}),
		both("command:leader_overview", "overblik (figures only)", team, typed("overblik")),
		both("command:edit", "ret AB-1 Ny titel", citizen, typed("ret AB-1 Tage bussen hele vejen mål:8")),
		both("command:gas", "gas AB-1 +1 Tekst", citizen, typed("gas AB-1 +1 Tager bussen alene to gange om ugen")),
		both("command:reopen", "genåbn AB-1 (closed)", citizen, func(e *slackEnv, user string) {
			_, ab1 := e.ids()
			e.raw.Exec(`UPDATE goals SET status = 'closed', next_revision = NULL WHERE id = $1`, ab1)
			e.slash(user, "C1", "genåbn AB-1")
		}),
		both("command:plan_close", "plan luk AB-P1", citizen, func(e *slackEnv, user string) {
			ab, _ := e.ids()
			e.raw.Exec(`INSERT INTO plan_goals (citizen_id, number, title, key_id, created_by, created_at)
				VALUES ($1, 1, 'Bo selv'::bytea, 'plain', 'UANNA', now()) ON CONFLICT DO NOTHING`, ab)
			e.slash(user, "C1", "plan luk AB-P1")
		}),
		// The team's reflection: refused to an outsider in the channel,
		// about the team, before any borger is looked at.
		{key: "command:reflection", name: "refleksion om:AB-1 Tekst", do: typed("refleksion om:AB-1 Fast tid virker"),
			member: citizen, outsider: team},
		both("command:reflection", "refleksion Tekst (the team's week)", team, typed("refleksion Vi fejrer de små sejre")),
		both("command:reflection", "refleksion (the form)", team, typed("refleksion")),
		both("command:reflection_show", "refleksion vis", team, typed("refleksion vis")),
		// A bare /maal has no command of its own: the transport opens the
		// log form.
		{key: "bare", name: "/maal", do: typed(""), member: team, outsider: team},

		both("button:log", "Registrér", citizen, pressOnGoal("log")),
		both("button:revise", "Revidér nu", citizen, pressOnGoal("revise")),
		both("button:new", "Nyt mål", citizen, func(e *slackEnv, user string) {
			ab, _ := e.ids()
			e.press(user, fmt.Sprintf("new:%d", ab))
		}),
		both("button:snooze", "Udsæt 7 dage", citizen, pressOnGoal("snooze")),
		both("button:edit", "Ret AB-1 (after ændres)", citizen, pressOnGoal("edit")),
		none("button:lang", "the user's own language"),
		both("button:reflect", "Notér refleksion (the digest's)", team, func(e *slackEnv, user string) {
			var slusen int64
			e.raw.QueryRow(`SELECT id FROM teams WHERE channel_id = 'C1'`).Scan(&slusen)
			e.press(user, fmt.Sprintf("reflect:%d", slusen))
		}),
		both("button:chart", "Vis graf (App Home)", citizen, pressOnGoal("chart")),

		both("form:log", "log form saved", citizen, func(e *slackEnv, user string) {
			_, ab1 := e.ids()
			e.submit(user, goalMeta("log")(e), map[string]any{fmt.Sprintf("score-%d", ab1): input("score", "selected_option", map[string]any{"value": "5"})})
		}),
		both("form:new", "new-goal form saved", citizen, func(e *slackEnv, user string) {
			e.submit(user, goalMeta("new")(e), map[string]any{"title": input("title", "value", "Smøre madpakke"),
				"scale": input("scale", "selected_option", map[string]any{"value": "1-10"}), "every": input("every", "value", "42")})
		}),
		both("form:edit", "edit form saved", citizen, func(e *slackEnv, user string) {
			e.submit(user, goalMeta("edit")(e), map[string]any{"title": input("title", "value", "Tage bussen hele vejen"),
				"every": input("every", "value", "28")})
		}),
		both("form:revise", "revision form saved", citizen, func(e *slackEnv, user string) {
			e.submit(user, goalMeta("revise")(e), map[string]any{"gas": input("gas", "selected_option", map[string]any{"value": "0"}),
				"outcome":   input("outcome", "selected_option", map[string]any{"value": "continue"}),
				"took_part": input("took_part", "selected_option", map[string]any{"value": "yes"})})
		}),

		{key: "form:reflect", name: "reflection form saved about AB", member: citizen, outsider: team, do: func(e *slackEnv, user string) {
			ab, _ := e.ids()
			e.submit(user, fmt.Sprintf(`{"k":"reflect","ch":"C1","c":%d}`, ab), map[string]any{"reflection": input("reflection", "value", "Fast tid virker")})
		}},

		both("choice:citizen", "the form's borger choice", citizen, func(e *slackEnv, user string) {
			ab, _ := e.ids()
			e.choose(user, `{"k":"log","ch":"C1"}`, map[string]any{"action_id": "citizen", "block_id": "citizen", "type": "static_select",
				"selected_option": map[string]any{"value": fmt.Sprint(ab)}})
		}),
		both("choice:goal", "the form's goal choice", citizen, func(e *slackEnv, user string) {
			_, ab1 := e.ids()
			e.choose(user, goalMeta("log")(e), map[string]any{"action_id": "goal", "block_id": "goal", "type": "static_select",
				"selected_option": map[string]any{"value": fmt.Sprint(ab1)}})
		}),
		both("choice:outcome", "the revision form's outcome", citizen, func(e *slackEnv, user string) {
			e.choose(user, goalMeta("revise")(e), map[string]any{"action_id": "outcome", "block_id": "outcome", "type": "radio_buttons",
				"selected_option": map[string]any{"value": "close"}})
		}),
		both("choice:use_message", "the shortcut's message as the note", citizen, func(e *slackEnv, user string) {
			e.choose(user, goalMeta("log")(e), map[string]any{"action_id": "use_message", "block_id": "use_message", "type": "checkboxes",
				"selected_options": []map[string]any{{"value": "yes"}}})
		}),

		both("choice:citizen_turn", "the log form's Borgerens tur", citizen, func(e *slackEnv, user string) {
			e.choose(user, goalMeta("log")(e), map[string]any{"action_id": "citizen_turn", "block_id": "citizen_turn", "type": "button", "value": "turn"})
		}),
		both("choice:turn", "the borger's choice on their turn", citizen, func(e *slackEnv, user string) {
			ab, ab1 := e.ids()
			e.choose(user, fmt.Sprintf(`{"k":"log","ch":"C1","c":%d,"g":%d,"bt":true}`, ab, ab1),
				map[string]any{"action_id": "turn:7", "block_id": "turn", "type": "button", "value": "7"})
		}),
		both("command:chart", "graf AB (all goals)", citizen, typed("graf AB")),
		both("shortcut:log_from_message", "the message shortcut", team, func(e *slackEnv, user string) {
			e.interact(map[string]any{"type": "message_action", "callback_id": "log_from_message", "user": map[string]any{"id": user},
				"channel": map[string]any{"id": "C1"}, "message": map[string]any{"ts": "1.1", "text": "Tog bussen"}})
		}),
		{key: "event:app_home_opened", name: "App Home", member: citizen, outsider: nothing,
			why: "shows the caller's own teams only", do: func(e *slackEnv, user string) { openHome(e, user, "Ev"+randomID()) }},
	}
}

// newReadPathEnv is setupTeams with AB-1 due in three days, an entry of
// the member's on it (to undo), and the outsider in C1 as a guest.
func newReadPathEnv(t *testing.T) *slackEnv {
	e := newSlackEnv(t)
	_, ab1 := setupTeams(e)
	e.fake.setMembers("C1", member, "UBOT", outsider)
	e.fake.guests[outsider] = true
	if _, err := e.raw.Exec(`UPDATE goals SET next_revision = current_date + 3 WHERE id = $1`, ab1); err != nil {
		t.Fatal(err)
	}
	e.command(member, "C1", "AB-1 6")
	return e
}

// Every read path writes an audit event about the borger (or its team),
// allowed for a member of the team and refused for an outsider; a path
// that shows nothing of the borger says why. A path that the code adds
// without a case here fails, and so does one that is not audited.
func TestEveryReadPathAudited(t *testing.T) {
	cases := readPathCases()
	have := map[string]bool{}
	for _, c := range cases {
		have[c.key] = true
	}
	paths := readPaths(t, newReadPathEnv(t))
	for _, k := range paths {
		if !have[k] {
			t.Errorf("read path %s has no case in readPathCases: say how a member and an outsider take it, or why it shows nothing of a borger", k)
		}
	}
	for k := range have {
		if k != "bare" && !slices.Contains(paths, k) {
			t.Errorf("readPathCases has %s, which the code no longer has", k)
		}
	}
	for _, c := range cases {
		if c.do == nil {
			continue
		}
		t.Run(c.key+" "+c.name, func(t *testing.T) {
			e := newReadPathEnv(t)
			var slusen int64
			e.raw.QueryRow(`SELECT id FROM teams WHERE channel_id = 'C1'`).Scan(&slusen)
			ab, _ := e.ids()
			// The outsider first: the member's path may erase the borger.
			for _, u := range []struct {
				user    string
				allowed bool
				about   about
			}{{outsider, false, c.outsider}, {member, true, c.member}} {
				var last int64
				e.raw.QueryRow(`SELECT coalesce(max(id), 0) FROM audit_events`).Scan(&last)
				c.do(e, u.user)
				e.bot.Wait()
				events := func(allowed bool) int {
					return e.count(`SELECT count(*) FROM audit_events WHERE id > $1 AND actor = $2 AND allowed = $3
						AND (citizen_id = $4 OR citizen_id IS NULL AND team_id = $5)`, last, u.user, allowed, ab, slusen)
				}
				aboutAB := e.count(`SELECT count(*) FROM audit_events WHERE id > $1 AND actor = $2 AND allowed = $3 AND citizen_id = $4`,
					last, u.user, u.allowed, ab)
				aboutTeam := e.count(`SELECT count(*) FROM audit_events WHERE id > $1 AND actor = $2 AND allowed = $3 AND team_id = $4`,
					last, u.user, u.allowed, slusen)
				switch {
				case u.about == citizen && aboutAB == 0:
					t.Errorf("%s (allowed %t): no audit event about AB", u.user, u.allowed)
				case u.about == team && aboutTeam == 0:
					t.Errorf("%s (allowed %t): no audit event about Slusen", u.user, u.allowed)
				case u.about == nothing && events(u.allowed) > 0:
					t.Errorf("%s: audited about AB or Slusen, yet the case says nothing of them is shown (%s)", u.user, c.why)
				}
				if !u.allowed && events(true) > 0 {
					t.Errorf("the outsider was allowed something about AB or Slusen")
				}
			}
		})
	}
}

// Every kind of message a job sends (the outbox's kinds, read from its
// CHECK constraint in the database) writes an audit event about each
// borger it names, as the system, when it is sent. A new kind fails here
// until it has an action.
func TestEveryJobAudited(t *testing.T) {
	actions := map[string]string{
		"reminder_dm": smallgoals.ActReminderSend,
		"digest":      smallgoals.ActDigestSend,
		"notice":      smallgoals.ActNoticeSend,
	}
	e, _, _, _, _ := postedWorld(t) // a reminder run, a digest run and a revisitation notice
	var def string
	if err := e.raw.QueryRow(`SELECT pg_get_constraintdef(oid) FROM pg_constraint
		WHERE conrelid = 'outbox'::regclass AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%kind%'`).Scan(&def); err != nil {
		t.Fatal(err)
	}
	kinds := regexp.MustCompile(`'([a-z_]+)'`).FindAllStringSubmatch(def, -1)
	if len(kinds) == 0 {
		t.Fatalf("no kinds in %s", def)
	}
	var ab int64
	e.raw.QueryRow(`SELECT id FROM citizens WHERE alias = 'AB'`).Scan(&ab)
	for _, k := range kinds {
		action, ok := actions[k[1]]
		if !ok {
			t.Errorf("the outbox kind %q has no audit action here: say which event its sends write", k[1])
			continue
		}
		if n := e.count(`SELECT count(*) FROM audit_events WHERE action = $1 AND actor = 'system' AND allowed
			AND citizen_id = $2 AND recipient <> ''`, action, ab); n == 0 {
			t.Errorf("%s sent about AB, but no %s event about AB", k[1], action)
		}
	}
}
