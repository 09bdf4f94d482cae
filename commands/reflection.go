package commands

import (
	"cmp"
	"strings"
	"unicode/utf8"

	"smallgoals"
)

// The team's reflection at the staff meeting: what the team concluded,
// recorded in the team's channel for the ISO week of the day it is
// written, about the team's week or, with om:ALIAS or om:REF (a form's
// choice in Slack), about one borger or goal. The digest only says that
// one exists; vis REF, /maal ALIAS, refleksion vis and the export show it
// to the team.

// reflectionWeeks is how far back refleksion vis looks.
const reflectionWeeks = 8

// reflectionsShown caps the reflections vis REF and /maal ALIAS show.
const reflectionsShown = 5

// runReflect records a reflection: refleksion [om:ALIAS|REF] TEKST. In
// Slack without text it opens the form; in the shell it shows the usage.
func (c *call) runReflect() (Reply, error) {
	team, err := c.channelTeam(smallgoals.ActReflectionCreate)
	if smallgoals.ErrorCode(err) == smallgoals.ENOTFOUND {
		return Reply{}, c.invalid("err.reflection_channel")
	}
	if err != nil {
		return Reply{}, err
	}
	text := c.freeText(c.p.args)
	if text == "" {
		if c.req.Modals && c.p.free == nil {
			return Reply{Modal: &Modal{Kind: FormReflect}}, nil
		}
		return Reply{}, c.invalid("err.reflection_needed")
	}
	if n := utf8.RuneCountInString(text); n > smallgoals.MaxNoteLen {
		return Reply{}, c.invalid("err.reflection_long", "Max", smallgoals.MaxNoteLen, "Len", n)
	}
	var about *found
	var goal *smallgoals.Goal
	switch v := c.p.opts["about"]; {
	case c.p.goalID != 0:
		f, g, err := c.goalByID(c.p.goalID, smallgoals.ActReflectionCreate)
		if err != nil {
			return Reply{}, err
		}
		about, goal = &f, &g
	case c.p.citizenID != 0:
		f, err := c.citizenByID(c.p.citizenID, nil, smallgoals.ActReflectionCreate,
			smallgoals.Errorf(smallgoals.ENOTFOUND, "err.unknown_goal"))
		if err != nil {
			return Reply{}, err
		}
		about = &f
	case v == "":
	case isGoalRef(v):
		f, g, err := c.goal(v, smallgoals.ActReflectionCreate)
		if err != nil {
			return Reply{}, err
		}
		about, goal = &f, &g
	default:
		if _, err := smallgoals.CheckAlias(v); err != nil {
			return Reply{}, c.invalid("err.reflection_about", "Value", Escape(clip(v, 20)))
		}
		f, err := c.citizenByAlias(v, smallgoals.ActReflectionCreate)
		if err != nil {
			return Reply{}, err
		}
		about = &f
	}
	r := smallgoals.Reflection{TeamID: team.ID, Author: c.req.UserID, Day: c.today(&team), WrittenAt: c.req.Time, Text: text}
	what := ""
	var citizen *smallgoals.Citizen
	if about != nil {
		if about.team.ID != team.ID {
			// The team reflects on its own borgere, in its own channel.
			if err := c.audit(smallgoals.ActReflectionCreate, &about.team, &about.citizen, goal, about.citizen.Alias, false); err != nil {
				return Reply{}, err
			}
			return Reply{}, smallgoals.Errorf(smallgoals.EINVALID, "err.reflection_other_team",
				"Alias", about.citizen.Alias, "Team", Escape(team.Name))
		}
		citizen = &about.citizen
		r.CitizenID = &about.citizen.ID
		what = about.citizen.Alias
		if goal != nil {
			if goal.CitizenID != about.citizen.ID {
				return Reply{}, smallgoals.Errorf(smallgoals.EINTERNAL, "err.internal")
			}
			r.GoalID = &goal.ID
			what = ref(about.citizen.Alias, *goal)
		}
	}
	if err := c.tx.CreateReflection(c.ctx, &r); err != nil {
		return Reply{}, err
	}
	if err := c.audit(smallgoals.ActReflectionCreate, &team, citizen, goal, what, true); err != nil {
		return Reply{}, err
	}
	var out Reply
	if what == "" {
		out = textReply(c.t("reflection.saved", "Week", r.Week))
	} else {
		out = textReply(c.t("reflection.saved_about", "Week", r.Week, "About", what))
	}
	out.add(Context, c.t("reflection.saved_hint"))
	return out, nil
}

