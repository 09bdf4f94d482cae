-- +goose Up

-- The team's reflections at the staff meeting (`/maal refleksion`, the
-- digest's "Notér refleksion"): what the team concluded, per ISO week of
-- the team's local day it was written, about the team's week or about one
-- borger or one of the borger's goals (citizen_id is then set too). The
-- text is sealed like notes (store/rekey.go) under key_id. Append-only:
-- a new conclusion is a new row. A reflection about a borger goes with
-- the borger (erasure, the discharged-borger purge) or its goal; one about
-- the team goes after the team's retention (store/retention.go).
CREATE TABLE reflections (
    id         bigserial PRIMARY KEY,
    team_id    bigint      NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    citizen_id bigint      REFERENCES citizens (id) ON DELETE CASCADE,
    goal_id    bigint      REFERENCES goals (id) ON DELETE CASCADE,
    author     text        NOT NULL,
    day        date        NOT NULL,
    iso_year   int         NOT NULL,
    iso_week   int         NOT NULL CHECK (iso_week BETWEEN 1 AND 53),
    written_at timestamptz NOT NULL,
    text       bytea       NOT NULL,
    key_id     text        NOT NULL,
    CHECK (goal_id IS NULL OR citizen_id IS NOT NULL)
);
-- The digest counts a team's reflections of the week; vis lists them.
CREATE INDEX reflections_team_idx ON reflections (team_id, day);
CREATE INDEX reflections_citizen_idx ON reflections (citizen_id, day) WHERE citizen_id IS NOT NULL;
CREATE INDEX reflections_goal_idx ON reflections (goal_id) WHERE goal_id IS NOT NULL;

CREATE TRIGGER reflections_append_only BEFORE UPDATE ON reflections
    FOR EACH ROW EXECUTE FUNCTION refuse_change_but_rekey('text');

-- +goose Down
DROP TABLE reflections;
