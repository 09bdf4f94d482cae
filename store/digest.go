package store

import (
	"context"
	"time"

	"smallgoals"
)

// DigestOf computes a team's digest figures for the week from to to
// (civil dates, inclusive) with four set-based queries: no query per
// goal or per citizen. Goals and revisions come by ref in Danish order
// (smallgoals.CompareRefs). A discharged borger is in none of them.
func (db *DB) DigestOf(ctx context.Context, teamID int64, from, to time.Time) (smallgoals.Digest, error) {
	d := smallgoals.Digest{From: from, To: to}
	err := db.InTx(ctx, func(tx *Tx) error {
		// The week's counting entries and how many staff wrote them.
		err := tx.tx.QueryRowxContext(ctx, `
			SELECT count(*), count(DISTINCT e.author)
			FROM entries e
			JOIN goals g ON g.id = e.goal_id
			JOIN citizens c ON c.id = g.citizen_id
			WHERE c.team_id = $1 AND c.discharged_at IS NULL AND e.kind = 'score' AND e.day BETWEEN $2 AND $3
			  AND NOT EXISTS (SELECT 1 FROM entries u WHERE u.replaces = e.id)`, teamID, from, to).Scan(&d.Entries, &d.Authors)
		if err != nil {
			return wrap("digest entries", err)
		}
		// Per active goal: the week against the time before it.
		err = tx.tx.SelectContext(ctx, &d.Goals, `
			WITH tg AS (
				SELECT g.id FROM goals g
				JOIN citizens c ON c.id = g.citizen_id AND c.team_id = $1 AND c.discharged_at IS NULL
				WHERE g.status = 'active'
			), e AS (
				-- An undo is on the goal of the entry it replaces (a
				-- trigger makes sure), so only the team's undo rows count.
				SELECT e.goal_id, e.day, e.id, e.staff_score, e.citizen_score
				FROM tg JOIN entries e ON e.goal_id = tg.id
				WHERE e.kind = 'score' AND e.day <= $3
				  AND NOT EXISTS (SELECT 1 FROM tg t JOIN entries u ON u.goal_id = t.id
				                  WHERE u.replaces = e.id AND u.replaces IS NOT NULL)
			), s AS (
				SELECT goal_id,
				       count(*) FILTER (WHERE day >= $2) AS week_entries,
				       -- Staff scores are compared with staff scores: an entry
				       -- with the borger's score alone has none (NULL).
				       (array_agg(staff_score ORDER BY day DESC, id DESC)
				           FILTER (WHERE day >= $2 AND staff_score IS NOT NULL))[1] AS last_in_week,
				       (array_agg(staff_score ORDER BY day DESC, id DESC)
				           FILTER (WHERE day < $2 AND staff_score IS NOT NULL))[1] AS last_before,
				       max(staff_score) FILTER (WHERE day < $2) AS best_before,
				       max(staff_score) FILTER (WHERE day >= $2) AS best_in_week,
				       max(day) AS last_day,
				       -- Progress is judged on weeks, not on one score: the
				       -- week's median against the weeks before it.
				       percentile_cont(0.5) WITHIN GROUP (ORDER BY staff_score)
				           FILTER (WHERE day >= $2) AS week_median,
				       count(staff_score) FILTER (WHERE day >= $2) AS week_scores,
				       percentile_cont(0.5) WITHIN GROUP (ORDER BY staff_score)
				           FILTER (WHERE day < $2 AND day >= $2::date - $4::int) AS before_median,
				       count(staff_score) FILTER (WHERE day < $2 AND day >= $2::date - $4::int) AS before_scores,
				       (array_agg(staff_score ORDER BY day DESC, id DESC)
				           FILTER (WHERE day >= $2 AND abs(staff_score - citizen_score) >= 3))[1] AS gap_staff,
				       (array_agg(citizen_score ORDER BY day DESC, id DESC)
				           FILTER (WHERE day >= $2 AND abs(staff_score - citizen_score) >= 3))[1] AS gap_citizen
				FROM e GROUP BY goal_id
			)
			SELECT g.id AS goal_id, c.id AS citizen_id, c.alias, g.number, g.scale_min, g.scale_max, g.next_revision,
			       coalesce(s.week_entries, 0) AS week_entries, s.last_in_week, s.last_before, s.best_before,
			       s.best_in_week, s.last_day, s.gap_staff, s.gap_citizen, g.revisit_at,
			       s.week_median, coalesce(s.week_scores, 0) AS week_scores,
			       s.before_median, coalesce(s.before_scores, 0) AS before_scores,
			       (g.created_at AT TIME ZONE t.tz)::date AS created_on, coalesce(g.theme, '') AS theme
			FROM goals g
			JOIN citizens c ON c.id = g.citizen_id AND c.team_id = $1 AND c.discharged_at IS NULL
			JOIN teams t ON t.id = c.team_id
			LEFT JOIN s ON s.goal_id = g.id
			WHERE g.status = 'active' AND (g.created_at AT TIME ZONE t.tz)::date <= $3
			ORDER BY translate(c.alias_key, 'ÆØÅ', '[\]') COLLATE "C", g.number`, teamID, from, to, smallgoals.DigestWeeksBefore*7)
		if err != nil {
			return wrap("digest goals", err)
		}
		// The week's revisions, and each goal's latest (for the GAS T-score).
		err = tx.tx.SelectContext(ctx, &d.Revisions, `
			SELECT goal_id, citizen_id, alias, number, day, gas_level, outcome, latest, citizen_took_part, gas_weight FROM (
				SELECT r.goal_id, c.id AS citizen_id, c.alias, g.number, r.day, r.gas_level, r.outcome, c.alias_key,
				       r.citizen_took_part, coalesce(g.gas_weight, 1) AS gas_weight,
				       row_number() OVER (PARTITION BY r.goal_id ORDER BY r.day DESC, r.id DESC) = 1 AS latest
				FROM revisions r
				JOIN goals g ON g.id = r.goal_id
				JOIN citizens c ON c.id = g.citizen_id AND c.team_id = $1 AND c.discharged_at IS NULL
				WHERE r.day <= $3
			) x
			WHERE latest OR day >= $2
			ORDER BY translate(alias_key, 'ÆØÅ', '[\]') COLLATE "C", number, day`, teamID, from, to)
		if err != nil {
			return wrap("digest revisions", err)
		}
		// That the team noted its reflections in the week (never the text).
		d.Reflections, err = tx.CountTeamReflections(ctx, teamID, from, to)
		return err
	})
	return d, err
}
