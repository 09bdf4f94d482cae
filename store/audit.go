package store

import (
	"context"
	"time"

	"smallgoals"
)

// CreateAuditEvent appends ev to the audit log and sets its ID.
func (tx *Tx) CreateAuditEvent(ctx context.Context, ev *smallgoals.AuditEvent) error {
	const q = `
		INSERT INTO audit_events (at, actor, action, team_id, citizen_id, goal_id, ref, allowed, recipient)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		RETURNING id`
	err := tx.tx.QueryRowxContext(ctx, q, ev.At, ev.Actor, ev.Action, ev.TeamID, ev.CitizenID,
		ev.GoalID, ev.Ref, ev.Allowed, ev.Recipient).Scan(&ev.ID)
	return wrap("create audit event", err)
}

// ListAuditEvents lists the audit events about a citizen at or after from and
// before to (zero times: no bound), oldest first.
func (tx *Tx) ListAuditEvents(ctx context.Context, citizenID int64, from, to time.Time) ([]smallgoals.AuditEvent, error) {
	var evs []smallgoals.AuditEvent
	err := tx.tx.SelectContext(ctx, &evs, `
		SELECT id, at, actor, action, team_id, citizen_id, goal_id, ref, allowed, recipient
		FROM audit_events
		WHERE citizen_id = $1
		  AND at >= coalesce($2, '-infinity'::timestamptz) AND at < coalesce($3, 'infinity'::timestamptz)
		ORDER BY at, id`, citizenID, nullTime(from), nullTime(to))
	return evs, wrap("audit events", err)
}

func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
