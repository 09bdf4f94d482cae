package reminders

import (
	"context"
	"errors"
	"fmt"
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

// Poster sends messages: Slack, or the shell's printer.
type Poster interface {
	DM(ctx context.Context, user string, r commands.Reply) error
}

// ReminderStore is what the reminder job needs of the database; *store.DB
// is one.
type ReminderStore interface {
	ListTeams(ctx context.Context) ([]smallgoals.Team, error)
	DueGoals(ctx context.Context, teamIDs []int64, until time.Time) ([]smallgoals.DueGoal, error)
	Coordinators(ctx context.Context, teamIDs []int64) (map[int64][]string, error)
	Away(ctx context.Context, users []string, day time.Time) (map[string]bool, error)
	UserLang(ctx context.Context, user string) (string, error)
	ClaimReminders(ctx context.Context, recipient string, day time.Time, occs []smallgoals.Occurrence, at time.Time) ([]smallgoals.Occurrence, error)
	SetReminderStatus(ctx context.Context, recipient string, day time.Time, status string) error
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
// gets one DM with the goals whose occurrence is today. Claims in the
// database make each DM and each goal reminder go out once, whatever runs
// at the same time.
func (r *Reminder) Remind(ctx context.Context, at time.Time) (res RemindResult, err error) {
	defer func() { run("remind", err) }()
	teams, err := r.Store.ListTeams(ctx)
	if err != nil {
		return res, err
	}
	day := map[int64]time.Time{}
	byID := map[int64]*smallgoals.Team{}
	var ids []int64
	latest := time.Time{}
	for i := range teams {
		t := &teams[i]
		d, ok := r.slotCame(*t, at)
		if !ok {
			continue
		}
		day[t.ID], byID[t.ID] = d, t
		ids = append(ids, t.ID)
		if d.After(latest) {
			latest = d
		}
	}
	res.Teams = len(ids)
	if len(ids) == 0 {
		return res, nil
	}
	due, err := r.Store.DueGoals(ctx, ids, latest.AddDate(0, 0, 7))
	if err != nil {
		return res, err
	}
	coords, err := r.Store.Coordinators(ctx, ids)
	if err != nil {
		return res, err
	}
	type key struct {
		user string
		day  time.Time
	}
	groups := map[key][]item{}
	var users []string
	for _, g := range due {
		occ, ok := r.Calendar.OccurrenceOn(*g.NextRevision, day[g.TeamID])
		if !ok {
			continue
		}
		recipients := append([]string{g.ContactUser}, coords[g.TeamID]...)
		seen := map[string]bool{}
		for _, u := range recipients {
			if seen[u] {
				continue
			}
			seen[u] = true
			k := key{u, day[g.TeamID]}
			if _, ok := groups[k]; !ok {
				users = append(users, u)
			}
			groups[k] = append(groups[k], item{goal: g, occ: occ, team: byID[g.TeamID]})
		}
	}
	away, err := r.Store.Away(ctx, users, latest)
	if err != nil {
		return res, err
	}
	keys := make([]key, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].user < keys[j].user })
	for _, k := range keys {
		if away[k.user] {
			continue // the coordinators have the same goals
		}
		items, err := r.members(ctx, k.user, groups[k])
		if err != nil {
			return res, err
		}
		if len(items) == 0 {
			continue
		}
		occs := make([]smallgoals.Occurrence, len(items))
		for i, it := range items {
			occs[i] = smallgoals.Occurrence{GoalID: it.goal.ID, Date: it.occ}
		}
		won, err := r.Store.ClaimReminders(ctx, k.user, k.day, occs, at)
		if err != nil {
			return res, err
		}
		if len(won) == 0 {
			continue
		}
		claims.WithLabelValues("reminder_dm").Inc()
		items = claimed(items, won)
		msg, err := r.message(ctx, k.user, k.day, items)
		if err != nil {
			return res, err
		}
		status := "sent"
		// No lock is held while Slack is called: the claim is committed.
		if err := r.Post.DM(ctx, k.user, msg); err != nil {
			var amb interface{ Ambiguous() bool }
			status = "failed"
			if errors.As(err, &amb) && amb.Ambiguous() {
				status = "ambiguous"
				res.Ambiguous++
			} else {
				res.Failed++
			}
			r.Log.Error("reminder not sent", "user", k.user, "status", status, "err", err)
		} else {
			res.DMs++
			res.Goals += len(items)
		}
		sends.WithLabelValues("reminder_dm", status).Inc()
		if err := r.Store.SetReminderStatus(ctx, k.user, k.day, status); err != nil {
			return res, err
		}
	}
	r.Log.Info("reminders done", "teams", res.Teams, "dms", res.DMs, "goals", res.Goals, "failed", res.Failed, "ambiguous", res.Ambiguous)
	return res, nil
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

func claimed(items []item, won []smallgoals.Occurrence) []item {
	w := map[smallgoals.Occurrence]bool{}
	for _, o := range won {
		w[smallgoals.Occurrence{GoalID: o.GoalID, Date: o.Date}] = true
	}
	var out []item
	for _, it := range items {
		if w[smallgoals.Occurrence{GoalID: it.goal.ID, Date: it.occ}] {
			out = append(out, it)
		}
	}
	return out
}

// message is the grouped DM: ref, title and date of each goal — never a
// note — with buttons to revise now or postpone 7 days.
func (r *Reminder) message(ctx context.Context, user string, day time.Time, items []item) (commands.Reply, error) {
	lang, err := r.Store.UserLang(ctx, user)
	if err != nil {
		return commands.Reply{}, err
	}
	if lang == "" {
		lang = items[0].team.Lang
	}
	t := func(id string, kv ...any) string { return r.Text.T(lang, id, kv...) }
	sort.Slice(items, func(i, j int) bool {
		a, b := items[i].goal, items[j].goal
		if !a.NextRevision.Equal(*b.NextRevision) {
			return a.NextRevision.Before(*b.NextRevision)
		}
		return a.Alias+fmt.Sprint(a.Number) < b.Alias+fmt.Sprint(b.Number)
	})
	out := commands.Reply{Blocks: []commands.Block{{Kind: commands.Header, Text: t("remind.title")}, {Kind: commands.Section, Text: t("remind.intro")}}}
	var goals []commands.Block
	for _, it := range items {
		g := it.goal
		gref := smallgoals.Ref{Alias: g.Alias, N: g.Number}.String()
		text := "*" + gref + "* " + commands.Escape(g.Title) + "\n" + r.Text.DueWhen(lang, *g.NextRevision, day) + " · " + commands.Escape(it.team.Name)
		id := strconv.FormatInt(g.ID, 10)
		goals = append(goals, commands.Block{Kind: commands.Section, Text: text, Buttons: []commands.Button{
			{Label: t("button.revise"), Action: commands.ActRevise, Value: id, Primary: true},
			{Label: t("button.snooze"), Action: commands.ActSnooze, Value: id},
		}})
	}
	out.Fit(commands.MessageBlocks, goals, 1, func(shown int) commands.Block {
		return commands.Block{Kind: commands.Context, Text: t("remind.more", "Count", len(goals)-shown)}
	})
	out.Blocks = append(out.Blocks, commands.Block{Kind: commands.Context, Text: t("remind.footer")})
	return out, nil
}
