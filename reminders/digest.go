package reminders

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"sort"
	"strings"
	"time"

	"smallgoals"
	"smallgoals/commands"
)

// DigestStore is what the digest job needs of the database; *store.DB is one.
type DigestStore interface {
	ListTeams(ctx context.Context) ([]smallgoals.Team, error)
	DigestOf(ctx context.Context, teamID int64, from, to time.Time) (smallgoals.Digest, error)
	Outbox
}

// Channels posts to team channels: Slack, or the shell's printer.
type Channels interface {
	Post(ctx context.Context, channel string, r commands.Reply) error
	// PostFile shares a file in the channel and returns its ID.
	PostFile(ctx context.Context, channel string, f commands.File) (string, error)
	// IsPrivate reports whether the channel is private (the shell: always).
	IsPrivate(ctx context.Context, channel string) (bool, error)
}

// Charts draws the digest's overview chart (PNG); nil: no chart.
type Charts func(title string, goals []smallgoals.DigestGoal, lang string) ([]byte, error)

// Digester is the weekly digest job.
type Digester struct {
	Store    DigestStore
	Post     Channels
	Text     *commands.Handler
	Calendar *Calendar
	Chart    Charts
	Log      *slog.Logger
	// Sent records a chart posted to a channel so it expires; nil: none.
	Sent func(ctx context.Context, id string, f commands.File) error
}

// DigestResult counts what a run did.
type DigestResult struct {
	Posted     int // digests posted in full
	CountsOnly int // digests posted as counts only (public channels)
	Failed     int
	Ambiguous  int
}

// noEntryDays is how long without an entry makes a goal worth a mention.
const noEntryDays = 14

// listed caps each list of refs in a digest.
const listed = 10

// slot returns the team's digest slot that falls on at's local day, if
// its time has come: the team's weekday and time, moved to the next
// working day when that is a holiday or weekend. week is the ISO week of
// the weekday it belongs to.
func (d *Digester) slot(t smallgoals.Team, at time.Time) (day time.Time, year, week int, ok bool) {
	loc := t.Location()
	today := smallgoals.Day(at, loc)
	// This ISO week's weekday and last week's (a holiday may move last
	// week's into this one).
	monday := today.AddDate(0, 0, -((int(today.Weekday()) + 6) % 7))
	offset := (int(t.DigestWeekday) + 6) % 7
	for _, base := range []time.Time{monday.AddDate(0, 0, offset), monday.AddDate(0, 0, offset-7)} {
		if !d.Calendar.NextWorkday(base).Equal(today) {
			continue
		}
		h, m := clock(t.DigestTime)
		local := at.In(loc)
		start := time.Date(local.Year(), local.Month(), local.Day(), h, m, 0, 0, loc)
		if at.Before(start) {
			return today, 0, 0, false
		}
		year, week = base.ISOWeek()
		return today, year, week, true
	}
	return today, 0, 0, false
}

// Digest posts the weekly digests due at at: every team whose slot is at
// or before at that day, once per team and ISO week whatever runs at the
// same time. A digest that failed is tried again later that week.
func (d *Digester) Digest(ctx context.Context, at time.Time) (res DigestResult, err error) {
	defer func(start time.Time) { run("digest", start, err) }(time.Now())
	teams, err := d.Store.ListTeams(ctx)
	if err != nil {
		return res, err
	}
	planned := d.Plan(teams, at)
	keys := make([]string, len(planned))
	for i, p := range planned {
		keys[i] = p.Key()
	}
	dl := delivery{outbox: d.Store, log: d.Log}
	open, err := dl.claimable(ctx, kindDigest, keys, at)
	if err != nil {
		return res, err
	}
	for _, p := range planned {
		if !open[p.Key()] {
			continue
		}
		// Composed before it is claimed: a failure here claims nothing,
		// and the next run tries again.
		m, private, err := d.compose(ctx, p)
		if err != nil {
			composeFailures.WithLabelValues(kindDigest).Inc()
			d.Log.Error("digest not composed", "team", p.Team.ID, "err", err)
			continue
		}
		status, err := dl.deliver(ctx, m, at)
		if err != nil {
			return res, err
		}
		switch {
		case status == statusSent && private:
			res.Posted++
		case status == statusSent:
			res.CountsOnly++
		case status == statusAmbiguous:
			res.Ambiguous++
		case status != "":
			res.Failed++
		}
	}
	dl.report(ctx, at)
	d.Log.Info("digests done", "posted", res.Posted, "counts_only", res.CountsOnly, "failed", res.Failed, "ambiguous", res.Ambiguous)
	return res, nil
}

