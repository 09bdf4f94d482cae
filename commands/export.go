package commands

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"smallgoals"
	"smallgoals/chart"
)

// goalPNG draws a goal's chart from its counting entries, in lang.
func (c *call) goalPNG(alias string, g smallgoals.Goal, entries []smallgoals.Entry) ([]byte, error) {
	return chart.GoalPNG(chartGoal(alias, g, entries, nil), c.chartLabels())
}

// chartGoal is what a goal's chart shows: its counting entries and its
// revisions with their GAS level.
func chartGoal(alias string, g smallgoals.Goal, entries []smallgoals.Entry, revisions []smallgoals.Revision) chart.Goal {
	cg := chart.Goal{Ref: ref(alias, g), Title: g.Title, Min: g.ScaleMin, Max: g.ScaleMax, Target: g.Target}
	for _, e := range entries {
		if e.GoalID != g.ID || e.Replaced {
			continue
		}
		if e.StaffScore != nil {
			cg.Staff = append(cg.Staff, chart.Point{Day: e.Day, Score: *e.StaffScore})
		}
		if e.CitizenScore != nil {
			cg.Citizen = append(cg.Citizen, chart.Point{Day: e.Day, Score: *e.CitizenScore})
		}
	}
	for _, r := range revisions {
		if r.GoalID == g.ID {
			cg.Revisions = append(cg.Revisions, chart.Revision{Day: r.Day, Level: r.GASLevel})
		}
	}
	return cg
}

func (c *call) chartLabels() chart.Labels {
	return chart.Labels{Staff: c.t("chart.staff"), Citizen: c.t("chart.citizen"), Target: c.t("chart.target"),
		TargetAt: c.t("chart.target_at"), Score: c.t("chart.score"), Date: c.t("chart.date"),
		Revision: c.t("chart.revision"), Empty: c.t("chart.empty"), Day: c.chartDay}
}

// chartDay writes a date on a chart's axis: 27. nov., or with the year
// (the chart spans about a year) 27.11.2026.
func (c *call) chartDay(d time.Time, year bool) string {
	if year {
		return c.date(d)
	}
	return c.h.msg.DayMonth(c.lang, d)
}

// Chart sends the user of req a goal's chart, as graf REF does: the App
// Home's Vis graf button.
func (h *Handler) Chart(ctx context.Context, req Request, goalID int64) Reply {
	req = h.normalize(req)
	reply, _ := h.answer(ctx, req, parsed{cmd: cmdChart, goalID: goalID}, nil)
	return reply
}

// chartData is what a borger's charts draw: all their entries and
// revisions.
func (c *call) chartData(citizenID int64) ([]smallgoals.Entry, []smallgoals.Revision, error) {
	entries, err := c.tx.ListCitizenEntries(c.ctx, citizenID, time.Time{}, time.Time{})
	if err != nil {
		return nil, nil, err
	}
	revisions, err := c.tx.ListCitizenRevisions(c.ctx, citizenID, time.Time{}, time.Time{})
	return entries, revisions, err
}

