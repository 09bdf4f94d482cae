package commands

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"smallgoals"
)

// One path for every score, typed (/maal AB-1 6 b:7 Tog selv bussen) or
// from the log form, in the shell, the demo, the tests and Slack alike:
//
//  1. resolve the goal for the caller (resolveScore) — in Slack from a
//     short-lived cache of what was resolved before, else in a read
//     transaction that checks membership as every command does;
//  2. decide by the rules (checkScore, decideScore: plain Go, table-tested
//     without a database);
//  3. append through the store's one writer (ScoreWriter), which commits
//     the entry, its audit event and its delivery claim together,
//     group-committing concurrent requests, guarded against what may
//     have changed since step 1. Refusals are audited through it too.

// ChannelMembers are Members who can tell membership from the channel
// alone, without a transaction (Slack): with them a resolved goal is
// used again for a while. Their Seen must do nothing.
type ChannelMembers interface {
	Members
	IsChannelMember(ctx context.Context, channelID, user string) (bool, error)
}

// ScoreWriter is the store's one writer of scores (store.DB).
type ScoreWriter interface {
	Append(ctx context.Context, a smallgoals.Append) (smallgoals.AppendResult, error)
}

// scoreInput is a score as typed or filled in.
type scoreInput struct {
	ref     string  // the REF typed, or "" from a form
	staff   string  // the staff score, "" if none was given
	citizen *string // b: (c:), the borger's own score
	date    *string // dato:, the day it is about
	note    string
}

// target is the goal a score is resolved to, with what it belongs to.
type target struct {
	team    smallgoals.Team
	citizen smallgoals.Citizen
	goal    smallgoals.Goal
	until   time.Time // how long a cached target may be used
}

func (t target) ref() string { return ref(t.citizen.Alias, t.goal) }

// targetTTL is how long a resolved goal is used again in Slack: the
// writer's guard catches a goal closed, moved or rescaled meanwhile, and
// membership is asked of Slack (cached there) every time.
const targetTTL = time.Minute

// targets caches resolved goals by channel and ref (or goal ID, from a
// form).
type targets struct {
	mu sync.Mutex
	m  map[string]target
}

func (ts *targets) get(key string, now time.Time) (target, bool) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	t, ok := ts.m[key]
	return t, ok && now.Before(t.until)
}

func (ts *targets) put(key string, t target) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.m == nil || len(ts.m) > 100_000 {
		ts.m = map[string]target{} // dropped whole rather than grown without bound
	}
	ts.m[key] = t
}

func (ts *targets) drop(key string) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	delete(ts.m, key)
}

// scoreInputOf reads a parsed log command or log form.
func scoreInputOf(c *call) scoreInput {
	in := scoreInput{note: c.freeText(nil)}
	if v, ok := c.p.opts["citizen"]; ok {
		in.citizen = &v
	}
	if v, ok := c.p.opts["date"]; ok {
		in.date = &v
	}
	args := c.p.args
	if len(args) > 0 {
		in.ref = args[0]
	}
	if len(args) > 1 {
		in.staff = args[1]
		rest := args[2:]
		if in.citizen != nil && !scoreLike(in.staff) {
			// The borger's score alone: what follows the ref is the note.
			in.staff, rest = "", args[1:]
		}
		if c.p.free == nil {
			in.note = c.freeText(rest)
		}
	}
	return in
}

// numberWords are scores written as words, Danish and English ("en" and
// "et", "one" are left out: far more often the first word of a note).
var numberWords = map[string]int{
	"nul": 0, "to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6, "syv": 7, "otte": 8, "ni": 9, "ti": 10,
	"zero": 0, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}

// fraction reports whether w is a number with decimals (4,5 or 4.5), and
// its whole part.
func fraction(w string) (int, bool) {
	i := strings.IndexAny(w, ",.")
	if i < 1 || i == len(w)-1 {
		return 0, false
	}
	whole, ok := parseInt(w[:i])
	if _, dec := parseInt(w[i+1:]); !ok || !dec || strings.ContainsAny(w[i+1:], "+-−") {
		return 0, false
	}
	return whole, true
}

// scoreLike reports whether w was meant as a score: a whole number, one
// with decimals, or a number word.
func scoreLike(w string) bool {
	_, isInt := parseInt(w)
	_, isFrac := fraction(w)
	_, isWord := numberWords[strings.ToLower(w)]
	return isInt || isFrac || isWord
}

// readScore reads a score typed (the staff's, or the borger's after b:)
// on t's goal: a whole number on its scale, or a refusal that names what
// was wrong — decimals, a word, off the scale.
func readScore(c *call, w string, citizen bool, t target) (int, error) {
	scale := t.goal.Scale()
	prefix := ""
	if citizen {
		prefix = "citizen_"
	}
	n, ok := parseInt(w)
	if whole, frac := fraction(w); !ok && frac {
		return 0, c.invalid("err."+prefix+"score_fraction", "Score", Escape(clip(w, 10)), "Ref", t.ref(), "Scale", c.scale(scale),
			"Whole", formatScore(scale, max(scale.Min, min(scale.Max, whole))))
	}
	if v, word := numberWords[strings.ToLower(w)]; !ok && word {
		return 0, c.invalid("err."+prefix+"score_word", "Score", Escape(clip(w, 10)), "Ref", t.ref(), "N", v)
	}
	if !ok || !scale.Contains(n) {
		id := "err.score_range"
		if citizen {
			id = "err.citizen_score_range"
		}
		return 0, c.invalid(id, "Score", Escape(clip(w, 10)), "Ref", t.ref(), "Scale", c.scale(scale))
	}
	return n, nil
}

