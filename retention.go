package smallgoals

import "time"

// Retention says how long the data is kept (README "Data protection",
// Retention). The retention job enforces it.
type Retention struct {
	// Days keeps entries and revisions on closed goals, closed goals,
	// plan goals without goals and discharged citizens this many days
	// (RETENTION_DAYS; a team may set its own); 0 keeps them.
	Days int
	// AuditDays keeps audit events this many days (AUDIT_RETENTION_DAYS),
	// longer for a team that keeps its data longer than Days; 0 keeps them.
	AuditDays int
}

// How long the housekeeping rows are kept, and the least the audit log is.
const (
	// DeliveryRetention keeps the keys of deliveries acted on: Slack
	// redelivers within minutes, but a button's key (Udsæt 7 dage) makes
	// its effect once a message, which should hold while the message is
	// in use.
	DeliveryRetention = 30 * 24 * time.Hour
	// OutboxRetention keeps a job's message claims this long after their
	// window ended, so the undelivered ones can be looked into.
	OutboxRetention = 30 * 24 * time.Hour
	// HomeRetention keeps a staff user's App Home row (app_homes: who
	// opened the Home tab, and when last) this long after they last
	// opened it. Without the row a change sends no refresh; opening the
	// tab again publishes it afresh and brings the row back, so a user
	// away for a quarter loses nothing but refreshes nobody looked at.
	HomeRetention = 90 * 24 * time.Hour
	// MinAuditRetentionDays is the least AUDIT_RETENTION_DAYS; the
	// database itself refuses to delete younger audit events (00012).
	MinAuditRetentionDays = 365
)

// Audit actions of the retention job (actor "system").
const (
	ActRetentionErase = "retention.erase" // a discharged citizen removed whole
	ActRetentionAudit = "retention.audit" // audit events past their time deleted
)

// Purged counts what a retention run deleted.
type Purged struct {
	Citizens  int // discharged citizens removed with everything they had
	PlanGoals int // plan goals without goals
	Goals     int // closed goals with their titles, entries and revisions
	Entries   int // entries on closed goals kept otherwise (and on removed goals)
	Revisions int // revisions likewise
	// Reflections counts the team reflections (about no borger) past the
	// team's retention; those about a borger go with the borger or goal.
	Reflections int
	// Kept counts entries and revisions past retention kept because they
	// were written after the citizen's last export.
	Kept        int
	AuditEvents int
	Deliveries  int
	Outbox      int
	Homes       int // App Home rows of users who did not open it for HomeRetention
}
