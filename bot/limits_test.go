package bot_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"smallgoals"
	"smallgoals/bot"
	"smallgoals/commands"
	"smallgoals/internal/slackcheck"
	"smallgoals/reminders"
)

// The large institution: what a real one looks like at its busiest, with
// the longest texts the bot accepts and titles full of what Slack reads as
// markup. UBIG is on all its teams.
const (
	bigTeams        = 31 // teams in the database, each its own channel
	bigCitizens     = 40 // borgere in UBIG's own team, UBIG their contact person
	bigGoals        = 5  // goals each of them has
	bigDue          = 83 // of those goals, due for revision within a week
	otherCitizens   = 3  // borgere in each of the other teams
	bigChannel      = "C100"
	hostileMarkup   = "<!channel> <@UEVIL> <https://evil.example|Log ind> <!here> *fed* _kursiv_ ~slet~ `kode` & "
	hostileTeamName = "<!channel> Team <afd. %d> & Søndergården"
)

// hostileTitle is a goal title of exactly MaxTitleLen characters, full of
// markup and Danish letters.
func hostileTitle(i int) string {
	s := fmt.Sprintf("%d %sÆblegrød på Ørsted Å ", i, hostileMarkup)
	for utf8.RuneCountInString(s) < smallgoals.MaxTitleLen {
		s += "Øvelse æ ø å < > & "
	}
	return string([]rune(s)[:smallgoals.MaxTitleLen])
}

func bigAlias(team, i int) string { return fmt.Sprintf("ÆØ%dÅ%d", team, i) }

type bigFixture struct {
	ownCitizen string // an alias in UBIG's own team
	lastAlias  string // a borger past the first 100 of UBIG's list
	lastID     int64
	dueDay     time.Time
}

// largeInstitution builds the large institution through the commands, as
// its staff would have typed it.
func largeInstitution(e *slackEnv) bigFixture {
	e.t.Helper()
	run := func(user, channel, text string) {
		e.t.Helper()
		r := e.handler.Handle(context.Background(), commands.Request{UserID: user, ChannelID: channel, Text: text, Time: time.Now()})
		if r.Outcome == "refused" || r.Outcome == "failed" {
			e.t.Fatalf("%q: %s", text, r.Text())
		}
	}
	cal := reminders.NewCalendar()
	loc := smallgoals.Location("Europe/Copenhagen")
	now := time.Now().In(loc)
	due := cal.NextWorkday(time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, time.UTC)) // a civil date
	f := bigFixture{ownCitizen: bigAlias(0, 0), dueDay: due}
	for team := 0; team < bigTeams; team++ {
		ch := fmt.Sprintf("C%d", 100+team)
		e.fake.setMembers(ch, "UBIG", "UCOORD", "UOTHER", "UBOT")
		run("UBIG", ch, "team opret "+fmt.Sprintf(hostileTeamName, team))
		n, contact := otherCitizens, "UOTHER"
		if team == 0 {
			n, contact = bigCitizens, "UBIG"
			run("UBIG", ch, "koordinator @UCOORD")
		}
		for i := 0; i < n; i++ {
			alias := bigAlias(team, i)
			run(contact, ch, "borger ny "+alias)
			goals := 1
			if team == 0 {
				goals = bigGoals
			}
			for g := 0; g < goals; g++ {
				text := fmt.Sprintf("ny %s %s", alias, hostileTitle(g))
				if team == 0 && i*bigGoals+g < bigDue {
					text += " frist:" + smallgoals.FormatDate(due)
				}
				run(contact, ch, text)
			}
			f.lastAlias = alias
		}
	}
	e.raw.QueryRow(`SELECT id FROM citizens WHERE alias = $1`, f.lastAlias).Scan(&f.lastID)
	return f
}

// blockCount returns how many blocks a message or view's JSON has.
func blockCount(t *testing.T, raw string) int {
	t.Helper()
	var v struct {
		Blocks json.RawMessage `json:"blocks"`
	}
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	var blocks []json.RawMessage
	json.Unmarshal(v.Blocks, &blocks)
	return len(blocks)
}

