#!/bin/sh
# Runs once, when the postgres image initialises an empty data directory
# (/docker-entrypoint-initdb.d), as the superuser POSTGRES_USER. Makes the
# two roles the bot needs — neither a superuser, so neither can disable
# the audit log's append-only triggers — and the database and its public
# schema, owned by the owner: what `smallgoals grants` cannot do. The app
# role's rights on the tables (and on those later migrations add) are the
# program's: the grants service runs `smallgoals grants --apply` as the
# owner after every migrate. The passwords are read from SECRETS_DIR
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
SQL
psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname smallgoals <<'SQL'
ALTER SCHEMA public OWNER TO smallgoals_owner;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL
