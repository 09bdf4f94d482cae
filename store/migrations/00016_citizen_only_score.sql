-- +goose Up

-- A score entry may hold the borger's own score alone (issue 15, item 7):
-- the staff score is then NULL, never zero. A score entry holds at least
-- one of the two; an undo holds neither.
ALTER TABLE entries DROP CONSTRAINT entries_check;
ALTER TABLE entries ADD CONSTRAINT entries_score_present
    CHECK ((kind = 'score') = (staff_score IS NOT NULL OR citizen_score IS NOT NULL));

-- +goose Down
-- Borger-only entries cannot be kept under the old rule: the down
-- migration refuses while any exist rather than delete them.
ALTER TABLE entries DROP CONSTRAINT entries_score_present;
ALTER TABLE entries ADD CONSTRAINT entries_check CHECK ((kind = 'score') = (staff_score IS NOT NULL));
