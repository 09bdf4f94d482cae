package commands

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"time"

	"smallgoals"
)

// FormData is what a form shows a user: the choices they may make, in
// their language. Only citizens of the user's own teams are in it.
type FormData struct {
	Kind     string
	Lang     string
	Today    time.Time
	Citizens []CitizenChoice // the user's citizens, most recently used first
	Citizen  *CitizenChoice  // the one chosen, if any
	Goals    []smallgoals.GoalOverview
	Goal     *smallgoals.GoalOverview // the one chosen, if any
	Plans    []smallgoals.PlanGoal    // the chosen citizen's plan goals
	Recent   []smallgoals.Entry       // the chosen goal's latest entries
	// RevisedToday tells that the chosen goal has a revision today: the
	// revision form asks to confirm another.
	RevisedToday bool
	// Themes is the theme catalogue, for the new-goal and edit forms' select.
	Themes []ThemeChoice
}

// ThemeChoice is a theme as a form lists it, named in the user's language.
type ThemeChoice struct {
	Code, Label string
}

// CitizenChoice is a citizen as a form lists it.
type CitizenChoice struct {
	ID     int64
	Alias  string
	Team   string
	TeamID int64
}

// Ref returns a goal's ref for the chosen citizen.
func (d FormData) Ref(g smallgoals.Goal) string {
	if d.Citizen == nil {
		return ""
	}
	return ref(d.Citizen.Alias, g)
}

// T translates a message for a form, in the user's language.
func (h *Handler) T(lang, id string, kv ...any) string {
	return h.msg.T(lang, id, append([]any{"Cmd", "/maal"}, kv...)...)
}

// Date shows the civil date d in lang (27.11.2026, 27 Nov 2026) and
// ShortDate with its weekday (fre 27. nov.), for the transports and jobs.
func (h *Handler) Date(lang string, d time.Time) string      { return h.msg.Date(lang, d) }
func (h *Handler) ShortDate(lang string, d time.Time) string { return h.msg.ShortDate(lang, d) }

// N is a count with its noun in lang ("1 registrering").
func (h *Handler) N(lang, noun string, count int) string { return h.msg.N(lang, noun, count) }

// Lang returns the language a reply to the user of req is in.
func (h *Handler) Lang(ctx context.Context, req Request) string {
	req = h.normalize(req)
	lang := h.lang
	err := h.store.InTx(ctx, func(tx Tx) error {
		c := &call{h: h, ctx: ctx, tx: tx, req: req}
		if err := c.chooseLang(""); err != nil {
			return err
		}
		lang = c.lang
		return nil
	})
	if err != nil {
		h.log.WarnContext(ctx, "language not found", "user", req.UserID, "err", err)
	}
	return lang
}

