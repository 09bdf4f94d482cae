-- +goose Up

-- GAS done properly (issue 16 #3): a small goal's baseline level at the
-- start (−2..+2; NULL: not stated) and its weight in the T-score, the
-- importance the borger gives it (1..3; NULL: 1). Settings, not free text:
-- not encrypted. The level descriptions stay in goals.gas_levels.
ALTER TABLE goals ADD COLUMN gas_baseline smallint CHECK (gas_baseline BETWEEN -2 AND 2);
ALTER TABLE goals ADD COLUMN gas_weight smallint CHECK (gas_weight BETWEEN 1 AND 3);

-- Their changes, and each level description's (`/maal gas REF NIVEAU
-- TEKST`), are goal_changes like the others. 'theme' is listed too, for
-- the theme catalogue of the same issue: whichever migration runs last
-- must keep every field.
ALTER TABLE goal_changes DROP CONSTRAINT goal_changes_field_check;
ALTER TABLE goal_changes ADD CONSTRAINT goal_changes_field_check CHECK (field IN (
    'title', 'target', 'every', 'due', 'plan', 'scale', 'status',
    'gas-2', 'gas-1', 'gas0', 'gas+1', 'gas+2', 'baseline', 'weight', 'theme'));

-- +goose Down
ALTER TABLE goal_changes DROP CONSTRAINT goal_changes_field_check;
ALTER TABLE goal_changes ADD CONSTRAINT goal_changes_field_check CHECK (field IN (
    'title', 'target', 'every', 'due', 'plan', 'scale', 'status'));
ALTER TABLE goals DROP COLUMN gas_weight;
ALTER TABLE goals DROP COLUMN gas_baseline;
