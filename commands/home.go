package commands

import (
	"context"
	"fmt"
	"strings"

	"smallgoals"
)

// dueWithin is how far ahead "due for revision" looks.
const dueWithin = 7

// Home returns the App Home of the user of req: their own borgere (as
// contact person) with goals, last scores, trend and buttons; goals due
// for revision in their teams; the other borgere of their teams in
// brief; a language switch. A user on no team gets a short onboarding.
// It reports false for a redelivery (req.DeliveryKey seen before).
func (h *Handler) Home(ctx context.Context, req Request) (Reply, bool, error) {
	req = h.normalize(req)
	var r Reply
	fresh := true
	err := h.store.InTx(ctx, func(tx Tx) error {
		c := &call{h: h, ctx: ctx, tx: tx, req: req}
		if req.DeliveryKey != "" {
			first, err := tx.ClaimDelivery(ctx, req.DeliveryKey, req.Time)
			if err != nil || !first {
				fresh = false
				return err
			}
		}
		if err := c.chooseLang(""); err != nil {
			return err
		}
		var err error
		r, err = c.home()
		return err
	})
	if err != nil {
		h.log.ErrorContext(ctx, "home failed", "user", req.UserID, "err", err)
	}
	return r, fresh, err
}

func (c *call) home() (Reply, error) {
	var r Reply
	r.add(Header, c.t("home.title"))
	r.Blocks = append(r.Blocks, Block{Kind: Context, Text: c.t("home.lang"), Buttons: []Button{
		{Label: "Dansk", Action: ActLang, Value: smallgoals.LangDanish, Primary: c.lang == smallgoals.LangDanish},
		{Label: "English", Action: ActLang, Value: smallgoals.LangEnglish, Primary: c.lang == smallgoals.LangEnglish},
	}})
	teams, err := c.myTeams()
	if err != nil {
		return r, err
	}
	if len(teams) == 0 {
		r.add(Section, c.t("home.onboarding"))
		return r, nil
	}
	ids, byID := index(teams)
	today := c.today(nil)
	due, err := c.tx.ListDueGoals(c.ctx, ids, today.AddDate(0, 0, dueWithin))
	if err != nil {
		return r, err
	}
	r.add(Divider, "")
	r.add(Section, "*"+c.t("home.due")+"*")
	if len(due) == 0 {
		r.add(Context, c.t("home.none_due", "Days", dueWithin))
	}
	viewed := map[int64]bool{} // citizens audited as shown, once each
	for i, d := range due {
		if i == 10 {
			r.add(Context, c.t("home.more_due", "Count", len(due)-10))
			break
		}
		if !viewed[d.CitizenID] {
			viewed[d.CitizenID] = true
			ct := smallgoals.Citizen{ID: d.CitizenID, TeamID: d.TeamID, Alias: d.Alias}
			if err := c.audit(smallgoals.ActCitizenView, byID[d.TeamID], &ct, nil, d.Alias, true); err != nil {
				return r, err
			}
		}
		line := "*" + ref(d.Alias, d.Goal) + "* " + Escape(d.Title) + " · "
		if d.NextRevision.Before(c.today(byID[d.TeamID])) {
			line += c.t("overview.overdue", "Date", c.date(*d.NextRevision))
		} else {
			line += c.t("goal.fact_next", "Date", c.date(*d.NextRevision))
		}
		if d.RevisitAt != nil {
			line += " · " + c.waitingText(d.Goal, byID[d.TeamID])
		}
		r.Blocks = append(r.Blocks, Block{Kind: Section, Text: line, Buttons: []Button{
			{Label: c.t("button.revise"), Action: ActRevise, Value: fmt.Sprint(d.ID), Primary: true},
		}})
	}
	citizens, err := c.tx.ListRecentCitizens(c.ctx, c.req.UserID, ids)
	if err != nil {
		return r, err
	}
	if err := c.homeReflections(&r, teams); err != nil {
		return r, err
	}
	r.add(Divider, "")
	r.add(Section, "*"+c.t("home.mine")+"*")
	others := map[int64][]string{}
	var mine []smallgoals.Citizen
	for _, ct := range citizens {
		if ct.ContactUser != c.req.UserID {
			others[ct.TeamID] = append(others[ct.TeamID], ct.Alias)
			continue
		}
		mine = append(mine, ct)
	}
	var otherLines []Block
	var otherTeams []smallgoals.Team
	for _, t := range teams {
		if len(others[t.ID]) > 0 {
			otherTeams = append(otherTeams, t)
			otherLines = append(otherLines, Block{Kind: Context, Text: c.t("home.others", "Team", Escape(t.Name), "Aliases", strings.Join(others[t.ID], ", "))})
		}
	}
	// Room is kept for a few teams' other borgere and the line about the rest.
	reserve := min(len(otherLines), 5) + 1
	for i, ct := range mine {
		b, err := c.homeCitizen(ct, byID[ct.TeamID])
		if err != nil {
			return r, err
		}
		if c.req.MaxBlocks > 0 && r.Size()+b.Size()+reserve > c.req.MaxBlocks {
			r.add(Context, c.t("home.truncated", "Count", len(mine)-i))
			break
		}
		if !viewed[ct.ID] {
			viewed[ct.ID] = true
			if err := c.audit(smallgoals.ActCitizenView, byID[ct.TeamID], &ct, nil, ct.Alias, true); err != nil {
				return r, err
			}
		}
		r.Blocks = append(r.Blocks, b)
	}
	if len(mine) == 0 {
		r.add(Context, c.t("home.no_mine"))
	}
	shown := r.Fit(c.req.MaxBlocks, otherLines, 0, func(shown int) Block {
		return Block{Kind: Context, Text: c.t("home.more_teams", "Count", len(otherLines)-shown)}
	})
	for _, t := range otherTeams[:shown] {
		if err := c.audit(smallgoals.ActCitizenList, &t, nil, nil, "", true); err != nil {
			return r, err
		}
	}
	return r, nil
}

