-- +goose Up

-- An entry that replaces another (an undo, a correction) is on the same
-- goal: the digest looks for a team's undo rows among its own goals.
-- +goose StatementBegin
CREATE FUNCTION replaces_same_goal() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM entries WHERE id = NEW.replaces AND goal_id = NEW.goal_id) THEN
        RAISE EXCEPTION 'an entry replaces only an entry of its own goal'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER entries_replaces_same_goal BEFORE INSERT ON entries
    FOR EACH ROW WHEN (NEW.replaces IS NOT NULL) EXECUTE FUNCTION replaces_same_goal();

-- A goal's undo rows, for the digest's undo check.
CREATE INDEX entries_goal_replaces_idx ON entries (goal_id) INCLUDE (replaces) WHERE replaces IS NOT NULL;

-- +goose Down
DROP INDEX entries_goal_replaces_idx;
DROP TRIGGER entries_replaces_same_goal ON entries;
DROP FUNCTION replaces_same_goal();
