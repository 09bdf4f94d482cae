// Package smallgoals holds the domain of the små mål (small goals) method:
// teams, citizens (borgere) known only by an alias, plan goals, small goals,
// entries (registreringer) and revisions, plus the rules that need no
// database or Slack: alias folding, refs, scales, dates, GAS T-scores and
// CPR-number detection, and the keyring that encrypts free text at rest.
// It imports only the standard library.
package smallgoals

import (
	"sync"
	"time"
)

// Limits and defaults of the method as this product applies it.
const (
	DefaultCadenceDays = 42             // a small goal is revised every six weeks unless told otherwise
	MaxCadenceDays     = 365            // a goal revised less than yearly is not a small goal
	MaxBackdateDays    = 14             // an entry may be about a day up to two weeks back
	UndoWindow         = 24 * time.Hour // "fortryd" reaches back one day
	MaxNoteLen         = 1000           // runes; a note is short by design
	MaxTitleLen        = 200            // runes
	MaxTeamNameLen     = 80             // runes
)

// Languages the bot speaks.
const (
	LangDanish  = "da"
	LangEnglish = "en"
)

// ValidLang reports whether lang is a language the bot speaks.
func ValidLang(lang string) bool { return lang == LangDanish || lang == LangEnglish }

// Team is a unit (afdeling) bound to one Slack channel.
type Team struct {
	ID            int64        `db:"id"`
	ChannelID     string       `db:"channel_id"`
	Name          string       `db:"name"`
	Lang          string       `db:"lang"`
	TZ            string       `db:"tz"`
	DigestWeekday time.Weekday `db:"digest_weekday"`
	DigestTime    string       `db:"digest_time"`    // "HH:MM" in the team's zone
	ReminderTime  string       `db:"reminder_time"`  // "HH:MM" in the team's zone
	RetentionDays *int         `db:"retention_days"` // nil: RETENTION_DAYS
	CreatedBy     string       `db:"created_by"`
	CreatedAt     time.Time    `db:"created_at"`
}

// Location returns the team's time zone, or UTC if its name is unknown.
func (t Team) Location() *time.Location {
	return Location(t.TZ)
}

// locations caches loaded time zones: time.LoadLocation reads the zone
// database on every call.
var locations sync.Map

// Location returns the named time zone, or UTC if the name is unknown.
func Location(name string) *time.Location {
	if loc, ok := locations.Load(name); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	locations.Store(name, loc)
	return loc
}

// Member is a user with a stored role on a team.
type Member struct {
	UserID      string `db:"user_id"`
	Coordinator bool   `db:"coordinator"`
}

// Citizen (borger) belongs to one team and is shown only by its alias.
type Citizen struct {
	ID          int64      `db:"id"`
	TeamID      int64      `db:"team_id"`
	Alias       string     `db:"alias"` // folded: see AliasKey
	ContactUser string     `db:"contact_user"`
	ExportedAt  *time.Time `db:"exported_at"` // the last export for the caseworker
	CreatedAt   time.Time  `db:"created_at"`
	// DischargedAt is when the borger was discharged (borger udskriv):
	// hidden from lists, forms and jobs, kept until retention; nil while served.
	DischargedAt *time.Time `db:"discharged_at"`
}

// PlanGoal is a goal of the municipal action plan (handleplan) that small
// goals serve. Its ref is ALIAS-PN.
type PlanGoal struct {
	ID        int64      `db:"id"`
	CitizenID int64      `db:"citizen_id"`
	Number    int        `db:"number"`
	Title     string     `db:"title"`
	CreatedBy string     `db:"created_by"`
	CreatedAt time.Time  `db:"created_at"`
	ClosedAt  *time.Time `db:"closed_at"` // nil while open
	ClosedBy  string     `db:"closed_by"`
	Theme     string     `db:"theme"` // a theme code of the catalogue; "" for none
}

// Goal statuses.
const (
	GoalActive = "active"
	GoalClosed = "closed"
)