// runReflectShow lists the team's reflections of the last weeks in its
// channel: refleksion vis. Words after vis are a reflection that starts
// with the word "vis".
func (c *call) runReflectShow() (Reply, error) {
	if len(c.p.args) > 0 {
		c.p.args = append([]string{"vis"}, c.p.args...)
		c.p.cmd = cmdReflect
		return c.runReflect()
	}
	team, err := c.channelTeam(smallgoals.ActReflectionView)
	if smallgoals.ErrorCode(err) == smallgoals.ENOTFOUND {
		return Reply{}, c.invalid("err.reflection_channel")
	}
	if err != nil {
		return Reply{}, err
	}
	since := c.today(&team).AddDate(0, 0, -7*reflectionWeeks)
	rs, err := c.tx.ListTeamReflections(c.ctx, team.ID, since, 50)
	if err != nil {
		return Reply{}, err
	}
	if err := c.audit(smallgoals.ActReflectionView, &team, nil, nil, "", true); err != nil {
		return Reply{}, err
	}
	// Each borger whose reflection is shown is in the access log.
	seen := map[int64]bool{}
	for _, x := range rs {
		if x.CitizenID == nil || seen[*x.CitizenID] {
			continue
		}
		seen[*x.CitizenID] = true
		ct := smallgoals.Citizen{ID: *x.CitizenID, TeamID: team.ID}
		if err := c.audit(smallgoals.ActReflectionView, &team, &ct, nil, x.Alias, true); err != nil {
			return Reply{}, err
		}
	}
	var r Reply
	r.add(Header, c.t("reflection.title", "Team", Escape(team.Name)))
	if len(rs) == 0 {
		r.add(Section, c.t("reflection.none", "Weeks", reflectionWeeks))
		return r, nil
	}
	var items []Block
	for _, x := range rs {
		items = append(items, Block{Kind: Section, Text: c.reflectionLine(x)})
	}
	r.Fit(c.req.MaxBlocks, items, 0, func(shown int) Block {
		return Block{Kind: Context, Text: c.t("reflection.more", "Count", len(items)-shown)}
	})
	return r, nil
}

// reflectionLine is one reflection as vis, /maal ALIAS and refleksion
// vis show it: its week, day, author and what it is about, then the text.
func (c *call) reflectionLine(x smallgoals.Reflection) string {
	head := c.t("reflection.line", "Week", x.Week, "Date", c.date(x.Day), "User", mention(x.Author))
	if a := x.About(); a != "" {
		head += " · " + c.t("reflection.about", "About", a)
	}
	return head + "\n> " + Escape(x.Text)
}

// reflectionsBlock adds the latest reflections to a view (vis REF, /maal
// ALIAS), if there are any.
func (c *call) reflectionsBlock(r *Reply, rs []smallgoals.Reflection) {
	if len(rs) == 0 {
		return
	}
	if len(rs) > reflectionsShown {
		rs = rs[:reflectionsShown]
	}
	lines := make([]string, len(rs))
	for i, x := range rs {
		lines[i] = c.reflectionLine(x)
	}
	r.add(Section, "*"+c.t("reflection.heading")+"*")
	r.add(Section, strings.Join(lines, "\n"))
}

// reflectionRows are the reflections about a borger as export rows (the
// CSV's columns: kind, ref, …, date, …, text, by, written).
func (c *call) reflectionRows(f found, rs []smallgoals.Reflection) [][]string {
	rows := make([][]string, 0, len(rs))
	for i := len(rs) - 1; i >= 0; i-- { // oldest first, as the other rows
		x := rs[i]
		row := make([]string, 14)
		row[0], row[1] = c.t("export.kind_reflection"), cmp.Or(x.About(), f.citizen.Alias)
		row[4] = smallgoals.FormatDate(x.Day)
		row[10], row[11], row[12] = x.Text, x.Author, localTime(x.WrittenAt, f.team.Location())
		rows = append(rows, row)
	}
	return rows
}
