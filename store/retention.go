package store

import (
	"context"
	"time"

	"github.com/lib/pq"

	"smallgoals"
)

// The retention rules (README "Data protection"), at the job's clock at,
// with a team's cut-off day its local date at at less its retention
// (teams.retention_days, else RETENTION_DAYS). "Exported" means written
// (or created) no later than the citizen's last export: nothing written
// after it is deleted (the duty to document).
//
//   - A discharged citizen goes whole (alias, plan goals, goals, entries,
//     revisions; as an erasure) once discharged before the cut-off with
//     everything exported; one audit event "retention.erase" each.
//   - A closed goal goes with its title, entries and revisions once it
//     was created, and everything on it written and dated, before the
//     cut-off, everything exported. A goal closes with its last revision,
//     so it was closed longer than the retention — or with its borger's
//     discharge, so a discharged borger's goals wait for the discharge to
//     pass the cut-off (and then go with the borger).
//   - Entries and revisions on a closed goal that stays go one by one once
//     dated before the cut-off and exported (on a discharged borger's
//     goal, once the discharge passed the cut-off too).
//   - A plan goal goes once closed before the cut-off with no small goal
//     left under it, its closing and changes exported; an open one stays.
//   - A goal's changes (goal_changes) go with it; a change on or after
//     the cut-off or not exported keeps a closed goal (one closed with its
//     plan goal has no closing revision).
//   - A reflection about a borger (reflections.citizen_id) goes with the
//     borger (erasure, the discharged purge) or with its goal; one written
//     after the export keeps them, as an entry does. A reflection about
//     the team's week goes once written (its day) before the team's
//     cut-off.
//   - One audit event "retention.purge" for each citizen who lost any of
//     these (never free text: the alias as ref).
//   - Audit events go after AUDIT_RETENTION_DAYS (purge_audit_events,
//     00012_retention.sql); deliveries and outbox claims after
//     smallgoals.DeliveryRetention and OutboxRetention; App Home rows
//     (app_homes) HomeRetention after the user last opened it.
//
// In the queries, $1 is at and $2 RETENTION_DAYS; the cut-off is
// teamCutoff, a team t's local date of a timestamp x is
// (x AT TIME ZONE t.tz)::date, and a row of citizen c is exported when
// written no later than coalesce(c.exported_at, '-infinity').
const teamCutoff = `(($1::timestamptz AT TIME ZONE t.tz)::date - coalesce(t.retention_days, $2))`

// Purge deletes what is past its retention at at by the rules r, the
// citizens' data in one transaction, and reports what went.
func (db *DB) Purge(ctx context.Context, at time.Time, r smallgoals.Retention) (p smallgoals.Purged, err error) {
	if r.Days > 0 {
		err = db.InTx(ctx, func(tx *Tx) error {
			p, err = tx.PurgeData(ctx, at, r.Days)
			return err
		})
		if err != nil {
			return p, err
		}
	}
	err = db.InTx(ctx, func(tx *Tx) error {
		p.Deliveries, p.Outbox, p.Homes, err = tx.PurgeHousekeeping(ctx, at)
		return err
	})
	if err != nil || r.AuditDays == 0 {
		return p, err
	}
	err = db.InTx(ctx, func(tx *Tx) error {
		p.AuditEvents, err = tx.PurgeAuditEvents(ctx, at, r.AuditDays, r.Days)
		return err
	})
	return p, err
}