// runChart sends me a chart as a PNG: graf REF, a goal's progress (also
// the App Home's Vis graf button); graf ALIAS, all of a borger's active
// goals on one page. A goal without scores gets words, not an empty plot.
func (c *call) runChart() (Reply, error) {
	if c.p.goalID == 0 && len(c.p.args) != 1 {
		return Reply{}, c.invalid("err.chart_arg")
	}
	if c.p.goalID == 0 {
		if r, ok := smallgoals.ParseRef(c.p.args[0]); !ok || r.Plan {
			if _, err := smallgoals.CheckAlias(c.p.args[0]); err == nil {
				return c.runCitizenChart()
			}
		}
	}
	word := ""
	if len(c.p.args) > 0 {
		word = c.p.args[0]
	}
	f, g, err := c.goal(word, smallgoals.ActGoalChart)
	if err != nil {
		return Reply{}, err
	}
	entries, revisions, err := c.chartData(f.citizen.ID)
	if err != nil {
		return Reply{}, err
	}
	gref := ref(f.citizen.Alias, g)
	cg := chartGoal(f.citizen.Alias, g, entries, revisions)
	if err := c.audit(smallgoals.ActGoalChart, &f.team, &f.citizen, &g, gref, true); err != nil {
		return Reply{}, err
	}
	if len(cg.Staff) == 0 && len(cg.Citizen) == 0 {
		return textReply(c.t("chart.nothing_yet", "Ref", gref)), nil
	}
	png, err := chart.GoalPNG(cg, c.chartLabels())
	if err != nil {
		return Reply{}, err
	}
	return c.withFiles(textReply(c.t("chart.sent", "Ref", gref)), &f.team, c.t("chart.not_sent", "Ref", gref),
		File{Name: c.t("file.chart", "Name", gref, "Date", smallgoals.FormatDate(c.today(&f.team))), Title: gref + " " + g.Title,
			Data: png, TeamID: f.team.ID, CitizenID: f.citizen.ID}), nil
}

// runCitizenChart sends me all of a borger's active goals on one page
// (small multiples): graf ALIAS. Goals without scores are on it, saying
// so; a borger with no active goal, or none with a score, gets words.
func (c *call) runCitizenChart() (Reply, error) {
	f, err := c.citizenByAlias(c.p.args[0], smallgoals.ActCitizenChart)
	if err != nil {
		return Reply{}, err
	}
	alias := f.citizen.Alias
	goals, err := c.tx.ListCitizenGoals(c.ctx, f.citizen.ID)
	if err != nil {
		return Reply{}, err
	}
	entries, revisions, err := c.chartData(f.citizen.ID)
	if err != nil {
		return Reply{}, err
	}
	if err := c.audit(smallgoals.ActCitizenChart, &f.team, &f.citizen, nil, alias, true); err != nil {
		return Reply{}, err
	}
	var cgs []chart.Goal
	scored := false
	for _, g := range goals {
		if g.Status != smallgoals.GoalActive {
			continue
		}
		cg := chartGoal(alias, g, entries, revisions)
		scored = scored || len(cg.Staff) > 0 || len(cg.Citizen) > 0
		cgs = append(cgs, cg)
	}
	slices.SortFunc(cgs, func(a, b chart.Goal) int {
		ra, _ := smallgoals.ParseRef(a.Ref)
		rb, _ := smallgoals.ParseRef(b.Ref)
		return smallgoals.CompareRefs(ra, rb)
	})
	switch {
	case len(cgs) == 0:
		return textReply(c.t("chart.citizen_no_goals", "Alias", alias)), nil
	case !scored:
		return textReply(c.t("chart.citizen_nothing_yet", "Alias", alias, "Count", len(cgs))), nil
	}
	png, err := chart.CitizenPNG(alias, cgs, c.chartLabels())
	if err != nil {
		return Reply{}, err
	}
	r := textReply(c.t("chart.citizen_sent", "Alias", alias, "Count", min(len(cgs), chart.CitizenMaxGoals)))
	if n := len(cgs) - chart.CitizenMaxGoals; n > 0 {
		var left []string
		for _, cg := range cgs[chart.CitizenMaxGoals:] {
			left = append(left, cg.Ref)
		}
		r = textReply(c.t("chart.citizen_sent", "Alias", alias, "Count", chart.CitizenMaxGoals) + "\n" +
			c.t("chart.citizen_more", "Count", n, "Refs", strings.Join(left, ", ")))
	}
	return c.withFiles(r, &f.team, c.t("chart.citizen_not_sent", "Alias", alias),
		File{Name: c.t("file.chart", "Name", alias, "Date", smallgoals.FormatDate(c.today(&f.team))), Title: alias,
			Data: png, TeamID: f.team.ID, CitizenID: f.citizen.ID}), nil
}