// DigestSlot is one planned digest: a team's, posted on Day for the ISO
// week Year-Week.
type DigestSlot struct {
	Team       smallgoals.Team
	Day        time.Time
	Year, Week int
}

// Key is the digest's unique key in the outbox: one a team and ISO week.
func (p DigestSlot) Key() string { return fmt.Sprintf("%d/%d-W%02d", p.Team.ID, p.Year, p.Week) }

// windowEnd is when it is too late to post it: the end of the week it is
// posted in, in the team's zone.
func (p DigestSlot) windowEnd() time.Time {
	days := 7 - (int(p.Day.Weekday())+6)%7
	return time.Date(p.Day.Year(), p.Day.Month(), p.Day.Day()+days, 0, 0, 0, 0, p.Team.Location())
}

// Plan is what is due at at, from the teams and the clock alone: each team
// whose digest slot is at or before at on its local day.
func (d *Digester) Plan(teams []smallgoals.Team, at time.Time) []DigestSlot {
	var out []DigestSlot
	for _, t := range teams {
		if day, year, week, ok := d.slot(t, at); ok {
			out = append(out, DigestSlot{Team: t, Day: day, Year: year, Week: week})
		}
	}
	return out
}

// compose builds a team's digest, and its chart in a private channel; it
// reports whether the channel is private (counts only otherwise).
func (d *Digester) compose(ctx context.Context, p DigestSlot) (message, bool, error) {
	t := p.Team
	dg, err := d.Store.DigestOf(ctx, t.ID, p.Day.AddDate(0, 0, -7), p.Day.AddDate(0, 0, -1))
	if err != nil {
		return message{}, false, err
	}
	private, err := d.Post.IsPrivate(ctx, t.ChannelID)
	if err != nil {
		d.Log.Error("digest: channel privacy unknown; counts only", "team", t.ID, "err", err)
		private = false
	}
	r := d.Message(t, dg, p.Day, p.Week, private)
	var chart *commands.File
	if private && d.Chart != nil && len(dg.Goals) > 0 {
		title := d.Text.T(t.Lang, "digest.chart_title", "Team", t.Name, "Week", p.Week)
		if png, err := d.Chart(title, dg.Goals, t.Lang); err != nil {
			d.Log.Error("digest chart not drawn", "team", t.ID, "err", err)
		} else {
			chart = &commands.File{Name: fmt.Sprintf("ugens-maal-uge%d.png", p.Week), Title: title, Data: png, TeamID: t.ID}
		}
	}
	send := func(ctx context.Context) error {
		if err := d.Post.Post(ctx, t.ChannelID, r); err != nil {
			return err
		}
		if chart != nil {
			d.postChart(ctx, t, *chart)
		}
		return nil
	}
	return message{kind: kindDigest, key: p.Key(), windowEnd: p.windowEnd(), send: send}, private, nil
}

// postChart shares a digest's chart after it; a failure is logged, the
// digest stands.
func (d *Digester) postChart(ctx context.Context, t smallgoals.Team, f commands.File) {
	id, err := d.Post.PostFile(ctx, t.ChannelID, f)
	if err != nil {
		d.Log.Error("digest chart not posted", "team", t.ID, "err", err)
		return
	}
	if d.Sent != nil {
		if err := d.Sent(ctx, id, f); err != nil {
			d.Log.Error("digest chart not recorded", "err", err)
		}
	}
}

