-- +goose Up

-- A theme from the indicator catalogue (issue 16, item 2): a code such as
-- 'egenomsorg' of the catalogue the bot runs with (commands/themes), on a
-- small goal and on a plan goal; NULL for none. A code, never free text:
-- kept in clear like the scale and status, so figures can be counted by
-- theme; a change of it is a goal_changes row (sealed like all values).
ALTER TABLE goals ADD COLUMN theme text CHECK (theme ~ '^[a-z0-9][a-z0-9_-]{0,31}$');
ALTER TABLE plan_goals ADD COLUMN theme text CHECK (theme ~ '^[a-z0-9][a-z0-9_-]{0,31}$');
ALTER TABLE goal_changes DROP CONSTRAINT goal_changes_field_check;
ALTER TABLE goal_changes ADD CONSTRAINT goal_changes_field_check
    CHECK (field IN ('title', 'target', 'every', 'due', 'plan', 'scale', 'status', 'theme'));

-- Team leaders (issue 16, item 5): users a coordinator has named to see
-- the team's figures (`/maal overblik`). Not members: a leader sees no
-- borger, alias or text, and is not in the team's channel. Its history
-- is member_events (kind 'leader_added').
CREATE TABLE team_leaders (
    team_id  bigint      NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    user_id  text        NOT NULL,
    added_by text        NOT NULL,
    added_at timestamptz NOT NULL,
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_leaders_user_idx ON team_leaders (user_id);
ALTER TABLE member_events DROP CONSTRAINT member_events_kind_check;
ALTER TABLE member_events ADD CONSTRAINT member_events_kind_check
    CHECK (kind IN ('coordinator_added', 'coordinator_removed', 'left', 'leader_added'));

-- +goose Down
ALTER TABLE member_events DROP CONSTRAINT member_events_kind_check;
ALTER TABLE member_events ADD CONSTRAINT member_events_kind_check
    CHECK (kind IN ('coordinator_added', 'coordinator_removed', 'left'));
DROP TABLE team_leaders;
ALTER TABLE goal_changes DROP CONSTRAINT goal_changes_field_check;
ALTER TABLE goal_changes ADD CONSTRAINT goal_changes_field_check
    CHECK (field IN ('title', 'target', 'every', 'due', 'plan', 'scale', 'status'));
ALTER TABLE plan_goals DROP COLUMN theme;
ALTER TABLE goals DROP COLUMN theme;