// Goal is a small goal (lille mål) of a citizen. Its ref is ALIAS-N.
type Goal struct {
	ID           int64      `db:"id"`
	CitizenID    int64      `db:"citizen_id"`
	Number       int        `db:"number"`
	PlanGoalID   *int64     `db:"plan_goal_id"`
	PlanNumber   *int       `db:"plan_number"` // the plan goal's number, when there is one
	Title        string     `db:"title"`
	ScaleMin     int        `db:"scale_min"`
	ScaleMax     int        `db:"scale_max"`
	Target       *int       `db:"target"`
	CadenceDays  int        `db:"cadence_days"`
	NextRevision *time.Time `db:"next_revision"` // a civil date; nil once closed
	Status       string     `db:"status"`
	GASLevels    GASLevels  `db:"gas_levels"`   // the goal's own descriptions of −2..+2
	GASBaseline  *int       `db:"gas_baseline"` // the GAS level at the start, −2..+2; nil: not stated
	GASWeight    *int       `db:"gas_weight"`   // the borger's importance, GASWeightMin..GASWeightMax; nil: 1
	RevisitAt    *time.Time `db:"revisit_at"`   // sent back to the municipality (revisitation), until revised again
	CreatedBy    string     `db:"created_by"`
	CreatedAt    time.Time  `db:"created_at"`
	Theme        string     `db:"theme"` // a theme code of the catalogue (commands.Themes); "" for none
}

// GASLevels describes what each GAS level −2, −1, 0, +1, +2 means for one
// goal; "" for a level not described. The zero value describes none.
// The store keeps them encrypted, as a JSON array of five strings.
type GASLevels [5]string

// Level returns the description of GAS level n (−2..+2).
func (l GASLevels) Level(n int) string {
	if n < GASMin || n > GASMax {
		return ""
	}
	return l[n-GASMin]
}

// Empty reports whether no level is described.
func (l GASLevels) Empty() bool { return l == GASLevels{} }

// Scale returns the goal's scale.
func (g Goal) Scale() Scale { return Scale{Min: g.ScaleMin, Max: g.ScaleMax} }

// What a GoalChange changed. Values are strings: a title as written, a
// number ("7"), an ISO date, a plan goal's number, a scale ("1-10"), a
// status (GoalActive, GoalClosed); "" for none.
const (
	ChangeTitle   = "title"
	ChangeTarget  = "target"
	ChangeCadence = "every"
	ChangeDue     = "due"
	ChangePlan    = "plan"
	ChangeScale   = "scale"
	ChangeStatus  = "status"
	ChangeTheme   = "theme" // a theme code
	// GAS (issue 16 #3): the baseline level and the weight as numbers
	// ("-1", "2"); a level's description (ChangeGASLevel) as written.
	ChangeBaseline = "baseline"
	ChangeWeight   = "weight"
)

// ChangeGASLevel is the field of a change to GAS level n's description:
// "gas-2", "gas-1", "gas0", "gas+1", "gas+2".
func ChangeGASLevel(n int) string { return "gas" + FormatGASLevel(n) }

// GoalChange is one change to a small goal or a plan goal (exactly one of
// GoalID and PlanGoalID is set): a new fact, the old value kept.
type GoalChange struct {
	ID         int64     `db:"id"`
	GoalID     *int64    `db:"goal_id"`
	PlanGoalID *int64    `db:"plan_goal_id"`
	Author     string    `db:"author"`
	At         time.Time `db:"at"`
	Field      string    `db:"field"`
	Old        string    `db:"old_value"`
	New        string    `db:"new_value"`
}

// Reflection is what a team concluded at its staff meeting, for the ISO
// week of the team's local day it was written: about the team's week, or
// about one borger (CitizenID) or one of the borger's goals (GoalID, with
// CitizenID). Append-only; the text is sealed like notes.
type Reflection struct {
	ID        int64     `db:"id"`
	TeamID    int64     `db:"team_id"`
	CitizenID *int64    `db:"citizen_id"`
	GoalID    *int64    `db:"goal_id"`
	Author    string    `db:"author"`
	Day       time.Time `db:"day"`
	Year      int       `db:"iso_year"`
	Week      int       `db:"iso_week"`
	WrittenAt time.Time `db:"written_at"`
	Text      string    `db:"-"`
	// Alias and Number name what it is about, as listed (empty, 0: the
	// team's week).
	Alias  string `db:"alias"`
	Number *int   `db:"number"`
}

// About returns the ref or alias a reflection is about, "" for the team.
func (r Reflection) About() string {
	switch {
	case r.Number != nil:
		return Ref{Alias: r.Alias, N: *r.Number}.String()
	case r.CitizenID != nil:
		return r.Alias
	}
	return ""
}

