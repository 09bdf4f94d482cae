package reminders

import (
	"context"
	"errors"
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
	ClaimDigest(ctx context.Context, teamID int64, year, week int, at time.Time) (bool, error)
	SetDigestStatus(ctx context.Context, teamID int64, year, week int, status string) error
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
// same time.
func (d *Digester) Digest(ctx context.Context, at time.Time) (res DigestResult, err error) {
	defer func() { run("digest", err) }()
	teams, err := d.Store.ListTeams(ctx)
	if err != nil {
		return res, err
	}
	for _, t := range teams {
		day, year, week, ok := d.slot(t, at)
		if !ok {
			continue
		}
		won, err := d.Store.ClaimDigest(ctx, t.ID, year, week, at)
		if err != nil {
			return res, err
		}
		if !won {
			continue
		}
		claims.WithLabelValues("digest").Inc()
		status, err := d.post(ctx, t, day, week)
		if err != nil {
			return res, err
		}
		sends.WithLabelValues("digest", status).Inc()
		switch status {
		case "sent":
			res.Posted++
		case "counts":
			res.CountsOnly++
			status = "sent"
		case "ambiguous":
			res.Ambiguous++
		default:
			res.Failed++
		}
		if err := d.Store.SetDigestStatus(ctx, t.ID, year, week, status); err != nil {
			return res, err
		}
	}
	d.Log.Info("digests done", "posted", res.Posted, "counts_only", res.CountsOnly, "failed", res.Failed, "ambiguous", res.Ambiguous)
	return res, nil
}

// post builds and posts one team's digest; it returns sent, counts,
// failed or ambiguous. No lock is held: the claim is committed.
func (d *Digester) post(ctx context.Context, t smallgoals.Team, day time.Time, week int) (string, error) {
	dg, err := d.Store.DigestOf(ctx, t.ID, day.AddDate(0, 0, -7), day.AddDate(0, 0, -1))
	if err != nil {
		return "", err
	}
	private, err := d.Post.IsPrivate(ctx, t.ChannelID)
	if err != nil {
		d.Log.Error("digest: channel privacy unknown; counts only", "team", t.ID, "err", err)
		private = false
	}
	r := d.Message(t, dg, day, week, private)
	if err := d.Post.Post(ctx, t.ChannelID, r); err != nil {
		d.Log.Error("digest not posted", "team", t.ID, "err", err)
		var amb interface{ Ambiguous() bool }
		if errors.As(err, &amb) && amb.Ambiguous() {
			return "ambiguous", nil
		}
		return "failed", nil
	}
	if !private {
		return "counts", nil
	}
	if d.Chart != nil && len(dg.Goals) > 0 {
		title := d.Text.T(t.Lang, "digest.chart_title", "Team", t.Name, "Week", week)
		png, err := d.Chart(title, dg.Goals, t.Lang)
		if err != nil {
			d.Log.Error("digest chart not drawn", "team", t.ID, "err", err)
			return "sent", nil
		}
		f := commands.File{Name: fmt.Sprintf("ugens-maal-uge%d.png", week), Title: title, Data: png, TeamID: t.ID}
		id, err := d.Post.PostFile(ctx, t.ChannelID, f)
		if err != nil {
			d.Log.Error("digest chart not posted", "team", t.ID, "err", err)
		} else if d.Sent != nil {
			if err := d.Sent(ctx, id, f); err != nil {
				d.Log.Error("digest chart not recorded", "err", err)
			}
		}
	}
	return "sent", nil
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
