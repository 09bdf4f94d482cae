package commands

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"smallgoals"
)

// runNew adds a small goal: ny ALIAS TITEL [plan:N] [frist:DATO]
// [skala:A-B] [mål:N] [hver:N] [udgangspunkt:GAS] [vægt:1-3].
func (c *call) runNew() (Reply, error) {
	if len(c.p.args) == 1 && c.p.free == nil && c.req.Modals && len(c.p.opts) == 0 {
		// No title typed: the form asks for it.
		f, err := c.citizenByAlias(c.p.args[0], smallgoals.ActCitizenView)
		if err != nil {
			return Reply{}, err
		}
		return Reply{Modal: &Modal{Kind: FormNew, CitizenID: f.citizen.ID}}, nil
	}
	if len(c.p.args) < 2 && c.p.free == nil {
		return Reply{}, c.invalid("err.new_args")
	}
	title, err := c.title(c.p.args[1:])
	if err != nil {
		return Reply{}, err
	}
	g := smallgoals.Goal{Title: title, ScaleMin: smallgoals.DefaultScale.Min, ScaleMax: smallgoals.DefaultScale.Max,
		CadenceDays: smallgoals.DefaultCadenceDays, CreatedBy: c.req.UserID, CreatedAt: c.req.Time}
	if v, ok := c.p.opts["scale"]; ok {
		s, ok := smallgoals.ParseScale(v)
		if !ok {
			return Reply{}, c.invalid("err.scale", "Value", Escape(clip(v, 20)))
		}
		g.ScaleMin, g.ScaleMax = s.Min, s.Max
	}
	if v, ok := c.p.opts["target"]; ok {
		n, ok := parseInt(v)
		if !ok || !g.Scale().Contains(n) {
			return Reply{}, c.invalid("err.target", "Value", Escape(clip(v, 20)), "Scale", c.scale(g.Scale()))
		}
		g.Target = &n
	}
	if v, ok := c.p.opts["every"]; ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > smallgoals.MaxCadenceDays {
			return Reply{}, c.invalid("err.every", "Value", Escape(clip(v, 20)), "Max", smallgoals.MaxCadenceDays)
		}
		g.CadenceDays = n
	}
	if v, ok := c.p.opts["theme"]; ok && v != "" {
		if g.Theme, err = c.theme(v, false); err != nil {
			return Reply{}, err
		}
	}
	for i := smallgoals.GASMin; i <= smallgoals.GASMax; i++ {
		d := c.p.opts["gas"+strconv.Itoa(i)] // from the form only
		if n := utf8.RuneCountInString(d); n > smallgoals.MaxTitleLen {
			return Reply{}, c.invalid("err.title_long", "Max", smallgoals.MaxTitleLen, "Len", n)
		}
		g.GASLevels[i-smallgoals.GASMin] = d
	}
	if err := c.gasOptions(&g); err != nil {
		return Reply{}, err
	}
	f, err := c.citizenByAlias(c.p.args[0], smallgoals.ActGoalCreate)
	if err != nil {
		return Reply{}, err
	}
	today := c.today(&f.team)
	next := today.AddDate(0, 0, g.CadenceDays)
	if v, ok := c.p.opts["due"]; ok {
		if next, err = c.dueDate(v, today); err != nil {
			return Reply{}, err
		}
	}
	g.NextRevision = &next
	if v, ok := c.p.opts["plan"]; ok && v != "" {
		p, err := c.planGoal(f, v)
		if err != nil {
			return Reply{}, err
		}
		g.PlanGoalID, g.PlanNumber = &p.ID, &p.Number
	}
	g.CitizenID = f.citizen.ID
	if err := c.tx.CreateGoal(c.ctx, &g); err != nil {
		return Reply{}, err
	}
	gref := ref(f.citizen.Alias, g)
	if err := c.audit(smallgoals.ActGoalCreate, &f.team, &f.citizen, &g, gref, true); err != nil {
		return Reply{}, err
	}
	r := textReply(c.t("goal.created", "Ref", gref, "Title", Escape(title)))
	r.add(Context, c.goalFacts(f.citizen.Alias, g))
	r.add(Context, c.t("goal.created_next", "Ref", gref, "Scale", c.scale(g.Scale())))
	return r, nil
}

// planGoal resolves plan:N or plan:AB-PN for citizen f.
func (c *call) planGoal(f found, v string) (smallgoals.PlanGoal, error) {
	n, ok := parseInt(v)
	if !ok || n < 1 {
		r, ok := smallgoals.ParseRef(v)
		if !ok || !r.Plan || r.Alias != f.citizen.Alias {
			return smallgoals.PlanGoal{}, c.invalid("err.plan_option", "Value", Escape(clip(v, 20)), "Alias", f.citizen.Alias)
		}
		n = r.N
	}
	p, err := c.tx.FindPlanGoal(c.ctx, f.citizen.ID, n)
	pref := smallgoals.Ref{Alias: f.citizen.Alias, Plan: true, N: n}.String()
	if smallgoals.ErrorCode(err) == smallgoals.ENOTFOUND {
		return p, c.invalid("err.plan_unknown", "Ref", pref)
	}
	if err == nil && p.ClosedAt != nil {
		return p, smallgoals.Errorf(smallgoals.EINVALID, "err.plan_closed", "Ref", pref)
	}
	return p, err
}

