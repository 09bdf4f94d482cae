-- +goose Up

-- Every message the bot posts about borgere — a reminder DM, a
-- revisitation notice, a digest — by where Slack keeps it (channel and
-- ts), so erasing a borger can delete it from Slack (design.md §6). The
-- row holds no text. delete_at set: a borger it is about was erased and
-- it is to be deleted (chat.delete), tried again by the housekeeping job
-- until Slack confirms; the row goes then.
CREATE TABLE posts (
    channel   text        NOT NULL CHECK (char_length(channel) BETWEEN 1 AND 40),
    ts        text        NOT NULL CHECK (char_length(ts) BETWEEN 1 AND 40),
    kind      text        NOT NULL CHECK (kind IN ('reminder_dm', 'digest', 'notice')),
    posted_at timestamptz NOT NULL,
    delete_at timestamptz,
    PRIMARY KEY (channel, ts)
);
CREATE INDEX posts_delete_idx ON posts (delete_at) WHERE delete_at IS NOT NULL;

-- Which borgere a message is about. A message about several (a reminder
-- DM, a digest) is deleted whole when any of them is erased.
CREATE TABLE post_citizens (
    channel    text   NOT NULL,
    ts         text   NOT NULL,
    citizen_id bigint NOT NULL REFERENCES citizens (id) ON DELETE CASCADE,
    PRIMARY KEY (citizen_id, channel, ts),
    FOREIGN KEY (channel, ts) REFERENCES posts (channel, ts) ON DELETE CASCADE
);
CREATE INDEX post_citizens_post_idx ON post_citizens (channel, ts);

-- Which borgere a file is about when it is about several (the digest's
-- chart); files.citizen_id names the one of an export.
CREATE TABLE file_citizens (
    file_id    text   NOT NULL REFERENCES files (id) ON DELETE CASCADE,
    citizen_id bigint NOT NULL REFERENCES citizens (id) ON DELETE CASCADE,
    PRIMARY KEY (citizen_id, file_id)
);
CREATE INDEX file_citizens_file_idx ON file_citizens (file_id);

-- Who got what a job sent (a user, a channel): the jobs' audit events.
ALTER TABLE audit_events ADD COLUMN recipient text NOT NULL DEFAULT '' CHECK (char_length(recipient) <= 40);

-- +goose Down
ALTER TABLE audit_events DROP COLUMN recipient;
DROP TABLE file_citizens;
DROP TABLE post_citizens;
DROP TABLE posts;
