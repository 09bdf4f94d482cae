-- +goose Up

-- Away ("fri til DATO"): no reminders through that date.
ALTER TABLE users ADD COLUMN away_until date;

-- A goal sent back to the municipality (revisitation) is flagged until
-- its next revision with another outcome.
ALTER TABLE goals ADD COLUMN revisit_at timestamptz;

-- Exactly once across replicas: a recipient gets at most one reminder DM
-- a local day, claimed by this row before Slack is called; status says
-- how the send went ('claimed' until then; 'ambiguous' is never re-sent).
CREATE TABLE reminder_dms (
    recipient  text        NOT NULL,
    local_date date        NOT NULL,
    claimed_at timestamptz NOT NULL,
    status     text        NOT NULL DEFAULT 'claimed' CHECK (status IN ('claimed', 'sent', 'failed', 'ambiguous')),
    goals      integer     NOT NULL,
    PRIMARY KEY (recipient, local_date)
);

-- Each reminder occurrence of a goal reaches each recipient once.
CREATE TABLE reminder_claims (
    goal_id    bigint      NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
    occurrence date        NOT NULL,
    recipient  text        NOT NULL,
    local_date date        NOT NULL,
    claimed_at timestamptz NOT NULL,
    PRIMARY KEY (goal_id, occurrence, recipient)
);

-- +goose Down
DROP TABLE reminder_claims;
DROP TABLE reminder_dms;
ALTER TABLE goals DROP COLUMN revisit_at;
ALTER TABLE users DROP COLUMN away_until;
