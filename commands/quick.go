package commands

import (
	"context"
	"strings"
	"unicode/utf8"

	"smallgoals"
)

// The quick path. A score typed in a team's channel on one of its own
// citizens' goals is most of the traffic, and at a shift change it comes
// all at once. The general path answers it in one transaction of about
// ten statements; the quick path hands it to the store whole, which
// writes it (entry, audit event, delivery claim) in one statement shared
// with concurrent requests and commits before the answer. Whenever the
// quick path is unsure — a form, a date, a note over the limit or with a
// CPR number, a caller who is not in the channel, a team, citizen or goal
// not found, a score off the scale, a redelivery — it writes nothing and
// the general path answers, with its messages and audited refusals.

// QuickLogger logs a QuickScore in one statement (store.DB).
type QuickLogger interface {
	LogQuickScore(ctx context.Context, q smallgoals.QuickScore) (smallgoals.QuickScoreResult, error)
}

// ChannelMembers are Members who can tell membership from the channel
// alone, before the database is asked (Slack). Their Seen must do nothing,
// as the quick path does not call it.
type ChannelMembers interface {
	Members
	IsChannelMember(ctx context.Context, channelID, user string) (bool, error)
}

// quick answers req through the quick path, or reports false to leave it
// to the general path.
func (h *Handler) quick(ctx context.Context, req Request, p parsed) (Reply, bool) {
	members, ok := h.members.(ChannelMembers)
	if h.quickLog == nil || !ok || p.cmd != cmdLog || p.free != nil || p.goalID != 0 || p.citizenID != 0 ||
		req.ChannelID == "" || len(p.args) < 2 {
		return Reply{}, false
	}
	for name := range p.opts {
		if name != "citizen" { // dato: is checked against the team's today
			return Reply{}, false
		}
	}
	ref, ok := smallgoals.ParseRef(p.args[0])
	if !ok || ref.Plan {
		return Reply{}, false
	}
	staff, ok := parseInt(p.args[1])
	if !ok {
		return Reply{}, false
	}
	q := smallgoals.QuickScore{ChannelID: req.ChannelID, AliasKey: ref.Alias, GoalNumber: ref.N,
		Author: req.UserID, StaffScore: staff, Note: strings.Join(p.args[2:], " "), At: req.Time,
		DeliveryKey: req.DeliveryKey, Recent: recentScores}
	if utf8.RuneCountInString(q.Note) > smallgoals.MaxNoteLen || containsCPR([]string{req.Text}) {
		return Reply{}, false
	}
	if v, ok := p.opts["citizen"]; ok {
		n, ok := parseInt(v)
		if !ok {
			return Reply{}, false
		}
		q.CitizenScore = &n
	}
	if member, err := members.IsChannelMember(ctx, req.ChannelID, req.UserID); err != nil || !member {
		return Reply{}, false
	}
	res, err := h.quickLog.LogQuickScore(ctx, q)
	if err != nil {
		if req.DeliveryKey != "" {
			// The delivery claim makes a second try harmless, should
			// the statement have committed after all.
			h.log.Warn("quick path failed; the general path answers", "user", req.UserID, "err", err)
			return Reply{}, false
		}
		r, _ := h.failure(req, p, err)
		return r, true
	}
	if !res.Stored {
		return Reply{}, false
	}
	c := &call{h: h, ctx: ctx, req: req, p: p,
		lang: h.pickLang(res.UserLang, p.lang, req.Locale, res.TeamLang)}
	e := smallgoals.Entry{ID: res.EntryID, Kind: smallgoals.EntryScore, Author: req.UserID, Day: res.Day,
		WrittenAt: req.Time, StaffScore: &q.StaffScore, CitizenScore: q.CitizenScore}
	r := c.logged(smallgoals.Ref{Alias: res.Alias, N: res.GoalNumber}.String(), res.Scale, e, res.Recent)
	r.Changed = true
	r.Command, r.Outcome = cmdLog.id, "done"
	h.log.Debug("command done", "user", req.UserID, "command", cmdLog.id, "path", "quick")
	return r, true
}