// homeCitizen is a citizen's goals with buttons to log and revise.
func (c *call) homeCitizen(ct smallgoals.Citizen, team *smallgoals.Team) (Block, error) {
	goals, err := c.tx.ListGoalOverviews(c.ctx, ct.ID)
	if err != nil {
		return Block{}, err
	}
	lines := []string{"*" + ct.Alias + "* · " + Escape(team.Name)}
	var buttons []Button
	for _, o := range goals {
		gref := ref(ct.Alias, o.Goal)
		line := "*" + gref + "* " + Escape(o.Title) + "\n"
		if o.LastDay == nil {
			line += c.t("overview.no_entries")
		} else {
			line += c.latestText(o)
			if tr := trend(o.Scale(), o.Recent); tr != "" {
				line += " · " + tr
			}
		}
		if o.RevisitAt != nil {
			line += " · " + c.waitingText(o.Goal, team)
		}
		lines = append(lines, line)
		if len(buttons) < MaxRowButtons-4 {
			buttons = append(buttons,
				Button{Label: c.t("button.log", "Ref", gref), Action: ActLog, Value: fmt.Sprint(o.ID), Primary: true},
				Button{Label: c.t("button.revise_ref", "Ref", gref), Action: ActRevise, Value: fmt.Sprint(o.ID)},
				Button{Label: c.t("button.chart", "Ref", gref), Action: ActChart, Value: fmt.Sprint(o.ID)})
		}
	}
	if len(goals) == 0 {
		lines = append(lines, c.t("overview.no_goals", "Alias", ct.Alias))
	}
	buttons = append(buttons, Button{Label: c.t("button.new"), Action: ActNew, Value: fmt.Sprint(ct.ID)})
	return Block{Kind: Section, Text: strings.Join(lines, "\n"), Buttons: buttons}, nil
}

// homeReflections shows each of my teams' latest reflection of the last
// two weeks (the staff meeting's conclusion), audited as read — App Home
// is my own, so the text may show.
func (c *call) homeReflections(r *Reply, teams []smallgoals.Team) error {
	var lines []string
	for _, t := range teams[:min(len(teams), homeReflectionTeams)] {
		rs, err := c.tx.ListTeamReflections(c.ctx, t.ID, c.today(&t).AddDate(0, 0, -14), 1)
		if err != nil {
			return err
		}
		if len(rs) == 0 {
			continue
		}
		x := rs[0]
		var ct *smallgoals.Citizen
		if x.CitizenID != nil {
			ct = &smallgoals.Citizen{ID: *x.CitizenID, TeamID: t.ID}
		}
		if err := c.audit(smallgoals.ActReflectionView, &t, ct, nil, x.Alias, true); err != nil {
			return err
		}
		lines = append(lines, "*"+Escape(t.Name)+"* · "+c.reflectionLine(x))
	}
	if len(lines) > 0 {
		r.add(Divider, "")
		r.add(Section, "*"+c.t("home.reflections")+"*")
		r.add(Section, strings.Join(lines, "\n"))
	}
	return nil
}

// homeReflectionTeams bounds the teams whose reflection App Home shows.
const homeReflectionTeams = 5
