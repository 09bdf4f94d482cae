// Package commands turns a command line typed by a user into an answer:
// parse, authorize, act, audit, reply. It knows nothing of Slack wire
// formats or SQL: a transport hands it a Request and renders the Reply.
package commands

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode"

	"smallgoals"
)

// Store runs a function in one database transaction.
type Store interface {
	InTx(ctx context.Context, fn func(Tx) error) error
}

// NewStore adapts a database whose transaction type implements Tx, such
// as *store.DB: commands.NewStore(db.InTx).
func NewStore[T Tx](inTx func(context.Context, func(T) error) error) Store {
	return storeFunc[T](inTx)
}

type storeFunc[T Tx] func(context.Context, func(T) error) error

func (f storeFunc[T]) InTx(ctx context.Context, fn func(Tx) error) error {
	return f(ctx, func(tx T) error { return fn(tx) })
}

// Tx is what commands need of a transaction. Methods return *smallgoals.Error
// with ENOTFOUND when a looked-up row does not exist and ECONFLICT when a
// unique key is taken.
type Tx interface {
	CreateTeam(ctx context.Context, t *smallgoals.Team) error
	FindTeamByChannel(ctx context.Context, channelID string) (smallgoals.Team, error)
	FindTeam(ctx context.Context, id int64) (smallgoals.Team, error)
	AddMember(ctx context.Context, teamID int64, user string, coordinator bool, at time.Time) error
	JoinChannel(ctx context.Context, channelID, user string, at time.Time) (bool, error)
	ListTeams(ctx context.Context) ([]smallgoals.Team, error)
	ListMembers(ctx context.Context, teamID int64) ([]smallgoals.Member, error)
	FindMember(ctx context.Context, teamID int64, user string) (smallgoals.Member, error)

	UserLang(ctx context.Context, user string) (string, error)
	SetUserLang(ctx context.Context, user, lang string, at time.Time) error

	CreateCitizen(ctx context.Context, c *smallgoals.Citizen) error
	ListCitizensByAlias(ctx context.Context, aliasKey string) ([]smallgoals.Citizen, error)
	FindCitizen(ctx context.Context, id int64) (smallgoals.Citizen, error)
	ListCitizens(ctx context.Context, teamID int64) ([]smallgoals.CitizenSummary, error)
	ListRecentCitizens(ctx context.Context, user string, teamIDs []int64) ([]smallgoals.Citizen, error)

	CreatePlanGoal(ctx context.Context, p *smallgoals.PlanGoal) error
	FindPlanGoal(ctx context.Context, citizenID int64, number int) (smallgoals.PlanGoal, error)
	ListPlanGoals(ctx context.Context, citizenID int64) ([]smallgoals.PlanGoal, error)

	CreateGoal(ctx context.Context, g *smallgoals.Goal) error
	FindGoalByNumber(ctx context.Context, citizenID int64, number int) (smallgoals.Goal, error)
	FindGoal(ctx context.Context, id int64) (smallgoals.Goal, error)
	ListGoalOverviews(ctx context.Context, citizenID int64) ([]smallgoals.GoalOverview, error)
	ListRecentScores(ctx context.Context, goalID int64, n int) ([]int, error)
	ReviseGoal(ctx context.Context, goalID int64, next, revisit *time.Time) error
	SnoozeGoal(ctx context.Context, goalID int64, date time.Time) error
	SetAway(ctx context.Context, user string, until *time.Time, at time.Time) error
	SetContact(ctx context.Context, citizenID int64, user string) error
	ListDueGoals(ctx context.Context, teamIDs []int64, until time.Time) ([]smallgoals.DueGoal, error)
	ListWaitingGoals(ctx context.Context, teamIDs []int64) ([]smallgoals.DueGoal, error)

	CreateEntry(ctx context.Context, e *smallgoals.Entry) error
	FindLatestOwnEntry(ctx context.Context, author string, goalID int64, since time.Time) (smallgoals.Entry, error)
	ListGoalEntries(ctx context.Context, goalID int64, limit int) ([]smallgoals.Entry, error)
	FindGoalEntry(ctx context.Context, goalID int64, n int) (smallgoals.Entry, error)

	CreateRevision(ctx context.Context, r *smallgoals.Revision) error
	ListGoalRevisions(ctx context.Context, goalID int64, limit int) ([]smallgoals.Revision, error)
	HasRevisionOn(ctx context.Context, goalID int64, day time.Time) (bool, error)

	CreateAuditEvent(ctx context.Context, ev *smallgoals.AuditEvent) error
	ListAuditEvents(ctx context.Context, citizenID int64, from, to time.Time) ([]smallgoals.AuditEvent, error)

	UpdateTeamSettings(ctx context.Context, t smallgoals.Team) error
	ErasureOf(ctx context.Context, citizenID int64) (smallgoals.Erasure, error)
	EraseCitizen(ctx context.Context, citizenID int64) error
	ExpireCitizenFiles(ctx context.Context, citizenID int64, at time.Time) ([]smallgoals.FileRecord, error)
	UnpostCitizen(ctx context.Context, citizenID int64, at time.Time) ([]smallgoals.Posted, error)
	MarkExported(ctx context.Context, citizenID int64, at time.Time) error
	ListCitizenGoals(ctx context.Context, citizenID int64) ([]smallgoals.Goal, error)
	ListCitizenEntries(ctx context.Context, citizenID int64, from, to time.Time) ([]smallgoals.Entry, error)
	ListCitizenRevisions(ctx context.Context, citizenID int64, from, to time.Time) ([]smallgoals.Revision, error)

	ClaimDelivery(ctx context.Context, key string, at time.Time) (bool, error)

	// A team's and a borger's lifecycle (people.go).
	LockTeam(ctx context.Context, teamID int64) error
	RemoveCoordinator(ctx context.Context, teamID int64, user string) error
	RemoveMember(ctx context.Context, teamID int64, user string) error
	CreateMemberEvent(ctx context.Context, ev *smallgoals.MemberEvent) error
	ListMemberEvents(ctx context.Context, teamID int64, limit int) ([]smallgoals.MemberEvent, error)
	MoveCitizen(ctx context.Context, citizenID, teamID int64, alias string) error
	DischargeCitizen(ctx context.Context, citizenID int64, at time.Time) ([]int64, error)
	CreateCitizenEvent(ctx context.Context, ev *smallgoals.CitizenEvent) error
	ListCitizenEvents(ctx context.Context, citizenID int64) ([]smallgoals.CitizenEvent, error)
	ListDischargedCitizens(ctx context.Context, teamID int64) ([]smallgoals.Citizen, error)
	// A goal's and a plan goal's lifecycle (lifecycle.go).
	UpdateGoal(ctx context.Context, g smallgoals.Goal) error
	UpdatePlanGoal(ctx context.Context, p smallgoals.PlanGoal) error
	CreateGoalChange(ctx context.Context, ch *smallgoals.GoalChange) error
	ListGoalChanges(ctx context.Context, goalID int64) ([]smallgoals.GoalChange, error)
	ListCitizenChanges(ctx context.Context, citizenID int64) ([]smallgoals.GoalChange, error)
	// The team's reflections (reflection.go).
	CreateReflection(ctx context.Context, r *smallgoals.Reflection) error
	ListTeamReflections(ctx context.Context, teamID int64, from time.Time, limit int) ([]smallgoals.Reflection, error)
	ListCitizenReflections(ctx context.Context, citizenID int64, from, to time.Time) ([]smallgoals.Reflection, error)
	ListGoalReflections(ctx context.Context, goalID int64, limit int) ([]smallgoals.Reflection, error)
	// Team leaders and their figures (leader.go).
	AddLeader(ctx context.Context, teamID int64, user, by string, at time.Time) error
	RemoveLeader(ctx context.Context, teamID int64, user string) error
	ListLeaders(ctx context.Context, teamID int64) ([]string, error)
	ListLeadTeams(ctx context.Context, user string) (leads, coordinates []smallgoals.Team, err error)
	ListTeamFigures(ctx context.Context, teamIDs []int64, from, today time.Time) ([]smallgoals.TeamFigures, error)
}

