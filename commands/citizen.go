package commands

import (
	"strings"
	"unicode/utf8"

	"smallgoals"
)

// runCitizenAdd adds a citizen to the current channel's team with the
// caller as contact person: borger ny ALIAS.
func (c *call) runCitizenAdd() (Reply, error) {
	if len(c.p.args) != 1 {
		return Reply{}, c.invalid("err.alias_needed")
	}
	alias, err := smallgoals.CheckAlias(c.p.args[0])
	if err != nil {
		return Reply{}, c.invalid("alias.invalid", "Alias", Escape(clip(c.p.args[0], 20)))
	}
	if reserved[alias] {
		return Reply{}, c.invalid("err.alias_reserved", "Alias", alias)
	}
	t, err := c.channelTeam(smallgoals.ActCitizenCreate)
	if err != nil {
		return Reply{}, err
	}
	ct := smallgoals.Citizen{TeamID: t.ID, Alias: alias, ContactUser: c.req.UserID, CreatedAt: c.req.Time}
	if err := c.tx.CreateCitizen(c.ctx, &ct); err != nil {
		if smallgoals.ErrorCode(err) == smallgoals.ECONFLICT {
			return Reply{}, smallgoals.Errorf(smallgoals.ECONFLICT, "err.alias_taken", "Alias", alias)
		}
		return Reply{}, err
	}
	if err := c.audit(smallgoals.ActCitizenCreate, &t, &ct, nil, alias, true); err != nil {
		return Reply{}, err
	}
	r := textReply(c.t("citizen.created", "Alias", alias, "User", mention(c.req.UserID)))
	r.add(Context, c.t("citizen.created_next", "Alias", alias))
	return r, nil
}

// runCitizens lists the team's citizens with their contact persons.
func (c *call) runCitizens() (Reply, error) {
	t, err := c.channelTeam(smallgoals.ActCitizenList)
	if err != nil {
		return Reply{}, err
	}
	cs, err := c.tx.ListCitizens(c.ctx, t.ID)
	if err != nil {
		return Reply{}, err
	}
	if err := c.audit(smallgoals.ActCitizenList, &t, nil, nil, "", true); err != nil {
		return Reply{}, err
	}
	var r Reply
	r.add(Header, c.t("citizens.title", "Name", Escape(t.Name)))
	if len(cs) == 0 {
		r.add(Section, c.t("citizens.none"))
		return r, nil
	}
	lines := make([]string, len(cs))
	for i, ct := range cs {
		lines[i] = c.t("citizens.line", "Alias", ct.Alias, "User", mention(ct.ContactUser), "Count", ct.ActiveGoals)
	}
	r.add(Section, strings.Join(lines, "\n"))
	return r, nil
}

// runPlan adds a plan goal (handleplan): plan ALIAS TITEL.
func (c *call) runPlan() (Reply, error) {
	if len(c.p.args) < 2 {
		return Reply{}, c.invalid("err.plan_args")
	}
	title, err := c.title(c.p.args[1:])
	if err != nil {
		return Reply{}, err
	}
	theme := ""
	if v, ok := c.p.opts["theme"]; ok {
		if theme, err = c.theme(v, false); err != nil {
			return Reply{}, err
		}
	}
	f, err := c.citizenByAlias(c.p.args[0], smallgoals.ActPlanCreate)
	if err != nil {
		return Reply{}, err
	}
	p := smallgoals.PlanGoal{CitizenID: f.citizen.ID, Title: title, CreatedBy: c.req.UserID, CreatedAt: c.req.Time, Theme: theme}
	if err := c.tx.CreatePlanGoal(c.ctx, &p); err != nil {
		return Reply{}, err
	}
	pref := smallgoals.Ref{Alias: f.citizen.Alias, Plan: true, N: p.Number}.String()
	if err := c.audit(smallgoals.ActPlanCreate, &f.team, &f.citizen, nil, pref, true); err != nil {
		return Reply{}, err
	}
	r := textReply(c.t("plan.created", "Ref", pref, "Title", Escape(title)))
	if theme != "" {
		r.add(Context, c.t("goal.fact_theme", "Theme", c.themeLabel(theme)))
	}
	r.add(Context, c.t("plan.created_next", "Alias", f.citizen.Alias, "N", p.Number))
	return r, nil
}

// freeText is the free text of the request: from a form whole, else the
// words typed joined by spaces.
func (c *call) freeText(words []string) string {
	if c.p.free != nil {
		return strings.TrimSpace(*c.p.free)
	}
	return strings.Join(words, " ")
}

// title is the title of the request, its length checked.
func (c *call) title(words []string) (string, error) {
	title := c.freeText(words)
	if title == "" {
		return "", c.invalid("err.title_needed")
	}
	if n := utf8.RuneCountInString(title); n > smallgoals.MaxTitleLen {
		return "", c.invalid("err.title_long", "Max", smallgoals.MaxTitleLen, "Len", n)
	}
	return title, nil
}
