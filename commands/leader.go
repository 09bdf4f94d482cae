package commands

// The leader's overview (issue 16, item 5): figures a leader can take to
// the municipality, for each team the caller leads or coordinates and
// across them — counts only: no alias, no ref, no text. A coordinator
// names a team's leaders (team leder @bruger); a leader is no member of
// the team and sees nothing else of it.

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"smallgoals"
)

// overviewQuarters is how many calendar quarters the trend shows, today's
// the last; the period figures cover them all.
const overviewQuarters = 4

// runTeamLeader makes a user a leader of the channel's team, for
// coordinators: team leder @bruger.
func (c *call) runTeamLeader() (Reply, error) {
	user, t, refuse, err := c.leaderChange(smallgoals.ActLeaderSet, "err.leader_user", "err.leader_forbidden")
	if err != nil {
		return Reply{}, err
	}
	if sc, ok := c.h.members.(StaffChecker); ok {
		// A leader sees the team's figures, some of them about few borgere:
		// never someone outside the organisation, a guest or a bot.
		if staff, err := sc.IsStaff(c.ctx, user); err != nil {
			return Reply{}, err
		} else if !staff {
			return refuse(smallgoals.Errorf(smallgoals.EINVALID, "err.leader_not_staff", "User", mention(user)))
		}
	}
	err = c.tx.AddLeader(c.ctx, t.ID, user, c.req.UserID, c.req.Time)
	if smallgoals.ErrorCode(err) == smallgoals.ECONFLICT {
		return refuse(smallgoals.Errorf(smallgoals.EINVALID, "err.leader_already", "User", mention(user), "Name", Escape(t.Name)))
	}
	if err != nil {
		return Reply{}, err
	}
	if err := c.leaderChanged(t, user, smallgoals.MemberLeaderAdded, smallgoals.ActLeaderSet); err != nil {
		return Reply{}, err
	}
	r := textReply(c.t("leader.added", "User", mention(user), "Name", Escape(t.Name)))
	r.add(Context, c.t("leader.added_next"))
	return r, nil
}

// runLeaderRemove takes a leader's access to the team's figures away, for
// coordinators: team leder fjern @bruger. A leader who leaves the job
// must not go on seeing the figures.
func (c *call) runLeaderRemove() (Reply, error) {
	user, t, refuse, err := c.leaderChange(smallgoals.ActLeaderRemove, "err.leader_remove_user", "err.leader_remove_forbidden")
	if err != nil {
		return Reply{}, err
	}
	err = c.tx.RemoveLeader(c.ctx, t.ID, user)
	if smallgoals.ErrorCode(err) == smallgoals.ENOTFOUND {
		return refuse(smallgoals.Errorf(smallgoals.EINVALID, "err.not_leader_user", "User", mention(user), "Name", Escape(t.Name)))
	}
	if err != nil {
		return Reply{}, err
	}
	if err := c.leaderChanged(t, user, smallgoals.MemberLeaderRemoved, smallgoals.ActLeaderRemove); err != nil {
		return Reply{}, err
	}
	return textReply(c.t("leader.removed", "User", mention(user), "Name", Escape(t.Name))), nil
}

// leaderChange reads a change of the channel team's leaders (action act):
// the @user it names (else the usage message), the team, and refuse,
// which audits a refusal; a caller who is no coordinator of the team is
// refused with the forbidden message.
func (c *call) leaderChange(act, usage, forbidden string) (string, smallgoals.Team, func(error) (Reply, error), error) {
	if len(c.p.args) != 1 {
		return "", smallgoals.Team{}, nil, c.invalid(usage)
	}
	user, ok := mentionedUser(c.p.args[0])
	if !ok {
		return "", smallgoals.Team{}, nil, c.invalid(usage)
	}
	t, err := c.channelTeam(act)
	if err != nil {
		return "", smallgoals.Team{}, nil, err
	}
	refuse := func(e error) (Reply, error) {
		if err := c.audit(act, &t, nil, nil, "", false); err != nil {
			return Reply{}, err
		}
		return Reply{}, e
	}
	if ok, err := c.isCoordinator(t); err != nil {
		return "", t, nil, err
	} else if !ok {
		_, err := refuse(smallgoals.Errorf(smallgoals.EFORBIDDEN, forbidden))
		return "", t, nil, err
	}
	return user, t, refuse, nil
}

