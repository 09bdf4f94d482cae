package commands

// A goal's lifecycle after it is created: edit (ret), reopen (genåbn)
// and a plan goal's closing (plan luk). Every change is a new row of
// goal_changes beside the goal's new settings: the old value stays, with
// who changed it and when, for vis and the export.

import (
	"strconv"
	"strings"
	"time"

	"smallgoals"
)

// noneWords remove an optional setting: mål:ingen, plan:ingen.
var noneWords = map[string]bool{"ingen": true, "none": true, "-": true}

// planCloseChoices are the answers to "what about its active small goals?".
var planCloseChoices = map[string]string{
	"luk-mål": "close", "luk-maal": "close", "close-goals": "close",
	"behold": "keep", "keep": "keep",
}

// mayEdit reports whether the caller may change the citizen's goals: a
// coordinator of the team or the citizen's contact person.
func (c *call) mayEdit(f found) (bool, error) {
	if f.citizen.ContactUser == c.req.UserID {
		return true, nil
	}
	return c.isCoordinator(f.team)
}

// change is a GoalChange by the caller now; nil when old equals new.
func (c *call) change(goalID, planID *int64, field, old, new string) *smallgoals.GoalChange {
	if old == new {
		return nil
	}
	return &smallgoals.GoalChange{GoalID: goalID, PlanGoalID: planID, Author: c.req.UserID, At: c.req.Time,
		Field: field, Old: old, New: new}
}

// record appends the changes.
func (c *call) record(changes []*smallgoals.GoalChange) error {
	for _, ch := range changes {
		if err := c.tx.CreateGoalChange(c.ctx, ch); err != nil {
			return err
		}
	}
	return nil
}

// goalValues are a goal's settings as a change records them.
func goalValues(g smallgoals.Goal) map[string]string {
	v := map[string]string{
		smallgoals.ChangeTitle:   g.Title,
		smallgoals.ChangeScale:   g.Scale().String(),
		smallgoals.ChangeCadence: strconv.Itoa(g.CadenceDays),
		smallgoals.ChangeStatus:  g.Status,
		smallgoals.ChangeTheme:   g.Theme,
	}
	if g.Target != nil {
		v[smallgoals.ChangeTarget] = strconv.Itoa(*g.Target)
	}
	if g.NextRevision != nil {
		v[smallgoals.ChangeDue] = smallgoals.FormatDate(*g.NextRevision)
	}
	if g.PlanNumber != nil {
		v[smallgoals.ChangePlan] = strconv.Itoa(*g.PlanNumber)
	}
	if g.GASBaseline != nil {
		v[smallgoals.ChangeBaseline] = smallgoals.FormatGASLevel(*g.GASBaseline)
	}
	if g.GASWeight != nil {
		v[smallgoals.ChangeWeight] = strconv.Itoa(*g.GASWeight)
	}
	for n := smallgoals.GASMin; n <= smallgoals.GASMax; n++ {
		v[smallgoals.ChangeGASLevel(n)] = g.GASLevels.Level(n)
	}
	return v
}

// changedFields is the order changes of one edit are recorded and told in.
var changedFields = []string{smallgoals.ChangeStatus, smallgoals.ChangeTitle, smallgoals.ChangeScale,
	smallgoals.ChangeTarget, smallgoals.ChangeCadence, smallgoals.ChangeDue, smallgoals.ChangePlan, smallgoals.ChangeTheme,
	smallgoals.ChangeBaseline, smallgoals.ChangeWeight,
	smallgoals.ChangeGASLevel(-2), smallgoals.ChangeGASLevel(-1), smallgoals.ChangeGASLevel(0),
	smallgoals.ChangeGASLevel(1), smallgoals.ChangeGASLevel(2)}

