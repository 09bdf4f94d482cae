-- +goose Up

-- What happened to a borger as a whole (issue 15): a move to another team
-- (maybe under a new alias) or a discharge, with who did it and when. The
-- goals, entries, revisions and plan goals stay on the citizen row, so a
-- move takes the history along; the row's old values stay here. No free
-- text: aliases and team IDs. Erased with the borger.
CREATE TABLE citizen_events (
    id           bigserial PRIMARY KEY,
    citizen_id   bigint      NOT NULL REFERENCES citizens (id) ON DELETE CASCADE,
    kind         text        NOT NULL CHECK (kind IN ('move', 'discharge')),
    at           timestamptz NOT NULL,
    actor        text        NOT NULL,
    from_team_id bigint      REFERENCES teams (id),
    to_team_id   bigint      REFERENCES teams (id),
    old_alias    text        NOT NULL DEFAULT '' CHECK (char_length(old_alias) <= 16),
    new_alias    text        NOT NULL DEFAULT '' CHECK (char_length(new_alias) <= 16),
    -- A discharge: the goals it closed.
    goal_ids     bigint[]    NOT NULL DEFAULT '{}',
    CHECK ((kind = 'move') = (from_team_id IS NOT NULL AND to_team_id IS NOT NULL))
);
CREATE INDEX citizen_events_citizen_idx ON citizen_events (citizen_id, at);
CREATE TRIGGER citizen_events_append_only BEFORE UPDATE ON citizen_events
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- Changes of a team's membership and roles: a coordinator named or
-- removed, a stored member who left (the shell's :leave). team_members
-- holds the present; this the history the team's view shows.
CREATE TABLE member_events (
    id      bigserial PRIMARY KEY,
    team_id bigint      NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    user_id text        NOT NULL,
    kind    text        NOT NULL CHECK (kind IN ('coordinator_added', 'coordinator_removed', 'left')),
    actor   text        NOT NULL,
    at      timestamptz NOT NULL
);
CREATE INDEX member_events_team_idx ON member_events (team_id, at);
CREATE TRIGGER member_events_append_only BEFORE UPDATE ON member_events
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- +goose Down
DROP TABLE member_events;
DROP TABLE citizen_events;