// leaderChanged records a change of the team's leaders in its history
// (member event kind) and the audit log (act).
func (c *call) leaderChanged(t smallgoals.Team, user, kind, act string) error {
	ev := smallgoals.MemberEvent{TeamID: t.ID, UserID: user, Kind: kind, Actor: c.req.UserID, At: c.req.Time}
	if err := c.tx.CreateMemberEvent(c.ctx, &ev); err != nil {
		return err
	}
	return c.audit(act, &t, nil, nil, "", true)
}

// leadTeams returns the teams whose figures the caller may see: those
// they lead, and those they coordinate (and are still on), by name.
func (c *call) leadTeams() ([]smallgoals.Team, error) {
	leads, coords, err := c.tx.ListLeadTeams(c.ctx, c.req.UserID)
	if err != nil {
		return nil, err
	}
	seen := map[int64]bool{}
	for _, t := range leads {
		seen[t.ID] = true
	}
	for _, t := range coords {
		if seen[t.ID] {
			continue
		}
		ok, err := c.isCoordinator(t)
		if err != nil {
			return nil, err
		}
		if ok {
			leads, seen[t.ID] = append(leads, t), true
		}
	}
	sort.SliceStable(leads, func(i, j int) bool { return leads[i].Name < leads[j].Name })
	return leads, nil
}

// quarterStart is the first day of the calendar quarter of civil date d.
func quarterStart(d time.Time) time.Time {
	return time.Date(d.Year(), time.Month((int(d.Month())-1)/3*3+1), 1, 0, 0, 0, 0, time.UTC)
}

// runLeaderOverview shows the figures of the caller's teams and across
// them, and sends them as CSV: overblik.
func (c *call) runLeaderOverview() (Reply, error) {
	if len(c.p.args) > 0 {
		return Reply{}, c.invalid("err.leader_overview_args")
	}
	teams, err := c.leadTeams()
	if err != nil {
		return Reply{}, err
	}
	if len(teams) == 0 {
		t, err := c.currentTeam()
		if err != nil {
			return Reply{}, err
		}
		if err := c.audit(smallgoals.ActLeaderOverview, t, nil, nil, "", false); err != nil {
			return Reply{}, err
		}
		return Reply{}, smallgoals.Errorf(smallgoals.EFORBIDDEN, "err.leader_overview_forbidden")
	}
	today := c.today(&teams[0])
	from := quarterStart(today).AddDate(0, -3*(overviewQuarters-1), 0)
	ids := make([]int64, len(teams))
	for i, t := range teams {
		ids[i] = t.ID
	}
	figs, err := c.tx.ListTeamFigures(c.ctx, ids, from, today)
	if err != nil {
		return Reply{}, err
	}
	for i := range teams {
		if err := c.audit(smallgoals.ActLeaderOverview, &teams[i], nil, nil, "", true); err != nil {
			return Reply{}, err
		}
	}
	var r Reply
	r.add(Header, c.t("leader.title", "Count", len(teams)))
	r.add(Context, c.t("leader.intro", "From", c.quarterName(from), "To", c.quarterName(quarterStart(today)),
		"Date", c.date(today)))
	rows := [][]string{{c.t("leader.col.team"), c.t("leader.col.figure"), c.t("leader.col.period"), c.t("leader.col.count"),
		c.t("leader.col.of"), c.t("leader.col.share")}}
	for i, t := range teams {
		r.add(Section, "*"+Escape(t.Name)+"*\n"+c.figuresText(figs[i]))
		rows = append(rows, c.figureRows(t.Name, figs[i], today)...)
	}
	if len(teams) > 1 {
		all := sumFigures(figs)
		r.add(Section, "*"+c.t("leader.all", "Count", len(teams))+"*\n"+c.figuresText(all))
		rows = append(rows, c.figureRows(c.t("leader.all", "Count", len(teams)), all, today)...)
	}
	r.add(Context, c.t("leader.how"))
	r.add(Section, c.t("leader.csv"))
	name := c.t("file.overview", "Date", smallgoals.FormatDate(today))
	return c.withFiles(r, &teams[0], c.t("leader.csv_not_sent"),
		File{Name: name, Title: c.t("leader.csv_title"), Data: danishCSV(rows), TeamID: teams[0].ID}), nil
}