// goalChanges lists what differs between two versions of a goal.
func (c *call) goalChanges(old, new smallgoals.Goal) []*smallgoals.GoalChange {
	a, b := goalValues(old), goalValues(new)
	var out []*smallgoals.GoalChange
	for _, field := range changedFields {
		if ch := c.change(&old.ID, nil, field, a[field], b[field]); ch != nil {
			out = append(out, ch)
		}
	}
	return out
}

// runEdit changes a small goal or a plan goal: ret REF [NY TITEL]
// [mål:N] [hver:N] [frist:DATO] [plan:N] [skala:A-B] [tema:KODE]; a plan
// ref takes a title and a theme only.
func (c *call) runEdit() (Reply, error) {
	if len(c.p.args) == 0 {
		return Reply{}, c.invalid("err.edit_args")
	}
	if r, ok := smallgoals.ParseRef(c.p.args[0]); ok && r.Plan {
		return c.editPlan(r)
	}
	if len(c.p.args) == 1 && len(c.p.opts) == 0 && c.p.free == nil {
		return Reply{}, c.invalid("err.edit_args")
	}
	f, g, err := c.goal(c.p.args[0], smallgoals.ActGoalEdit)
	if err != nil {
		return Reply{}, err
	}
	gref := ref(f.citizen.Alias, g)
	if ok, err := c.mayEdit(f); err != nil || !ok {
		return Reply{}, c.refused(err, smallgoals.ActGoalEdit, f, &g, gref, "err.edit_forbidden")
	}
	if g.Status != smallgoals.GoalActive {
		return Reply{}, smallgoals.Errorf(smallgoals.EINVALID, "err.edit_closed", "Ref", gref)
	}
	ng, err := c.editedGoal(f, g)
	if err != nil {
		return Reply{}, err
	}
	changes := c.goalChanges(g, ng)
	if len(changes) == 0 {
		return Reply{}, smallgoals.Errorf(smallgoals.EINVALID, "err.edit_same", "Ref", gref)
	}
	if err := c.tx.UpdateGoal(c.ctx, ng); err != nil {
		return Reply{}, err
	}
	if err := c.record(changes); err != nil {
		return Reply{}, err
	}
	if err := c.audit(smallgoals.ActGoalEdit, &f.team, &f.citizen, &g, gref, true); err != nil {
		return Reply{}, err
	}
	r := textReply(c.t("edit.done", "Ref", gref, "Title", Escape(ng.Title)))
	var lines []string
	for _, ch := range changes {
		lines = append(lines, "• "+c.changeWhat(f.citizen.Alias, *ch))
	}
	r.add(Section, strings.Join(lines, "\n"))
	r.add(Context, c.goalFacts(f.citizen.Alias, ng))
	return r, nil
}