// Entry kinds. A score entry counts until an entry replaces it; an undo
// entry only cancels the entry it replaces.
const (
	EntryScore = "score"
	EntryUndo  = "undo"
)

// Entry (registrering) is append-only: a correction or an undo is a new
// entry pointing at the one it replaces.
type Entry struct {
	ID           int64     `db:"id"`
	GoalID       int64     `db:"goal_id"`
	Kind         string    `db:"kind"`
	Author       string    `db:"author"`
	Day          time.Time `db:"day"` // the civil date the entry is about
	WrittenAt    time.Time `db:"written_at"`
	StaffScore   *int      `db:"staff_score"`
	CitizenScore *int      `db:"citizen_score"`
	Note         string    `db:"note"`
	Replaces     *int64    `db:"replaces"`
	Replaced     bool      `db:"replaced"` // derived: a later entry replaces this one
	// Number is a score entry's ordinal on its goal in the order written,
	// oldest 1, as vis shows it and "fortryd REF nr:N" names it.
	Number int `db:"number"`
	// The undo that replaced it, when Replaced and it is read with its
	// history: who undid it, when, and why (the undo's note).
	UndoneBy   string     `db:"-"`
	UndoneAt   *time.Time `db:"-"`
	UndoReason string     `db:"-"`
}

// CancelWindow is how far back a coordinator may cancel an entry
// (written within it): fortryd REF nr:N.
const CancelWindow = 30 * 24 * time.Hour

// Revision outcomes, the common Danish codes.
const (
	OutcomeContinue = "continue" // fortsættes
	OutcomeAdjust   = "adjust"   // ændres
	OutcomeClose    = "close"    // afsluttes
	OutcomeRevisit  = "revisit"  // revisitation
)

// ValidOutcome reports whether o is one of the revision outcomes.
func ValidOutcome(o string) bool {
	switch o {
	case OutcomeContinue, OutcomeAdjust, OutcomeClose, OutcomeRevisit:
		return true
	}
	return false
}

// Revision records a goal's revision together with the citizen.
type Revision struct {
	ID              int64      `db:"id"`
	GoalID          int64      `db:"goal_id"`
	Author          string     `db:"author"`
	Day             time.Time  `db:"day"`
	WrittenAt       time.Time  `db:"written_at"`
	GASLevel        int        `db:"gas_level"`
	Outcome         string     `db:"outcome"`
	CitizenTookPart *bool      `db:"citizen_took_part"` // nil: not stated
	Reflection      string     `db:"reflection"`
	NextRevision    *time.Time `db:"next_revision"` // nil when the goal closes
}

// AuditEvent records who touched what, allowed or refused. It never holds
// free text: Ref is an alias or a goal ref.
type AuditEvent struct {
	ID        int64     `db:"id"`
	At        time.Time `db:"at"`
	Actor     string    `db:"actor"`
	Action    string    `db:"action"`
	TeamID    *int64    `db:"team_id"`
	CitizenID *int64    `db:"citizen_id"`
	GoalID    *int64    `db:"goal_id"`
	Ref       string    `db:"ref"`
	Allowed   bool      `db:"allowed"`
	Recipient string    `db:"recipient"` // who got what a job sent: a user or a channel ID; "" otherwise
}