// sumFigures adds up teams' figures: the same across all of them.
func sumFigures(figs []smallgoals.TeamFigures) smallgoals.TeamFigures {
	all := smallgoals.TeamFigures{Themes: map[string]int{}}
	for _, f := range figs {
		all.Citizens += f.Citizens
		all.ActiveGoals += f.ActiveGoals
		all.Overdue += f.Overdue
		for k, n := range f.Themes {
			all.Themes[k] += n
		}
		all.LatestGAS = append(all.LatestGAS, f.LatestGAS...)
		if all.Quarters == nil {
			all.Quarters = slices.Clone(f.Quarters)
			continue
		}
		for j, q := range f.Quarters {
			addQuarter(&all.Quarters[j], q)
		}
	}
	return all
}

// period adds up the quarters.
func period(f smallgoals.TeamFigures) smallgoals.QuarterFigures {
	var p smallgoals.QuarterFigures
	for _, q := range f.Quarters {
		addQuarter(&p, q)
	}
	return p
}

// addQuarter adds q's counts to a.
func addQuarter(a *smallgoals.QuarterFigures, q smallgoals.QuarterFigures) {
	a.Entries += q.Entries
	a.CitizenScored += q.CitizenScored
	a.Revisions += q.Revisions
	a.OnTime += q.OnTime
	a.WithCitizen += q.WithCitizen
}

// medianTScore is the median of the borgere's GAS T-scores (weighted, and
// only for those with at least two revised active goals: CitizenTScore),
// and how many borgere that is.
func medianTScore(latest []smallgoals.GASGoals) (float64, int) {
	var ts []float64
	for _, g := range latest {
		if t, ok := smallgoals.CitizenTScore(g); ok {
			ts = append(ts, t)
		}
	}
	if len(ts) == 0 {
		return 0, 0
	}
	slices.Sort(ts)
	n := len(ts)
	if n%2 == 1 {
		return ts[n/2], n
	}
	return (ts[n/2-1] + ts[n/2]) / 2, n
}

// themeCounts is the active goals by theme, the most first, "none" last.
func themeCounts(themes map[string]int) []string {
	codes := make([]string, 0, len(themes))
	for k := range themes {
		if k != "" {
			codes = append(codes, k)
		}
	}
	sort.Slice(codes, func(i, j int) bool {
		if themes[codes[i]] != themes[codes[j]] {
			return themes[codes[i]] > themes[codes[j]]
		}
		return codes[i] < codes[j]
	})
	if themes[""] > 0 {
		codes = append(codes, "")
	}
	return codes
}

// themeName names a theme code in the figures: its name, or "uden tema".
func (c *call) themeName(code string) string {
	if code == "" {
		return c.t("leader.no_theme")
	}
	return c.h.themes.Label(c.lang, code)
}

// share is n of d as a percentage ("80 %"), "–" when d is 0.
func (c *call) share(n, d int) string {
	if d == 0 {
		return "–"
	}
	return c.t("leader.percent", "P", c.decimal(100*float64(n)/float64(d)))
}

// shareCell is n of d as a CSV cell: a percentage number, "" when d is 0.
func (c *call) shareCell(n, d int) string {
	if d == 0 {
		return ""
	}
	return c.decimal(100 * float64(n) / float64(d))
}

// quarterName names a quarter by its first day: "2026 K4".
func (c *call) quarterName(start time.Time) string {
	return c.t("leader.quarter", "Year", start.Year(), "Q", (int(start.Month())-1)/3+1)
}