// PurgeData deletes the citizens' data past its retention at at
// (defaultDays unless the team says otherwise) and audits it. Rows another
// transaction is purging are skipped, so replicas running it together
// delete and audit each thing once.
func (tx *Tx) PurgeData(ctx context.Context, at time.Time, defaultDays int) (p smallgoals.Purged, err error) {
	if p.Citizens, err = tx.purgeDischarged(ctx, at, defaultDays); err != nil {
		return p, err
	}
	var touched []int64 // citizens who lost something
	var ids []int64
	if p.Goals, p.Entries, p.Revisions, ids, err = tx.purgeClosedGoals(ctx, at, defaultDays); err != nil {
		return p, err
	}
	touched = append(touched, ids...)
	for _, table := range []string{"entries", "revisions"} {
		n, kept, ids, err := tx.purgeOnClosedGoals(ctx, table, at, defaultDays)
		if err != nil {
			return p, err
		}
		if table == "entries" {
			p.Entries += n
		} else {
			p.Revisions += n
		}
		p.Kept += kept
		touched = append(touched, ids...)
	}
	const plans = `
		DELETE FROM plan_goals p USING citizens c, teams t
		WHERE c.id = p.citizen_id AND t.id = c.team_id
		  AND (p.closed_at AT TIME ZONE t.tz)::date < ` + teamCutoff + `
		  AND p.closed_at <= coalesce(c.exported_at, '-infinity')
		  AND NOT EXISTS (SELECT 1 FROM goals g WHERE g.plan_goal_id = p.id)
		  AND NOT EXISTS (SELECT 1 FROM goal_changes x WHERE x.plan_goal_id = p.id
		      AND x.at > coalesce(c.exported_at, '-infinity'))
		RETURNING p.citizen_id`
	if err := tx.tx.SelectContext(ctx, &ids, plans, at, defaultDays); err != nil {
		return p, wrap("purge plan goals", err)
	}
	p.PlanGoals = len(ids)
	touched = append(touched, ids...)
	const reflections = `
		WITH gone AS (DELETE FROM reflections x USING teams t
		              WHERE t.id = x.team_id AND x.citizen_id IS NULL AND x.day < ` + teamCutoff + `
		              RETURNING 1)
		SELECT count(*) FROM gone`
	if err := tx.tx.GetContext(ctx, &p.Reflections, reflections, at, defaultDays); err != nil {
		return p, wrap("purge reflections", err)
	}
	const audit = `
		INSERT INTO audit_events (at, actor, action, team_id, citizen_id, ref, allowed)
		SELECT $1, 'system', $3, c.team_id, c.id, c.alias, true FROM citizens c WHERE c.id = ANY($2)`
	_, err = tx.tx.ExecContext(ctx, audit, at, pq.Array(touched), smallgoals.ActRetention)
	return p, wrap("purge data", err)
}

// purgeDischarged erases the citizens discharged before their team's
// cut-off with everything exported, as an erasure does, each audited.
func (tx *Tx) purgeDischarged(ctx context.Context, at time.Time, defaultDays int) (int, error) {
	const q = `
		SELECT c.id, c.team_id, c.alias FROM citizens c JOIN teams t ON t.id = c.team_id
		WHERE (c.discharged_at AT TIME ZONE t.tz)::date < ` + teamCutoff + `
		  AND NOT EXISTS (SELECT 1 FROM plan_goals p WHERE p.citizen_id = c.id
		      AND p.created_at > coalesce(c.exported_at, '-infinity'))
		  AND NOT EXISTS (SELECT 1 FROM goal_changes x
		      LEFT JOIN goals g ON g.id = x.goal_id LEFT JOIN plan_goals p ON p.id = x.plan_goal_id
		      WHERE coalesce(g.citizen_id, p.citizen_id) = c.id AND x.at > coalesce(c.exported_at, '-infinity'))
		  AND NOT EXISTS (SELECT 1 FROM reflections x WHERE x.citizen_id = c.id
		      AND x.written_at > coalesce(c.exported_at, '-infinity'))
		  AND NOT EXISTS (SELECT 1 FROM goals g WHERE g.citizen_id = c.id
		      AND (g.created_at > coalesce(c.exported_at, '-infinity')
		        OR EXISTS (SELECT 1 FROM entries e WHERE e.goal_id = g.id AND e.written_at > coalesce(c.exported_at, '-infinity'))
		        OR EXISTS (SELECT 1 FROM revisions r WHERE r.goal_id = g.id AND r.written_at > coalesce(c.exported_at, '-infinity'))))
		ORDER BY c.id
		FOR UPDATE OF c SKIP LOCKED`
	var cs []struct {
		ID     int64  `db:"id"`
		TeamID int64  `db:"team_id"`
		Alias  string `db:"alias"`
	}
	if err := tx.tx.SelectContext(ctx, &cs, q, at, defaultDays); err != nil {
		return 0, wrap("purge discharged", err)
	}
	for _, c := range cs {
		// As an erasure does: what the bot posted and sent about the
		// borger becomes due for deletion from Slack (the unpost job and
		// the file deletion below take it from there).
		if _, err := tx.ExpireCitizenFiles(ctx, c.ID, at); err != nil {
			return 0, err
		}
		if _, err := tx.UnpostCitizen(ctx, c.ID, at); err != nil {
			return 0, err
		}
		if err := tx.EraseCitizen(ctx, c.ID); err != nil {
			return 0, err
		}
		ev := smallgoals.AuditEvent{At: at, Actor: "system", Action: smallgoals.ActRetentionErase,
			TeamID: &c.TeamID, CitizenID: &c.ID, Ref: c.Alias, Allowed: true}
		if err := tx.CreateAuditEvent(ctx, &ev); err != nil {
			return 0, err
		}
	}
	return len(cs), nil
}