// Audit actions.
const (
	ActTeamCreate     = "team.create"
	ActTeamView       = "team.view"
	ActCitizenCreate  = "citizen.create"
	ActCitizenList    = "citizen.list"
	ActCitizenView    = "citizen.view"
	ActPlanCreate     = "plan.create"
	ActPlanEdit       = "plan.edit"
	ActPlanClose      = "plan.close"
	ActGoalEdit       = "goal.edit"
	ActGoalGAS        = "goal.gas" // a GAS level's description: gas REF NIVEAU TEKST
	ActGoalReopen     = "goal.reopen"
	ActGoalCreate     = "goal.create"
	ActGoalView       = "goal.view"
	ActEntryCreate    = "entry.create"
	ActEntryUndo      = "entry.undo"
	ActEntryCancel    = "entry.cancel" // a coordinator's undo of any entry: fortryd REF nr:N
	ActRevisionCreate = "revision.create"
	ActAuditView      = "audit.view"
	ActCitizenErase   = "citizen.erase"
	ActTeamSettings   = "team.settings"
	ActRetention      = "retention.purge"
	ActGoalSnooze     = "goal.snooze"
	ActContactSet     = "citizen.contact"
	ActGoalChart      = "goal.chart"
	ActCitizenChart   = "citizen.chart" // graf ALIAS: all of a borger's active goals
	ActCitizenExport  = "citizen.export"
	// A borger's and a team's lifecycle (issue 15, items 5 and 6).
	ActCoordinatorRemove = "team.coordinator_remove"
	ActMemberLeave       = "team.leave" // the shell's :leave
	ActCitizenMove       = "citizen.move"
	ActCitizenDischarge  = "citizen.discharge"
	// The indicator catalogue and the leader's overview (issue 16, items 2 and 5).
	ActThemeList      = "theme.list"
	ActLeaderSet      = "team.leader"
	ActLeaderRemove   = "team.leader_remove"
	ActLeaderOverview = "team.overview" // one event per team whose figures were shown
	// The jobs' deliveries, actor ActorSystem, one event per borger named.
	ActReminderSend = "reminder.send"
	ActDigestSend   = "digest.send"
	ActNoticeSend   = "notice.send"

	ActReflectionCreate = "reflection.create" // the team's reflection at the staff meeting
	ActReflectionView   = "reflection.view"
)

// FileRecord is a file the bot sent about a citizen, kept so it can be
// deleted when it expires or the citizen is erased.
type FileRecord struct {
	ID        string    `db:"id"` // the Slack file ID, or the path the shell wrote
	TeamID    *int64    `db:"team_id"`
	CitizenID *int64    `db:"citizen_id"`
	Name      string    `db:"name"`
	CreatedAt time.Time `db:"created_at"`
	ExpiresAt time.Time `db:"expires_at"`
}

// Erasure counts what erasing a citizen removes.
type Erasure struct {
	Plans       int `db:"plans"`
	Goals       int `db:"goals"`
	Entries     int `db:"entries"`
	Revisions   int `db:"revisions"`
	Files       int `db:"files"`
	Posts       int `db:"posts"`       // messages the bot posted about the citizen, still in Slack
	Reflections int `db:"reflections"` // the team's reflections about the citizen or one of its goals
	Unexported  int `db:"unexported"`  // entries written after the last export
}

// CitizenSummary is a citizen as the team's list shows it.
type CitizenSummary struct {
	Citizen
	ActiveGoals int `db:"active_goals"`
}

// GoalOverview is a goal with its latest scores, as a citizen's overview
// shows it.
type GoalOverview struct {
	Goal
	LastDay     *time.Time // the day of the latest counting entry
	LastStaff   *int       // the latest counting entry's staff score
	LastCitizen *int       // the same entry's borger score: a pair is one entry's own
	// When the latest entry has no borger score: the borger's latest
	// score, from an earlier counting entry, and that entry's day.
	EarlierCitizen    *int
	EarlierCitizenDay *time.Time
	Recent            []int // the latest staff scores, oldest first
	EntryCount        int   // counting entries in all
}

// DueGoal is a goal due for revision, with its citizen's alias.
type DueGoal struct {
	Goal
	Alias       string
	TeamID      int64
	ContactUser string
}

// Occurrence is one reminder of a goal: the date it is for (7 days before
// the revision, the revision date, or a week on while overdue).
type Occurrence struct {
	GoalID int64
	Date   time.Time
}

// Revisit is a revision that sent a goal back to the municipality, as the
// notice to the team's coordinators tells it.
type Revisit struct {
	RevisionID int64
	WrittenAt  time.Time
	Author     string
	CitizenID  int64
	Alias      string
	GoalID     int64
	GoalNumber int
	Title      string
	Team       Team
}

// OutboxClaim claims one message a job sends (design.md §5): Kind and Key
// name it uniquely, At is the job's clock, Lease how long the claim is the
// claimer's alone, WindowEnd when it is too late to send it at all.
type OutboxClaim struct {
	Kind      string
	Key       string
	At        time.Time
	Lease     time.Duration
	WindowEnd time.Time
}

// ActorSystem is the audit actor of what the jobs do.
const ActorSystem = "system"

// Posted is where Slack keeps a message the bot posted.
type Posted struct {
	Channel string `db:"channel"`
	TS      string `db:"ts"`
}

// Sent is what one delivery put in Slack: its messages and files,
// recorded so that erasing a borger they are about deletes them. The
// shell puts nothing there (it printed).
type Sent struct {
	Posts []Posted
	Files []FileRecord
}

