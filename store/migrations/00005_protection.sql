-- +goose Up

-- When a citizen's data was last exported for the caseworker: erasure and
-- retention keep entries written after it unless forced (documentation duty).
ALTER TABLE citizens ADD COLUMN exported_at timestamptz;

-- A team may keep entries on closed goals for another number of days than
-- RETENTION_DAYS says.
ALTER TABLE teams ADD COLUMN retention_days integer CHECK (retention_days BETWEEN 1 AND 36500);

-- Files the bot sent (exports, charts, access logs): deleted from Slack when
-- they expire or when their citizen is erased. No foreign key, so an
-- erasure can still find them.
CREATE TABLE files (
    id         text        PRIMARY KEY,
    team_id    bigint,
    citizen_id bigint,
    name       text        NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX files_citizen_idx ON files (citizen_id);
CREATE INDEX files_expires_idx ON files (expires_at);

-- Retention looks for old entries on closed goals.
CREATE INDEX goals_closed_idx ON goals (citizen_id) WHERE status = 'closed';

-- +goose Down
DROP INDEX goals_closed_idx;
DROP TABLE files;
ALTER TABLE teams DROP COLUMN retention_days;
ALTER TABLE citizens DROP COLUMN exported_at;
