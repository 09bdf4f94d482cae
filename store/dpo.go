package store

import (
	"context"
	"time"

	"smallgoals"
)

// What the data-protection officer's tools read that the bot itself never
// needs (cmd/smallgoals/dpo.go): everything stored about a staff member,
// and the records of what the bot put in Slack about a borger.

// UserRecord is one fact stored about a staff member (a Slack user): a
// role, a setting, something they wrote or did — refs and dates, never
// the text they wrote (a note is about the borger, not about them).
type UserRecord struct {
	Kind   string     `db:"kind"` // membership, coordinator, leader, member_event, settings, contact, team_created, plan_goal, goal, entry, revision, goal_change, reflection, citizen_event, app_home, outbox
	TeamID *int64     `db:"team_id"`
	Team   string     `db:"team"`   // the team's name
	Ref    string     `db:"ref"`    // an alias or a goal or plan goal ref; "" for none
	Day    *time.Time `db:"day"`    // the day it is about, if it has one
	At     time.Time  `db:"at"`     // when it was written or happened
	Detail string     `db:"detail"` // a code: the kind of entry, the field changed, the role …; never free text
}

// ListUserRecords returns what the database holds about user, oldest
// first: roles and their history, language and away, the borgere they are
// contact person of, and what they wrote (entries, revisions, goals, plan
// goals, changes, reflections — by ref and date), moved or discharged, when
// they last opened App Home, and the messages the jobs claimed for them.
func (db *DB) ListUserRecords(ctx context.Context, user string) ([]UserRecord, error) {
	var rs []UserRecord
	// One row per fact; aliases and refs composed in SQL, no text column read.
	err := db.db.SelectContext(ctx, &rs, `
		WITH gref AS (
			SELECT g.id, g.citizen_id, c.team_id, c.alias || '-' || g.number AS ref FROM goals g JOIN citizens c ON c.id = g.citizen_id)
		SELECT x.kind, x.team_id, coalesce(t.name, '') AS team, x.ref, x.day, x.at, x.detail FROM (
			SELECT 'membership' AS kind, m.team_id, '' AS ref, NULL::date AS day, m.added_at AS at,
			       CASE WHEN m.coordinator THEN 'coordinator' ELSE 'member' END AS detail
			FROM team_members m WHERE m.user_id = $1
			UNION ALL
			SELECT 'leader', l.team_id, '', NULL, l.added_at, 'named by ' || l.added_by FROM team_leaders l WHERE l.user_id = $1
			UNION ALL
			SELECT 'member_event', e.team_id, '', NULL, e.at,
			       e.kind || CASE WHEN e.user_id = $1 THEN ' (them), by ' || e.actor ELSE ' of ' || e.user_id || ' (by them)' END
			FROM member_events e WHERE e.user_id = $1 OR e.actor = $1
			UNION ALL
			SELECT 'settings', NULL, '', u.away_until, u.updated_at, 'lang ' || coalesce(u.lang, '-') ||
			       CASE WHEN u.away_until IS NOT NULL THEN ', away until the day' ELSE '' END
			FROM users u WHERE u.id = $1
			UNION ALL
			SELECT 'contact', c.team_id, c.alias, NULL, c.created_at, 'contact person' FROM citizens c WHERE c.contact_user = $1
			UNION ALL
			SELECT 'team_created', t.id, '', NULL, t.created_at, 'created the team' FROM teams t WHERE t.created_by = $1
			UNION ALL
			SELECT 'plan_goal', c.team_id, c.alias || '-P' || p.number, NULL, p.created_at, 'created' FROM plan_goals p
			JOIN citizens c ON c.id = p.citizen_id WHERE p.created_by = $1
			UNION ALL
			SELECT 'plan_goal', c.team_id, c.alias || '-P' || p.number, NULL, p.closed_at, 'closed' FROM plan_goals p
			JOIN citizens c ON c.id = p.citizen_id WHERE p.closed_by = $1 AND p.closed_at IS NOT NULL
			UNION ALL
			SELECT 'goal', g.team_id, g.ref, NULL, x.created_at, 'created' FROM goals x JOIN gref g ON g.id = x.id WHERE x.created_by = $1
			UNION ALL
			SELECT 'entry', g.team_id, g.ref, e.day, e.written_at, e.kind FROM entries e JOIN gref g ON g.id = e.goal_id WHERE e.author = $1
			UNION ALL
			SELECT 'revision', g.team_id, g.ref, r.day, r.written_at, r.outcome FROM revisions r JOIN gref g ON g.id = r.goal_id WHERE r.author = $1
			UNION ALL
			SELECT 'goal_change', coalesce(g.team_id, c.team_id), coalesce(g.ref, c.alias || '-P' || p.number), NULL, ch.at, ch.field
			FROM goal_changes ch LEFT JOIN gref g ON g.id = ch.goal_id
			LEFT JOIN plan_goals p ON p.id = ch.plan_goal_id LEFT JOIN citizens c ON c.id = p.citizen_id
			WHERE ch.author = $1
			UNION ALL
			SELECT 'reflection', r.team_id, coalesce(c.alias, ''), r.day, r.written_at, 'reflection' FROM reflections r
			LEFT JOIN citizens c ON c.id = r.citizen_id WHERE r.author = $1
			UNION ALL
			SELECT 'citizen_event', c.team_id, c.alias, NULL, e.at, e.kind FROM citizen_events e
			JOIN citizens c ON c.id = e.citizen_id WHERE e.actor = $1
			UNION ALL
			SELECT 'app_home', NULL, '', NULL, h.opened_at, 'opened App Home' FROM app_homes h WHERE h.user_id = $1
			UNION ALL
			SELECT 'outbox', NULL, '', NULL, o.claimed_at, o.kind || ' ' || o.status FROM outbox o
			WHERE o.kind IN ('reminder_dm', 'notice') AND (o.key LIKE $1 || '/%' OR o.key LIKE '%/' || $1)
		) x LEFT JOIN teams t ON t.id = x.team_id
		ORDER BY x.at, x.kind, x.ref`, user)
	return rs, wrap("user records", err)
}

