-- +goose Up

-- Every kind of data has a retention rule (store/retention.go, README
-- "Data protection").

-- When a citizen was discharged (`/maal borger udskriv`); NULL while the
-- citizen is served. A discharged citizen goes whole once discharged
-- longer than the team's retention, everything exported.
ALTER TABLE citizens ADD COLUMN discharged_at timestamptz;
CREATE INDEX citizens_discharged_idx ON citizens (discharged_at) WHERE discharged_at IS NOT NULL;

-- The retention job finds old audit events and outbox claims by age
-- (deliveries_at_idx exists).
CREATE INDEX audit_events_at_idx ON audit_events (at);
CREATE INDEX outbox_window_end_idx ON outbox (window_end);

-- Audit events stay append-only, with one exception: the retention job
-- deletes events past AUDIT_RETENTION_DAYS through purge_audit_events,
-- which says so with the setting smallgoals.audit_purge. Whatever a
-- caller asks or sets, no event younger than a year by the database's own
-- clock is deleted, and no UPDATE or TRUNCATE is allowed.
-- +goose StatementBegin
CREATE FUNCTION refuse_change_but_audit_purge() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('smallgoals.audit_purge', true) = 'on'
       AND OLD.at < now() - interval '365 days' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '% on % is not allowed: the table is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd
DROP TRIGGER audit_events_append_only ON audit_events;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION refuse_change_but_audit_purge();

-- purge_audit_events deletes the audit events older than p_days days at
-- p_at — for a team keeping its data longer than p_data_days
-- (RETENTION_DAYS), longer by as much — and records that it did as an
-- event of its own, dated by the database's clock. It runs with its
-- owner's rights (SECURITY DEFINER), so an application role without
-- DELETE on audit_events can call it, and only it; it refuses to keep
-- less than a year. It sets smallgoals.audit_purge in its body, for its
-- transaction, and back before it returns (an error aborts the
-- transaction, which undoes it): a SET clause on the function would need
-- a superuser on PostgreSQL 15 (a custom setting), and the migrations run
-- as the tables' owner.
-- +goose StatementBegin
CREATE FUNCTION purge_audit_events(p_at timestamptz, p_days integer, p_data_days integer) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public, pg_temp
AS $$
DECLARE n bigint;
BEGIN
    IF p_days IS NULL OR p_days < 365 OR p_data_days IS NULL OR p_data_days < 0 THEN
        RAISE EXCEPTION 'purge_audit_events keeps audit events at least 365 days, not %', p_days
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    PERFORM set_config('smallgoals.audit_purge', 'on', true);
    WITH gone AS (
        DELETE FROM audit_events a
        WHERE a.at < now() - interval '365 days'
          AND a.at < p_at - make_interval(days => p_days + greatest(0,
                  coalesce((SELECT t.retention_days FROM teams t WHERE t.id = a.team_id), p_data_days) - p_data_days))
        RETURNING 1)
    SELECT count(*) INTO n FROM gone;
    PERFORM set_config('smallgoals.audit_purge', 'off', true);
    IF n > 0 THEN
        INSERT INTO audit_events (at, actor, action, allowed) VALUES (now(), 'system', 'retention.audit', true);
    END IF;
    RETURN n;
END;
$$;
-- +goose StatementEnd
REVOKE ALL ON FUNCTION purge_audit_events(timestamptz, integer, integer) FROM PUBLIC;

-- +goose Down
DROP FUNCTION purge_audit_events(timestamptz, integer, integer);
DROP TRIGGER audit_events_append_only ON audit_events;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
DROP FUNCTION refuse_change_but_audit_purge();
DROP INDEX outbox_window_end_idx;
DROP INDEX audit_events_at_idx;
DROP INDEX citizens_discharged_idx;
ALTER TABLE citizens DROP COLUMN discharged_at;