// editedGoal is g with the request's changes, each checked.
func (c *call) editedGoal(f found, g smallgoals.Goal) (smallgoals.Goal, error) {
	ng := g
	gref := ref(f.citizen.Alias, g)
	if len(c.p.args) > 1 || c.p.free != nil {
		title, err := c.title(c.p.args[1:])
		if err != nil {
			return ng, err
		}
		ng.Title = title
	}
	if v, ok := c.p.opts["scale"]; ok {
		s, ok := smallgoals.ParseScale(v)
		if !ok {
			return ng, c.invalid("err.scale", "Value", Escape(clip(v, 20)))
		}
		if s != g.Scale() {
			// Scores on the old scale cannot be read on a new one.
			es, err := c.tx.ListGoalEntries(c.ctx, g.ID, 1)
			if err != nil {
				return ng, err
			}
			if len(es) > 0 {
				return ng, smallgoals.Errorf(smallgoals.EINVALID, "err.scale_has_scores", "Ref", gref,
					"Scale", c.scale(g.Scale()), "Alias", f.citizen.Alias)
			}
			ng.ScaleMin, ng.ScaleMax = s.Min, s.Max
		}
	}
	if v, ok := c.p.opts["target"]; ok {
		if noneWords[strings.ToLower(v)] {
			ng.Target = nil
		} else {
			n, ok := parseInt(v)
			if !ok || !ng.Scale().Contains(n) {
				return ng, c.invalid("err.target", "Value", Escape(clip(v, 20)), "Scale", c.scale(ng.Scale()))
			}
			ng.Target = &n
		}
	}
	if ng.Target != nil && !ng.Scale().Contains(*ng.Target) {
		return ng, c.invalid("err.edit_target_off_scale", "Target", *ng.Target, "Scale", c.scale(ng.Scale()))
	}
	if v, ok := c.p.opts["every"]; ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > smallgoals.MaxCadenceDays {
			return ng, c.invalid("err.every", "Value", Escape(clip(v, 20)), "Max", smallgoals.MaxCadenceDays)
		}
		ng.CadenceDays = n
	}
	if v, ok := c.p.opts["due"]; ok {
		d, err := c.dueDate(v, c.today(&f.team))
		if err != nil {
			return ng, err
		}
		ng.NextRevision = &d
	}
	if v, ok := c.p.opts["theme"]; ok {
		theme, err := c.theme(v, true)
		if err != nil {
			return ng, err
		}
		ng.Theme = theme
	}
	if err := c.gasOptions(&ng); err != nil {
		return ng, err
	}
	if v, ok := c.p.opts["plan"]; ok {
		if noneWords[strings.ToLower(v)] {
			ng.PlanGoalID, ng.PlanNumber = nil, nil
		} else {
			p, err := c.planGoal(f, v)
			if err != nil {
				return ng, err
			}
			ng.PlanGoalID, ng.PlanNumber = &p.ID, &p.Number
		}
	}
	return ng, nil
}

// dueDate reads frist:DATO, today or later.
func (c *call) dueDate(v string, today time.Time) (time.Time, error) {
	d, ok := smallgoals.ParseDate(v)
	if !ok {
		return d, c.invalid("err.date", "Value", Escape(clip(v, 20)))
	}
	if d.Before(today) {
		return d, c.invalid("err.due_past", "Date", c.date(d))
	}
	return d, nil
}

// planToChange resolves a plan ref for a change by the caller: as goal
// does a goal ref (an unknown ref and another team's alike, the refusal
// audited as action), then authorized as mayEdit, refused with msgID.
func (c *call) planToChange(r smallgoals.Ref, action, msgID string) (found, smallgoals.PlanGoal, error) {
	unknown := smallgoals.Errorf(smallgoals.ENOTFOUND, "err.unknown_ref", "Ref", r.String())
	f, err := c.citizen(r.Alias, action, unknown)
	if err != nil {
		return found{}, smallgoals.PlanGoal{}, err
	}
	p, err := c.tx.FindPlanGoal(c.ctx, f.citizen.ID, r.N)
	if smallgoals.ErrorCode(err) == smallgoals.ENOTFOUND {
		return found{}, p, unknown
	}
	if err != nil {
		return found{}, p, err
	}
	if ok, err := c.mayEdit(f); err != nil || !ok {
		return found{}, p, c.refused(err, action, f, nil, r.String(), msgID)
	}
	return f, p, nil
}

// refused is the refusal of an unauthorized change (or err, if checking
// failed), audited as action about the citizen and goal g (if any); the
// message names the ref and the contact person.
func (c *call) refused(err error, action string, f found, g *smallgoals.Goal, ref, msgID string) error {
	if err == nil {
		err = c.audit(action, &f.team, &f.citizen, g, ref, false)
	}
	if err != nil {
		return err
	}
	return smallgoals.Errorf(smallgoals.EFORBIDDEN, msgID, "Ref", ref, "User", mention(f.citizen.ContactUser))
}

