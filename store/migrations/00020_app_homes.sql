-- +goose Up

-- Who has an App Home the bot keeps fresh, shared by the replicas
-- (store/home.go, bot/home.go): a row from the first time a user opens
-- the Home tab. changes counts the changes that should refresh it (each
-- NOTIFYs smallgoals_home with the user's ID); a replica publishes only
-- after claiming them (published catches up with changes), so one
-- refresh goes out for a burst, whichever replica made the change and
-- whichever holds the listener. Only Slack user IDs and counters: the
-- Home's content is rendered afresh from the data every time.
CREATE TABLE app_homes (
    user_id   text        PRIMARY KEY,
    opened_at timestamptz NOT NULL,
    changes   bigint      NOT NULL DEFAULT 0,
    published bigint      NOT NULL DEFAULT 0
);

-- +goose Down
DROP TABLE app_homes;
