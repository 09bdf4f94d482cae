package reminders

import (
	"context"
	"log/slog"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/dk"

	"smallgoals"
	"smallgoals/commands"
)

// Calendar tells Danish working days: Monday to Friday except the public
// holidays of rickar/cal/v2/dk.
type Calendar struct {
	bc *cal.BusinessCalendar
}

// NewCalendar returns the Danish working-day calendar.
func NewCalendar() *Calendar {
	bc := cal.NewBusinessCalendar()
	bc.AddHoliday(dk.Holidays...)
	return &Calendar{bc: bc}
}

// IsWorkday reports whether the civil date d is a working day.
func (c *Calendar) IsWorkday(d time.Time) bool {
	return c.bc.IsWorkday(time.Date(d.Year(), d.Month(), d.Day(), 12, 0, 0, 0, time.UTC))
}

// NextWorkday returns d if it is a working day, else the next one.
func (c *Calendar) NextWorkday(d time.Time) time.Time {
	for !c.IsWorkday(d) {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

// OccurrenceOn returns the reminder occurrence of a goal due on due that
// is sent on day, if any. A goal's occurrences are 7 days before its
// revision date, on the date, and every 7 days while it is overdue; one
// that falls on a weekend or holiday is sent on the next working day.
func (c *Calendar) OccurrenceOn(due, day time.Time) (time.Time, bool) {
	if !c.IsWorkday(day) {
		return time.Time{}, false
	}
	for o := due.AddDate(0, 0, -7); !o.After(day); o = o.AddDate(0, 0, 7) {
		if c.NextWorkday(o).Equal(day) {
			return o, true
		}
	}
	return time.Time{}, false
}

// Poster sends messages: Slack, or the shell's printer. DM returns where
// Slack keeps the message (zero for the shell).
type Poster interface {
	DM(ctx context.Context, user string, r commands.Reply) (smallgoals.Posted, error)
}

// dm is a send that DMs r to user and returns what it put in Slack.
func dm(p Poster, user string, r commands.Reply) func(ctx context.Context) (smallgoals.Sent, error) {
	return func(ctx context.Context) (smallgoals.Sent, error) {
		at, err := p.DM(ctx, user, r)
		return sentPost(at), err
	}
}

// sentPost is a message posted at p, if it was (the shell posts nowhere).
func sentPost(p smallgoals.Posted) smallgoals.Sent {
	if p.TS == "" {
		return smallgoals.Sent{}
	}
	return smallgoals.Sent{Posts: []smallgoals.Posted{p}}
}

// ReminderStore is what the reminder job needs of the database; *store.DB
// is one.
type ReminderStore interface {
	ListTeams(ctx context.Context) ([]smallgoals.Team, error)
	ListDueGoals(ctx context.Context, teamIDs []int64, until time.Time) ([]smallgoals.DueGoal, error)
	ListCoordinators(ctx context.Context, teamIDs []int64) (map[int64][]string, error)
	ListAway(ctx context.Context, users []string, day time.Time) (map[string]bool, error)
	UserLang(ctx context.Context, user string) (string, error)
	// ListRevisits returns the revisitations written since.
	ListRevisits(ctx context.Context, since time.Time) ([]smallgoals.Revisit, error)
	Outbox
}

// Reminder is what the reminder job needs besides the store.
type Reminder struct {
	Store    ReminderStore
	Post     Poster
	Text     *commands.Handler // the message files and the due-date wording
	Calendar *Calendar
	// IsMember reports whether user is still on the team (in Slack: in its
	// channel); reminders go to members only.
	IsMember func(ctx context.Context, team smallgoals.Team, user string) (bool, error)
	Log      *slog.Logger
}

// RemindResult counts what a run did.
type RemindResult struct {
	Teams     int // teams whose reminder slot had come
	DMs       int // DMs sent
	Goals     int // goal reminders in them
	Failed    int // DMs Slack refused
	Ambiguous int // DMs whose outcome is unknown (recorded, not re-sent)
}

type item struct {
	goal smallgoals.DueGoal
	occ  time.Time
	team *smallgoals.Team
}

// Remind sends the reminders due at at: for every team whose reminder
// time has come on a working day (in the team's zone), each recipient
// gets one DM with the goals whose occurrence is today. The outbox makes
// each DM go out once, whatever runs at the same time; a DM that failed
// is tried again later that day.
func (r *Reminder) Remind(ctx context.Context, at time.Time) (res RemindResult, err error) {
	defer func(start time.Time) { run("remind", start, err) }(time.Now())
	// The notices to coordinators go out whatever the time of day.
	if err := r.notices(ctx, delivery{outbox: r.Store, log: r.Log}, at); err != nil {
		return res, err
	}
	teams, err := r.Store.ListTeams(ctx)
	if err != nil {
		return res, err
	}
	days := map[int64]time.Time{}
	var ids []int64
	latest := time.Time{}
	for _, t := range teams {
		if d, ok := r.slotCame(t, at); ok {
			days[t.ID] = d
			ids = append(ids, t.ID)
			latest = maxTime(latest, d)
		}
	}
	res.Teams = len(ids)
	if len(ids) == 0 {
		return res, nil
	}
	due, err := r.Store.ListDueGoals(ctx, ids, latest.AddDate(0, 0, 7))
	if err != nil {
		return res, err
	}
	coords, err := r.Store.ListCoordinators(ctx, ids)
	if err != nil {
		return res, err
	}
	planned := PlanReminders(teams, days, due, coords, r.Calendar)
	var users []string
	for _, p := range planned {
		users = append(users, p.User)
	}
	away, err := r.Store.ListAway(ctx, users, latest)
	if err != nil {
		return res, err
	}
	keys := make([]string, len(planned))
	for i, p := range planned {
		keys[i] = p.Key()
	}
	d := delivery{outbox: r.Store, log: r.Log}
	open, err := d.claimable(ctx, kindReminderDM, keys, at)
	if err != nil {
		return res, err
	}
	for _, p := range planned {
		if away[p.User] || !open[p.Key()] {
			continue // the coordinators have the away user's goals
		}
		// Composed before it is claimed: a failure here claims nothing.
		items, err := r.members(ctx, p.User, p.Items)
		if err != nil {
			composeFailures.WithLabelValues(kindReminderDM).Inc()
			r.Log.Error("reminder not composed", "user", p.User, "err", err)
			continue
		}
		if len(items) == 0 {
			continue
		}
		msg, err := r.message(ctx, p.User, p.Day, items)
		if err != nil {
			composeFailures.WithLabelValues(kindReminderDM).Inc()
			r.Log.Error("reminder not composed", "user", p.User, "err", err)
			continue
		}
		status, err := d.deliver(ctx, message{kind: kindReminderDM, key: p.Key(), windowEnd: p.WindowEnd,
			to: p.User, about: aboutItems(items), send: dm(r.Post, p.User, msg)}, at)
		if err != nil {
			return res, err
		}
		switch status {
		case statusSent:
			res.DMs++
			res.Goals += len(items)
		case statusAmbiguous:
			res.Ambiguous++
		case statusFailed, statusGivenUp:
			res.Failed++
		}
	}
	d.report(ctx, at)
	r.Log.Info("reminders done", "teams", res.Teams, "dms", res.DMs, "goals", res.Goals, "failed", res.Failed, "ambiguous", res.Ambiguous)
	return res, nil
}

// notices sends the notices to coordinators of the revisitations of the
// last commands.NoticeWindow that are not out yet: those whose first try,
// made by the transport at once, failed — or never came (the process
// stopped). Each coordinator of the team but the author gets one.
func (r *Reminder) notices(ctx context.Context, d delivery, at time.Time) error {
	revs, err := r.Store.ListRevisits(ctx, at.Add(-commands.NoticeWindow))
	if err != nil || len(revs) == 0 {
		return err
	}
	var ids []int64
	for _, v := range revs {
		ids = append(ids, v.Team.ID)
	}
	coords, err := r.Store.ListCoordinators(ctx, ids)
	if err != nil {
		return err
	}
	type notice struct {
		rev  smallgoals.Revisit
		user string
	}
	var planned []notice
	var keys []string
	for _, v := range revs {
		for _, u := range coords[v.Team.ID] {
			if u != v.Author {
				planned = append(planned, notice{v, u})
				keys = append(keys, commands.NoticeKey(v.RevisionID, u))
			}
		}
	}
	open, err := d.claimable(ctx, KindNotice, keys, at)
	if err != nil {
		return err
	}
	for i, n := range planned {
		if !open[keys[i]] {
			continue
		}
		lang, err := r.Store.UserLang(ctx, n.user)
		if err != nil {
			composeFailures.WithLabelValues(KindNotice).Inc()
			continue
		}
		if lang == "" {
			lang = n.rev.Team.Lang
		}
		gref := smallgoals.Ref{Alias: n.rev.Alias, N: n.rev.GoalNumber}.String()
		msg := r.Text.RevisitNotice(lang, gref, n.rev.Title, n.rev.Author, n.rev.Team.Name)
		goal := n.rev.GoalID
		about := []smallgoals.About{{TeamID: n.rev.Team.ID, CitizenID: n.rev.CitizenID, GoalID: &goal, Ref: gref}}
		if _, err := d.deliver(ctx, message{kind: KindNotice, key: keys[i], windowEnd: n.rev.WrittenAt.Add(commands.NoticeWindow),
			to: n.user, about: about, send: dm(r.Post, n.user, msg)}, at); err != nil {
			return err
		}
	}
	return nil
}

// aboutItems names the borgere of a reminder DM, one each in the order
// they first come: by the goal's ref when it names one goal of theirs,
// else by alias.
func aboutItems(items []item) []smallgoals.About {
	var out []smallgoals.About
	at := map[int64]int{}
	for _, it := range items {
		g := it.goal
		if i, ok := at[g.CitizenID]; ok {
			out[i].GoalID, out[i].Ref = nil, g.Alias
			continue
		}
		at[g.CitizenID] = len(out)
		id := g.ID
		out = append(out, smallgoals.About{TeamID: g.TeamID, CitizenID: g.CitizenID, GoalID: &id,
			Ref: smallgoals.Ref{Alias: g.Alias, N: g.Number}.String()})
	}
	return out
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// ReminderDM is one planned reminder DM: a recipient's due goals of a
// local day.
type ReminderDM struct {
	User      string
	Day       time.Time // the civil date it is for
	Items     []item
	WindowEnd time.Time // the end of that day in the zone of its first team: no send after
}

// Key is the DM's unique key in the outbox: one a recipient and day.
func (p ReminderDM) Key() string { return p.User + "/" + smallgoals.FormatDate(p.Day) }

// PlanReminders is what is due, from the database's state and the clock
// alone: for each team whose slot came (days: the team's local date), the
// goals with an occurrence that day, grouped into one DM for each
// recipient (the contact person and the coordinators) and day, in the
// order of the recipients.
func PlanReminders(teams []smallgoals.Team, days map[int64]time.Time, due []smallgoals.DueGoal, coords map[int64][]string, cal *Calendar) []ReminderDM {
	byID := map[int64]*smallgoals.Team{}
	for i := range teams {
		byID[teams[i].ID] = &teams[i]
	}
	type key struct {
		user string
		day  time.Time
	}
	groups := map[key]*ReminderDM{}
	var order []key
	for _, g := range due {
		day, ok := days[g.TeamID]
		if !ok {
			continue
		}
		occ, ok := cal.OccurrenceOn(*g.NextRevision, day)
		if !ok {
			continue
		}
		team := byID[g.TeamID]
		seen := map[string]bool{}
		for _, u := range append([]string{g.ContactUser}, coords[g.TeamID]...) {
			if seen[u] {
				continue
			}
			seen[u] = true
			k := key{u, day}
			p := groups[k]
			if p == nil {
				loc := team.Location()
				p = &ReminderDM{User: u, Day: day, WindowEnd: time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, loc)}
				groups[k] = p
				order = append(order, k)
			}
			p.Items = append(p.Items, item{goal: g, occ: occ, team: team})
		}
	}
	sort.Slice(order, func(i, j int) bool {
		if order[i].user != order[j].user {
			return order[i].user < order[j].user
		}
		return order[i].day.Before(order[j].day)
	})
	out := make([]ReminderDM, len(order))
	for i, k := range order {
		out[i] = *groups[k]
	}
	return out
}

// slotCame reports whether the team's reminder time has come at at on a
// working day, and which local date that is.
func (r *Reminder) slotCame(t smallgoals.Team, at time.Time) (time.Time, bool) {
	loc := t.Location()
	local := at.In(loc)
	day := smallgoals.Day(at, loc)
	if !r.Calendar.IsWorkday(day) {
		return day, false
	}
	h, m := clock(t.ReminderTime)
	slot := time.Date(local.Year(), local.Month(), local.Day(), h, m, 0, 0, loc)
	return day, !at.Before(slot)
}

func clock(hhmm string) (int, int) {
	h, m, _ := strings.Cut(hhmm, ":")
	hh, _ := strconv.Atoi(h)
	mm, _ := strconv.Atoi(m)
	return hh, mm
}

// members keeps the items of teams the user is still on.
func (r *Reminder) members(ctx context.Context, user string, items []item) ([]item, error) {
	ok := map[int64]bool{}
	var out []item
	for _, it := range items {
		m, seen := ok[it.team.ID]
		if !seen {
			var err error
			if m, err = r.IsMember(ctx, *it.team, user); err != nil {
				return nil, err
			}
			ok[it.team.ID] = m
		}
		if m {
			out = append(out, it)
		}
	}
	return out, nil
}

// message is the recipient's grouped DM, in their language (commands
// composes it).
func (r *Reminder) message(ctx context.Context, user string, day time.Time, items []item) (commands.Reply, error) {
	lang, err := r.Store.UserLang(ctx, user)
	if err != nil {
		return commands.Reply{}, err
	}
	if lang == "" {
		lang = items[0].team.Lang
	}
	goals := make([]commands.ReminderGoal, len(items))
	for i, it := range items {
		goals[i] = commands.ReminderGoal{DueGoal: it.goal, Team: it.team.Name}
	}
	return r.Text.ReminderMessage(lang, day, goals), nil
}
