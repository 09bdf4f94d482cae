-- The app role's rights, as the README's "Data protection" section gives
-- them; run as the owner after every `smallgoals migrate` (the grants
-- service of docker-compose.yml does). Idempotent.
GRANT USAGE ON SCHEMA public TO smallgoals_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO smallgoals_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO smallgoals_app;
-- The audit log is append-only for the bot: the triggers refuse these too,
-- and the app role should not have the right in the first place.
REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM smallgoals_app;
-- Retention purges old audit events through this function alone.
GRANT EXECUTE ON FUNCTION purge_audit_events(timestamptz, integer, integer) TO smallgoals_app;