// About is a borger a message names, as its audit event records them:
// refs, never text. GoalID is set when it names one goal of theirs.
type About struct {
	TeamID    int64
	CitizenID int64
	GoalID    *int64
	Ref       string
}

// Delivered is how a claimed send went, recorded in one transaction: its
// status, and when it went out (or may have: ambiguous) the audit events
// of the borgere it is about, and what it put in Slack linked to them.
type Delivered struct {
	Kind, Key, Status string
	At                time.Time
	RetryAt           *time.Time // failed: when to try again
	Audit             []AuditEvent
	Sent              Sent
}

// DigestGoal is one goal's figures for a team's weekly digest.
type DigestGoal struct {
	Theme        string     `db:"theme"` // the goal's theme code, "" for none
	GoalID       int64      `db:"goal_id"`
	CitizenID    int64      `db:"citizen_id"`
	Alias        string     `db:"alias"`
	Number       int        `db:"number"`
	ScaleMin     int        `db:"scale_min"`
	ScaleMax     int        `db:"scale_max"`
	NextRevision *time.Time `db:"next_revision"`
	WeekEntries  int        `db:"week_entries"` // counting entries about days in the week
	LastInWeek   *int       `db:"last_in_week"` // the week's latest staff score
	LastBefore   *int       `db:"last_before"`  // the latest staff score before the week
	BestBefore   *int       `db:"best_before"`  // the best staff score before the week
	BestInWeek   *int       `db:"best_in_week"`
	LastDay      *time.Time `db:"last_day"`    // the day of the latest counting entry
	GapStaff     *int       `db:"gap_staff"`   // the week's latest entry with borger and staff 3 or more apart
	GapCitizen   *int       `db:"gap_citizen"` // its borger score
	RevisitAt    *time.Time `db:"revisit_at"`  // waiting for the municipality since
	// Progress and setback are judged on these: the median staff score of
	// the week and of the DigestWeeksBefore weeks before it, and how many
	// staff scores each holds.
	WeekMedian   *float64  `db:"week_median"`
	WeekScores   int       `db:"week_scores"`
	BeforeMedian *float64  `db:"before_median"`
	BeforeScores int       `db:"before_scores"`
	CreatedOn    time.Time `db:"created_on"` // the team's local date the goal was created
}

// The digest's rule for progress and setback: the week's median staff
// score against the median of the DigestWeeksBefore weeks before it, each
// side with at least DigestMinScores staff scores, apart by at least
// DigestMinChange points of the goal's scale.
const (
	DigestWeeksBefore = 4
	DigestMinScores   = 2
	DigestMinChange   = 1.0
)

// Trend tells whether the goal moved in the week by the digest's rule:
// +1 progress, -1 setback, 0 neither or too few scores to say.
func (g DigestGoal) Trend() int {
	if g.WeekMedian == nil || g.BeforeMedian == nil || g.WeekScores < DigestMinScores || g.BeforeScores < DigestMinScores {
		return 0
	}
	switch d := *g.WeekMedian - *g.BeforeMedian; {
	case d >= DigestMinChange:
		return 1
	case d <= -DigestMinChange:
		return -1
	}
	return 0
}

// Ref returns the goal's ref.
func (g DigestGoal) Ref() string { return Ref{Alias: g.Alias, N: g.Number}.String() }

// DigestRevision is a revision for the digest: no reflection.
type DigestRevision struct {
	GoalID    int64     `db:"goal_id"`
	CitizenID int64     `db:"citizen_id"`
	Alias     string    `db:"alias"`
	Number    int       `db:"number"`
	Day       time.Time `db:"day"`
	GASLevel  int       `db:"gas_level"`
	Outcome   string    `db:"outcome"`
	Latest    bool      `db:"latest"` // the goal's latest revision
	TookPart  *bool     `db:"citizen_took_part"`
	Weight    int       `db:"gas_weight"` // the goal's weight in the T-score (1 unless the borger gave another)
}

// Digest is what a team's weekly digest is made of: numbers and refs only.
type Digest struct {
	From, To  time.Time // the week: From to To inclusive, civil dates
	Entries   int
	Authors   int
	Goals     []DigestGoal
	Revisions []DigestRevision // revisions in the week, and each goal's latest
	// Reflections counts the team's reflections written in the week
	// (never their text).
	Reflections int
}

