-- +goose Up

-- Free text is encrypted in the application (AES-256-GCM, see crypt.go):
-- the columns hold a random nonce followed by the ciphertext, and key_id
-- names the data key that sealed every encrypted column of the row (the
-- first 8 hex digits of the SHA-256 of the key). An empty text is stored
-- as an empty value. key_id 'plain' marks a row this migration converted
-- from clear text and the application has not encrypted yet: it does so
-- right after migrating (store.DB.RekeyPlain).

ALTER TABLE entries ALTER COLUMN note DROP DEFAULT;
ALTER TABLE entries ALTER COLUMN note TYPE bytea USING convert_to(note, 'UTF8');
ALTER TABLE entries ALTER COLUMN note SET DEFAULT ''::bytea;
ALTER TABLE entries ADD COLUMN key_id text NOT NULL DEFAULT 'plain'
    CHECK (key_id = 'plain' OR key_id ~ '^[0-9a-f]{8}$');
ALTER TABLE entries ALTER COLUMN key_id DROP DEFAULT;

ALTER TABLE revisions ALTER COLUMN reflection DROP DEFAULT;
ALTER TABLE revisions ALTER COLUMN reflection TYPE bytea USING convert_to(reflection, 'UTF8');
ALTER TABLE revisions ALTER COLUMN reflection SET DEFAULT ''::bytea;
ALTER TABLE revisions ADD COLUMN key_id text NOT NULL DEFAULT 'plain'
    CHECK (key_id = 'plain' OR key_id ~ '^[0-9a-f]{8}$');
ALTER TABLE revisions ALTER COLUMN key_id DROP DEFAULT;

ALTER TABLE plan_goals ALTER COLUMN title TYPE bytea USING convert_to(title, 'UTF8');
ALTER TABLE plan_goals ADD COLUMN key_id text NOT NULL DEFAULT 'plain'
    CHECK (key_id = 'plain' OR key_id ~ '^[0-9a-f]{8}$');
ALTER TABLE plan_goals ALTER COLUMN key_id DROP DEFAULT;

-- gas_levels keeps its meaning (a JSON array of five strings, NULL when no
-- level is described), now encrypted; the store checks the array's shape.
ALTER TABLE goals ALTER COLUMN title TYPE bytea USING convert_to(title, 'UTF8');
ALTER TABLE goals DROP CONSTRAINT goals_gas_levels_check;
ALTER TABLE goals ALTER COLUMN gas_levels TYPE bytea USING convert_to(gas_levels::text, 'UTF8');
ALTER TABLE goals ADD COLUMN key_id text NOT NULL DEFAULT 'plain'
    CHECK (key_id = 'plain' OR key_id ~ '^[0-9a-f]{8}$');
ALTER TABLE goals ALTER COLUMN key_id DROP DEFAULT;

-- Every start looks for rows left in clear; these stay empty once it has
-- encrypted them, so the look is cheap.
CREATE INDEX entries_plain_idx ON entries (id) WHERE key_id = 'plain';
CREATE INDEX revisions_plain_idx ON revisions (id) WHERE key_id = 'plain';
CREATE INDEX plan_goals_plain_idx ON plan_goals (id) WHERE key_id = 'plain';
CREATE INDEX goals_plain_idx ON goals (id) WHERE key_id = 'plain';

-- Entries stay append-only, with one exception: re-encryption, which
-- rewrites the ciphertext columns named as the trigger's arguments and
-- key_id, and nothing else, in a transaction that says so with
-- SET LOCAL smallgoals.rekey = 'on'. (A guard against mistakes, like the
-- trigger itself: it is no access control.)
-- +goose StatementBegin
CREATE FUNCTION refuse_change_but_rekey() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND current_setting('smallgoals.rekey', true) = 'on'
       AND to_jsonb(NEW) - TG_ARGV - 'key_id' = to_jsonb(OLD) - TG_ARGV - 'key_id' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% on % is not allowed: the table is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd
DROP TRIGGER entries_append_only ON entries;
CREATE TRIGGER entries_append_only BEFORE UPDATE ON entries
    FOR EACH ROW EXECUTE FUNCTION refuse_change_but_rekey('note');

-- +goose Down

-- Encrypted text cannot be decrypted in SQL: going down is only possible
-- while no row holds ciphertext (a fresh database, or rows still 'plain').
-- +goose StatementBegin
DO $$
DECLARE n bigint;
BEGIN
    SELECT (SELECT count(*) FROM entries WHERE key_id <> 'plain' AND length(note) > 0)
         + (SELECT count(*) FROM revisions WHERE key_id <> 'plain' AND length(reflection) > 0)
         + (SELECT count(*) FROM plan_goals WHERE key_id <> 'plain' AND length(title) > 0)
         + (SELECT count(*) FROM goals WHERE key_id <> 'plain' AND (length(title) > 0 OR gas_levels IS NOT NULL))
      INTO n;
    IF n > 0 THEN
        RAISE EXCEPTION 'cannot undo 00004_encrypt: % rows hold encrypted text, which only the application can decrypt', n;
    END IF;
END;
$$;
-- +goose StatementEnd

DROP TRIGGER entries_append_only ON entries;
CREATE TRIGGER entries_append_only BEFORE UPDATE ON entries
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
DROP FUNCTION refuse_change_but_rekey();

DROP INDEX goals_plain_idx;
DROP INDEX plan_goals_plain_idx;
DROP INDEX revisions_plain_idx;
DROP INDEX entries_plain_idx;

ALTER TABLE goals DROP COLUMN key_id;
ALTER TABLE goals ALTER COLUMN gas_levels TYPE jsonb USING convert_from(gas_levels, 'UTF8')::jsonb;
ALTER TABLE goals ADD CONSTRAINT goals_gas_levels_check
    CHECK (gas_levels IS NULL OR (jsonb_typeof(gas_levels) = 'array' AND jsonb_array_length(gas_levels) = 5));
ALTER TABLE goals ALTER COLUMN title TYPE text USING convert_from(title, 'UTF8');

ALTER TABLE plan_goals DROP COLUMN key_id;
ALTER TABLE plan_goals ALTER COLUMN title TYPE text USING convert_from(title, 'UTF8');

ALTER TABLE revisions DROP COLUMN key_id;
ALTER TABLE revisions ALTER COLUMN reflection DROP DEFAULT;
ALTER TABLE revisions ALTER COLUMN reflection TYPE text USING convert_from(reflection, 'UTF8');
ALTER TABLE revisions ALTER COLUMN reflection SET DEFAULT '';

ALTER TABLE entries DROP COLUMN key_id;
ALTER TABLE entries ALTER COLUMN note DROP DEFAULT;
ALTER TABLE entries ALTER COLUMN note TYPE text USING convert_from(note, 'UTF8');
ALTER TABLE entries ALTER COLUMN note SET DEFAULT '';