// runExport sends me a borger's entries and revisions as CSV and the
// status report for the caseworker as PDF (report.go), and marks the data exported
// once both reached me: eksport ALIAS [FRA] [TIL].
func (c *call) runExport() (Reply, error) {
	if len(c.p.args) == 0 {
		return Reply{}, c.invalid("err.alias_needed_cmd")
	}
	f, err := c.citizenByAlias(c.p.args[0], smallgoals.ActCitizenExport)
	if err != nil {
		return Reply{}, err
	}
	from, to, err := c.period(c.p.args[1:], time.UTC)
	if err != nil {
		return Reply{}, err
	}
	if !to.IsZero() {
		to = to.AddDate(0, 0, -1) // inclusive civil date
	}
	x, err := c.export(f, from, to)
	if err != nil {
		return Reply{}, err
	}
	alias := f.citizen.Alias
	if err := c.audit(smallgoals.ActCitizenExport, &f.team, &f.citizen, nil, alias, true); err != nil {
		return Reply{}, err
	}
	stamp := smallgoals.FormatDate(c.today(&f.team))
	r := c.withFiles(textReply(c.t("export.sent", "Alias", alias, "Entries", c.n("entries", x.entries), "Revisions", c.n("revisions", x.revisions))),
		&f.team, c.t("export.not_sent", "Alias", alias),
		File{Name: c.t("file.export", "Name", alias, "Date", stamp), Title: c.t("export.csv_title", "Alias", alias), Data: x.csv,
			TeamID: f.team.ID, CitizenID: f.citizen.ID},
		File{Name: c.t("file.report", "Name", alias, "Date", stamp), Title: c.t("export.page_title", "Alias", alias), Data: x.report,
			TeamID: f.team.ID, CitizenID: f.citizen.ID})
	// The data counts as exported (as of this request: what the files
	// hold) only once the files reached the user; a failure marks nothing.
	h, user, citizenID, at := c.h, c.req.UserID, f.citizen.ID, c.req.Time
	notMarked := textReply(c.t("export.not_marked", "Alias", alias)).Blocks
	told := r.FilesDone
	r.FilesDone = func(ctx context.Context, sent bool, expires time.Time) []Block {
		if !sent {
			return told(ctx, false, expires)
		}
		if err := h.store.InTx(ctx, func(tx Tx) error { return tx.MarkExported(ctx, citizenID, at) }); err != nil {
			h.log.ErrorContext(ctx, "export sent but not marked", "user", user, "err", err)
			return notMarked
		}
		return told(ctx, true, expires)
	}
	return r, nil
}

// exported is a borger's export: the CSV and the PDF status report over
// a period, with how many counting entries and revisions they hold, and
// the goals and plan goals they were made from.
type exported struct {
	csv, report        []byte
	entries, revisions int
	goals              []smallgoals.Goal
	plans              []smallgoals.PlanGoal
}

// export makes f's borger's export over from..to (civil dates, inclusive;
// zero: open): eksport ALIAS and `smallgoals dpo export` (dpo.go).
func (c *call) export(f found, from, to time.Time) (exported, error) {
	var x exported
	goals, err := c.tx.ListCitizenGoals(c.ctx, f.citizen.ID)
	if err != nil {
		return x, err
	}
	plans, err := c.tx.ListPlanGoals(c.ctx, f.citizen.ID)
	if err != nil {
		return x, err
	}
	entries, err := c.tx.ListCitizenEntries(c.ctx, f.citizen.ID, from, to)
	if err != nil {
		return x, err
	}
	revisions, err := c.tx.ListCitizenRevisions(c.ctx, f.citizen.ID, from, to)
	if err != nil {
		return x, err
	}
	changes, err := c.tx.ListCitizenChanges(c.ctx, f.citizen.ID)
	if err != nil {
		return x, err
	}
	changes = changesIn(changes, f.team.Location(), from, to)
	alias := f.citizen.Alias
	history, err := c.citizenHistory(f, nil) // moves and discharge (people.go)
	if err != nil {
		return x, err
	}
	reflections, err := c.tx.ListCitizenReflections(c.ctx, f.citizen.ID, from, to) // the team's, about the borger
	if err != nil {
		return x, err
	}
	x.csv = c.exportCSV(alias, goals, plans, entries, revisions, changes, f.team.Location(),
		append(c.historyRows(f, history), c.reflectionRows(f, reflections)...)...)
	x.report, err = c.statusReport(reportData{f: f, goals: goals, plans: plans, entries: entries, revisions: revisions,
		changes: changes, history: history, reflections: reflections, from: from, to: to})
	x.entries, x.revisions, x.goals, x.plans = countingEntries(entries), len(revisions), goals, plans
	return x, err
}

