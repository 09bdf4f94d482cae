package reminders

import (
	"context"
	"fmt"
	"log/slog"
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
	// Post posts r and returns where Slack keeps it (zero for the shell).
	Post(ctx context.Context, channel string, r commands.Reply) (smallgoals.Posted, error)
	// PostFile shares a file in the channel and returns its ID.
	PostFile(ctx context.Context, channel string, f commands.File) (string, error)
	// IsPrivate reports whether the channel is private (the shell: always).
	IsPrivate(ctx context.Context, channel string) (bool, error)
}

// Charts draws the digest's overview chart (PNG); nil: commands'
// TeamChart.
type Charts func(title string, goals []smallgoals.DigestGoal, lang string) ([]byte, error)

// Digester is the weekly digest job.
type Digester struct {
	Store    DigestStore
	Post     Channels
	Text     *commands.Handler
	Calendar *Calendar
	Chart    Charts
	Log      *slog.Logger
	// FileTTL is how long a chart stays in Slack (FILE_TTL); 0: DefaultFileTTL.
	FileTTL time.Duration
}

// DefaultFileTTL is how long a digest's chart stays without FileTTL, as
// the files sent to users do (bot.DefaultFileTTL).
const DefaultFileTTL = 72 * time.Hour

// DigestResult counts what a run did.
type DigestResult struct {
	Posted     int // digests posted in full
	CountsOnly int // digests posted as counts only (public channels)
	Failed     int
	Ambiguous  int
}

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
	// Named by the week it covers; claimed by the week it is posted in
	// (Key).
	_, week := dg.Week()
	r := d.Message(t, dg, p.Day, week, private)
	var chart *commands.File
	if private && len(dg.Goals) > 0 {
		draw := d.Chart
		if draw == nil {
			draw = d.Text.TeamChart
		}
		title := d.Text.T(t.Lang, "digest.chart_title", "Team", t.Name, "Week", week)
		if png, err := draw(title, dg.Goals, t.Lang); err != nil {
			d.Log.Error("digest chart not drawn", "team", t.ID, "err", err)
		} else {
			chart = &commands.File{Name: d.Text.T(t.Lang, "file.digest_chart", "Week", week), Title: title, Data: png, TeamID: t.ID}
		}
	}
	send := func(ctx context.Context) (smallgoals.Sent, error) {
		at, err := d.Post.Post(ctx, t.ChannelID, r)
		if err != nil {
			return smallgoals.Sent{}, err
		}
		sent := sentPost(at)
		if chart != nil {
			if f, ok := d.postChart(ctx, t, *chart); ok {
				sent.Files = append(sent.Files, f)
			}
		}
		return sent, nil
	}
	var about []smallgoals.About
	if private {
		about = aboutDigest(t.ID, dg)
	}
	return message{kind: kindDigest, key: p.Key(), windowEnd: p.windowEnd(), to: t.ChannelID, team: t.ID, about: about, send: send}, private, nil
}

// aboutDigest names the borgere of a digest in full: each whose goals or
// revisions it was made of (a digest in counts names none).
func aboutDigest(team int64, dg smallgoals.Digest) []smallgoals.About {
	var out []smallgoals.About
	seen := map[int64]bool{}
	add := func(citizen int64, alias string) {
		if !seen[citizen] {
			seen[citizen] = true
			out = append(out, smallgoals.About{TeamID: team, CitizenID: citizen, Ref: alias})
		}
	}
	for _, g := range dg.Goals {
		add(g.CitizenID, g.Alias)
	}
	for _, r := range dg.Revisions {
		add(r.CitizenID, r.Alias)
	}
	return out
}

// postChart shares a digest's chart after it and returns its record, to
// be deleted when it expires or a borger in it is erased; a failure is
// logged, the digest stands.
func (d *Digester) postChart(ctx context.Context, t smallgoals.Team, f commands.File) (smallgoals.FileRecord, bool) {
	id, err := d.Post.PostFile(ctx, t.ChannelID, f)
	if err != nil {
		d.Log.Error("digest chart not posted", "team", t.ID, "err", err)
		return smallgoals.FileRecord{}, false
	}
	ttl := d.FileTTL
	if ttl <= 0 {
		ttl = DefaultFileTTL
	}
	now := time.Now()
	return smallgoals.FileRecord{ID: id, TeamID: &t.ID, Name: f.Name, CreatedAt: now, ExpiresAt: now.Add(ttl)}, true
}

// Message is a team's digest in its language (commands composes it).
func (d *Digester) Message(t smallgoals.Team, dg smallgoals.Digest, day time.Time, week int, private bool) commands.Reply {
	return d.Text.DigestMessage(t, dg, day, week, private)
}