// Week is the ISO week the digest covers: the one holding most of its
// seven days (a Monday digest covers exactly the week before).
func (d Digest) Week() (year, week int) {
	return d.From.AddDate(0, 0, 3).ISOWeek()
}

// Append is one request to the store's one writer of scores: an entry to
// append while what it was decided on still holds, with its audit event
// and its delivery claim, committed together — or only audit events, the
// refusal of a score. Concurrent requests share a statement.
type Append struct {
	Entry       *Entry       // nil: only Audit is written
	Guard       EntryGuard   // what Entry was decided on
	Audit       []AuditEvent // written with Entry (only if it is), or alone
	DeliveryKey string       // claimed with Entry; "" if the request cannot come again
	Recent      int          // how many of the goal's latest staff scores to return, the new one included
	User        string       // whose chosen language to return
}

// EntryGuard is what an entry was decided on: the goal is still active and
// still its team's, its scale and the team's time zone (the entry's day)
// unchanged.
type EntryGuard struct {
	TeamID             int64
	ScaleMin, ScaleMax int
	TZ                 string
}

// AppendResult is what the writer did with an Append.
type AppendResult struct {
	Stored    bool   // the entry was written
	Stale     bool   // its guard no longer held: nothing was written, decide again
	Duplicate bool   // its delivery key was claimed before: nothing was written
	EntryID   int64  //
	Recent    []int  // the goal's latest counting staff scores (Append.Recent at most), oldest first, the new one last
	UserLang  string // the user's chosen language, or ""
}

// Citizen event kinds: what happened to a borger as a whole.
const (
	CitizenMoved      = "move"      // to another team, maybe under a new alias
	CitizenDischarged = "discharge" // udskrevet: the goals closed, hidden until retention
)

// CitizenEvent is one fact of a borger's lifecycle, kept with the borger
// (and erased with it): a move between teams or a discharge. It holds no
// free text.
type CitizenEvent struct {
	ID         int64     `db:"id"`
	CitizenID  int64     `db:"citizen_id"`
	Kind       string    `db:"kind"`
	At         time.Time `db:"at"`
	Actor      string    `db:"actor"`
	FromTeamID *int64    `db:"from_team_id"` // a move: the team left
	ToTeamID   *int64    `db:"to_team_id"`   // a move: the team joined
	OldAlias   string    `db:"old_alias"`    // the alias before, and after a move
	NewAlias   string    `db:"new_alias"`
	GoalIDs    []int64   `db:"-"` // a discharge: the goals it closed
}

// Member event kinds: changes of who is on a team and in what role.
const (
	MemberCoordinatorAdded   = "coordinator_added"
	MemberCoordinatorRemoved = "coordinator_removed"
	MemberLeft               = "left" // stored membership removed (the shell's :leave)
	MemberLeaderAdded        = "leader_added"
	MemberLeaderRemoved      = "leader_removed"
)

// MemberEvent records a change of a team's membership or roles: who, what,
// by whom and when, so the team's view tells the history.
type MemberEvent struct {
	ID     int64     `db:"id"`
	TeamID int64     `db:"team_id"`
	UserID string    `db:"user_id"`
	Kind   string    `db:"kind"`
	Actor  string    `db:"actor"`
	At     time.Time `db:"at"`
}

// TeamFigures is one team's figures for its leader (overblik): counts
// only, never an alias, a ref or text. Period figures cover the quarters
// in Quarters; the rest are as of today.
type TeamFigures struct {
	TeamID      int64
	Citizens    int            // borgere served (not discharged)
	ActiveGoals int            // their active small goals
	Overdue     int            // of those, past their revision date
	Themes      map[string]int // active goals by theme code; "" for none
	// LatestGAS is, per borger served with a revised active goal, the
	// latest GAS level and the weight of each such goal: what a T-score is
	// made of.
	LatestGAS []GASGoals
	Quarters  []QuarterFigures // the oldest first
}

// QuarterFigures are a team's figures of one calendar quarter.
type QuarterFigures struct {
	Start         time.Time // the quarter's first day
	Entries       int       // counting score entries about days in it
	CitizenScored int       // of those, with the borger's own score
	Revisions     int       // revisions held in it
	OnTime        int       // of those, held by the date in force (see store.ListTeamFigures)
	WithCitizen   int       // of those, with the borger taking part
}