func countingEntries(es []smallgoals.Entry) int {
	n := 0
	for _, e := range es {
		if !e.Replaced {
			n++
		}
	}
	return n
}

// decimal writes a number with one decimal, a comma in Danish.
func (c *call) decimal(v float64) string {
	s := strconv.FormatFloat(v, 'f', 1, 64)
	if c.lang == smallgoals.LangDanish {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// exportCSV writes entries, revisions, changes and the borger's history
// (more) for Danish Excel: UTF-8 with BOM, ';', ISO dates, decimal comma,
// times in the team's zone. One row per fact, its kind in the first
// column; no summary rows (the T-score is in the PDF report). Each row
// carries its goal's scale, target, status and theme, so a score reads
// alone, and a revision its outcome's FSIII code (outcomeCodes).
func (c *call) exportCSV(alias string, goals []smallgoals.Goal, plans []smallgoals.PlanGoal, entries []smallgoals.Entry, revisions []smallgoals.Revision,
	changes []smallgoals.GoalChange, loc *time.Location, more ...[]string) []byte {
	byID := map[int64]smallgoals.Goal{}
	for _, g := range goals {
		byID[g.ID] = g
	}
	planTitle := map[int]string{}
	planByID := map[int64]smallgoals.PlanGoal{}
	for _, p := range plans {
		planTitle[p.Number] = p.Title
		planByID[p.ID] = p
	}
	yes, no := c.t("audit.yes"), c.t("audit.no")
	yn := func(b bool) string {
		if b {
			return yes
		}
		return no
	}
	num := func(g smallgoals.Goal, n *int) string {
		if n == nil {
			return ""
		}
		return formatScore(g.Scale(), *n)
	}
	rows := [][]string{{c.t("export.col.kind"), c.t("export.col.ref"), c.t("export.col.goal"), c.t("export.col.plan"),
		c.t("export.col.date"), c.t("export.col.staff"), c.t("export.col.citizen"), c.t("export.col.gas"),
		c.t("export.col.outcome"), c.t("export.col.took_part"), c.t("export.col.text"), c.t("export.col.by"),
		c.t("export.col.written"), c.t("export.col.undone"), c.t("export.col.number"), c.t("export.col.undone_by"),
		c.t("export.col.undone_at"), c.t("export.col.undo_reason"),
		c.t("export.col.scale"), c.t("export.col.target"), c.t("export.col.status"), c.t("export.col.theme"),
		c.t("export.col.outcome_code")}}
	plan := func(g smallgoals.Goal) string {
		if g.PlanNumber == nil {
			return ""
		}
		return smallgoals.Ref{Alias: alias, Plan: true, N: *g.PlanNumber}.String() + " " + planTitle[*g.PlanNumber]
	}
	// goalCols are the goal's scale, target, status and theme (its name
	// in the catalogue; empty without one) (issue 16
	// #2 fills the theme once goals have one).
	goalCols := func(g smallgoals.Goal) []string {
		if g.ID == 0 {
			return []string{"", "", "", ""}
		}
		target := ""
		if g.Target != nil {
			target = formatScore(g.Scale(), *g.Target)
		}
		theme := ""
		if g.Theme != "" {
			theme = c.themeName(g.Theme)
		}
		return []string{g.Scale().String(), target, c.t("export.status." + g.Status), theme}
	}
	for _, e := range entries {
		g := byID[e.GoalID]
		rows = append(rows, append([]string{c.t("export.kind_entry"), ref(alias, g), g.Title, plan(g), smallgoals.FormatDate(e.Day),
			num(g, e.StaffScore), num(g, e.CitizenScore), "", "", "", e.Note, e.Author,
			localTime(e.WrittenAt, loc), yn(e.Replaced), strconv.Itoa(e.Number), e.UndoneBy, undoneAt(e, loc), e.UndoReason},
			append(goalCols(g), "")...))
	}
	for _, r := range revisions {
		g := byID[r.GoalID]
		took := c.t("export.took_part_unknown")
		if r.CitizenTookPart != nil {
			took = yn(*r.CitizenTookPart)
			if !*r.CitizenTookPart {
				took = c.t("export.took_part_no")
			}
		}
		rows = append(rows, append([]string{c.t("export.kind_revision"), ref(alias, g), g.Title, plan(g), smallgoals.FormatDate(r.Day),
			"", "", smallgoals.FormatGASLevel(r.GASLevel), c.t("outcome." + r.Outcome), took, r.Reflection, r.Author,
			localTime(r.WrittenAt, loc), "", "", "", "", ""}, append(goalCols(g), outcomeCodes[r.Outcome])...))
	}
	for _, ch := range changes {
		// A change to a goal's or a plan goal's settings, the old value kept.
		gref, title, pl := "", "", ""
		var g smallgoals.Goal
		if ch.GoalID != nil {
			g = byID[*ch.GoalID]
			gref, title, pl = ref(alias, g), g.Title, plan(g)
		} else if p, ok := planByID[*ch.PlanGoalID]; ok {
			gref = smallgoals.Ref{Alias: alias, Plan: true, N: p.Number}.String()
			pl = gref + " " + p.Title
		}
		rows = append(rows, append([]string{c.t("export.kind_change"), gref, title, pl, smallgoals.FormatDate(smallgoals.Day(ch.At, loc)),
			"", "", "", "", "", c.changeText(alias, ch, plainText), ch.Author, localTime(ch.At, loc), "", "", "", "", ""},
			append(goalCols(g), "")...))
	}
	rows = append(rows, more...)
	for i, row := range rows {
		// Every kind of row has every column: a spreadsheet, and a CSV
		// reader, expect as many fields as the header has.
		for len(row) < len(rows[0]) {
			row = append(row, "")
		}
		rows[i] = row
	}
	return danishCSV(rows)
}

// localTime is a moment as the CSV writes it: in the team's zone, to the
// second, without the zone (Excel reads it as a date and time).
func localTime(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("2006-01-02 15:04:05")
}

// undoneAt is when an entry was undone, for the CSV; "" if it was not.
func undoneAt(e smallgoals.Entry, loc *time.Location) string {
	if e.UndoneAt == nil {
		return ""
	}
	return localTime(*e.UndoneAt, loc)
}

// dateOr shows d, or none for the zero date (an open end of a period).
func (c *call) dateOr(d time.Time, none string) string {
	if d.IsZero() {
		return none
	}
	return c.date(d)
}

// changesIn keeps the changes made on days from..to (civil dates in loc;
// zero: open).
func changesIn(changes []smallgoals.GoalChange, loc *time.Location, from, to time.Time) []smallgoals.GoalChange {
	var out []smallgoals.GoalChange
	for _, ch := range changes {
		d := smallgoals.Day(ch.At, loc)
		if (!from.IsZero() && d.Before(from)) || (!to.IsZero() && d.After(to)) {
			continue
		}
		out = append(out, ch)
	}
	return out
}
