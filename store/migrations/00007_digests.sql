-- +goose Up

-- Exactly one digest per team and ISO week across replicas, claimed
-- before it is posted.
CREATE TABLE digest_claims (
    team_id    bigint      NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    iso_year   integer     NOT NULL,
    iso_week   integer     NOT NULL CHECK (iso_week BETWEEN 1 AND 53),
    claimed_at timestamptz NOT NULL,
    status     text        NOT NULL DEFAULT 'claimed' CHECK (status IN ('claimed', 'sent', 'failed', 'ambiguous')),
    PRIMARY KEY (team_id, iso_year, iso_week)
);

-- The digest reads a team's goals by citizen.
CREATE INDEX goals_citizen_idx ON goals (citizen_id) WHERE status = 'active';

-- +goose Down
DROP INDEX goals_citizen_idx;
DROP TABLE digest_claims;
