package commands

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"smallgoals"
	"smallgoals/chart"
)

// The words of what the scheduled jobs send — the reminder DM, the weekly
// digest and its chart — composed here with every other message; the
// reminders package plans and delivers them.

// ReminderGoal is a goal in a reminder DM, with its team's name.
type ReminderGoal struct {
	smallgoals.DueGoal
	Team string
}

// ReminderMessage is a recipient's grouped reminder DM of day in lang: ref,
// title and date of each goal, soonest first — never a note — with
// buttons to revise now or postpone 7 days.
func (h *Handler) ReminderMessage(lang string, day time.Time, goals []ReminderGoal) Reply {
	t := func(id string, kv ...any) string { return h.T(lang, id, kv...) }
	sort.SliceStable(goals, func(i, j int) bool {
		a, b := goals[i], goals[j]
		if !a.NextRevision.Equal(*b.NextRevision) {
			return a.NextRevision.Before(*b.NextRevision)
		}
		return smallgoals.CompareRefs(smallgoals.Ref{Alias: a.Alias, N: a.Number}, smallgoals.Ref{Alias: b.Alias, N: b.Number}) < 0 // AB-2 before AB-10
	})
	out := Reply{Blocks: []Block{{Kind: Header, Text: t("remind.title")}, {Kind: Section, Text: t("remind.intro")}}}
	var items []Block
	for _, g := range goals {
		gref := smallgoals.Ref{Alias: g.Alias, N: g.Number}.String()
		text := "*" + gref + "* " + Escape(g.Title) + "\n" + h.DueWhen(lang, *g.NextRevision, day) + " · " + Escape(g.Team)
		id := strconv.FormatInt(g.ID, 10)
		items = append(items, Block{Kind: Section, Text: text, Buttons: []Button{
			{Label: t("button.revise"), Action: ActRevise, Value: id, Primary: true},
			{Label: t("button.snooze"), Action: ActSnooze, Value: id},
		}})
	}
	out.Fit(MessageBlocks, items, 1, func(shown int) Block {
		return Block{Kind: Context, Text: t("remind.more", "Count", len(items)-shown)}
	})
	out.Blocks = append(out.Blocks, Block{Kind: Context, Text: t("remind.footer")})
	return out
}

// noEntryDays is how long without an entry makes a goal worth a mention
// in the digest; a goal younger than that is never quiet.
const noEntryDays = 14

// listed caps each list of refs in a digest.
const listed = 10

