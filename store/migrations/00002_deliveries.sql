-- +goose Up

-- Slack deliveries already acted on, keyed on trigger_id, view id + hash or
-- event_id: Slack redelivers, and a redelivery must have at most one
-- effect. The key is written in the transaction of the effect.
CREATE TABLE deliveries (
    key text        PRIMARY KEY CHECK (char_length(key) <= 200),
    at  timestamptz NOT NULL
);
CREATE INDEX deliveries_at_idx ON deliveries (at);

-- +goose Down
DROP TABLE deliveries;
