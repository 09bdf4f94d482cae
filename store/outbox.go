package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"time"

	"github.com/lib/pq"

	"smallgoals"
)

// Claim claims message c for sending at c.At (the job's clock): a new
// key, or a failed send whose retry time has come. It returns the
// attempt's number, or ok false when the message is someone else's or
// done — by this run or a replica. Nothing is claimed at or past the
// window's end. A claim whose lease ended without a record (its owner died
// — killed, or it lost the database — while or after it called Slack) may
// have reached Slack: it is recorded ambiguous, never sent again, rather
// than taken over.
func (db *DB) Claim(ctx context.Context, c smallgoals.OutboxClaim) (attempt int, ok bool, err error) {
	if !c.At.Before(c.WindowEnd) {
		return 0, false, nil
	}
	var status string
	err = db.db.QueryRowContext(ctx, `
		INSERT INTO outbox (kind, key, claimed_at, lease_until, window_end)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (kind, key) DO UPDATE
		SET status = CASE outbox.status WHEN 'claimed' THEN 'ambiguous' ELSE 'claimed' END,
		    attempts = CASE outbox.status WHEN 'claimed' THEN outbox.attempts ELSE outbox.attempts + 1 END,
		    retry_at = NULL,
		    done_at = CASE outbox.status WHEN 'claimed' THEN EXCLUDED.claimed_at END,
		    claimed_at = CASE outbox.status WHEN 'claimed' THEN outbox.claimed_at ELSE EXCLUDED.claimed_at END,
		    lease_until = CASE outbox.status WHEN 'claimed' THEN outbox.lease_until ELSE EXCLUDED.lease_until END
		WHERE EXCLUDED.claimed_at < outbox.window_end
		  AND ((outbox.status = 'failed' AND outbox.retry_at <= EXCLUDED.claimed_at)
		    OR (outbox.status = 'claimed' AND outbox.lease_until <= EXCLUDED.claimed_at))
		RETURNING attempts, status`, c.Kind, c.Key, c.At, c.At.Add(c.Lease), c.WindowEnd).Scan(&attempt, &status)
	if err == nil && status == "ambiguous" {
		claimsRecovered.WithLabelValues(c.Kind).Inc()
	}
	if errors.Is(err, sql.ErrNoRows) || (err == nil && status != "claimed") {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, wrap("claim", err)
	}
	return attempt, true, nil
}

// Record records how the claimed send d.Kind/d.Key went: sent,
// ambiguous or given_up; or failed, to be tried again from d.RetryAt. In
// the same transaction, a send that went out (or may have) writes its
// audit events, and one that went out records its messages and files,
// linked to the borgere of those events, for erasure to delete.
func (db *DB) Record(ctx context.Context, d smallgoals.Delivered) error {
	return db.InTx(ctx, func(tx *Tx) error {
		_, err := tx.tx.ExecContext(ctx, `
			UPDATE outbox SET status = $3, retry_at = $5, done_at = CASE WHEN $3 = 'failed' THEN NULL ELSE $4::timestamptz END
			WHERE kind = $1 AND key = $2`, d.Kind, d.Key, d.Status, d.At, d.RetryAt)
		if err != nil {
			return wrap("record", err)
		}
		if d.Status != "sent" && d.Status != "ambiguous" {
			return nil
		}
		var citizens []int64
		for i := range d.Audit {
			if err := tx.CreateAuditEvent(ctx, &d.Audit[i]); err != nil {
				return err
			}
			if c := d.Audit[i].CitizenID; c != nil && !slices.Contains(citizens, *c) {
				citizens = append(citizens, *c)
			}
		}
		return tx.recordSent(ctx, d.Kind, d.At, citizens, d.Sent)
	})
}

// Undelivered counts, by kind and status, the messages that did not go
// out for sure: ambiguous (never sent again) and given up, claimed since.
func (db *DB) Undelivered(ctx context.Context, since time.Time) (map[[2]string]int, error) {
	rows, err := db.db.QueryContext(ctx, `
		SELECT kind, status, count(*) FROM outbox
		WHERE status IN ('ambiguous', 'given_up') AND claimed_at >= $1 GROUP BY kind, status`, since)
	if err != nil {
		return nil, wrap("undelivered", err)
	}
	defer rows.Close()
	out := map[[2]string]int{}
	for rows.Next() {
		var kind, status string
		var n int
		if err := rows.Scan(&kind, &status, &n); err != nil {
			return nil, wrap("undelivered", err)
		}
		out[[2]string{kind, status}] = n
	}
	return out, wrap("undelivered", rows.Err())
}

// Claimable returns which of keys of kind could be claimed at at: never
// claimed, failed with its retry time come, or claimed with its lease
// over (which Claim then records ambiguous). A job asks before it composes, so a run composes only what it
// may send; the claim decides.
func (db *DB) Claimable(ctx context.Context, kind string, keys []string, at time.Time) (map[string]bool, error) {
	rows, err := db.db.QueryContext(ctx, `
		SELECT k FROM unnest($2::text[]) AS k
		WHERE NOT EXISTS (
			SELECT 1 FROM outbox o WHERE o.kind = $1 AND o.key = k
			  AND NOT ($3 < o.window_end AND ((o.status = 'failed' AND o.retry_at <= $3)
			                              OR (o.status = 'claimed' AND o.lease_until <= $3))))`,
		kind, pq.Array(keys), at)
	if err != nil {
		return nil, wrap("claimable", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, wrap("claimable", err)
		}
		out[k] = true
	}
	return out, wrap("claimable", rows.Err())
}

// ListRevisits returns the revisitations written since, with the goal's
// title and the team, oldest first: the notices to coordinators a job
// (re)sends.
func (db *DB) ListRevisits(ctx context.Context, since time.Time) ([]smallgoals.Revisit, error) {
	rows, err := db.db.QueryContext(ctx, `
		SELECT r.id, r.written_at, r.author, c.id, c.alias, g.number, g.id, g.title, g.key_id,
		       t.id, t.channel_id, t.name, t.lang, t.tz
		FROM revisions r
		JOIN goals g ON g.id = r.goal_id
		JOIN citizens c ON c.id = g.citizen_id
		JOIN teams t ON t.id = c.team_id
		WHERE r.outcome = 'revisit' AND r.written_at >= $1
		ORDER BY r.written_at, r.id`, since)
	if err != nil {
		return nil, wrap("revisits", err)
	}
	defer rows.Close()
	var out []smallgoals.Revisit
	for rows.Next() {
		var v smallgoals.Revisit
		var titleCT []byte
		var keyID string
		t := &v.Team
		if err := rows.Scan(&v.RevisionID, &v.WrittenAt, &v.Author, &v.CitizenID, &v.Alias, &v.GoalNumber, &v.GoalID, &titleCT, &keyID,
			&t.ID, &t.ChannelID, &t.Name, &t.Lang, &t.TZ); err != nil {
			return nil, wrap("revisits", err)
		}
		if v.Title, err = openText(db.keys, fieldGoalTitle, v.GoalID, titleCT, keyID); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, wrap("revisits", rows.Err())
}
