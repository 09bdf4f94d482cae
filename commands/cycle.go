package commands

import (
	"context"
	"fmt"
	"strings"
	"time"

	"smallgoals"
)

// notifyCoordinators tells the team's coordinators (in their language)
// that a goal goes back to the municipality. Each notice is keyed by the
// revision, so the jobs' delivery routine sends it once; about names the
// goal for the audit log and for erasure.
func (c *call) notifyCoordinators(team smallgoals.Team, about smallgoals.About, title string, revisionID int64) error {
	gref := about.Ref
	ms, err := c.tx.ListMembers(c.ctx, team.ID)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if !m.Coordinator || m.UserID == c.req.UserID {
			continue
		}
		lang, err := c.tx.UserLang(c.ctx, m.UserID)
		if err != nil {
			return err
		}
		if lang == "" {
			lang = team.Lang
		}
		c.notices = append(c.notices, Notice{User: m.UserID, Reply: c.h.RevisitNotice(lang, gref, title, c.req.UserID, team.Name),
			Key: NoticeKey(revisionID, m.UserID), Until: c.req.Time.Add(NoticeWindow), About: about})
	}
	return nil
}

// NoticeWindow is how long a notice to coordinators may still be sent
// (tried again while Slack refuses it).
const NoticeWindow = 24 * time.Hour

// NoticeKey is a revisitation notice's key in the jobs' outbox.
func NoticeKey(revisionID int64, user string) string {
	return fmt.Sprintf("revisit/%d/%s", revisionID, user)
}

// RevisitNotice is the DM that tells a coordinator, in lang, that author
// sent goal gref of the team back to the municipality.
func (h *Handler) RevisitNotice(lang, gref, title, author, team string) Reply {
	c := &call{h: h, lang: lang, req: Request{Command: "/maal"}}
	return textReply(h.msg.TData(lang, "revise.revisit_notice", c.data("Ref", gref, "Title", Escape(title), "User", mention(author), "Team", Escape(team))))
}

// dueWithinDays is how far ahead frist looks.
const dueWithinDays = 7

// runDue lists the goals due for revision in the caller's teams within 7
// days, overdue first: frist.
func (c *call) runDue() (Reply, error) {
	teams, err := c.myTeams()
	if err != nil {
		return Reply{}, err
	}
	var r Reply
	r.add(Header, c.t("due.title"))
	if len(teams) == 0 {
		r.add(Section, c.t("modal.no_citizens"))
		return r, nil
	}
	ids, byID := index(teams)
	due, err := c.tx.ListDueGoals(c.ctx, ids, c.today(nil).AddDate(0, 0, dueWithinDays+1))
	if err != nil {
		return Reply{}, err
	}
	seen := map[int64]bool{}
	var items []Block
	var refs []string // the items' refs and dates, for the line about those left out
	for _, d := range due {
		team := byID[d.TeamID]
		today := c.today(team)
		if d.NextRevision.After(today.AddDate(0, 0, dueWithinDays)) {
			continue
		}
		if !seen[d.CitizenID] {
			seen[d.CitizenID] = true
			ct := smallgoals.Citizen{ID: d.CitizenID, TeamID: d.TeamID, Alias: d.Alias}
			if err := c.audit(smallgoals.ActCitizenView, team, &ct, nil, d.Alias, true); err != nil {
				return Reply{}, err
			}
		}
		gref := ref(d.Alias, d.Goal)
		line := "*" + gref + "* " + Escape(d.Title) + "\n" + c.dueWhen(*d.NextRevision, today) + " · " +
			c.t("due.contact", "User", mention(d.ContactUser)) + " · " + Escape(team.Name)
		if d.RevisitAt != nil {
			line += " · " + c.waitingText(d.Goal, team)
		}
		b := Block{Kind: Section, Text: line}
		if c.req.Modals {
			b.Buttons = []Button{{Label: c.t("button.revise"), Action: ActRevise, Value: fmt.Sprint(d.ID), Primary: true},
				{Label: c.t("button.snooze"), Action: ActSnooze, Value: fmt.Sprint(d.ID)}}
		}
		items = append(items, b)
		refs = append(refs, gref+" ("+c.shortDate(*d.NextRevision)+")")
	}
	if len(items) == 0 {
		r.add(Section, c.t("home.none_due", "Days", dueWithinDays))
	}
	// Those waiting for the municipality, however far their revision.
	waiting, err := c.tx.ListWaitingGoals(c.ctx, ids)
	if err != nil {
		return Reply{}, err
	}
	var waits []string
	for _, d := range waiting {
		if !seen[d.CitizenID] {
			seen[d.CitizenID] = true
			ct := smallgoals.Citizen{ID: d.CitizenID, TeamID: d.TeamID, Alias: d.Alias}
			if err := c.audit(smallgoals.ActCitizenView, byID[d.TeamID], &ct, nil, d.Alias, true); err != nil {
				return Reply{}, err
			}
		}
		waits = append(waits, ref(d.Alias, d.Goal)+" ("+c.shortDate(smallgoals.Day(*d.Goal.RevisitAt, byID[d.TeamID].Location()))+")")
	}
	var after []Block
	if len(waits) > 0 {
		after = append(after, Block{Kind: Context, Text: c.t("due.waiting", "Refs", listUpTo(waits, MaxBlockText/2))})
	}
	r.Fit(c.req.MaxBlocks, items, len(after), func(shown int) Block {
		return Block{Kind: Context, Text: c.t("due.more", "Count", len(refs)-shown, "Refs", listUpTo(refs[shown:], MaxBlockText/2))}
	})
	r.Blocks = append(r.Blocks, after...)
	return r, nil
}

