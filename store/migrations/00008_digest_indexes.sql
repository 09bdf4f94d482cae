-- +goose Up

-- The digest (store/digest.go) and the goal views read a goal's score
-- entries in (goal_id, day, id) order: with the scores and the kind in
-- the index they are read from the index alone, not from ~100 heap pages
-- scattered over the table per goal. At 1,000 teams and 21 million
-- entries this took a team's digest from ~200 ms to ~65 ms (BENCHMARKS.md).
-- replaces is there so a goal's undo rows can be found the same way (the
-- scoped undo check proposed in BENCHMARKS.md). The key is the old
-- index's, so it serves every query the old one did (and the foreign
-- key's cascade from goals). Building it locks entries against writes
-- for as long as it takes (about a minute for 21 million rows on two
-- cores).
DROP INDEX entries_goal_day_idx;
CREATE INDEX entries_goal_day_idx ON entries (goal_id, day, id)
    INCLUDE (kind, staff_score, citizen_score, replaces);

-- The same for a goal's revisions: the GAS level and outcome.
DROP INDEX revisions_goal_day_idx;
CREATE INDEX revisions_goal_day_idx ON revisions (goal_id, day, id)
    INCLUDE (gas_level, outcome);

-- +goose Down
DROP INDEX revisions_goal_day_idx;
CREATE INDEX revisions_goal_day_idx ON revisions (goal_id, day, id);
DROP INDEX entries_goal_day_idx;
CREATE INDEX entries_goal_day_idx ON entries (goal_id, day, id);