// Members tells who is on a team. The shell keeps membership in the
// database (StoredMembers); Slack follows the team channel's members.
type Members interface {
	// Seen is called with every request before anything else, in its
	// transaction: the user typed in the channel.
	Seen(ctx context.Context, tx Tx, channelID, user string, at time.Time) error
	// IsMember reports whether user is on the team.
	IsMember(ctx context.Context, tx Tx, team smallgoals.Team, user string) (bool, error)
	// List returns the team's members.
	List(ctx context.Context, tx Tx, team smallgoals.Team) ([]string, error)
	// CanJoin reports whether user may be given a role on the team
	// (coordinator, contact person).
	CanJoin(ctx context.Context, tx Tx, team smallgoals.Team, user string) (bool, error)
}

// TeamFinder is what a Members may offer to find the teams a user is on
// at once (Slack: the user's channels in one call) rather than asking
// team by team, which takes a Slack call for each team in the database.
type TeamFinder interface {
	// TeamsOf returns those of teams that user is on.
	TeamsOf(ctx context.Context, teams []smallgoals.Team, user string) ([]smallgoals.Team, error)
}

// StaffChecker is what a Members may offer to tell whether a user is of
// the institution's own organisation and a full member of it (Slack: not
// a guest, a bot or a Slack Connect member of another organisation),
// whatever channels they are in: a team leader is in none of the team's.
// Without it everyone is.
type StaffChecker interface {
	IsStaff(ctx context.Context, user string) (bool, error)
}