// checkScore applies the rules that need no goal: a staff score, or the
// borger's, or both (a staff score meant as one: a word that is no
// number is no score); a note within its length.
func checkScore(c *call, in scoreInput) error {
	switch {
	case in.staff == "" && in.citizen == nil && c.p.free != nil:
		return c.invalid("err.score_or_citizen") // the form
	case in.staff == "" && in.citizen == nil, in.staff != "" && !scoreLike(in.staff):
		return c.invalid("err.score_needed", "Ref", Escape(clip(in.ref, 20)))
	}
	if n := utf8.RuneCountInString(in.note); n > smallgoals.MaxNoteLen {
		return c.invalid("err.note_long", "Max", smallgoals.MaxNoteLen, "Len", n)
	}
	return nil
}

// decideScore applies the rules of logging (scoreRules, in order) to a
// score on t's goal on the team's today, and returns the entry to append.
func decideScore(c *call, in scoreInput, t target, today time.Time) (smallgoals.Entry, error) {
	e := smallgoals.Entry{GoalID: t.goal.ID, Kind: smallgoals.EntryScore, Author: c.req.UserID,
		WrittenAt: c.req.Time, Note: in.note, Day: today}
	for _, rule := range scoreRules {
		if err := rule(c, in, t, &e); err != nil {
			return smallgoals.Entry{}, err
		}
	}
	return e, nil
}

// A scoreRule checks a score on t's goal and completes its entry e, or
// refuses it. Every score, typed or from a form, is decided by these.
type scoreRule func(c *call, in scoreInput, t target, e *smallgoals.Entry) error

// scoreRules are the rules of logging a score, in the order their
// refusals are given.
var scoreRules = []scoreRule{
	// The goal is active.
	func(c *call, in scoreInput, t target, e *smallgoals.Entry) error {
		if t.goal.Status != smallgoals.GoalActive {
			return smallgoals.Errorf(smallgoals.EINVALID, "err.goal_closed", "Ref", t.ref())
		}
		return nil
	},
	// The staff score, if given, is a whole number on the goal's scale
	// (absent, not zero, when the borger's is given alone).
	func(c *call, in scoreInput, t target, e *smallgoals.Entry) error {
		if in.staff == "" {
			return nil
		}
		n, err := readScore(c, in.staff, false, t)
		e.StaffScore = &n
		return err
	},
	// The borger's own score, if given, is on it too.
	func(c *call, in scoreInput, t target, e *smallgoals.Entry) error {
		if in.citizen == nil {
			return nil
		}
		n, err := readScore(c, *in.citizen, true, t)
		e.CitizenScore = &n
		return err
	},
	// The day is today, or up to MaxBackdateDays back.
	func(c *call, in scoreInput, t target, e *smallgoals.Entry) error {
		if in.date == nil {
			return nil
		}
		d, err := c.pastDate(*in.date, e.Day)
		if err != nil {
			return err
		}
		e.Day = d
		return nil
	},
}

// logScore answers a score, typed or from the log form. free is every
// piece of free text in the request, checked for CPR numbers first.
func (h *Handler) logScore(ctx context.Context, req Request, p parsed, free []string) (Reply, *smallgoals.Error) {
	c := &call{h: h, ctx: ctx, req: req, p: p}
	in := scoreInputOf(c)
	err := refuseFreeText(free)
	if err == nil {
		err = checkScore(c, in)
	}
	if err != nil {
		return h.scoreRefused(c, err, nil)
	}
	fresh := false
	for {
		t, key, err := h.resolveScore(c, in, fresh)
		if err != nil {
			return h.scoreRefused(c, err, c.pending)
		}
		e, err := decideScore(c, in, t, smallgoals.Day(req.Time, t.team.Location()))
		if err != nil {
			return h.scoreRefused(c, err, nil)
		}
		gref := t.ref()
		res, err := h.scores.Append(ctx, smallgoals.Append{
			Entry: &e,
			Guard: smallgoals.EntryGuard{TeamID: t.team.ID, ScaleMin: t.goal.ScaleMin, ScaleMax: t.goal.ScaleMax, TZ: t.team.TZ},
			Audit: []smallgoals.AuditEvent{{At: req.Time, Actor: req.UserID, Action: smallgoals.ActEntryCreate,
				TeamID: &t.team.ID, CitizenID: &t.citizen.ID, GoalID: &t.goal.ID, Ref: clip(gref, 40), Allowed: true}},
			DeliveryKey: req.DeliveryKey, Recent: recentScores, User: req.UserID,
		})
		if err != nil {
			return h.scoreRefused(c, err, nil) // a refusal of the writer's, else a failure
		}
		if res.Stale && !fresh {
			// The goal changed since it was resolved (closed, moved,
			// rescaled): resolved afresh, decided again.
			h.targets.drop(key)
			fresh = true
			continue
		}
		if c.lang == "" {
			c.lang = h.pickLang(res.UserLang, p.lang, req.Locale, t.team.Lang)
		}
		switch {
		case res.Stale:
			return h.failure(ctx, req, p, errors.New("commands: the goal kept changing while a score was written"))
		case res.Duplicate:
			h.log.DebugContext(ctx, "redelivery ignored", "user", req.UserID, "command", cmdLog.id)
			return Reply{Blocks: textReply(c.t("err.duplicate")).Blocks, Duplicate: true, Command: cmdLog.id, Outcome: "done"}, nil
		}
		e.ID = res.EntryID
		r := c.logged(gref, t.goal.Scale(), e, res.Recent)
		r.Changed = true
		r.Command, r.Outcome = cmdLog.id, "done"
		r.Citizens = []int64{t.citizen.ID}
		h.log.DebugContext(ctx, "command done", "user", req.UserID, "command", cmdLog.id)
		return r, nil
	}
}

