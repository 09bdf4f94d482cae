-- +goose Up

-- Teams: one per Slack channel; the channel gets the weekly digest.
CREATE TABLE teams (
    id             bigserial PRIMARY KEY,
    channel_id     text        NOT NULL UNIQUE,
    name           text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 80),
    lang           text        NOT NULL CHECK (lang IN ('da', 'en')),
    tz             text        NOT NULL,
    digest_weekday smallint    NOT NULL DEFAULT 1 CHECK (digest_weekday BETWEEN 0 AND 6),
    digest_time    text        NOT NULL DEFAULT '09:00' CHECK (digest_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
    reminder_time  text        NOT NULL DEFAULT '08:00' CHECK (reminder_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
    created_by     text        NOT NULL,
    created_at     timestamptz NOT NULL
);

-- Stored membership and roles. In the shell this is the membership; in
-- Slack the channel's members are, and rows here carry the coordinator role.
CREATE TABLE team_members (
    team_id     bigint      NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    user_id     text        NOT NULL,
    coordinator boolean     NOT NULL DEFAULT false,
    added_at    timestamptz NOT NULL,
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_user_idx ON team_members (user_id);

-- Per-user preferences.
CREATE TABLE users (
    id         text PRIMARY KEY,
    lang       text CHECK (lang IN ('da', 'en')),
    updated_at timestamptz NOT NULL
);

-- Citizens (borgere), known only by an alias folded in Go (alias_key).
CREATE TABLE citizens (
    id           bigserial PRIMARY KEY,
    team_id      bigint      NOT NULL REFERENCES teams (id),
    alias        text        NOT NULL CHECK (char_length(alias) BETWEEN 1 AND 16),
    alias_key    text        NOT NULL CHECK (alias_key ~ '^[A-ZÆØÅ][A-ZÆØÅ0-9]{0,15}$'),
    contact_user text        NOT NULL,
    last_plan_no integer     NOT NULL DEFAULT 0,
    last_goal_no integer     NOT NULL DEFAULT 0,
    created_at   timestamptz NOT NULL,
    UNIQUE (team_id, alias_key)
);
-- Resolving an alias across the user's teams.
CREATE INDEX citizens_alias_key_idx ON citizens (alias_key);

-- Plan goals (handleplan), numbered per citizen: AB-P1.
CREATE TABLE plan_goals (
    id         bigserial PRIMARY KEY,
    citizen_id bigint      NOT NULL REFERENCES citizens (id) ON DELETE CASCADE,
    number     integer     NOT NULL CHECK (number > 0),
    title      text        NOT NULL,
    created_by text        NOT NULL,
    created_at timestamptz NOT NULL,
    UNIQUE (citizen_id, number)
);

-- Small goals, numbered per citizen: AB-1.
CREATE TABLE goals (
    id            bigserial PRIMARY KEY,
    citizen_id    bigint      NOT NULL REFERENCES citizens (id) ON DELETE CASCADE,
    number        integer     NOT NULL CHECK (number > 0),
    plan_goal_id  bigint      REFERENCES plan_goals (id) ON DELETE SET NULL,
    title         text        NOT NULL,
    scale_min     smallint    NOT NULL,
    scale_max     smallint    NOT NULL,
    target        smallint,
    cadence_days  integer     NOT NULL DEFAULT 42 CHECK (cadence_days BETWEEN 1 AND 365),
    next_revision date,
    status        text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed')),
    created_by    text        NOT NULL,
    created_at    timestamptz NOT NULL,
    UNIQUE (citizen_id, number),
    CHECK ((scale_min, scale_max) IN ((1, 10), (0, 10), (1, 5), (-2, 2))),
    CHECK (target IS NULL OR target BETWEEN scale_min AND scale_max),
    CHECK ((status = 'active') = (next_revision IS NOT NULL))
);
-- Due goals for reminders and "frist".
CREATE INDEX goals_next_revision_idx ON goals (next_revision) WHERE status = 'active';
CREATE INDEX goals_plan_goal_idx ON goals (plan_goal_id);

-- Entries (registreringer): append-only. An undo or a correction is a new
-- row whose "replaces" points at the row it cancels; each row is replaced
-- at most once.
CREATE TABLE entries (
    id            bigserial PRIMARY KEY,
    goal_id       bigint      NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
    kind          text        NOT NULL CHECK (kind IN ('score', 'undo')),
    author        text        NOT NULL,
    day           date        NOT NULL,
    written_at    timestamptz NOT NULL,
    staff_score   smallint    CHECK (staff_score BETWEEN -2 AND 10),
    citizen_score smallint    CHECK (citizen_score BETWEEN -2 AND 10),
    note          text        NOT NULL DEFAULT '',
    replaces      bigint      UNIQUE REFERENCES entries (id) ON DELETE CASCADE,
    CHECK ((kind = 'score') = (staff_score IS NOT NULL)),
    CHECK (kind = 'score' OR citizen_score IS NULL),
    CHECK (kind = 'score' OR replaces IS NOT NULL)
);
CREATE INDEX entries_goal_day_idx ON entries (goal_id, day, id);
CREATE INDEX entries_author_idx ON entries (author, written_at);

-- Revisions, done together with the citizen.
CREATE TABLE revisions (
    id                bigserial PRIMARY KEY,
    goal_id           bigint      NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
    author            text        NOT NULL,
    day               date        NOT NULL,
    written_at        timestamptz NOT NULL,
    gas_level         smallint    NOT NULL CHECK (gas_level BETWEEN -2 AND 2),
    outcome           text        NOT NULL CHECK (outcome IN ('continue', 'adjust', 'close', 'revisit')),
    citizen_took_part boolean,
    reflection        text        NOT NULL DEFAULT '',
    next_revision     date,
    CHECK ((outcome = 'close') = (next_revision IS NULL))
);
CREATE INDEX revisions_goal_day_idx ON revisions (goal_id, day, id);

-- Audit events: who touched which citizen's data, allowed or refused. No
-- foreign keys, so the record outlives an erasure; never free text.
CREATE TABLE audit_events (
    id         bigserial PRIMARY KEY,
    at         timestamptz NOT NULL,
    actor      text        NOT NULL,
    action     text        NOT NULL,
    team_id    bigint,
    citizen_id bigint,
    goal_id    bigint,
    ref        text        NOT NULL DEFAULT '' CHECK (char_length(ref) <= 40),
    allowed    boolean     NOT NULL
);
CREATE INDEX audit_events_citizen_idx ON audit_events (citizen_id, at);

-- Append-only tables refuse updates (and audit events deletes as well).
-- +goose StatementBegin
CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% on % is not allowed: the table is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER entries_append_only BEFORE UPDATE ON entries
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

-- +goose Down
DROP TABLE audit_events;
DROP TABLE revisions;
DROP TABLE entries;
DROP TABLE goals;
DROP TABLE plan_goals;
DROP TABLE citizens;
DROP TABLE users;
DROP TABLE team_members;
DROP TABLE teams;
DROP FUNCTION refuse_change();
