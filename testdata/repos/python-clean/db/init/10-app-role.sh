#!/bin/sh
# Runs once, when the data directory is created. The application connects
# as library_app: it reads and writes rows but owns nothing, so it cannot
# change or drop the schema. Migrations run as the owner (POSTGRES_USER).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
CREATE ROLE library_app LOGIN PASSWORD '$APP_DB_PASSWORD';
GRANT USAGE ON SCHEMA public TO library_app;
ALTER DEFAULT PRIVILEGES FOR ROLE "$POSTGRES_USER" IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO library_app;
ALTER DEFAULT PRIVILEGES FOR ROLE "$POSTGRES_USER" IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO library_app;
SQL