// editPlan renames a plan goal or changes its theme: ret AB-P1 [NY TITEL]
// [tema:KODE].
func (c *call) editPlan(r smallgoals.Ref) (Reply, error) {
	themeV, hasTheme := c.p.opts["theme"]
	if len(c.p.opts) > 1 || len(c.p.opts) == 1 && !hasTheme {
		return Reply{}, c.invalid("err.plan_edit_options", "Ref", r.String())
	}
	hasTitle := len(c.p.args) > 1 || c.p.free != nil
	if !hasTitle && !hasTheme {
		return Reply{}, c.invalid("err.edit_args")
	}
	var title, theme string
	var err error
	if hasTitle {
		if title, err = c.title(c.p.args[1:]); err != nil {
			return Reply{}, err
		}
	}
	if hasTheme {
		if theme, err = c.theme(themeV, true); err != nil {
			return Reply{}, err
		}
	}
	f, p, err := c.planToChange(r, smallgoals.ActPlanEdit, "err.edit_forbidden")
	if err != nil {
		return Reply{}, err
	}
	pref := r.String()
	if p.ClosedAt != nil {
		return Reply{}, smallgoals.Errorf(smallgoals.EINVALID, "err.plan_closed", "Ref", pref)
	}
	var changes []*smallgoals.GoalChange
	if hasTitle {
		if ch := c.change(nil, &p.ID, smallgoals.ChangeTitle, p.Title, title); ch != nil {
			changes = append(changes, ch)
			p.Title = title
		}
	}
	if hasTheme {
		if ch := c.change(nil, &p.ID, smallgoals.ChangeTheme, p.Theme, theme); ch != nil {
			changes = append(changes, ch)
			p.Theme = theme
		}
	}
	if len(changes) == 0 {
		return Reply{}, smallgoals.Errorf(smallgoals.EINVALID, "err.edit_same", "Ref", pref)
	}
	if err := c.tx.UpdatePlanGoal(c.ctx, p); err != nil {
		return Reply{}, err
	}
	if err := c.record(changes); err != nil {
		return Reply{}, err
	}
	if err := c.audit(smallgoals.ActPlanEdit, &f.team, &f.citizen, nil, pref, true); err != nil {
		return Reply{}, err
	}
	rp := textReply(c.t("edit.done", "Ref", pref, "Title", Escape(p.Title)))
	lines := make([]string, len(changes))
	for i, ch := range changes {
		lines[i] = "• " + c.changeWhat(f.citizen.Alias, *ch)
	}
	rp.add(Section, strings.Join(lines, "\n"))
	return rp, nil
}

// runReopen reopens a goal closed by mistake: genåbn REF [frist:DATO].
func (c *call) runReopen() (Reply, error) {
	if len(c.p.args) != 1 {
		return Reply{}, c.invalid("err.ref_arg")
	}
	f, g, err := c.goal(c.p.args[0], smallgoals.ActGoalReopen)
	if err != nil {
		return Reply{}, err
	}
	gref := ref(f.citizen.Alias, g)
	if ok, err := c.isCoordinator(f.team); err != nil || !ok {
		return Reply{}, c.refused(err, smallgoals.ActGoalReopen, f, &g, gref, "err.reopen_forbidden")
	}
	if g.Status != smallgoals.GoalClosed {
		return Reply{}, smallgoals.Errorf(smallgoals.EINVALID, "err.reopen_not_closed", "Ref", gref,
			"Date", c.date(*g.NextRevision))
	}
	today := c.today(&f.team)
	next := today.AddDate(0, 0, g.CadenceDays)
	if v, ok := c.p.opts["due"]; ok {
		if next, err = c.dueDate(v, today); err != nil {
			return Reply{}, err
		}
	}
	ng := g
	ng.Status, ng.NextRevision, ng.RevisitAt = smallgoals.GoalActive, &next, nil
	changes := c.goalChanges(g, ng)
	if err := c.tx.UpdateGoal(c.ctx, ng); err != nil {
		return Reply{}, err
	}
	if err := c.record(changes); err != nil {
		return Reply{}, err
	}
	if err := c.audit(smallgoals.ActGoalReopen, &f.team, &f.citizen, &g, gref, true); err != nil {
		return Reply{}, err
	}
	r := textReply(c.t("reopen.done", "Ref", gref, "Title", Escape(g.Title), "Date", c.date(next)))
	r.add(Context, c.goalFacts(f.citizen.Alias, ng))
	return r, nil
}

