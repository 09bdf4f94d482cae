-- +goose Up

-- One delivery routine for every job (design.md §5): each message a job
-- sends — a reminder DM (key: recipient/local date), a digest (team/ISO
-- week), a notice to coordinators (revision/user) — is claimed here by
-- its unique key before Slack is called, with a lease; how the send went
-- is recorded. A failed send is tried again
-- from retry_at while its window lasts (its day, its week); an ambiguous
-- one is never sent again; a claim not recorded when its lease ends (its
-- owner died) is taken over.
CREATE TABLE outbox (
    kind        text        NOT NULL CHECK (kind IN ('reminder_dm', 'digest', 'notice')),
    key         text        NOT NULL CHECK (char_length(key) BETWEEN 1 AND 200),
    status      text        NOT NULL DEFAULT 'claimed'
                            CHECK (status IN ('claimed', 'sent', 'failed', 'ambiguous', 'given_up')),
    attempts    integer     NOT NULL DEFAULT 1 CHECK (attempts >= 1),
    claimed_at  timestamptz NOT NULL,
    lease_until timestamptz NOT NULL,
    window_end  timestamptz NOT NULL,
    retry_at    timestamptz CHECK ((status = 'failed') = (retry_at IS NOT NULL)),
    done_at     timestamptz,
    PRIMARY KEY (kind, key)
);
-- What an operator is shown: sends that did not go out for sure.
CREATE INDEX outbox_undelivered_idx ON outbox (claimed_at) WHERE status IN ('ambiguous', 'given_up');

INSERT INTO outbox (kind, key, status, claimed_at, lease_until, window_end, done_at)
SELECT 'reminder_dm', recipient || '/' || to_char(local_date, 'YYYY-MM-DD'),
       CASE status WHEN 'failed' THEN 'given_up' WHEN 'claimed' THEN 'ambiguous' ELSE status END,
       claimed_at, claimed_at, claimed_at, claimed_at
FROM reminder_dms;
INSERT INTO outbox (kind, key, status, claimed_at, lease_until, window_end, done_at)
SELECT 'digest', team_id || '/' || iso_year || '-W' || lpad(iso_week::text, 2, '0'),
       CASE status WHEN 'failed' THEN 'given_up' WHEN 'claimed' THEN 'ambiguous' ELSE status END,
       claimed_at, claimed_at, claimed_at, claimed_at
FROM digest_claims;

DROP TABLE reminder_claims;
DROP TABLE reminder_dms;
DROP TABLE digest_claims;

-- +goose Down
CREATE TABLE digest_claims (
    team_id    bigint      NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    iso_year   integer     NOT NULL,
    iso_week   integer     NOT NULL CHECK (iso_week BETWEEN 1 AND 53),
    claimed_at timestamptz NOT NULL,
    status     text        NOT NULL DEFAULT 'claimed' CHECK (status IN ('claimed', 'sent', 'failed', 'ambiguous')),
    PRIMARY KEY (team_id, iso_year, iso_week)
);
CREATE TABLE reminder_dms (
    recipient  text        NOT NULL,
    local_date date        NOT NULL,
    claimed_at timestamptz NOT NULL,
    status     text        NOT NULL DEFAULT 'claimed' CHECK (status IN ('claimed', 'sent', 'failed', 'ambiguous')),
    goals      integer     NOT NULL,
    PRIMARY KEY (recipient, local_date)
);
CREATE TABLE reminder_claims (
    goal_id    bigint      NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
    occurrence date        NOT NULL,
    recipient  text        NOT NULL,
    local_date date        NOT NULL,
    claimed_at timestamptz NOT NULL,
    PRIMARY KEY (goal_id, occurrence, recipient)
);
INSERT INTO digest_claims (team_id, iso_year, iso_week, claimed_at, status)
SELECT split_part(key, '/', 1)::bigint, split_part(split_part(key, '/', 2), '-W', 1)::int,
       split_part(split_part(key, '/', 2), '-W', 2)::int, claimed_at,
       CASE status WHEN 'given_up' THEN 'failed' ELSE status END
FROM outbox WHERE kind = 'digest' AND split_part(key, '/', 1)::bigint IN (SELECT id FROM teams);
INSERT INTO reminder_dms (recipient, local_date, claimed_at, status, goals)
SELECT split_part(key, '/', 1), split_part(key, '/', 2)::date, claimed_at,
       CASE status WHEN 'given_up' THEN 'failed' ELSE status END, 0
FROM outbox WHERE kind = 'reminder_dm';
DROP TABLE outbox;