// Form returns the content of form m for the user of req: the one place
// where a form, opened or updated, decides what it may show and audits it
// (a form opened by a command, a button, the message shortcut or a bare
// /maal; updated after a choice in it). A citizen or goal the user may
// not see is left out, as if not chosen, and the refusal is audited about
// it; a form opened in a team's channel by someone not on the team (a
// guest) is refused as every command there is, audited about the team.
// What the form shows is audited as allowed: the chosen citizen (and
// goal), and the teams whose borgere the log form's choice lists.
func (h *Handler) Form(ctx context.Context, req Request, m Modal) (FormData, error) {
	req = h.normalize(req)
	d := FormData{Kind: m.Kind}
	err := h.store.InTx(ctx, func(tx Tx) error {
		c := &call{h: h, ctx: ctx, tx: tx, req: req}
		if err := c.chooseLang(""); err != nil {
			return err
		}
		d.Lang = c.lang
		if m.Kind == FormNew || m.Kind == FormEdit {
			for _, th := range h.themes.List {
				d.Themes = append(d.Themes, ThemeChoice{Code: th.Code, Label: h.themes.Label(c.lang, th.Code)})
			}
		}
		teams, err := c.myTeams()
		if err != nil {
			return err
		}
		d.Today = smallgoals.Day(req.Time, h.location)
		ids, byID := index(teams)
		cs, err := tx.ListRecentCitizens(ctx, req.UserID, ids)
		if err != nil {
			return err
		}
		for _, ct := range cs {
			d.Citizens = append(d.Citizens, CitizenChoice{ID: ct.ID, Alias: ct.Alias, Team: byID[ct.TeamID].Name, TeamID: ct.TeamID})
		}
		f, goal, err := c.formChoice(m)
		if err != nil {
			return err
		}
		if m.Kind == FormLog {
			// The borger choice lists the aliases of the user's teams.
			if err := c.auditListed(teams, cs); err != nil {
				return err
			}
		}
		if m.Kind == FormReflect {
			// The borgere of the channel's team only, if the caller is on it.
			var err error
			if d.Citizens, f, err = c.reflectChoice(d.Citizens, f); err != nil {
				return err
			}
		}
		if f == nil {
			return nil
		}
		i := slices.IndexFunc(d.Citizens, func(ch CitizenChoice) bool { return ch.ID == f.citizen.ID })
		if i < 0 {
			// On the team by Slack's word now, though not a moment ago.
			d.Citizens = append(d.Citizens, CitizenChoice{ID: f.citizen.ID, Alias: f.citizen.Alias, Team: f.team.Name, TeamID: f.team.ID})
			i = len(d.Citizens) - 1
		}
		d.Citizen = &d.Citizens[i]
		d.Today = smallgoals.Day(req.Time, f.team.Location())
		if d.Goals, err = tx.ListGoalOverviews(ctx, f.citizen.ID); err != nil {
			return err
		}
		if d.Plans, err = tx.ListPlanGoals(ctx, f.citizen.ID); err != nil {
			return err
		}
		var shown *smallgoals.Goal
		if goal != nil {
			for i := range d.Goals {
				if d.Goals[i].ID == goal.ID {
					d.Goal = &d.Goals[i]
					shown = &d.Goal.Goal
				}
			}
		}
		if d.Goal != nil {
			if d.Recent, err = tx.ListGoalEntries(ctx, d.Goal.ID, 5); err != nil {
				return err
			}
		}
		if d.Goal != nil && m.Kind == FormRevise {
			if d.RevisedToday, err = tx.HasRevisionOn(ctx, d.Goal.ID, d.Today); err != nil {
				return err
			}
		}
		return c.audit(smallgoals.ActCitizenView, &f.team, &f.citizen, shown, f.citizen.Alias, true)
	})
	if err != nil {
		h.log.ErrorContext(ctx, "form failed", "user", req.UserID, "form", m.Kind, "err", err)
	}
	return d, err
}

// formChoice decides what form m is about for the caller: the citizen
// (and goal) it names, if the caller may see it; nil if it names none, or
// one the caller may not see (the refusal audited). A form about no
// citizen, in a team's channel the caller is not on, is audited refused.
func (c *call) formChoice(m Modal) (*found, *smallgoals.Goal, error) {
	var goal *smallgoals.Goal
	if m.GoalID != 0 {
		g, err := c.tx.FindGoal(c.ctx, m.GoalID)
		switch smallgoals.ErrorCode(err) {
		case "":
			goal, m.CitizenID = &g, g.CitizenID
		case smallgoals.ENOTFOUND: // no such goal: nothing about a borger to refuse
		default:
			return nil, nil, err
		}
	}
	if m.CitizenID == 0 {
		_, err := c.channelTeam(smallgoals.ActCitizenList)
		var ue *smallgoals.Error
		if errors.As(err, &ue) && ue.Code != smallgoals.EINTERNAL {
			err = nil // no team here, or not the caller's: refused and audited
		}
		return nil, nil, err
	}
	f, err := c.citizenByID(m.CitizenID, goal, smallgoals.ActCitizenView, smallgoals.Errorf(smallgoals.ENOTFOUND, "err.unknown_goal"))
	if smallgoals.ErrorCode(err) == smallgoals.ENOTFOUND {
		return nil, nil, nil // not the caller's, audited; or gone
	}
	if err != nil {
		return nil, nil, err
	}
	return &f, goal, nil
}