// resolveScore finds the goal of a score for the caller: from the cache
// (Slack, unless fresh), else in a transaction that checks membership and
// chooses the language as every command does. A refusal's audit events
// are left in c.pending, for the writer. It returns the cache key.
func (h *Handler) resolveScore(c *call, in scoreInput, fresh bool) (target, string, error) {
	req, p := c.req, c.p
	members, cacheable := h.members.(ChannelMembers)
	var key string
	switch {
	case p.goalID != 0:
		key = "goal:" + strconv.FormatInt(p.goalID, 10)
	case req.ChannelID != "":
		if r, ok := smallgoals.ParseRef(in.ref); ok && !r.Plan {
			key = req.ChannelID + ":" + r.String()
		}
	}
	cacheable = cacheable && key != ""
	if cacheable && !fresh {
		if t, ok := h.targets.get(key, req.Time); ok {
			var member bool
			var err error
			if p.goalID != 0 {
				member, err = members.IsMember(c.ctx, nil, t.team, req.UserID)
			} else {
				member, err = members.IsChannelMember(c.ctx, req.ChannelID, req.UserID)
			}
			if err != nil {
				return target{}, key, err
			}
			if member {
				return t, key, nil
			}
		}
	}
	var t target
	var refusal error
	err := h.store.InTx(c.ctx, func(tx Tx) error {
		c.tx = tx
		defer func() { c.tx = nil }()
		c.pending, c.deferAudit = nil, true
		defer func() { c.deferAudit = false }()
		if err := h.members.Seen(c.ctx, tx, req.ChannelID, req.UserID, req.Time); err != nil {
			return err
		}
		if err := c.chooseLang(p.lang); err != nil {
			return err
		}
		f, g, err := c.goal(in.ref, smallgoals.ActEntryCreate)
		var ue *smallgoals.Error
		switch {
		case errors.As(err, &ue) && ue.Code != smallgoals.EINTERNAL:
			refusal = err // what Seen wrote stays
		case err != nil:
			return err
		default:
			t = target{team: f.team, citizen: f.citizen, goal: g, until: req.Time.Add(targetTTL)}
		}
		return nil
	})
	if err == nil {
		err = refusal
	}
	if err != nil {
		return target{}, key, err
	}
	// Cached only where it was found from the channel typed in, or by a
	// form's goal ID: membership is then one question to Slack.
	if cacheable && (p.goalID != 0 || t.team.ChannelID == req.ChannelID) {
		h.targets.put(key, t)
	}
	return t, key, nil
}

// scoreRefused answers a refused score in the caller's language, writing
// the refusal's audit events (if any) through the writer.
func (h *Handler) scoreRefused(c *call, err error, audits []smallgoals.AuditEvent) (Reply, *smallgoals.Error) {
	var ue *smallgoals.Error
	if !errors.As(err, &ue) || ue.Code == smallgoals.EINTERNAL {
		return h.failure(c.ctx, c.req, c.p, err)
	}
	lang := c.lang
	if len(audits) > 0 {
		res, err := h.scores.Append(c.ctx, smallgoals.Append{Audit: audits, User: c.req.UserID})
		if err != nil {
			return h.failure(c.ctx, c.req, c.p, err)
		}
		if lang == "" {
			lang = h.pickLang(res.UserLang, c.p.lang, c.req.Locale, "")
		}
	}
	if lang == "" {
		lang = h.Lang(c.ctx, c.req)
	}
	c.lang = lang
	r := c.errorReply(ue)
	r.Command, r.Outcome = cmdLog.id, "refused"
	h.log.DebugContext(c.ctx, "command refused", "user", c.req.UserID, "command", cmdLog.id, "reason", ue.MsgID)
	return r, ue
}
