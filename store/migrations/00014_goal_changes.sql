-- +goose Up

-- A plan goal's lifecycle: closed (`/maal plan luk`) or open. A closed
-- plan goal takes no new small goals; retention removes it once closed
-- before the team's cut-off with no small goal left under it.
ALTER TABLE plan_goals ADD COLUMN closed_at timestamptz;
ALTER TABLE plan_goals ADD COLUMN closed_by text NOT NULL DEFAULT '';

-- Changes to small goals and plan goals (`/maal ret`, `genåbn`,
-- `plan luk`): each a new fact with who and when, the old value kept.
-- Values are free text (titles) or settings, all sealed like notes
-- (store/rekey.go), under the row's key_id; NULL is "none".
CREATE TABLE goal_changes (
    id           bigserial PRIMARY KEY,
    goal_id      bigint      REFERENCES goals (id) ON DELETE CASCADE,
    plan_goal_id bigint      REFERENCES plan_goals (id) ON DELETE CASCADE,
    author       text        NOT NULL,
    at           timestamptz NOT NULL,
    field        text        NOT NULL CHECK (field IN ('title', 'target', 'every', 'due', 'plan', 'scale', 'status')),
    old_value    bytea,
    new_value    bytea,
    key_id       text        NOT NULL,
    CHECK ((goal_id IS NULL) <> (plan_goal_id IS NULL))
);
CREATE INDEX goal_changes_goal_idx ON goal_changes (goal_id, id) WHERE goal_id IS NOT NULL;
CREATE INDEX goal_changes_plan_goal_idx ON goal_changes (plan_goal_id, id) WHERE plan_goal_id IS NOT NULL;

-- Append-only, re-encryption aside (as entries).
CREATE TRIGGER goal_changes_append_only BEFORE UPDATE ON goal_changes
    FOR EACH ROW EXECUTE FUNCTION refuse_change_but_rekey('old_value', 'new_value');

-- +goose Down
DROP TABLE goal_changes;
ALTER TABLE plan_goals DROP COLUMN closed_by;
ALTER TABLE plan_goals DROP COLUMN closed_at;
