#!/bin/sh
# Runs once, when the postgres image initialises an empty data directory
# (/docker-entrypoint-initdb.d), as the superuser POSTGRES_USER. Makes the
# two roles the bot needs — neither a superuser, so neither can disable
# the audit log's append-only triggers — and the database, owned by the
# owner. Default privileges give the app role the tables and sequences
# later migrations add; grants.sql (the grants service, after every
# migrate) takes back what the app must not have (UPDATE, DELETE and
# TRUNCATE on audit_events). The passwords are read from SECRETS_DIR
# (default /run/secrets), so they never appear in a command line.
set -eu
psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname postgres <<'SQL'
\set owner_pw `cat "${SECRETS_DIR:-/run/secrets}/db_owner_password"`
\set app_pw `cat "${SECRETS_DIR:-/run/secrets}/db_app_password"`
CREATE ROLE smallgoals_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'owner_pw';
CREATE ROLE smallgoals_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'app_pw';
CREATE DATABASE smallgoals OWNER smallgoals_owner ENCODING 'UTF8';
REVOKE ALL ON DATABASE smallgoals FROM PUBLIC;
GRANT CONNECT ON DATABASE smallgoals TO smallgoals_app;
-- Migration 00012's purge function sets this placeholder for its own
-- run (SET smallgoals.audit_purge = 'on'); since PostgreSQL 15 a role
-- that is not a superuser may do so only when granted.
GRANT SET ON PARAMETER smallgoals.audit_purge TO smallgoals_owner;
SQL
psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname smallgoals <<'SQL'
ALTER SCHEMA public OWNER TO smallgoals_owner;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO smallgoals_app;
ALTER DEFAULT PRIVILEGES FOR ROLE smallgoals_owner IN SCHEMA public
	GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO smallgoals_app;
ALTER DEFAULT PRIVILEGES FOR ROLE smallgoals_owner IN SCHEMA public
	GRANT USAGE ON SEQUENCES TO smallgoals_app;
SQL