// listUpTo joins items with commas, as many as fit in n characters, and
// an ellipsis for the rest.
func listUpTo(items []string, n int) string {
	var b strings.Builder
	for i, it := range items {
		if b.Len()+len(it)+2 > n {
			b.WriteString(" …")
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(it)
	}
	return b.String()
}

// dueWhen says when a revision is due, seen from today.
func (c *call) dueWhen(date, today time.Time) string {
	days := int(date.Sub(today).Hours() / 24)
	d := c.date(date)
	switch {
	case days < 0:
		return c.t("due.overdue", "Date", d, "Count", -days)
	case days == 0:
		return c.t("due.today", "Date", d)
	default:
		return c.t("due.in", "Date", d, "Count", days)
	}
}

// DueWhen says when a revision is due, seen from today, in lang; the
// reminder DMs use it.
func (h *Handler) DueWhen(lang string, date, today time.Time) string {
	c := &call{h: h, lang: lang, req: Request{Command: "/maal"}}
	return c.dueWhen(date, today)
}

// runAway pauses the caller's reminders through a date, or ends the
// pause: fri til DATO | fri slut.
func (c *call) runAway() (Reply, error) {
	args := c.p.args
	switch {
	case len(args) == 1 && (strings.EqualFold(args[0], "slut") || strings.EqualFold(args[0], "end")):
		if err := c.tx.SetAway(c.ctx, c.req.UserID, nil, c.req.Time); err != nil {
			return Reply{}, err
		}
		return textReply(c.t("away.ended")), nil
	case len(args) == 2 && (strings.EqualFold(args[0], "til") || strings.EqualFold(args[0], "until")):
		d, ok := smallgoals.ParseDate(args[1])
		if !ok {
			return Reply{}, c.invalid("err.date", "Value", Escape(clip(args[1], 20)))
		}
		if d.Before(c.today(nil)) {
			return Reply{}, c.invalid("err.away_past", "Date", c.date(d))
		}
		if d.After(c.today(nil).AddDate(1, 0, 0)) {
			return Reply{}, c.invalid("err.away_far", "Date", c.date(d))
		}
		if err := c.tx.SetAway(c.ctx, c.req.UserID, &d, c.req.Time); err != nil {
			return Reply{}, err
		}
		return textReply(c.t("away.set", "Date", c.date(d))), nil
	}
	return Reply{}, c.invalid("err.away_args")
}

// runContact changes a citizen's contact person, for coordinators and the
// contact person: borger kontakt ALIAS @bruger.
func (c *call) runContact() (Reply, error) {
	if len(c.p.args) != 2 {
		return Reply{}, c.invalid("err.contact_args")
	}
	user, ok := mentionedUser(c.p.args[1])
	if !ok {
		return Reply{}, c.invalid("err.contact_args")
	}
	f, err := c.citizenByAlias(c.p.args[0], smallgoals.ActContactSet)
	if err != nil {
		return Reply{}, err
	}
	if f.citizen.ContactUser != c.req.UserID {
		if err := c.requireCoordinator(f.team, &f.citizen, smallgoals.ActContactSet); err != nil {
			return Reply{}, err
		}
	}
	if ok, err := c.h.members.CanJoin(c.ctx, c.tx, f.team, user); err != nil {
		return Reply{}, err
	} else if !ok {
		return Reply{}, c.invalid("err.not_in_channel", "User", mention(user))
	}
	if err := c.tx.AddMember(c.ctx, f.team.ID, user, false, c.req.Time); err != nil {
		return Reply{}, err
	}
	if err := c.tx.SetContact(c.ctx, f.citizen.ID, user); err != nil {
		return Reply{}, err
	}
	if err := c.audit(smallgoals.ActContactSet, &f.team, &f.citizen, nil, f.citizen.Alias, true); err != nil {
		return Reply{}, err
	}
	return textReply(c.t("citizen.contact_set", "Alias", f.citizen.Alias, "User", mention(user))), nil
}

// snoozeDays is how far "Udsæt" moves a revision.
const snoozeDays = 7

// Snooze moves a goal's revision 7 days on from its date (or from today,
// when overdue): the reminders' "Udsæt 7 dage" button. Audited.
func (h *Handler) Snooze(ctx context.Context, req Request, goalID int64) Reply {
	req = h.normalize(req)
	p := parsed{cmd: cmdSnooze, goalID: goalID}
	reply, _ := h.answer(ctx, req, p, nil)
	return reply
}

func (c *call) runSnooze() (Reply, error) {
	f, g, err := c.goal("", smallgoals.ActGoalSnooze)
	if err != nil {
		return Reply{}, err
	}
	gref := ref(f.citizen.Alias, g)
	if g.Status != smallgoals.GoalActive || g.NextRevision == nil {
		return Reply{}, smallgoals.Errorf(smallgoals.EINVALID, "err.goal_closed", "Ref", gref)
	}
	from := *g.NextRevision
	if today := c.today(&f.team); from.Before(today) {
		from = today
	}
	next := from.AddDate(0, 0, snoozeDays)
	if err := c.tx.SnoozeGoal(c.ctx, g.ID, next); err != nil {
		return Reply{}, err
	}
	if err := c.audit(smallgoals.ActGoalSnooze, &f.team, &f.citizen, &g, gref, true); err != nil {
		return Reply{}, err
	}
	return textReply(c.t("snooze.done", "Ref", gref, "Date", c.date(next))), nil
}