// ListUserAuditEvents returns the audit events a user caused (actor) or
// was sent (recipient: a reminder, a notice), from since (zero: all),
// oldest first.
func (db *DB) ListUserAuditEvents(ctx context.Context, user string, since time.Time) ([]smallgoals.AuditEvent, error) {
	var evs []smallgoals.AuditEvent
	err := db.db.SelectContext(ctx, &evs, `
		SELECT id, at, actor, action, team_id, citizen_id, goal_id, ref, allowed, recipient
		FROM audit_events
		WHERE (actor = $1 OR recipient = $1) AND at >= coalesce($2, '-infinity'::timestamptz)
		ORDER BY at, id`, user, nullTime(since))
	return evs, wrap("user audit events", err)
}

// SentRecord is a message or file the bot put in Slack (or, in the shell,
// on disk) about a borger, as recorded for its deletion.
type SentRecord struct {
	Kind     string     `db:"kind"` // message (reminder_dm, digest, notice) or file
	Where    string     `db:"where_"`
	ID       string     `db:"id"` // a message's ts, a file's ID or path
	At       time.Time  `db:"at"`
	DeleteAt *time.Time `db:"delete_at"` // when it is due for deletion: a file's expiry, an erased borger's message
}

// ListCitizenSent returns the records of the messages and files the bot
// sent about the citizen, oldest first.
func (db *DB) ListCitizenSent(ctx context.Context, citizenID int64) ([]SentRecord, error) {
	var rs []SentRecord
	err := db.db.SelectContext(ctx, &rs, `
		SELECT * FROM (
			SELECT p.kind, p.channel AS where_, p.ts AS id, p.posted_at AS at, p.delete_at
			FROM posts p JOIN post_citizens pc ON pc.channel = p.channel AND pc.ts = p.ts WHERE pc.citizen_id = $1
			UNION ALL
			SELECT 'file', f.name, f.id, f.created_at, f.expires_at FROM files f
			WHERE f.citizen_id = $1 OR f.id IN (SELECT file_id FROM file_citizens WHERE citizen_id = $1)
		) x ORDER BY at, id`, citizenID)
	return rs, wrap("citizen sent", err)
}

// CreateAuditEvent appends ev to the audit log in a transaction of its
// own and sets its ID.
func (db *DB) CreateAuditEvent(ctx context.Context, ev *smallgoals.AuditEvent) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.CreateAuditEvent(ctx, ev) })
}