// goalFacts is the one-line summary of a goal's settings.
func (c *call) goalFacts(alias string, g smallgoals.Goal) string {
	parts := []string{c.t("goal.fact_scale", "Scale", c.scale(g.Scale()))}
	if g.Theme != "" {
		parts = append(parts, c.t("goal.fact_theme", "Theme", c.themeLabel(g.Theme)))
	}
	if g.Target != nil {
		parts = append(parts, c.t("goal.fact_target", "Target", *g.Target))
	}
	if g.PlanNumber != nil {
		parts = append(parts, c.t("goal.fact_plan", "Ref", smallgoals.Ref{Alias: alias, Plan: true, N: *g.PlanNumber}.String()))
	}
	parts = append(parts, c.gasFacts(g)...)
	parts = append(parts, c.t("goal.fact_every", "Count", g.CadenceDays))
	if g.NextRevision != nil {
		parts = append(parts, c.t("goal.fact_next", "Date", c.date(*g.NextRevision)))
	} else {
		parts = append(parts, c.t("goal.fact_closed"))
	}
	return strings.Join(parts, " · ")
}

// historyLen is how many entries and revisions a goal's history shows.
const historyLen = 10

// runShow shows a goal's history: vis REF.
func (c *call) runShow() (Reply, error) {
	if len(c.p.args) != 1 {
		return Reply{}, c.invalid("err.ref_arg")
	}
	f, g, err := c.goal(c.p.args[0], smallgoals.ActGoalView)
	if err != nil {
		return Reply{}, err
	}
	entries, err := c.tx.ListGoalEntries(c.ctx, g.ID, historyLen)
	if err != nil {
		return Reply{}, err
	}
	revs, err := c.tx.ListGoalRevisions(c.ctx, g.ID, historyLen)
	if err != nil {
		return Reply{}, err
	}
	changes, err := c.tx.ListGoalChanges(c.ctx, g.ID)
	if err != nil {
		return Reply{}, err
	}
	gref := ref(f.citizen.Alias, g)
	if err := c.audit(smallgoals.ActGoalView, &f.team, &f.citizen, &g, gref, true); err != nil {
		return Reply{}, err
	}
	var r Reply
	r.add(Header, gref+" "+Escape(g.Title))
	r.add(Context, c.goalFacts(f.citizen.Alias, g))
	if !g.GASLevels.Empty() {
		r.add(Section, c.gasLevelsText(g, Escape))
	}
	r.add(Section, "*"+c.t("show.entries")+"*")
	if len(entries) == 0 {
		r.add(Section, c.t("show.no_entries"))
	}
	for _, e := range entries {
		line := c.scoreText(g.Scale(), e.StaffScore, e.CitizenScore)
		line = c.t("show.number", "N", e.Number) + " · " + c.date(e.Day) + " · " + line + " · " + mention(e.Author)
		if e.Replaced {
			line = "~" + line + "~ " + c.undoneText(e, &f.team)
		}
		if e.Note != "" {
			line += "\n> " + Escape(e.Note)
		}
		r.add(Section, line)
	}
	r.add(Section, "*"+c.t("show.revisions")+"*")
	if len(revs) == 0 {
		r.add(Section, c.t("show.no_revisions"))
	}
	for _, rv := range revs {
		line := c.t("show.revision", "Date", c.date(rv.Day),
			"GAS", smallgoals.FormatGASLevel(rv.GASLevel), "Outcome", c.t("outcome."+rv.Outcome),
			"User", mention(rv.Author))
		line += " · " + c.tookPart(rv.CitizenTookPart)
		if rv.Reflection != "" {
			line += "\n> " + Escape(rv.Reflection)
		}
		r.add(Section, line)
	}
	if len(changes) > 0 {
		// The goal's history of settings, the latest last (lifecycle.go).
		if len(changes) > historyLen {
			changes = changes[len(changes)-historyLen:]
		}
		lines := make([]string, len(changes))
		for i, ch := range changes {
			lines[i] = c.changeLine(f.citizen.Alias, f.team.Location(), ch, mention(ch.Author), Escape)
		}
		r.add(Section, "*"+c.t("show.changes")+"*")
		r.add(Section, strings.Join(lines, "\n"))
	}
	refl, err := c.tx.ListGoalReflections(c.ctx, g.ID, reflectionsShown)
	if err != nil {
		return Reply{}, err
	}
	c.reflectionsBlock(&r, refl)
	return r, c.historyBlock(&r, f, &g)
}

// undoneText says who undid an entry and when, and why if they said.
func (c *call) undoneText(e smallgoals.Entry, team *smallgoals.Team) string {
	if e.UndoneAt == nil {
		return c.t("show.undone")
	}
	s := c.t("show.undone_by", "User", mention(e.UndoneBy), "Date", c.date(smallgoals.Day(*e.UndoneAt, team.Location())))
	if e.UndoReason != "" {
		s += " " + c.t("show.undo_reason", "Reason", Escape(e.UndoReason))
	}
	return s
}

// tookPart says whether the borger took part in a revision: "uden
// borgeren" when not, and that it was not stated when it was not.
func (c *call) tookPart(took *bool) string {
	if took == nil {
		return c.t("show.took_part.unknown")
	}
	return c.t("show.took_part." + strconv.FormatBool(*took))
}

// scoreText shows a staff score and the borger's own, e.g. "4 · borger 6",
// or either alone ("borger 6": the borger's score alone).
func (c *call) scoreText(s smallgoals.Scale, staff, citizen *int) string {
	var parts []string
	if staff != nil {
		parts = append(parts, c.t("score.staff", "Score", formatScore(s, *staff)))
	}
	if citizen != nil {
		parts = append(parts, c.t("score.citizen", "Score", formatScore(s, *citizen)))
	}
	if len(parts) == 0 {
		return "–"
	}
	return strings.Join(parts, " · ")
}

// formatScore writes a score; on the GAS scale with its sign.
func formatScore(s smallgoals.Scale, n int) string {
	if s.IsGAS() {
		return smallgoals.FormatGASLevel(n)
	}
	return strconv.Itoa(n)
}