// DigestMessage is a team's digest in its language: aliases, refs and
// numbers, never a note. week is the ISO week it covers
// (smallgoals.Digest.Week), day the day it is posted. Revisions overdue
// come first, the latest first, then those due in the coming week.
// Progress and setback follow smallgoals.DigestGoal.Trend. A public
// channel gets the counts only, and why.
func (h *Handler) DigestMessage(t smallgoals.Team, dg smallgoals.Digest, day time.Time, week int, private bool) Reply {
	lang := t.Lang
	tr := func(id string, kv ...any) string { return h.T(lang, id, kv...) }
	var progress, setback, quiet, gaps, wins, due, waiting []string
	type late struct {
		ref  string
		days int
	}
	var overdue []late
	for _, g := range dg.Goals {
		ref := g.Ref()
		if g.RevisitAt != nil {
			waiting = append(waiting, fmt.Sprintf("%s (%s)", ref, h.msg.ShortDate(lang, smallgoals.Day(*g.RevisitAt, t.Location()))))
		}
		if g.WeekMedian != nil && g.BeforeMedian != nil {
			item := fmt.Sprintf("%s (%s→%s)", ref, median(*g.BeforeMedian, lang), median(*g.WeekMedian, lang))
			switch g.Trend() {
			case 1:
				progress = append(progress, item)
			case -1:
				setback = append(setback, item)
			}
		}
		window := day.AddDate(0, 0, -noEntryDays)
		if g.CreatedOn.Before(window) && (g.LastDay == nil || g.LastDay.Before(window)) {
			quiet = append(quiet, ref)
		}
		if g.GapStaff != nil && g.GapCitizen != nil {
			gaps = append(gaps, tr("digest.gap_item", "Ref", ref, "Staff", *g.GapStaff, "Citizen", *g.GapCitizen))
		}
		if g.BestInWeek != nil && g.BestBefore != nil && *g.BestInWeek > *g.BestBefore {
			wins = append(wins, tr("digest.win_item", "Ref", ref, "Score", *g.BestInWeek))
		}
		switch {
		case g.NextRevision == nil || g.RevisitAt != nil: // waiting for the municipality: not late
		case g.NextRevision.Before(day):
			overdue = append(overdue, late{ref, int(day.Sub(*g.NextRevision).Hours()+12) / 24})
		case g.NextRevision.Before(day.AddDate(0, 0, 7)):
			due = append(due, fmt.Sprintf("%s (%s)", ref, h.msg.ShortDate(lang, *g.NextRevision)))
		}
	}
	sort.SliceStable(overdue, func(i, j int) bool { return overdue[i].days > overdue[j].days })
	lateItems := make([]string, len(overdue))
	for i, o := range overdue {
		lateItems[i] = tr("digest.overdue_item", "Ref", o.ref, "Count", o.days)
	}
	var revised []string
	gas := map[string]*smallgoals.GASGoals{}
	var aliases []string
	for _, r := range dg.Revisions {
		if !r.Day.Before(dg.From) {
			ref := smallgoals.Ref{Alias: r.Alias, N: r.Number}.String()
			item := fmt.Sprintf("%s GAS %s %s", ref, smallgoals.FormatGASLevel(r.GASLevel), tr("outcome."+r.Outcome))
			switch {
			case r.TookPart == nil:
				item += " (" + tr("digest.took_part_unknown") + ")"
			case !*r.TookPart:
				item += " (" + tr("digest.without_citizen") + ")"
			}
			revised = append(revised, item)
		}
		if r.Latest {
			g, ok := gas[r.Alias]
			if !ok {
				aliases = append(aliases, r.Alias)
				g = &smallgoals.GASGoals{}
				gas[r.Alias] = g
			}
			g.Levels = append(g.Levels, r.GASLevel)
			g.Weights = append(g.Weights, float64(r.Weight))
		}
	}
	slices.SortFunc(aliases, smallgoals.CompareAliases) // Æ, Ø, Å after Z
	var tscores []string
	for _, a := range aliases {
		if ts, ok := smallgoals.CitizenTScore(*gas[a]); ok {
			tscores = append(tscores, fmt.Sprintf("%s %s", a, decimal(ts, lang)))
		}
	}

	var r Reply
	add := func(kind BlockKind, text string) {
		r.Blocks = append(r.Blocks, Block{Kind: kind, Text: text})
	}
	add(Header, tr("digest.title", "Team", Escape(t.Name), "Week", week))
	add(Context, tr("digest.period", "From", h.msg.Date(lang, dg.From), "To", h.msg.Date(lang, dg.To)))
	add(Section, tr("digest.entries", "Entries", h.N(lang, "entries", dg.Entries), "Authors", h.N(lang, "staff", dg.Authors)))
	if !private {
		add(Section, tr("digest.counts", "Overdue", len(lateItems), "Progress", len(progress), "Setback", len(setback), "Quiet", len(quiet),
			"Gaps", len(gaps), "Revised", len(revised), "Due", len(due), "Wins", len(wins)))
		if len(waiting) > 0 {
			add(Section, tr("digest.waiting_count", "Count", len(waiting)))
		}
		add(Context, tr("digest.public"))
		h.reflectionPrompt(&r, t, dg)
		return r
	}
	list := func(id string, items []string) {
		if len(items) == 0 {
			return
		}
		more := ""
		if len(items) > listed {
			more = " " + tr("digest.more", "Count", len(items)-listed)
			items = items[:listed]
		}
		add(Section, "*"+tr(id)+"* "+strings.Join(items, ", ")+more)
	}
	list("digest.overdue", lateItems)
	list("digest.due", due)
	list("digest.progress", progress)
	list("digest.setback", setback)
	if len(progress)+len(setback) > 0 {
		add(Context, tr("digest.trend_rule"))
	}
	list("digest.quiet", quiet)
	list("digest.gaps", gaps)
	list("digest.revised", revised)
	list("digest.tscore", tscores)
	list("digest.waiting", waiting)
	list("digest.wins", wins)
	if themes := h.themeCounts(dg.Goals, lang); themes != "" {
		// The team's active goals by theme of the catalogue: counts only.
		add(Context, tr("digest.themes", "Themes", themes))
	}
	if len(lateItems)+len(progress)+len(setback)+len(quiet)+len(gaps)+len(revised)+len(due)+len(waiting)+len(wins) == 0 {
		add(Section, tr("digest.quiet_week"))
	}
	q := week%12 + 1
	add(Context, "💬 "+tr("digest.reflect")+" "+tr(fmt.Sprintf("reflect.q%d", q)))
	h.reflectionPrompt(&r, t, dg)
	return r
}