// purgeClosedGoals deletes the closed goals with nothing on them newer
// than the cut-off or not exported, with their entries and revisions.
func (tx *Tx) purgeClosedGoals(ctx context.Context, at time.Time, defaultDays int) (goals, entries, revisions int, citizens []int64, err error) {
	const q = `
		SELECT g.id, g.citizen_id FROM goals g
		JOIN citizens c ON c.id = g.citizen_id
		JOIN teams t ON t.id = c.team_id
		WHERE g.status = 'closed'
		  AND (c.discharged_at IS NULL OR (c.discharged_at AT TIME ZONE t.tz)::date < ` + teamCutoff + `)
		  AND (g.created_at AT TIME ZONE t.tz)::date < ` + teamCutoff + `
		  AND g.created_at <= coalesce(c.exported_at, '-infinity')
		  AND NOT EXISTS (SELECT 1 FROM entries e WHERE e.goal_id = g.id
		      AND (e.day >= ` + teamCutoff + ` OR (e.written_at AT TIME ZONE t.tz)::date >= ` + teamCutoff + `
		        OR e.written_at > coalesce(c.exported_at, '-infinity')))
		  AND NOT EXISTS (SELECT 1 FROM revisions r WHERE r.goal_id = g.id
		      AND (r.day >= ` + teamCutoff + ` OR (r.written_at AT TIME ZONE t.tz)::date >= ` + teamCutoff + `
		        OR r.written_at > coalesce(c.exported_at, '-infinity')))
		  AND NOT EXISTS (SELECT 1 FROM goal_changes x WHERE x.goal_id = g.id
		      AND ((x.at AT TIME ZONE t.tz)::date >= ` + teamCutoff + ` OR x.at > coalesce(c.exported_at, '-infinity')))
		  AND NOT EXISTS (SELECT 1 FROM reflections x WHERE x.goal_id = g.id
		      AND (x.day >= ` + teamCutoff + ` OR x.written_at > coalesce(c.exported_at, '-infinity')))
		ORDER BY g.id
		FOR UPDATE OF g SKIP LOCKED`
	var gs []struct {
		ID        int64 `db:"id"`
		CitizenID int64 `db:"citizen_id"`
	}
	if err := tx.tx.SelectContext(ctx, &gs, q, at, defaultDays); err != nil {
		return 0, 0, 0, nil, wrap("purge closed goals", err)
	}
	if len(gs) == 0 {
		return 0, 0, 0, nil, nil
	}
	ids := make([]int64, len(gs))
	for i, g := range gs {
		ids[i] = g.ID
		citizens = append(citizens, g.CitizenID)
	}
	// Entries and revisions first, to count them; the goals' cascade
	// would take them too.
	const del = `
		WITH e AS (DELETE FROM entries WHERE goal_id = ANY($1) RETURNING 1),
		     r AS (DELETE FROM revisions WHERE goal_id = ANY($1) RETURNING 1)
		SELECT (SELECT count(*) FROM e), (SELECT count(*) FROM r)`
	if err := tx.tx.QueryRowxContext(ctx, del, pq.Array(ids)).Scan(&entries, &revisions); err != nil {
		return 0, 0, 0, nil, wrap("purge closed goals", err)
	}
	res, err := tx.tx.ExecContext(ctx, `DELETE FROM goals WHERE id = ANY($1)`, pq.Array(ids))
	if err != nil {
		return 0, 0, 0, nil, wrap("purge closed goals", err)
	}
	n, err := res.RowsAffected()
	return int(n), entries, revisions, citizens, wrap("purge closed goals", err)
}

