-- +goose Up

-- A reply the bot could not show ephemerally, or that has no channel (a
-- form opened from App Home), goes as a DM and stays in Slack: it is
-- recorded like the bot's other messages, with the borgere it is about,
-- so that erasing one of them deletes it.
ALTER TABLE posts DROP CONSTRAINT posts_kind_check;
ALTER TABLE posts ADD CONSTRAINT posts_kind_check CHECK (kind IN ('reminder_dm', 'digest', 'notice', 'reply'));

-- +goose Down
DELETE FROM posts WHERE kind = 'reply';
ALTER TABLE posts DROP CONSTRAINT posts_kind_check;
ALTER TABLE posts ADD CONSTRAINT posts_kind_check CHECK (kind IN ('reminder_dm', 'digest', 'notice'));
