-- +goose Up

-- A goal's own descriptions of the GAS levels −2..+2, as a JSON array of
-- five strings (empty for a level not described); NULL when none.
ALTER TABLE goals ADD COLUMN gas_levels jsonb
    CHECK (gas_levels IS NULL OR (jsonb_typeof(gas_levels) = 'array' AND jsonb_array_length(gas_levels) = 5));

-- The citizens a user worked with most recently come first in the forms.
CREATE INDEX audit_events_actor_idx ON audit_events (actor, citizen_id, at);

-- +goose Down
DROP INDEX audit_events_actor_idx;
ALTER TABLE goals DROP COLUMN gas_levels;
