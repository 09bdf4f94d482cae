package commands

import (
	"fmt"
	"strings"
	"time"

	"smallgoals"
)

// runOverview shows a citizen's active goals: /maal ALIAS.
func (c *call) runOverview() (Reply, error) {
	f, err := c.citizenByAlias(c.p.args[0], smallgoals.ActCitizenView)
	if smallgoals.ErrorCode(err) == smallgoals.ENOTFOUND && c.p.citizenID == 0 && mistyped(c.p.args[0]) {
		// A word alone that is no borger of mine may be a command mistyped.
		return Reply{}, smallgoals.Errorf(smallgoals.ENOTFOUND, "err.unknown_word",
			"Alias", Escape(clip(smallgoals.AliasKey(c.p.args[0]), 20)), "Suggest", nearest(c.p.args[0]))
	}
	if err != nil {
		return Reply{}, err
	}
	goals, err := c.tx.ListGoalOverviews(c.ctx, f.citizen.ID)
	if err != nil {
		return Reply{}, err
	}
	plans, err := c.tx.ListPlanGoals(c.ctx, f.citizen.ID)
	if err != nil {
		return Reply{}, err
	}
	if err := c.audit(smallgoals.ActCitizenView, &f.team, &f.citizen, nil, f.citizen.Alias, true); err != nil {
		return Reply{}, err
	}
	alias := f.citizen.Alias
	today := c.today(&f.team)
	var r Reply
	r.add(Header, c.t("overview.title", "Alias", alias, "Count", len(goals)))
	r.add(Context, c.t("overview.contact", "User", mention(f.citizen.ContactUser), "Team", Escape(f.team.Name)))
	if err := c.historyBlock(&r, f, nil); err != nil {
		return Reply{}, err
	}
	if len(plans) > 0 {
		var lines []string
		var closed []string // after the open ones
		for _, p := range plans {
			pref := smallgoals.Ref{Alias: alias, Plan: true, N: p.Number}.String()
			if p.ClosedAt != nil {
				closed = append(closed, c.t("overview.plan_closed", "Ref", pref, "Title", Escape(p.Title),
					"Date", c.date(smallgoals.Day(*p.ClosedAt, f.team.Location()))))
				continue
			}
			line := "*" + pref + "* " + Escape(p.Title)
			if p.Theme != "" {
				line += " · " + c.t("goal.fact_theme", "Theme", c.themeLabel(p.Theme))
			}
			lines = append(lines, line)
		}
		lines = append(lines, closed...)
		r.add(Context, strings.Join(lines, "\n"))
	}
	if len(goals) == 0 {
		r.add(Section, c.t("overview.no_goals", "Alias", alias))
	}
	var items []Block
	for _, o := range goals {
		line := "*" + ref(alias, o.Goal) + "* " + Escape(o.Title)
		if o.PlanNumber != nil {
			line += " _(" + smallgoals.Ref{Alias: alias, Plan: true, N: *o.PlanNumber}.String() + ")_"
		}
		var facts []string
		if o.LastDay == nil {
			facts = append(facts, c.t("overview.no_entries"))
		} else {
			facts = append(facts, c.latestText(o))
			if tr := trend(o.Scale(), o.Recent); tr != "" {
				facts = append(facts, tr)
			}
		}
		if o.Target != nil {
			facts = append(facts, c.t("goal.fact_target", "Target", *o.Target))
		}
		if o.Theme != "" {
			facts = append(facts, c.t("goal.fact_theme", "Theme", c.themeLabel(o.Theme)))
		}
		if o.RevisitAt != nil {
			facts = append(facts, c.waitingText(o.Goal, &f.team))
		}
		next := *o.NextRevision
		if next.Before(today) {
			facts = append(facts, c.t("overview.overdue", "Date", c.date(next)))
		} else {
			facts = append(facts, c.t("goal.fact_next", "Date", c.date(next)))
		}
		b := Block{Kind: Section, Text: line + "\n" + strings.Join(facts, " · ")}
		if c.req.Modals {
			gref := ref(alias, o.Goal)
			b.Buttons = []Button{{Label: c.t("button.log", "Ref", gref), Action: ActLog, Value: fmt.Sprint(o.ID), Primary: true},
				{Label: c.t("button.revise_ref", "Ref", gref), Action: ActRevise, Value: fmt.Sprint(o.ID)}}
		}
		items = append(items, b)
	}
	var newButton []Block
	if c.req.Modals {
		newButton = append(newButton, Block{Kind: Section, Buttons: []Button{{Label: c.t("button.new"), Action: ActNew, Value: fmt.Sprint(f.citizen.ID)}}})
	}
	// The team's latest reflections about the borger (reflection.go).
	refl, err := c.tx.ListCitizenReflections(c.ctx, f.citizen.ID, time.Time{}, time.Time{})
	if err != nil {
		return Reply{}, err
	}
	var after Reply
	c.reflectionsBlock(&after, refl)
	r.Fit(c.req.MaxBlocks, items, len(newButton)+len(after.Blocks), func(shown int) Block {
		return Block{Kind: Context, Text: c.t("overview.more", "Count", len(items)-shown, "Alias", alias)}
	})
	r.Blocks = append(r.Blocks, after.Blocks...)
	r.Blocks = append(r.Blocks, newButton...)
	return r, nil
}

// latestText shows a goal's latest counting entry: its own pair of scores
// and its day. When that entry has no borger score but an earlier one has,
// the borger's latest is shown apart, with its day — never as the pair.
func (c *call) latestText(o smallgoals.GoalOverview) string {
	scores := c.scoreText(o.Scale(), o.LastStaff, o.LastCitizen)
	if o.LastCitizen == nil && o.EarlierCitizen != nil {
		return c.t("overview.last_earlier", "Scores", scores, "Date", c.relDate(*o.LastDay, c.team),
			"Citizen", formatScore(o.Scale(), *o.EarlierCitizen), "CitizenDate", c.relDate(*o.EarlierCitizenDay, c.team))
	}
	return c.t("overview.last", "Scores", scores, "Date", c.relDate(*o.LastDay, c.team))
}

// sparks are the bars of a sparkline, lowest first.
var sparks = []rune("▁▂▃▄▅▆▇█")

// trend draws the latest scores as a sparkline with an arrow for the
// direction of the last score against the ones before it; "" for fewer
// than two scores.
func trend(s smallgoals.Scale, scores []int) string {
	if len(scores) < 2 {
		return ""
	}
	var b strings.Builder
	for _, v := range scores {
		i := 0
		if span := s.Max - s.Min; span > 0 {
			i = ((v-s.Min)*(len(sparks)-1)*2/span + 1) / 2
		}
		i = max(0, min(len(sparks)-1, i))
		b.WriteRune(sparks[i])
	}
	b.WriteByte(' ')
	b.WriteString(arrow(scores))
	return b.String()
}

// arrow compares the last score with the mean of up to three before it.
func arrow(scores []int) string {
	n := len(scores)
	prev := scores[max(0, n-4) : n-1]
	sum := 0
	for _, v := range prev {
		sum += v
	}
	diff := float64(scores[n-1]) - float64(sum)/float64(len(prev))
	switch {
	case diff >= 0.5:
		return "↗"
	case diff <= -0.5:
		return "↘"
	}
	return "→"
}
