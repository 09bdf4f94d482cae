-- +goose Up

-- A coordinator takes a team leader's access away again (`/maal team
-- leder fjern @bruger`): the team's history records it.
ALTER TABLE member_events DROP CONSTRAINT member_events_kind_check;
ALTER TABLE member_events ADD CONSTRAINT member_events_kind_check
    CHECK (kind IN ('coordinator_added', 'coordinator_removed', 'left', 'leader_added', 'leader_removed'));

-- +goose Down
DELETE FROM member_events WHERE kind = 'leader_removed';
ALTER TABLE member_events DROP CONSTRAINT member_events_kind_check;
ALTER TABLE member_events ADD CONSTRAINT member_events_kind_check
    CHECK (kind IN ('coordinator_added', 'coordinator_removed', 'left', 'leader_added'));