// Every surface of the large institution, as Slack gets it: the fake
// Slack checks each payload against Slack's documented limits
// (internal/slackcheck) and refuses it as Slack would; here, what each
// surface must still show.
func TestLargeInstitution(t *testing.T) {
	e := newSlackEnv(t)
	f := largeInstitution(e)

	// The overview: one borger with 5 goals of long hostile titles.
	body := e.slash("UBIG", bigChannel, f.ownCitizen)
	e.checkAnswer(body)
	if plain := jsonUnescape(body); !strings.Contains(plain, "&lt;!channel&gt;") || strings.Contains(plain, "<!channel>") {
		t.Errorf("overview does not escape the titles: %.600s", body)
	}

	// frist: 83 goals due; as many as fit, and a line for the rest.
	body = e.slash("UBIG", bigChannel, "frist")
	e.checkAnswer(body)
	if n := blockCount(t, body); n > commands.MessageBlocks || !strings.Contains(body, "mere, som der ikke er plads til her") {
		t.Errorf("frist: %d blocks, want ≤ %d and a line about the rest: %.300s", n, commands.MessageBlocks, body)
	}

	// The other replies about many things at once.
	note := []rune(strings.Repeat("Lang note med æøå & <tegn> ", 50))[:smallgoals.MaxNoteLen]
	e.checkAnswer(e.slash("UBIG", bigChannel, f.ownCitizen+"-1 5 b:6 "+string(note)))
	for _, text := range []string{"borgere", "team", "hjælp", "help", "vis " + f.ownCitizen + "-1", f.ownCitizen + "-1",
		"adgangslog " + f.ownCitizen, "eksport " + f.ownCitizen, "graf " + f.ownCitizen + "-1", "fortryd"} {
		e.checkAnswer(e.slash("UBIG", bigChannel, text))
	}

	// This round's surfaces on the same data: long hostile reflections, GAS
	// texts, edits and themes on the own borger, the leader's figures over
	// 31 teams, the catalogue, discharged borgere, a borger's charts page.
	own1 := f.ownCitizen + "-1"
	e.bot.AckWithin = 20 * time.Second // the charts page takes a while under -race: its answer in the body
	for i := range 12 {
		e.checkAnswer(e.slash("UBIG", bigChannel, fmt.Sprintf("refleksion om:%s %s", own1, hostileTitle(i))))
	}
	for _, lvl := range []string{"-2", "-1", "0", "+1", "+2"} {
		e.checkAnswer(e.slash("UBIG", bigChannel, "gas "+own1+" "+lvl+" "+hostileTitle(7)))
	}
	e.checkAnswer(e.slash("UBIG", bigChannel, "ret "+own1+" "+hostileTitle(8)+" tema:egenomsorg vægt:3 hver:28"))
	e.checkAnswer(e.slash("UBIG", bigChannel, "ret "+own1+" "+hostileTitle(9)))
	e.checkAnswer(e.slash("UBIG", "C101", "borger udskriv "+bigAlias(1, 0))) // in another team of UBIG's
	body = e.slash("UBIG", "C101", "borgere udskrevne")
	e.checkAnswer(body)
	if !strings.Contains(body, bigAlias(1, 0)) {
		t.Errorf("borgere udskrevne: %.300s", body)
	}
	e.checkAnswer(e.slash("UBIG", bigChannel, own1+" 6 b:7")) // for the charts page
	for _, c := range []struct{ text, want string }{
		{"refleksion vis", "Teamets refleksioner"}, {"vis " + own1, "Ændringer"}, {f.ownCitizen, "Egenomsorg"},
		{"overblik", "Overblik — 31 teams"}, {"temaer", "egenomsorg"},
		{"graf " + f.ownCitizen, "Graferne"}, {"team", "Koordinatorer"},
	} {
		body := e.slash("UBIG", bigChannel, c.text)
		e.checkAnswer(body)
		if !strings.Contains(jsonUnescape(body), c.want) {
			t.Errorf("%s: the answer lacks %q: %.400s", c.text, c.want, body)
		}
	}
	// The forms of this round: edit (after ændres), the reflection form,
	// and the borger's turn in the log form.
	var ownGoal int64
	e.raw.QueryRow(`SELECT g.id FROM goals g JOIN citizens c ON c.id = g.citizen_id WHERE c.alias = $1 AND g.number = 1`, f.ownCitizen).Scan(&ownGoal)
	var bigTeam int64
	e.raw.QueryRow(`SELECT id FROM teams WHERE channel_id = $1`, bigChannel).Scan(&bigTeam)
	for _, action := range []string{fmt.Sprintf("edit:%d", ownGoal), fmt.Sprintf("reflect:%d", bigTeam), fmt.Sprintf("log:%d", ownGoal)} {
		e.interact(map[string]any{"type": "block_actions", "user": map[string]any{"id": "UBIG"}, "channel": map[string]any{"id": bigChannel},
			"actions": []map[string]any{{"action_id": action, "block_id": "b", "type": "button"}}})
	}
	_, meta, _ := view(t, e.fake.lastView(t, "views.update").View)
	e.interact(as("UBIG", viewPayload("block_actions", "V1", meta, []map[string]any{{"action_id": "citizen_turn", "block_id": "citizen_turn", "type": "button"}}, nil)))
	if turn := e.fake.lastView(t, "views.update").View; !strings.Contains(turn, "Hvordan gik det") {
		t.Errorf("the borger's turn did not open: %.300s", turn)
	}

	// App Home: 40 borgere of the user's own, 30 other teams.
	openHome(e, "UBIG", "EvBig")
	home := e.fake.lastHome(t, "UBIG")
	if n := blockCount(t, home.View); n > commands.ViewBlocks || !strings.Contains(home.View, "af dine borgere mere") {
		t.Errorf("home: %d blocks, want ≤ %d and a line about the rest", n, commands.ViewBlocks)
	}

	// The log form lists every borger of UBIG's 31 teams (130, in groups;
	// less the one discharged above).
	e.slash("UBIG", bigChannel, "")
	form := e.fake.lastView(t, "views.update")
	for _, alias := range []string{f.ownCitizen, f.lastAlias} {
		if !strings.Contains(form.View, alias+" · ") {
			t.Errorf("log form does not offer %s", alias)
		}
	}
	// Choosing the last borger, then the goal, then saving.
	_, meta, _ = view(t, form.View)
	e.interact(as("UBIG", viewPayload("block_actions", "V1", meta, selectAction("citizen", fmt.Sprint(f.lastID)), nil)))
	_, meta, _ = view(t, e.fake.lastView(t, "views.update").View)
	var goalID int64
	e.raw.QueryRow(`SELECT id FROM goals WHERE citizen_id = $1`, f.lastID).Scan(&goalID)
	e.interact(as("UBIG", viewPayload("block_actions", "V1", meta, selectAction("goal", fmt.Sprint(goalID)), nil)))
	_, meta, _ = view(t, e.fake.lastView(t, "views.update").View)
	values := map[string]any{fmt.Sprintf("score-%d", goalID): map[string]any{"score": map[string]any{"type": "radio_buttons", "selected_option": map[string]any{"value": "4"}}}}
	status, resp := e.interact(as("UBIG", viewPayload("view_submission", "V1", meta, nil, values)))
	e.checkSubmission(resp)
	if status != 200 || !strings.Contains(resp, "clear") || e.count(`SELECT count(*) FROM entries WHERE goal_id = $1 AND staff_score = 4`, goalID) != 1 {
		t.Errorf("logging on the 130th borger: %d %s", status, resp)
	}

	// The new-goal and revision forms, and a revision's error state.
	e.slash("UBIG", bigChannel, "ny "+f.ownCitizen)
	e.slash("UBIG", bigChannel, "revider "+f.ownCitizen+"-1")
	_, meta, _ = view(t, e.fake.lastView(t, "views.update").View)
	_, resp = e.interact(as("UBIG", viewPayload("view_submission", "V2", meta, nil, map[string]any{
		"gas":     map[string]any{"gas": map[string]any{"type": "radio_buttons", "selected_option": map[string]any{"value": "0"}}},
		"outcome": map[string]any{"outcome": map[string]any{"type": "radio_buttons", "selected_option": map[string]any{"value": "continue"}}},
		"next":    map[string]any{"next": map[string]any{"type": "datepicker", "selected_date": "2001-01-01"}},
	})))
	e.checkSubmission(resp)
	if !strings.Contains(resp, `"errors"`) {
		t.Errorf("revision with a past date: %s", resp)
	}

	// A revisitation DMs the coordinators.
	e.slash("UBIG", bigChannel, "revider "+f.ownCitizen+"-2 -1 revisitation Borgeren ønsker et andet tilbud")
	if dms := e.postsTo("DUCOORD"); len(dms) == 0 {
		t.Error("no revisitation DM to the coordinator")
	}

	// The reminder DMs on the day the 83 goals are due.
	rem := &reminders.Reminder{Store: e.db, Post: e.slack, Text: e.handler, Calendar: reminders.NewCalendar(), Log: slog.New(slog.DiscardHandler),
		IsMember: func(ctx context.Context, team smallgoals.Team, user string) (bool, error) {
			return e.slack.IsMember(ctx, nil, team, user)
		}}
	loc := smallgoals.Location("Europe/Copenhagen")
	at := time.Date(f.dueDay.Year(), f.dueDay.Month(), f.dueDay.Day(), 9, 0, 0, 0, loc)
	if res, err := rem.Remind(context.Background(), at); err != nil || res.DMs == 0 {
		t.Fatalf("reminders: %+v %v", res, err)
	}
	dms := e.postsTo("DUBIG")
	if len(dms) == 0 || !strings.Contains(dms[len(dms)-1].Blocks, "mere") {
		t.Errorf("UBIG's reminder DM does not say what is left out: %+v", dms)
	}

	// The digests: every team private but one.
	e.fake.mu.Lock()
	e.fake.public = map[string]bool{"C105": true}
	e.fake.mu.Unlock()
	d := &reminders.Digester{Store: e.db, Post: e.slack, Text: e.handler, Calendar: reminders.NewCalendar(), Log: slog.New(slog.DiscardHandler),
		Chart: func(string, []smallgoals.DigestGoal, string) ([]byte, error) { return []byte("png"), nil }}
	monday := time.Now().AddDate(0, 0, 1)
	for monday.Weekday() != time.Monday {
		monday = monday.AddDate(0, 0, 1)
	}
	if res, err := d.Digest(context.Background(), time.Date(monday.Year(), monday.Month(), monday.Day(), 12, 0, 0, 0, loc)); err != nil || res.Posted+res.CountsOnly < bigTeams-2 {
		t.Fatalf("digests: %+v %v", res, err)
	}

	// Nothing the others receive holds a live mention or link.
	for _, p := range e.fake.postsCopy() {
		for _, live := range []string{"<!channel>", "<!here>", "<@UEVIL>", "<https://evil"} {
			if strings.Contains(p.Text, live) || strings.Contains(p.Blocks, live) {
				t.Errorf("a post to %s holds a live %s: %.300s", p.Channel, live, p.Text)
			}
		}
	}
}