// purgeOnClosedGoals deletes the entries or revisions (table) on closed
// goals dated before the cut-off and exported, and counts the old ones
// kept for want of an export.
func (tx *Tx) purgeOnClosedGoals(ctx context.Context, table string, at time.Time, defaultDays int) (deleted, kept int, citizens []int64, err error) {
	q := `
		WITH old AS (
		         SELECT x.id, x.written_at > coalesce(c.exported_at, '-infinity') AS unexported
		         FROM ` + table + ` x
		         JOIN goals g ON g.id = x.goal_id AND g.status = 'closed'
		         JOIN citizens c ON c.id = g.citizen_id
		         JOIN teams t ON t.id = c.team_id
		         WHERE x.day < ` + teamCutoff + `
		           AND (c.discharged_at IS NULL OR (c.discharged_at AT TIME ZONE t.tz)::date < ` + teamCutoff + `)),
		     gone AS (DELETE FROM ` + table + ` WHERE id IN (SELECT id FROM old WHERE NOT unexported) RETURNING goal_id)
		SELECT (SELECT count(*) FROM gone), (SELECT count(*) FROM old WHERE unexported),
		       (SELECT coalesce(array_agg(DISTINCT g.citizen_id), '{}') FROM goals g WHERE g.id IN (SELECT goal_id FROM gone))`
	var ids pq.Int64Array
	err = tx.tx.QueryRowxContext(ctx, q, at, defaultDays).Scan(&deleted, &kept, &ids)
	return deleted, kept, ids, wrap("purge "+table, err)
}

// PurgeHousekeeping deletes the delivery keys, outbox claims and App Home
// rows past their time at at.
func (tx *Tx) PurgeHousekeeping(ctx context.Context, at time.Time) (deliveries, outbox, homes int, err error) {
	const q = `
		WITH d AS (DELETE FROM deliveries WHERE at < $1 RETURNING 1),
		     o AS (DELETE FROM outbox WHERE window_end < $2 RETURNING 1),
		     h AS (DELETE FROM app_homes WHERE opened_at < $3 RETURNING 1)
		SELECT (SELECT count(*) FROM d), (SELECT count(*) FROM o), (SELECT count(*) FROM h)`
	err = tx.tx.QueryRowxContext(ctx, q, at.Add(-smallgoals.DeliveryRetention), at.Add(-smallgoals.OutboxRetention),
		at.Add(-smallgoals.HomeRetention)).Scan(&deliveries, &outbox, &homes)
	return deliveries, outbox, homes, wrap("purge housekeeping", err)
}

// PurgeAuditEvents deletes the audit events older than days at at (for a
// team keeping its data longer than dataDays, longer by as much) through
// the database's purge_audit_events, which keeps every event younger than
// a year by its own clock and records the purge.
func (tx *Tx) PurgeAuditEvents(ctx context.Context, at time.Time, days, dataDays int) (int, error) {
	var n int
	err := tx.tx.QueryRowxContext(ctx, `SELECT purge_audit_events($1, $2, $3)`, at, days, dataDays).Scan(&n)
	return n, wrap("purge audit events", err)
}

// ListExpiredFiles lists the files due for deletion at at.
func (db *DB) ListExpiredFiles(ctx context.Context, at time.Time, limit int) ([]smallgoals.FileRecord, error) {
	var fs []smallgoals.FileRecord
	err := db.InTx(ctx, func(tx *Tx) (err error) {
		fs, err = tx.ListExpiredFiles(ctx, at, limit)
		return err
	})
	return fs, err
}
