package commands

import (
	"cmp"
	"time"
	"unicode/utf8"

	"smallgoals"
)

// logged is the answer to a logged score; recent are the goal's latest
// scores, the new one last.
func (c *call) logged(gref string, scale smallgoals.Scale, e smallgoals.Entry, recent []int) Reply {
	r := textReply(c.t("log.saved", "Ref", gref, "Scores", c.scoreText(scale, e.StaffScore, e.CitizenScore),
		"Date", c.relDate(e.Day, c.team)))
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
		return d, c.invalid("err.date_future", "Date", c.date(d))
	}
	if d.Before(today.AddDate(0, 0, -smallgoals.MaxBackdateDays)) {
		return d, c.invalid("err.date_old", "Date", c.date(d), "Days", smallgoals.MaxBackdateDays)
	}
	return d, nil
}

// runUndo undoes the caller's latest entry (on a goal) of the last 24
// hours: fortryd [REF].
func (c *call) runUndo() (Reply, error) {
	if v, ok := c.p.opts["number"]; ok {
		return c.runCancel(v)
	}
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
		"Date", c.relDate(e.Day, &team))), nil
}

// runCancel cancels any entry of the last 30 days on a goal, numbered as
// vis shows them, for a coordinator of the goal's team, with a reason
// stored encrypted as the undo's note: fortryd REF nr:N [grund].
func (c *call) runCancel(number string) (Reply, error) {
	if len(c.p.args) == 0 {
		return Reply{}, c.invalid("err.cancel_args")
	}
	n, ok := parseInt(number)
	if !ok || n < 1 {
		return Reply{}, c.invalid("err.cancel_number", "Value", Escape(clip(number, 10)))
	}
	reason := c.freeText(c.p.args[1:])
	if l := utf8.RuneCountInString(reason); l > smallgoals.MaxNoteLen {
		return Reply{}, c.invalid("err.note_long", "Max", smallgoals.MaxNoteLen, "Len", l)
	}
	f, g, err := c.goal(c.p.args[0], smallgoals.ActEntryCancel)
	if err != nil {
		return Reply{}, err
	}
	gref := ref(f.citizen.Alias, g)
	if ok, err := c.isCoordinator(f.team); err != nil {
		return Reply{}, err
	} else if !ok {
		if err := c.audit(smallgoals.ActEntryCancel, &f.team, &f.citizen, &g, gref, false); err != nil {
			return Reply{}, err
		}
		return Reply{}, smallgoals.Errorf(smallgoals.EFORBIDDEN, "err.cancel_coordinator", "Ref", gref)
	}
	e, err := c.tx.FindGoalEntry(c.ctx, g.ID, n)
	if smallgoals.ErrorCode(err) == smallgoals.ENOTFOUND {
		return Reply{}, smallgoals.Errorf(smallgoals.EINVALID, "err.cancel_no_entry", "Ref", gref, "N", n)
	}
	if err != nil {
		return Reply{}, err
	}
	done := func(e smallgoals.Entry) error {
		return smallgoals.Errorf(smallgoals.ECONFLICT, "err.cancel_done", "Ref", gref, "N", n,
			"User", mention(e.UndoneBy), "Date", c.date(smallgoals.Day(*e.UndoneAt, f.team.Location())))
	}
	if e.Replaced {
		return Reply{}, done(e)
	}
	if e.WrittenAt.Before(c.req.Time.Add(-smallgoals.CancelWindow)) {
		return Reply{}, smallgoals.Errorf(smallgoals.EINVALID, "err.cancel_old", "Ref", gref, "N", n,
			"Date", c.date(smallgoals.Day(e.WrittenAt, f.team.Location())), "Days", int(smallgoals.CancelWindow.Hours()/24))
	}
	undo := smallgoals.Entry{GoalID: g.ID, Kind: smallgoals.EntryUndo, Author: c.req.UserID,
		Day: e.Day, WrittenAt: c.req.Time, Replaces: &e.ID, Note: reason}
	if err := c.tx.CreateEntry(c.ctx, &undo); smallgoals.ErrorCode(err) == smallgoals.ECONFLICT {
		// Undone a moment ago by someone else: say by whom.
		now, ferr := c.tx.FindGoalEntry(c.ctx, g.ID, n)
		if ferr == nil && now.Replaced {
			return Reply{}, done(now)
		}
		return Reply{}, cmp.Or(ferr, err)
	} else if err != nil {
		return Reply{}, err
	}
	if err := c.audit(smallgoals.ActEntryCancel, &f.team, &f.citizen, &g, gref, true); err != nil {
		return Reply{}, err
	}
	r := textReply(c.t("cancel.done", "Ref", gref, "N", n, "Scores", c.scoreText(g.Scale(), e.StaffScore, e.CitizenScore),
		"Date", c.date(e.Day), "User", mention(e.Author)))
	if reason != "" {
		r.add(Context, c.t("cancel.reason", "Reason", Escape(reason)))
	}
	return r, nil
}