// StoredMembers is membership kept in the database, as the shell has it:
// typing in a team's channel, creating the team or being named its
// coordinator makes you a member.
type StoredMembers struct{}

// Seen makes user a member of the channel's team, if it is one.
func (StoredMembers) Seen(ctx context.Context, tx Tx, channelID, user string, at time.Time) error {
	_, err := tx.JoinChannel(ctx, channelID, user, at)
	return err
}

// IsMember reports whether user is a stored member of the team.
func (StoredMembers) IsMember(ctx context.Context, tx Tx, team smallgoals.Team, user string) (bool, error) {
	_, err := tx.FindMember(ctx, team.ID, user)
	if smallgoals.ErrorCode(err) == smallgoals.ENOTFOUND {
		return false, nil
	}
	return err == nil, err
}

// CanJoin is always true: in the shell, being named makes you a member.
func (StoredMembers) CanJoin(context.Context, Tx, smallgoals.Team, string) (bool, error) {
	return true, nil
}

// List returns the team's stored members.
func (StoredMembers) List(ctx context.Context, tx Tx, team smallgoals.Team) ([]string, error) {
	ms, err := tx.ListMembers(ctx, team.ID)
	users := make([]string, len(ms))
	for i, m := range ms {
		users[i] = m.UserID
	}
	return users, err
}

// Config configures a Handler.
type Config struct {
	Store    Store
	Members  Members      // nil: StoredMembers
	Messages *Messages    // nil: LoadMessages
	Logger   *slog.Logger // nil: discard
	Lang     string       // the default language, SMALLGOALS_LANG
	TZ       string       // the default time zone of new teams, SMALLGOALS_TZ

	// Scores writes every score, typed or from a form (store.DB);
	// required. See score.go.
	Scores ScoreWriter
	// Themes is the theme catalogue (tema:KODE); nil: DefaultThemes.
	Themes *Themes
	// RetentionDays is RETENTION_DAYS, which a team's settings show as
	// its default (0: everything is kept); nil: not said.
	RetentionDays *int
}

// Handler answers commands.
type Handler struct {
	store    Store
	members  Members
	msg      *Messages
	log      *slog.Logger
	lang     string
	tz       string
	location *time.Location
	scores   ScoreWriter
	targets  targets // goals resolved for scores, in Slack
	themes   *Themes
	// retentionDays is Config.RetentionDays.
	retentionDays *int
}