// figuresText is one team's (or all teams') figures, for Slack.
func (c *call) figuresText(f smallgoals.TeamFigures) string {
	p := period(f)
	lines := []string{
		c.t("leader.now", "Citizens", f.Citizens, "Goals", f.ActiveGoals, "Overdue", f.Overdue),
		c.t("leader.on_time", "Share", c.share(p.OnTime, p.Revisions), "N", p.OnTime, "Count", p.Revisions),
		c.t("leader.with_citizen", "Share", c.share(p.WithCitizen, p.Revisions), "N", p.WithCitizen, "Count", p.Revisions),
		c.t("leader.citizen_scored", "Share", c.share(p.CitizenScored, p.Entries), "Count", p.Entries),
	}
	if t, n := medianTScore(f.LatestGAS); n > 0 {
		lines = append(lines, c.t("leader.tscore", "T", c.decimal(t), "Count", n))
	} else {
		lines = append(lines, c.t("leader.tscore_none"))
	}
	if codes := themeCounts(f.Themes); len(codes) > 0 {
		parts := make([]string, len(codes))
		for i, k := range codes {
			parts[i] = Escape(c.themeName(k)) + " " + strconv.Itoa(f.Themes[k])
		}
		lines = append(lines, c.t("leader.themes", "Themes", strings.Join(parts, " · ")))
	}
	var qs []string
	for _, q := range f.Quarters {
		qs = append(qs, c.t("leader.quarter_line", "Quarter", c.quarterName(q.Start), "Entries", q.Entries,
			"Scored", c.share(q.CitizenScored, q.Entries), "Revisions", q.Revisions, "OnTime", c.share(q.OnTime, q.Revisions)))
	}
	lines = append(lines, c.t("leader.trend")+"\n"+strings.Join(qs, "\n"))
	return strings.Join(lines, "\n")
}

// figureRows is one team's (or all teams') figures as CSV rows: team,
// figure, period, count, out of, share (%).
func (c *call) figureRows(team string, f smallgoals.TeamFigures, today time.Time) [][]string {
	now := smallgoals.FormatDate(today)
	n := strconv.Itoa
	rows := [][]string{
		{team, c.t("leader.fig.citizens"), now, n(f.Citizens), "", ""},
		{team, c.t("leader.fig.active_goals"), now, n(f.ActiveGoals), "", ""},
		{team, c.t("leader.fig.overdue"), now, n(f.Overdue), n(f.ActiveGoals), c.shareCell(f.Overdue, f.ActiveGoals)},
	}
	if t, k := medianTScore(f.LatestGAS); k > 0 {
		rows = append(rows, []string{team, c.t("leader.fig.tscore"), now, c.decimal(t), n(k), ""})
	}
	for _, code := range themeCounts(f.Themes) {
		rows = append(rows, []string{team, c.t("leader.fig.theme", "Theme", c.themeName(code)), now, n(f.Themes[code]),
			n(f.ActiveGoals), c.shareCell(f.Themes[code], f.ActiveGoals)})
	}
	add := func(label string, q smallgoals.QuarterFigures) {
		rows = append(rows,
			[]string{team, c.t("leader.fig.entries"), label, n(q.Entries), "", ""},
			[]string{team, c.t("leader.fig.citizen_scored"), label, n(q.CitizenScored), n(q.Entries), c.shareCell(q.CitizenScored, q.Entries)},
			[]string{team, c.t("leader.fig.revisions"), label, n(q.Revisions), "", ""},
			[]string{team, c.t("leader.fig.on_time"), label, n(q.OnTime), n(q.Revisions), c.shareCell(q.OnTime, q.Revisions)},
			[]string{team, c.t("leader.fig.with_citizen"), label, n(q.WithCitizen), n(q.Revisions), c.shareCell(q.WithCitizen, q.Revisions)})
	}
	if len(f.Quarters) > 0 {
		add(c.quarterName(f.Quarters[0].Start)+"–"+c.quarterName(f.Quarters[len(f.Quarters)-1].Start), period(f))
	}
	for _, q := range f.Quarters {
		add(c.quarterName(q.Start), q)
	}
	return rows
}
