package commands

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"smallgoals"
)

// outcomes maps the words a user may type to revision outcomes.
var outcomes = map[string]string{
	"fortsættes": smallgoals.OutcomeContinue, "fortsaettes": smallgoals.OutcomeContinue, "continue": smallgoals.OutcomeContinue,
	"ændres": smallgoals.OutcomeAdjust, "aendres": smallgoals.OutcomeAdjust, "adjust": smallgoals.OutcomeAdjust,
	"afsluttes": smallgoals.OutcomeClose, "close": smallgoals.OutcomeClose,
	"revisitation": smallgoals.OutcomeRevisit, "revisit": smallgoals.OutcomeRevisit,
}

// yesNo maps the words for "the borger took part" to a boolean.
var yesNo = map[string]bool{"ja": true, "yes": true, "nej": false, "no": false}

// runRevise records a revision in text form:
// revider REF GAS UDFALD [tekst] [dato:DATO] [næste:DATO] [borger:ja|nej].
func (c *call) runRevise() (Reply, error) {
	args := c.p.args
	if len(args) == 1 && c.req.Modals && len(c.p.opts) == 0 {
		// Only the ref typed: the form asks for the rest.
		_, g, err := c.goal(args[0], smallgoals.ActGoalView)
		if err != nil {
			return Reply{}, err
		}
		return Reply{Modal: &Modal{Kind: FormRevise, GoalID: g.ID}}, nil
	}
	if len(args) < 3 {
		return Reply{}, c.invalid("err.revise_args")
	}
	level, ok := smallgoals.ParseGASLevel(args[1])
	if !ok {
		return Reply{}, c.invalid("err.gas", "Value", Escape(clip(args[1], 10)))
	}
	outcome, ok := outcomes[strings.ToLower(args[2])]
	if !ok {
		return Reply{}, c.invalid("err.outcome", "Value", Escape(clip(args[2], 20)))
	}
	text, confirmed := confirmWord(args[3:])
	if c.p.opts["confirm"] != "" { // the form's checkbox
		confirmed = true
	}
	reflection := c.freeText(text)
	if n := utf8.RuneCountInString(reflection); n > smallgoals.MaxNoteLen {
		return Reply{}, c.invalid("err.note_long", "Max", smallgoals.MaxNoteLen, "Len", n)
	}
	var took *bool
	if v, ok := c.p.opts["citizen"]; ok {
		b, ok := yesNo[strings.ToLower(v)]
		if !ok {
			return Reply{}, c.invalid("err.yes_no", "Value", Escape(clip(v, 10)))
		}
		took = &b
	}
	f, g, err := c.goal(args[0], smallgoals.ActRevisionCreate)
	if err != nil {
		return Reply{}, err
	}
	gref := ref(f.citizen.Alias, g)
	if g.Status != smallgoals.GoalActive {
		return Reply{}, smallgoals.Errorf(smallgoals.EINVALID, "err.goal_closed", "Ref", gref)
	}
	if took == nil && c.p.goalID != 0 {
		// The form asks every time (a required field).
		return Reply{}, c.invalid("err.took_part_needed")
	}
	today := c.today(&f.team)
	rv := smallgoals.Revision{GoalID: g.ID, Author: c.req.UserID, Day: today, WrittenAt: c.req.Time,
		GASLevel: level, Outcome: outcome, CitizenTookPart: took, Reflection: reflection}
	if v, ok := c.p.opts["date"]; ok {
		if rv.Day, err = c.pastDate(v, today); err != nil {
			return Reply{}, err
		}
	}
	if !confirmed {
		again, err := c.tx.HasRevisionOn(c.ctx, g.ID, rv.Day)
		if err != nil {
			return Reply{}, err
		}
		if again {
			return Reply{}, smallgoals.Errorf(smallgoals.EINVALID, "err.revise_again", "Ref", gref,
				"Date", c.date(rv.Day), "Today", rv.Day.Equal(today))
		}
	}
	if outcome != smallgoals.OutcomeClose {
		next := rv.Day.AddDate(0, 0, g.CadenceDays)
		if v, ok := c.p.opts["next"]; ok {
			d, ok := smallgoals.ParseDate(v)
			if !ok {
				return Reply{}, c.invalid("err.date", "Value", Escape(clip(v, 20)))
			}
			if !d.After(today) {
				return Reply{}, c.invalid("err.next_past", "Date", c.date(d))
			}
			next = d
		}
		rv.NextRevision = &next
	} else if _, ok := c.p.opts["next"]; ok {
		return Reply{}, c.invalid("err.next_on_close")
	}
	if err := c.tx.CreateRevision(c.ctx, &rv); err != nil {
		return Reply{}, err
	}
	var revisit *time.Time
	if outcome == smallgoals.OutcomeRevisit {
		revisit = &c.req.Time
	}
	if err := c.tx.ReviseGoal(c.ctx, g.ID, rv.NextRevision, revisit); err != nil {
		return Reply{}, err
	}
	if err := c.audit(smallgoals.ActRevisionCreate, &f.team, &f.citizen, &g, gref, true); err != nil {
		return Reply{}, err
	}
	r := textReply(c.t("revise.saved", "Ref", gref, "GAS", smallgoals.FormatGASLevel(level),
		"Outcome", c.t("outcome."+outcome), "Date", c.relDate(rv.Day, &f.team)))
	if rv.NextRevision != nil {
		r.add(Context, c.t("revise.next", "Date", c.date(*rv.NextRevision)))
	} else {
		r.add(Context, c.t("revise.closed", "Ref", gref))
	}
	if outcome == smallgoals.OutcomeAdjust {
		// What to adjust is the edit command's (lifecycle.go), prefilled.
		// In Slack, a button opens the edit form on the goal as it is.
		r.add(Context, c.t("revise.adjust_hint", "Ref", gref, "Edit", Escape(c.editHint(f.citizen.Alias, g))))
		r.Blocks[len(r.Blocks)-1].Buttons = []Button{{Label: c.t("button.edit", "Ref", gref), Action: ActEdit, Value: strconv.FormatInt(g.ID, 10), Primary: true}}
	}
	if took == nil {
		r.add(Context, c.t("revise.took_part_hint"))
	}
	if outcome == smallgoals.OutcomeRevisit {
		r.add(Context, c.t("revise.revisit"))
		about := smallgoals.About{TeamID: f.team.ID, CitizenID: f.citizen.ID, GoalID: &g.ID, Ref: gref}
		if err := c.notifyCoordinators(f.team, about, g.Title, rv.ID); err != nil {
			return Reply{}, err
		}
		r.Notify = c.notices
	}
	return r, nil
}

// confirmWord takes the word bekræft (confirm) out of words: a second
// revision of a goal on one day is saved only when confirmed.
func confirmWord(words []string) ([]string, bool) {
	out := make([]string, 0, len(words))
	found := false
	for _, w := range words {
		if strings.EqualFold(w, "bekræft") || strings.EqualFold(w, "bekraeft") || strings.EqualFold(w, "confirm") {
			found = true
			continue
		}
		out = append(out, w)
	}
	return out, found
}

// waitingText says that a goal waits for the municipality after a
// revisitation, and since when.
func (c *call) waitingText(g smallgoals.Goal, team *smallgoals.Team) string {
	return c.t("goal.waiting", "Date", c.date(smallgoals.Day(*g.RevisitAt, team.Location())))
}