// Message is a team's digest in its language: aliases, refs and numbers,
// never a note. A public channel gets the counts only, and why.
func (d *Digester) Message(t smallgoals.Team, dg smallgoals.Digest, day time.Time, week int, private bool) commands.Reply {
	lang := t.Lang
	tr := func(id string, kv ...any) string { return d.Text.T(lang, id, kv...) }
	var progress, setback, quiet, gaps, wins, due []string
	for _, g := range dg.Goals {
		ref := g.Ref()
		if g.LastInWeek != nil && g.LastBefore != nil {
			switch {
			case *g.LastInWeek > *g.LastBefore:
				progress = append(progress, fmt.Sprintf("%s (%d→%d)", ref, *g.LastBefore, *g.LastInWeek))
			case *g.LastInWeek < *g.LastBefore:
				setback = append(setback, fmt.Sprintf("%s (%d→%d)", ref, *g.LastBefore, *g.LastInWeek))
			}
		}
		if g.LastDay == nil || g.LastDay.Before(day.AddDate(0, 0, -noEntryDays)) {
			quiet = append(quiet, ref)
		}
		if g.GapStaff != nil && g.GapCitizen != nil {
			gaps = append(gaps, tr("digest.gap_item", "Ref", ref, "Staff", *g.GapStaff, "Citizen", *g.GapCitizen))
		}
		if g.BestInWeek != nil && g.BestBefore != nil && *g.BestInWeek > *g.BestBefore {
			wins = append(wins, tr("digest.win_item", "Ref", ref, "Score", *g.BestInWeek))
		}
		if g.NextRevision != nil && !g.NextRevision.Before(day) && g.NextRevision.Before(day.AddDate(0, 0, 7)) {
			due = append(due, fmt.Sprintf("%s (%s)", ref, smallgoals.FormatDate(*g.NextRevision)))
		}
	}
	var revised []string
	levels := map[string][]int{}
	var aliases []string
	for _, r := range dg.Revisions {
		if !r.Day.Before(dg.From) {
			ref := smallgoals.Ref{Alias: r.Alias, N: r.Number}.String()
			revised = append(revised, fmt.Sprintf("%s GAS %s %s", ref, smallgoals.FormatGASLevel(r.GASLevel), tr("outcome."+r.Outcome)))
		}
		if r.Latest {
			if _, ok := levels[r.Alias]; !ok {
				aliases = append(aliases, r.Alias)
			}
			levels[r.Alias] = append(levels[r.Alias], r.GASLevel)
		}
	}
	sort.Strings(aliases)
	var tscores []string
	for _, a := range aliases {
		if ts, ok := smallgoals.TScore(levels[a], nil); ok {
			tscores = append(tscores, fmt.Sprintf("%s %s", a, decimal(ts, lang)))
		}
	}

	var r commands.Reply
	add := func(kind commands.BlockKind, text string) {
		r.Blocks = append(r.Blocks, commands.Block{Kind: kind, Text: text})
	}
	add(commands.Header, tr("digest.title", "Team", commands.Escape(t.Name), "Week", week))
	add(commands.Context, tr("digest.period", "From", smallgoals.FormatDate(dg.From), "To", smallgoals.FormatDate(dg.To)))
	add(commands.Section, tr("digest.entries", "Count", dg.Entries, "Authors", dg.Authors))
	if !private {
		add(commands.Section, tr("digest.counts", "Progress", len(progress), "Setback", len(setback), "Quiet", len(quiet),
			"Gaps", len(gaps), "Revised", len(revised), "Due", len(due), "Wins", len(wins)))
		add(commands.Context, tr("digest.public"))
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
		add(commands.Section, "*"+tr(id)+"* "+strings.Join(items, ", ")+more)
	}
	list("digest.progress", progress)
	list("digest.setback", setback)
	list("digest.quiet", quiet)
	list("digest.gaps", gaps)
	list("digest.revised", revised)
	list("digest.tscore", tscores)
	list("digest.due", due)
	list("digest.wins", wins)
	if len(progress)+len(setback)+len(quiet)+len(gaps)+len(revised)+len(due)+len(wins) == 0 {
		add(commands.Section, tr("digest.quiet_week"))
	}
	q := week%12 + 1
	add(commands.Context, "💬 "+tr("digest.reflect")+" "+tr(fmt.Sprintf("reflect.q%d", q)))
	return r
}

// decimal writes a T-score with one decimal, with a comma in Danish.
func decimal(v float64, lang string) string {
	s := fmt.Sprintf("%.1f", math.Round(v*10)/10)
	if lang == smallgoals.LangDanish {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}