// reflectChoice narrows the reflection form's borgere to the channel's
// team, if the caller is on it (audited as listed), and drops a chosen
// borger of another team.
func (c *call) reflectChoice(cs []CitizenChoice, f *found) ([]CitizenChoice, *found, error) {
	t, err := c.currentTeam()
	if err != nil || t == nil {
		return nil, nil, err
	}
	ok, err := c.h.members.IsMember(c.ctx, c.tx, *t, c.req.UserID)
	if err != nil || !ok {
		return nil, nil, err // formChoice audited the refusal
	}
	var mine []CitizenChoice
	for _, ch := range cs {
		if ch.TeamID == t.ID {
			mine = append(mine, ch)
		}
	}
	if f != nil && f.team.ID != t.ID {
		f = nil
	}
	if len(mine) > 0 {
		if err := c.audit(smallgoals.ActCitizenList, t, nil, nil, "", true); err != nil {
			return nil, nil, err
		}
	}
	return mine, f, nil
}

// auditListed audits, for each of teams whose citizens cs holds, that
// the caller was shown the team's aliases.
func (c *call) auditListed(teams []smallgoals.Team, cs []smallgoals.Citizen) error {
	for i := range teams {
		if !slices.ContainsFunc(cs, func(ct smallgoals.Citizen) bool { return ct.TeamID == teams[i].ID }) {
			continue
		}
		if err := c.audit(smallgoals.ActCitizenList, &teams[i], nil, nil, "", true); err != nil {
			return err
		}
	}
	return nil
}

// index returns the teams' IDs and the teams by ID.
func index(teams []smallgoals.Team) ([]int64, map[int64]*smallgoals.Team) {
	ids := make([]int64, len(teams))
	byID := make(map[int64]*smallgoals.Team, len(teams))
	for i := range teams {
		ids[i] = teams[i].ID
		byID[teams[i].ID] = &teams[i]
	}
	return ids, byID
}

// myTeams returns the teams the caller is on.
func (c *call) myTeams() ([]smallgoals.Team, error) {
	all, err := c.tx.ListTeams(c.ctx)
	if err != nil {
		return nil, err
	}
	if f, ok := c.h.members.(TeamFinder); ok {
		return f.TeamsOf(c.ctx, all, c.req.UserID)
	}
	var mine []smallgoals.Team
	for _, t := range all {
		ok, err := c.h.members.IsMember(c.ctx, c.tx, t, c.req.UserID)
		if err != nil {
			var ue *smallgoals.Error
			if errors.As(err, &ue) {
				continue // a channel the bot cannot see: not one of mine here
			}
			return nil, err
		}
		if ok {
			mine = append(mine, t)
		}
	}
	return mine, nil
}

// Submission is a filled form. Values holds its fields by name:
//
//	log:    score, citizen_score, date, note
//	new:    title, plan, scale, target, every, due, gas-2 … gas+2
//	revise: gas, outcome, took_part (yes|no), reflection, next, confirm (yes: another revision today)
//	reflect: reflection (the citizen and goal chosen, optional)
type Submission struct {
	Kind      string
	CitizenID int64
	GoalID    int64
	Values    map[string]string
}

