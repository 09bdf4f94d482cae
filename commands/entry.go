package commands

import (
	"time"

	"smallgoals"
)

// logged is the answer to a logged score; recent are the goal's latest
// scores, the new one last.
func (c *call) logged(gref string, scale smallgoals.Scale, e smallgoals.Entry, recent []int) Reply {
	r := textReply(c.t("log.saved", "Ref", gref, "Scores", c.scoreText(scale, e.StaffScore, e.CitizenScore),
		"Date", smallgoals.FormatDate(e.Day)))
	if ov := trend(scale, recent); ov != "" {
		r.add(Context, ov)
	}
	r.add(Context, c.t("log.undo_hint", "Ref", gref))
	return r
}

// recentScores is how many scores a sparkline shows.
const recentScores = 8

// pastDate reads the day an entry or revision is about: today or up to
// MaxBackdateDays before it.
func (c *call) pastDate(v string, today time.Time) (time.Time, error) {
	d, ok := smallgoals.ParseDate(v)
	if !ok {
		d, ok = dayWord(v, today) // i går, mandag, 24.12 (parse.go)
	}
	if !ok {
		return d, c.invalid("err.day", "Value", Escape(clip(v, 20)))
	}
	if d.After(today) {
		return d, c.invalid("err.date_future", "Date", smallgoals.FormatDate(d))
	}
	if d.Before(today.AddDate(0, 0, -smallgoals.MaxBackdateDays)) {
		return d, c.invalid("err.date_old", "Date", smallgoals.FormatDate(d), "Days", smallgoals.MaxBackdateDays)
	}
	return d, nil
}

// runUndo undoes the caller's latest entry (on a goal) of the last 24
// hours: fortryd [REF].
func (c *call) runUndo() (Reply, error) {
	if len(c.p.args) > 1 {
		return Reply{}, c.invalid("err.undo_args")
	}
	var goalID int64
	if len(c.p.args) == 1 {
		_, g, err := c.goal(c.p.args[0], smallgoals.ActEntryUndo)
		if err != nil {
			return Reply{}, err
		}
		goalID = g.ID
	}
	e, err := c.tx.FindLatestOwnEntry(c.ctx, c.req.UserID, goalID, c.req.Time.Add(-smallgoals.UndoWindow))
	if smallgoals.ErrorCode(err) == smallgoals.ENOTFOUND {
		return Reply{}, smallgoals.Errorf(smallgoals.ENOTFOUND, "err.nothing_to_undo")
	}
	if err != nil {
		return Reply{}, err
	}
	// The caller may have left the team since: check again.
	g, err := c.tx.FindGoal(c.ctx, e.GoalID)
	if err != nil {
		return Reply{}, err
	}
	ct, err := c.tx.FindCitizen(c.ctx, g.CitizenID)
	if err != nil {
		return Reply{}, err
	}
	team, err := c.tx.FindTeam(c.ctx, ct.TeamID)
	if err != nil {
		return Reply{}, err
	}
	gref := ref(ct.Alias, g)
	if ok, err := c.h.members.IsMember(c.ctx, c.tx, team, c.req.UserID); err != nil {
		return Reply{}, err
	} else if !ok {
		if err := c.audit(smallgoals.ActEntryUndo, &team, &ct, &g, gref, false); err != nil {
			return Reply{}, err
		}
		return Reply{}, smallgoals.Errorf(smallgoals.ENOTFOUND, "err.nothing_to_undo")
	}
	undo := smallgoals.Entry{GoalID: g.ID, Kind: smallgoals.EntryUndo, Author: c.req.UserID,
		Day: e.Day, WrittenAt: c.req.Time, Replaces: &e.ID}
	if err := c.tx.CreateEntry(c.ctx, &undo); err != nil {
		return Reply{}, err
	}
	if err := c.audit(smallgoals.ActEntryUndo, &team, &ct, &g, gref, true); err != nil {
		return Reply{}, err
	}
	return textReply(c.t("undo.done", "Ref", gref, "Scores", c.scoreText(g.Scale(), e.StaffScore, e.CitizenScore),
		"Date", smallgoals.FormatDate(e.Day))), nil
}