// runPlanClose closes a plan goal: plan luk REF [luk-mål|behold]. With
// active small goals under it, it asks which, and changes nothing.
func (c *call) runPlanClose() (Reply, error) {
	if len(c.p.args) < 1 || len(c.p.args) > 2 {
		return Reply{}, c.invalid("err.plan_close_args")
	}
	r, ok := smallgoals.ParseRef(c.p.args[0])
	if !ok || !r.Plan {
		return Reply{}, c.invalid("err.plan_ref", "Word", Escape(clip(c.p.args[0], 20)))
	}
	choice := ""
	if len(c.p.args) == 2 {
		if choice, ok = planCloseChoices[strings.ToLower(c.p.args[1])]; !ok {
			return Reply{}, c.invalid("err.plan_close_choice", "Value", Escape(clip(c.p.args[1], 20)), "Ref", r.String())
		}
	}
	f, p, err := c.planToChange(r, smallgoals.ActPlanClose, "err.plan_close_forbidden")
	if err != nil {
		return Reply{}, err
	}
	pref := r.String()
	if p.ClosedAt != nil {
		return Reply{}, smallgoals.Errorf(smallgoals.EINVALID, "err.plan_closed_already", "Ref", pref,
			"Date", c.date(smallgoals.Day(*p.ClosedAt, f.team.Location())))
	}
	all, err := c.tx.ListCitizenGoals(c.ctx, f.citizen.ID)
	if err != nil {
		return Reply{}, err
	}
	var active []smallgoals.Goal
	var refs []string
	for _, g := range all {
		if g.PlanGoalID != nil && *g.PlanGoalID == p.ID && g.Status == smallgoals.GoalActive {
			active = append(active, g)
			refs = append(refs, "*"+ref(f.citizen.Alias, g)+"*")
		}
	}
	if len(active) > 0 && choice == "" {
		// The question names the borger's goals: a read, audited as one.
		if err := c.audit(smallgoals.ActCitizenView, &f.team, &f.citizen, nil, pref, true); err != nil {
			return Reply{}, err
		}
		return Reply{}, smallgoals.Errorf(smallgoals.EINVALID, "err.plan_close_ask", "Ref", pref,
			"Goals", strings.Join(refs, ", "), "Count", len(active))
	}
	for _, g := range active {
		ng := g
		if choice == "close" {
			ng.Status, ng.NextRevision, ng.RevisitAt = smallgoals.GoalClosed, nil, nil
		} else {
			ng.PlanGoalID, ng.PlanNumber = nil, nil
		}
		if err := c.tx.UpdateGoal(c.ctx, ng); err != nil {
			return Reply{}, err
		}
		if err := c.record(c.goalChanges(g, ng)); err != nil {
			return Reply{}, err
		}
		if err := c.audit(smallgoals.ActGoalEdit, &f.team, &f.citizen, &g, ref(f.citizen.Alias, g), true); err != nil {
			return Reply{}, err
		}
	}
	ch := c.change(nil, &p.ID, smallgoals.ChangeStatus, smallgoals.GoalActive, smallgoals.GoalClosed)
	p.ClosedAt, p.ClosedBy = &c.req.Time, c.req.UserID
	if err := c.tx.UpdatePlanGoal(c.ctx, p); err != nil {
		return Reply{}, err
	}
	if err := c.record([]*smallgoals.GoalChange{ch}); err != nil {
		return Reply{}, err
	}
	if err := c.audit(smallgoals.ActPlanClose, &f.team, &f.citizen, nil, pref, true); err != nil {
		return Reply{}, err
	}
	rp := textReply(c.t("plan.closed", "Ref", pref, "Title", Escape(p.Title)))
	if len(active) > 0 {
		rp.add(Context, c.t("plan.closed_goals_"+choice, "Goals", strings.Join(refs, ", "), "Count", len(active)))
	}
	return rp, nil
}