// New returns a Handler, or an error naming what is wrong with cfg.
func New(cfg Config) (*Handler, error) {
	h := &Handler{store: cfg.Store, members: cfg.Members, msg: cfg.Messages, log: cfg.Logger,
		lang: cfg.Lang, tz: cfg.TZ, scores: cfg.Scores, themes: cfg.Themes, retentionDays: cfg.RetentionDays}
	if h.themes == nil {
		h.themes = DefaultThemes()
	}
	if h.store == nil {
		return nil, errors.New("commands: no store")
	}
	if h.scores == nil {
		return nil, errors.New("commands: no score writer (Config.Scores)")
	}
	if h.members == nil {
		h.members = StoredMembers{}
	}
	if h.msg == nil {
		m, err := LoadMessages()
		if err != nil {
			return nil, err
		}
		h.msg = m
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	if h.lang == "" {
		h.lang = smallgoals.LangDanish
	}
	if !smallgoals.ValidLang(h.lang) {
		return nil, errors.New("commands: unknown default language " + h.lang)
	}
	if h.tz == "" {
		h.tz = "Europe/Copenhagen"
	}
	loc, err := time.LoadLocation(h.tz)
	if err != nil {
		return nil, errors.New("commands: unknown time zone " + h.tz)
	}
	h.location = loc
	return h, nil
}

// Messages returns the handler's translations, for transports and jobs.
func (h *Handler) Messages() *Messages { return h.msg }

// Themes returns the theme catalogue, for forms and exports.
func (h *Handler) Themes() *Themes { return h.themes }

// Request is one command line typed by a user.
type Request struct {
	UserID      string    // who typed it
	ChannelID   string    // where
	ChannelName string    // the channel's name, without '#', if known
	Command     string    // the command name as typed, "/maal" if empty
	Text        string    // what follows the command name
	Time        time.Time // when; the clock of every rule
	Locale      string    // the user's Slack locale (e.g. "da-DK"), if known
	// DeliveryKey identifies a delivery that may come again (a Slack
	// trigger_id): a second request with the same key has no effect.
	DeliveryKey string
	// Modals tells that the transport has forms: commands that need more
	// than was typed answer with a Modal to open instead of a usage hint.
	Modals bool
	// MaxBlocks is how many blocks the transport can show in the reply
	// (commands.MessageBlocks in a Slack message); 0 for no limit. Long
	// lists are shortened to it, with a line that says what was left out.
	MaxBlocks int
}

// call is one request being answered inside its transaction.
type call struct {
	h    *Handler
	ctx  context.Context
	tx   Tx
	req  Request
	p    parsed
	lang string

	team       *smallgoals.Team // the current channel's team, once looked up
	teamLoaded bool
	notices    []Notice // messages for others, sent with the reply
	// deferAudit keeps audit events in pending instead of writing them:
	// a score's refusals are written by the score writer.
	deferAudit bool
	pending    []smallgoals.AuditEvent
	citizens   []int64 // the borgere read or changed, as audited: the reply's Citizens
}

// Handle answers a request. It never fails: errors become a short reply
// in the user's language, and internal errors are logged once.
func (h *Handler) Handle(ctx context.Context, req Request) Reply {
	req = h.normalize(req)
	if req.Modals && strings.TrimSpace(req.Text) == "" {
		return Reply{Modal: &Modal{Kind: FormLog}} // phone-first: /maal alone opens the log form
	}
	p, perr := parse(req.Text)
	free := p.texts(req.Text)
	if perr == nil && p.cmd == cmdLog {
		reply, _ := h.logScore(ctx, req, p, free)
		return reply
	}
	reply, _ := h.answer(ctx, req, p, perr, free...)
	return reply
}

// texts is every piece of text of a typed line that could be stored, for
// the checks that run before anything else reads it: the line as typed,
// its words with the options taken out (what a note or a title is made
// of: "AB-1 5 010190 b:7 1234" stores "010190 1234"), and each option's
// value. A stored text is a run of those words joined by single spaces,
// so whatever the CPR check finds in it, it finds here.
func (p parsed) texts(line string) []string {
	out := make([]string, 0, 2+len(p.opts))
	out = append(out, line, strings.Join(p.args, " "))
	for _, v := range p.opts {
		out = append(out, v)
	}
	return out
}

func (h *Handler) normalize(req Request) Request {
	if req.Command == "" {
		req.Command = "/maal"
	}
	if req.Time.IsZero() {
		req.Time = time.Now()
	}
	req.Text = normalizeText(req.Text)
	req.ChannelName = normalizeText(req.ChannelName)
	return req
}

// answer runs a parsed request in one transaction. free is every piece of
// free text in it, checked for CPR numbers first. It returns the reply and,
// for a refusal, the error behind it.
func (h *Handler) answer(ctx context.Context, req Request, p parsed, perr *parseError, free ...string) (Reply, *smallgoals.Error) {
	var (
		reply   Reply
		refusal *smallgoals.Error
	)
	err := h.store.InTx(ctx, func(tx Tx) error {
		c := &call{h: h, ctx: ctx, tx: tx, req: req, p: p}
		if err := h.members.Seen(ctx, tx, req.ChannelID, req.UserID, req.Time); err != nil {
			return err
		}
		hint := p.lang
		if perr != nil {
			hint = perr.lang
		}
		if err := c.chooseLang(hint); err != nil {
			return err
		}
		var r Reply
		err := refuseFreeText(free) // before anything else looks at the text
		switch {
		case err != nil:
		case perr != nil:
			reply = c.parseErrorReply(perr)
			return nil
		case p.cmd.run == nil:
			err = fmt.Errorf("commands: %s has a path of its own", p.cmd.id)
		default:
			r, err = p.cmd.run(c)
		}
		var ue *smallgoals.Error
		switch {
		case err == nil && req.DeliveryKey != "":
			// Claimed with the effect, in its transaction: a redelivery
			// waits for the first to commit, then finds the claim and rolls
			// its own effect back. A refusal claims nothing, so the same
			// form can be sent again corrected.
			first, err := tx.ClaimDelivery(ctx, req.DeliveryKey, req.Time)
			if err != nil {
				return err
			}
			if !first {
				reply = Reply{Blocks: textReply(c.t("err.duplicate")).Blocks, Duplicate: true}
				return errDuplicate
			}
			reply = r
			reply.Changed = p.cmd.writes && r.Modal == nil
			reply.Citizens = c.citizens
		case err == nil:
			reply = r
			reply.Changed = p.cmd.writes && r.Modal == nil
			reply.Citizens = c.citizens
		case errors.As(err, &ue) && ue.Code != smallgoals.EINTERNAL:
			// A refusal: nothing was written but its audit event, which
			// the commit keeps.
			reply, refusal = c.errorReply(ue), ue
		default:
			return err
		}
		return nil
	})
	if errors.Is(err, errDuplicate) {
		h.log.DebugContext(ctx, "redelivery ignored", "user", req.UserID, "command", p.id())
		return reply, nil
	}
	if err != nil {
		return h.failure(ctx, req, p, err)
	}
	reply.Command, reply.Outcome = p.id(), "done"
	// What was asked and how it went; never the text.
	if refusal != nil {
		reply.Outcome = "refused"
		h.log.DebugContext(ctx, "command refused", "user", req.UserID, "command", p.id(), "reason", h.messageID(refusal))
	} else {
		h.log.DebugContext(ctx, "command done", "user", req.UserID, "command", p.id())
	}
	return reply, refusal
}

// failure logs an internal error once and answers that nothing was saved.
func (h *Handler) failure(ctx context.Context, req Request, p parsed, err error) (Reply, *smallgoals.Error) {
	h.log.ErrorContext(ctx, "command failed", "user", req.UserID, "command", p.id(), "err", err)
	lang := h.lang
	if p.lang != "" {
		lang = p.lang
	}
	ie := smallgoals.Errorf(smallgoals.EINTERNAL, "err.internal")
	r := textReply(h.msg.T(lang, ie.MsgID))
	r.Command, r.Outcome = p.id(), "failed"
	return r, ie
}

// errDuplicate rolls back the effect of a redelivered request.
var errDuplicate = errors.New("commands: redelivery")

// containsControl reports whether any text holds a control character
// other than tab and line breaks (NUL, BEL, ESC, DEL, C1 …): invisible,
// and some cannot be stored at all.
func containsControl(texts []string) bool {
	for _, s := range texts {
		for _, r := range s {
			if r == '\t' || r == '\n' || r == '\r' {
				continue
			}
			if unicode.IsControl(r) {
				return true
			}
		}
	}
	return false
}

func containsCPR(texts []string) bool {
	for _, s := range texts {
		if smallgoals.ContainsCPR(s) {
			return true
		}
	}
	return false
}

// refuseFreeText is the check every request's free text passes before
// anything else reads it, typed or from a form, a score or any other
// command: no control characters, no CPR number.
func refuseFreeText(texts []string) error {
	switch {
	case containsControl(texts):
		return smallgoals.Errorf(smallgoals.EINVALID, "err.control")
	case containsCPR(texts):
		return smallgoals.Errorf(smallgoals.EINVALID, "err.cpr")
	}
	return nil
}

func (p parsed) id() string {
	if p.cmd == nil {
		return ""
	}
	return p.cmd.id
}

// chooseLang sets the reply language: the user's choice; else the
// language of the keyword typed; else their Slack locale; else the
// channel's team's language; else the default.
func (c *call) chooseLang(hint string) error {
	lang, err := c.tx.UserLang(c.ctx, c.req.UserID)
	if err != nil {
		return err
	}
	teamLang := ""
	if lang == "" && hint == "" && localeLang(c.req.Locale) == "" {
		t, err := c.currentTeam()
		if err != nil {
			return err
		}
		if t != nil {
			teamLang = t.Lang
		}
	}
	c.lang = c.h.pickLang(lang, hint, c.req.Locale, teamLang)
	return nil
}

// pickLang is the first of: the user's choice, the language of the
// keyword typed, the Slack locale's, the team's, the default.
func (h *Handler) pickLang(user, hint, locale, team string) string {
	for _, l := range []string{user, hint, localeLang(locale), team} {
		if l != "" {
			return l
		}
	}
	return h.lang
}

// localeLang maps a Slack locale such as "da-DK" or "en-GB" to a language
// the bot speaks, or "".
func localeLang(locale string) string {
	l := strings.ToLower(locale)
	switch {
	case strings.HasPrefix(l, "da"):
		return smallgoals.LangDanish
	case strings.HasPrefix(l, "en"):
		return smallgoals.LangEnglish
	}
	return ""
}

// t translates a message into the call's language; Cmd is always there.
func (c *call) t(id string, kv ...any) string {
	return c.h.msg.TData(c.lang, id, c.data(kv...))
}

// n is a count with its noun in the call's language ("1 registrering").
func (c *call) n(noun string, count int) string { return c.h.msg.N(c.lang, noun, count) }

// date and shortDate show a civil date in the call's language (27.11.2026,
// fre 27. nov.); relDate says "i dag", "i morgen" or "i går" when it can.
func (c *call) date(d time.Time) string      { return c.h.msg.Date(c.lang, d) }
func (c *call) shortDate(d time.Time) string { return c.h.msg.ShortDate(c.lang, d) }

// scale shows a scale's range in words: "1 til 10", "−2 til +2".
func (c *call) scale(s smallgoals.Scale) string {
	lo, hi := strconv.Itoa(s.Min), strconv.Itoa(s.Max)
	if s.Min < 0 {
		lo = "\u2212" + strconv.Itoa(-s.Min)
	}
	if s.Min < 0 && s.Max > 0 {
		hi = "+" + hi
	}
	return c.t("scale.range", "Min", lo, "Max", hi)
}
func (c *call) relDate(d time.Time, t *smallgoals.Team) string {
	return c.h.msg.RelDate(c.lang, d, c.today(t))
}

func (c *call) data(kv ...any) map[string]any {
	data := map[string]any{"Cmd": c.req.Command}
	for i := 0; i+1 < len(kv); i += 2 {
		if k, ok := kv[i].(string); ok {
			data[k] = kv[i+1]
		}
	}
	return data
}

// codeMessages words the errors that name no message of their own (the
// store's ENOTFOUND and ECONFLICT), or one the message files lack: the one
// place where a code becomes words. A test checks that every code of
// errors.go is here and that every message ID the code can produce exists.
var codeMessages = map[string]string{
	smallgoals.EINVALID:   "err.invalid",
	smallgoals.ENOTFOUND:  "err.not_found",
	smallgoals.EFORBIDDEN: "err.forbidden",
	smallgoals.ECONFLICT:  "err.conflict",
	smallgoals.EINTERNAL:  "err.internal",
}

// messageID is the message a refusal is told with: its own, or else its
// code's.
func (h *Handler) messageID(e *smallgoals.Error) string {
	if e.MsgID != "" && h.msg.Has(e.MsgID) {
		return e.MsgID
	}
	if id, ok := codeMessages[e.Code]; ok {
		return id
	}
	return codeMessages[smallgoals.EINTERNAL]
}

func (c *call) errorReply(e *smallgoals.Error) Reply {
	if e.MsgID != "" && !c.h.msg.Has(e.MsgID) {
		c.h.log.ErrorContext(c.ctx, "a refusal's message is missing; its code's is shown", "msg_id", e.MsgID, "code", e.Code)
	}
	data := c.data()
	for k, v := range e.Data {
		if s, ok := v.(suggestion); ok {
			v = s.in(c.lang)
		}
		data[k] = v
	}
	r := textReply(c.h.msg.TData(c.lang, c.h.messageID(e), data))
	if u, ok := e.Data["usage"].(string); ok {
		r.add(Context, c.t("usage.prefix")+" "+c.t("usage."+u))
	}
	return r
}

func (c *call) parseErrorReply(e *parseError) Reply {
	data := c.data()
	for k, v := range e.data {
		switch s := v.(type) {
		case string:
			v = Escape(s)
		case suggestion:
			v = s.in(c.lang)
		}
		data[k] = v
	}
	r := textReply(c.h.msg.TData(c.lang, e.msgID, data))
	if e.cmd != nil {
		r.add(Context, c.t("usage.prefix")+" "+c.t("usage."+e.cmd.id))
	} else {
		r.add(Context, c.t("err.see_help"))
	}
	return r
}

// invalid returns a refusal of bad input that shows the command's usage.
func (c *call) invalid(msgID string, kv ...any) error {
	e := smallgoals.Errorf(smallgoals.EINVALID, msgID, kv...)
	if e.Data == nil {
		e.Data = map[string]any{}
	}
	e.Data["usage"] = c.p.cmd.id
	return e
}

// today is the current date in the zone of team t, or the default zone.
func (c *call) today(t *smallgoals.Team) time.Time {
	loc := c.h.location
	if t != nil {
		loc = t.Location()
	}
	return smallgoals.Day(c.req.Time, loc)
}

// currentTeam returns the team of the channel typed in, or nil.
func (c *call) currentTeam() (*smallgoals.Team, error) {
	if c.teamLoaded {
		return c.team, nil
	}
	t, err := c.tx.FindTeamByChannel(c.ctx, c.req.ChannelID)
	switch smallgoals.ErrorCode(err) {
	case "":
		c.team = &t
	case smallgoals.ENOTFOUND:
		c.team = nil
	default:
		return nil, err
	}
	c.teamLoaded = true
	return c.team, nil
}
