-- +goose Up

-- The goals waiting for the municipality (a revisitation, until revised
-- again), for frist and App Home: few among many.
CREATE INDEX goals_waiting_idx ON goals (citizen_id) WHERE revisit_at IS NOT NULL AND status = 'active';

-- +goose Down
DROP INDEX goals_waiting_idx;