// changeWhat tells what a change changed, for Slack: "Titel: før «…», nu «…»".
func (c *call) changeWhat(alias string, ch smallgoals.GoalChange) string {
	return c.changeText(alias, ch, Escape)
}

// changeText tells what a change changed, its text values through esc.
func (c *call) changeText(alias string, ch smallgoals.GoalChange, esc func(string) string) string {
	if ch.Field == smallgoals.ChangeStatus {
		return c.t("change.status_" + ch.New)
	}
	return c.t("change.what", "Field", c.fieldName(ch.Field),
		"Old", c.changeValue(alias, ch.Field, ch.Old, esc), "New", c.changeValue(alias, ch.Field, ch.New, esc))
}

// changeLine tells a change with who (user) and when, in the team's zone,
// its text values through esc: "Titel ændret af @x 2026-11-20: før «…», nu «…»".
func (c *call) changeLine(alias string, loc *time.Location, ch smallgoals.GoalChange, user string, esc func(string) string) string {
	date := c.date(smallgoals.Day(ch.At, loc))
	if ch.Field == smallgoals.ChangeStatus {
		return c.t("change.status_line_"+ch.New, "User", user, "Date", date)
	}
	return c.t("change.line", "Field", c.fieldName(ch.Field), "User", user, "Date", date,
		"Old", c.changeValue(alias, ch.Field, ch.Old, esc), "New", c.changeValue(alias, ch.Field, ch.New, esc))
}

// fieldName names a changed field: "Titel", "GAS +1".
func (c *call) fieldName(field string) string {
	if lvl, ok := strings.CutPrefix(field, "gas"); ok {
		return c.t("change.field.gas", "Level", lvl)
	}
	return c.t("change.field." + field)
}

// changeValue shows a recorded value.
func (c *call) changeValue(alias, field, v string, esc func(string) string) string {
	if v == "" {
		return c.t("none")
	}
	switch field {
	case smallgoals.ChangeTitle, smallgoals.ChangeGASLevel(-2), smallgoals.ChangeGASLevel(-1), smallgoals.ChangeGASLevel(0),
		smallgoals.ChangeGASLevel(1), smallgoals.ChangeGASLevel(2):
		return "«" + esc(v) + "»"
	case smallgoals.ChangeCadence:
		return c.t("change.days", "Count", v)
	case smallgoals.ChangeDue:
		if d, ok := smallgoals.ParseDate(v); ok {
			return c.date(d)
		}
	case smallgoals.ChangeScale:
		if s, ok := smallgoals.ParseScale(v); ok {
			return c.scale(s)
		}
	case smallgoals.ChangeTheme:
		return esc(c.h.themes.Label(c.lang, v)) + " (" + v + ")"
	case smallgoals.ChangePlan:
		if n, ok := parseInt(v); ok {
			return smallgoals.Ref{Alias: alias, Plan: true, N: n}.String()
		}
	}
	return v
}

// plainText is the identity, for text that goes in a file.
func plainText(s string) string { return s }

// editHint is the edit command for g prefilled with its settings, for a
// revision that says the goal is to be adjusted.
func (c *call) editHint(alias string, g smallgoals.Goal) string {
	kw := cmdEdit.da[0]
	if c.lang == smallgoals.LangEnglish {
		kw = cmdEdit.en[0]
	}
	parts := []string{c.req.Command, kw, ref(alias, g), g.Title}
	if g.Target != nil {
		parts = append(parts, c.t("edit.hint_target", "N", *g.Target))
	}
	parts = append(parts, c.t("edit.hint_every", "N", g.CadenceDays))
	return strings.Join(parts, " ")
}
