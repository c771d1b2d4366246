#!/bin/sh
# Runs once, when the data directory is created. The application connects
# as ledger_app: it reads and writes rows but owns nothing, so it cannot
# change or drop the schema. Migrations run as the owner (POSTGRES_USER).
# It also creates pg_stat_statements, which compose.yaml preloads.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
CREATE ROLE ledger_app LOGIN PASSWORD '$APP_DB_PASSWORD';
GRANT USAGE ON SCHEMA public TO ledger_app;
ALTER DEFAULT PRIVILEGES FOR ROLE "$POSTGRES_USER" IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ledger_app;
ALTER DEFAULT PRIVILEGES FOR ROLE "$POSTGRES_USER" IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ledger_app;
-- Query statistics (the server preloads pg_stat_statements, see compose.yaml).
CREATE SCHEMA IF NOT EXISTS monitoring;
CREATE EXTENSION IF NOT EXISTS pg_stat_statements SCHEMA monitoring;
SQL