// fields maps a refusal's message to the form field it is about.
var fields = map[string]map[string]string{
	FormLog: {
		"err.score_needed": "score", "err.score_range": "score", "err.citizen_score_range": "citizen_score",
		"err.score_or_citizen": "score", "err.score_fraction": "score", "err.score_word": "score",
		"err.citizen_score_fraction": "citizen_score", "err.citizen_score_word": "citizen_score",
		"err.date": "date", "err.day": "date", "err.date_future": "date", "err.date_old": "date",
		"err.note_long": "note", "err.cpr": "note", "err.control": "note",
	},
	FormNew: {
		"err.title_needed": "title", "err.title_long": "title", "err.cpr": "title", "err.control": "title", "err.new_args": "title",
		"err.scale": "scale", "err.target": "target", "err.every": "every", "err.date": "due",
		"err.due_past": "due", "err.plan_unknown": "plan", "err.plan_option": "plan", "err.theme_unknown": "theme",
	},
	FormEdit: {
		"err.title_needed": "title", "err.title_long": "title", "err.cpr": "title", "err.control": "title",
		"err.target": "target", "err.edit_target_off_scale": "target", "err.every": "every",
		"err.date": "due", "err.due_past": "due", "err.theme_unknown": "theme",
	},
	FormReflect: {
		"err.reflection_needed": "reflection", "err.reflection_long": "reflection", "err.cpr": "reflection", "err.control": "reflection",
		"err.reflection_other_team": "citizen",
	},
	FormRevise: {
		"err.gas": "gas", "err.outcome": "outcome", "err.yes_no": "took_part", "err.note_long": "reflection",
		"err.cpr": "reflection", "err.control": "reflection", "err.date": "next", "err.next_past": "next", "err.next_on_close": "next",
		"err.took_part_needed": "took_part", "err.revise_again": "confirm",
	},
}

// GeneralField is the field a refusal not about one field is shown on.
const GeneralField = "general"

// Submit saves a filled form as the matching command would, with the same
// checks, authorization and audit. It returns the confirmation, or the
// refusals by field (GeneralField for one about the whole form).
func (h *Handler) Submit(ctx context.Context, req Request, s Submission) (Reply, map[string]string) {
	req = h.normalize(req)
	v := make(map[string]string, len(s.Values))
	for k, x := range s.Values {
		v[k] = normalizeText(x) // what is checked is what is stored
	}
	free := v["note"]
	p := parsed{citizenID: s.CitizenID, goalID: s.GoalID, opts: map[string]string{}, free: &free}
	opt := func(name, field string) {
		if x := v[field]; x != "" {
			p.opts[name] = x
		}
	}
	switch s.Kind {
	case FormLog:
		p.cmd = cmdLog
		p.args = []string{"", v["score"]}
		if v["score"] == "" {
			p.args = p.args[:1]
		}
		opt("citizen", "citizen_score")
		opt("date", "date")
	case FormNew:
		p.cmd = cmdNew
		p.args = []string{""}
		free = v["title"]
		for _, o := range []string{"plan", "scale", "target", "every", "due", "theme"} {
			opt(o, o)
		}
		for i := smallgoals.GASMin; i <= smallgoals.GASMax; i++ {
			if x := v["gas"+smallgoals.FormatGASLevel(i)]; x != "" {
				p.opts["gas"+strconv.Itoa(i)] = x
			}
		}
	case FormEdit:
		// The form shows the goal's settings as they are: a field left as
		// it was changes nothing (goalChanges compares).
		p.cmd = cmdEdit
		p.args = []string{""}
		free = v["title"]
		for _, o := range []string{"target", "every", "due", "theme"} {
			opt(o, o)
		}
	case FormRevise:
		p.cmd = cmdRevise
		p.args = []string{"", v["gas"], v["outcome"]}
		free = v["reflection"]
		opt("next", "next")
		opt("confirm", "confirm")
		if x := v["took_part"]; x != "" {
			p.opts["citizen"] = x
		}
	case FormReflect:
		p.cmd = cmdReflect
		free = v["reflection"]
	default:
		return textReply(h.msg.T(h.lang, "err.internal")), map[string]string{GeneralField: h.msg.T(h.lang, "err.internal")}
	}
	texts := []string{free}
	for _, x := range v {
		texts = append(texts, x)
	}
	var reply Reply
	var refusal *smallgoals.Error
	if p.cmd == cmdLog {
		reply, refusal = h.logScore(ctx, req, p, texts) // the one path of every score
	} else {
		reply, refusal = h.answer(ctx, req, p, nil, texts...)
	}
	if refusal == nil {
		return reply, nil
	}
	field := fields[s.Kind][refusal.MsgID]
	if field == "" {
		field = GeneralField
	}
	msg := reply.Text()
	if len(reply.Blocks) > 0 {
		msg = reply.Blocks[0].Text // without the usage line, which is about typing
	}
	return reply, map[string]string{field: msg}
}