// reflectionPrompt ends a digest: that the team's reflection of the week
// it covers is noted (never its text), and the button to note this
// week's.
func (h *Handler) reflectionPrompt(r *Reply, t smallgoals.Team, dg smallgoals.Digest) {
	if dg.Reflections > 0 {
		r.Blocks = append(r.Blocks, Block{Kind: Context, Text: h.T(t.Lang, "digest.reflection_noted", "Count", dg.Reflections)})
	}
	r.Blocks = append(r.Blocks, Block{Kind: Section, Text: h.T(t.Lang, "digest.reflection_prompt"), Buttons: []Button{
		{Label: h.T(t.Lang, "button.reflect"), Action: ActReflect, Value: strconv.FormatInt(t.ID, 10), Primary: true}}})
}

// TeamChart draws a digest's overview chart in lang: each goal's latest
// score against the one before, as a share of its scale.
func (h *Handler) TeamChart(title string, goals []smallgoals.DigestGoal, lang string) ([]byte, error) {
	tg := make([]chart.TeamGoal, 0, len(goals))
	for _, g := range goals {
		now := g.LastInWeek
		if now == nil {
			now = g.LastBefore
		}
		tg = append(tg, chart.TeamGoal{Ref: g.Ref(), Min: g.ScaleMin, Max: g.ScaleMax, Now: now, Before: g.LastBefore})
	}
	t := func(id string) string { return h.T(lang, id) }
	return chart.TeamPNG(title, tg, chart.TeamLabels{Now: t("chart.now"), Before: t("chart.before"), Scale: t("chart.scale")})
}

// median writes a median score: whole, or with one decimal (a comma in
// Danish).
func median(v float64, lang string) string {
	if v == math.Trunc(v) {
		return strconv.Itoa(int(v))
	}
	return decimal(v, lang)
}

// decimal writes a T-score with one decimal, with a comma in Danish.
func decimal(v float64, lang string) string {
	s := fmt.Sprintf("%.1f", math.Round(v*10)/10)
	if lang == smallgoals.LangDanish {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// themeCounts is how many active goals have each theme ("Egenomsorg 3 ·
// Mobilitet 1"), most first; "" when no goal has a theme.
func (h *Handler) themeCounts(goals []smallgoals.DigestGoal, lang string) string {
	n := map[string]int{}
	for _, g := range goals {
		if g.Theme != "" {
			n[g.Theme]++
		}
	}
	if len(n) == 0 {
		return ""
	}
	codes := slices.Collect(maps.Keys(n))
	slices.SortFunc(codes, func(a, b string) int { return cmp.Or(n[b]-n[a], strings.Compare(a, b)) })
	parts := make([]string, len(codes))
	for i, code := range codes {
		parts[i] = fmt.Sprintf("%s %d", h.themes.Label(lang, code), n[code])
	}
	return strings.Join(parts, " · ")
}
