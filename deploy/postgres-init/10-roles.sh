#!/bin/sh
# First start of the database container: the owner role (migrations) and the
# application role (web, worker, beat). docs/security.md, "Database roles".
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
CREATE ROLE nectos_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '${NECTOS_OWNER_PASSWORD}';
CREATE ROLE nectos_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '${NECTOS_APP_PASSWORD}';
ALTER DATABASE "$POSTGRES_DB" OWNER TO nectos_owner;
ALTER SCHEMA public OWNER TO nectos_owner;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO nectos_app;
SQL