// as makes an interaction payload come from user.
func as(user string, payload map[string]any) map[string]any {
	payload["user"] = map[string]any{"id": user}
	return payload
}

// jsonUnescape undoes encoding/json's escapes of < > &.
func jsonUnescape(s string) string {
	return strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(s)
}

// postsTo returns the messages posted to a channel.
func (e *slackEnv) postsTo(channel string) []fakePost {
	var out []fakePost
	for _, p := range e.fake.postsCopy() {
		if p.Channel == channel {
			out = append(out, p)
		}
	}
	return out
}

// An App Home button in HTTP mode: Slack sends the whole view back with
// the click. For the largest Home the bot makes, that request fits the
// body cap and the button works.
func TestLargeHomeButtonFitsBodyCap(t *testing.T) {
	e := newSlackEnv(t)
	largeInstitution(e)
	openHome(e, "UBIG", "EvHome")
	home := e.fake.lastHome(t, "UBIG")
	var v map[string]any
	json.Unmarshal([]byte(home.View), &v)
	v["id"], v["hash"], v["team_id"], v["state"] = "VHOME", "hash", e.fake.teamID, map[string]any{"values": map[string]any{}}
	var goalID int64
	e.raw.QueryRow(`SELECT id FROM goals ORDER BY id LIMIT 1`).Scan(&goalID)
	payload := map[string]any{"type": "block_actions", "team": map[string]any{"id": e.fake.teamID}, "user": map[string]any{"id": "UBIG"},
		"trigger_id": randomID(), "view": v,
		"actions": []map[string]any{{"action_id": fmt.Sprintf("log:%d", goalID), "block_id": "b", "type": "button", "value": fmt.Sprint(goalID)}}}
	b, _ := json.Marshal(payload)
	body := url.Values{"payload": {string(b)}}.Encode()
	t.Logf("App Home: %d bytes as a view, %d bytes as Slack's button request (cap %d)", len(home.View), len(body), bot.MaxBody)
	if len(body) > bot.MaxBody {
		t.Fatalf("the Home button's request is %d bytes, over the cap of %d", len(body), bot.MaxBody)
	}
	opened := e.fake.called("views.open")
	if status, _ := e.post("/slack/interactions", body, sign(body, time.Now(), testSecret)); status != http.StatusOK {
		t.Fatalf("Home button refused: %d", status)
	}
	e.bot.Wait()
	if e.fake.called("views.open") != opened+1 {
		t.Error("the Home button opened no form")
	}
}

// Forms open inside Slack's trigger window (3 s) for a user on 31 teams
// with Slack answering in 250 ms: by command, by button in App Home and a
// DM, and by the message shortcut.
func TestFormsOpenWithinTriggerWindow(t *testing.T) {
	e := newSlackEnv(t)
	f := largeInstitution(e)
	var goalID, citizenID int64
	e.raw.QueryRow(`SELECT g.id, c.id FROM goals g JOIN citizens c ON c.id = g.citizen_id WHERE c.alias = $1 ORDER BY g.id LIMIT 1`, f.ownCitizen).Scan(&goalID, &citizenID)
	e.fake.setLatency(250 * time.Millisecond)
	e.slack.ForgetAll()
	button := func(action string, id int64) func() {
		return func() {
			e.interact(map[string]any{"type": "block_actions", "user": map[string]any{"id": "UBIG"}, "channel": map[string]any{"id": bigChannel},
				"actions": []map[string]any{{"action_id": fmt.Sprintf("%s:%d", action, id), "block_id": "b", "type": "button"}}})
		}
	}
	for _, c := range []struct {
		name string
		do   func()
	}{
		{"/maal", func() { e.slash("UBIG", bigChannel, "") }},
		{"ny ALIAS", func() { e.slash("UBIG", bigChannel, "ny "+f.ownCitizen) }},
		{"revider REF", func() { e.slash("UBIG", bigChannel, "revider "+f.ownCitizen+"-1") }},
		{"log button", button(commands.ActLog, goalID)},
		{"revise button", button(commands.ActRevise, goalID)},
		{"new-goal button", button(commands.ActNew, citizenID)},
		{"shortcut", func() {
			e.interact(map[string]any{"type": "message_action", "callback_id": "log_from_message", "user": map[string]any{"id": "UBIG"},
				"channel": map[string]any{"id": bigChannel}, "message": map[string]any{"text": "Tog bussen", "ts": "1.1"}})
		}},
	} {
		e.slack.ForgetAll()
		start := time.Now()
		c.do()
		var open, filled time.Time
		looked := map[string]bool{} // channels whose members were asked for before views.open
		for _, call := range e.fake.callsSince(start) {
			switch {
			case call.Method == "views.open":
				open = call.At
			case call.Method == "views.update" && !open.IsZero() && filled.IsZero():
				filled = call.At
			case call.Method == "conversations.members" && open.IsZero():
				looked[call.Channel] = true
			}
		}
		lookups := len(looked)
		if open.IsZero() {
			t.Errorf("%s: no views.open", c.name)
			continue
		}
		t.Logf("%s: views.open after %v, %d membership lookups before it, filled in after %v", c.name,
			open.Sub(start).Round(time.Millisecond), lookups, filled.Sub(start).Round(time.Millisecond))
		if d := open.Sub(start); d > 1500*time.Millisecond || lookups > 1 {
			t.Errorf("%s: views.open after %v and %d membership lookups; Slack's trigger_id lasts 3 s", c.name, d, lookups)
		}
		// Filling it in takes a few Slack calls, not one a team.
		if filled.IsZero() || filled.Sub(start) > 3*time.Second {
			t.Errorf("%s: the form was filled in after %v", c.name, filled.Sub(start))
		}
	}
	// The forms were filled in after: the last has the borger select.
	if v := e.fake.lastView(t, "views.update"); !strings.Contains(v.View, f.ownCitizen) {
		t.Errorf("the form was not filled in: %.300s", v.View)
	}
}

// checkAnswer fails the test unless body, a slash command's HTTP answer,
// is a message Slack accepts.
func (e *slackEnv) checkAnswer(body string) {
	e.t.Helper()
	if body == "" {
		return
	}
	if err := errors.Join(slackcheck.Message([]byte(body)), slackcheck.MessageLive([]byte(body), e.fake.people()...)); err != nil {
		e.t.Errorf("Slack would refuse the answer: %v", err)
	}
}

// checkSubmission fails the test unless resp, a view_submission's
// acknowledgement, is one Slack accepts for the form the user has open.
func (e *slackEnv) checkSubmission(resp string) {
	e.t.Helper()
	if resp == "" {
		return
	}
	if err := slackcheck.SubmissionResponse([]byte(resp), e.fake.lastModal()); err != nil {
		e.t.Errorf("Slack would refuse the acknowledgement: %v", err)
	}
}
