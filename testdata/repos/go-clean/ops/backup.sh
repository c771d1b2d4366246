#!/bin/sh
# Nightly logical backup of the ledger database, kept for 30 days.
# Restore: pg_restore --clean --if-exists --dbname="$DATABASE_URL" FILE
set -eu
out="/backups/ledger-$(date +%F).dump"
pg_dump --format=custom --file="$out" "$DATABASE_URL"
find /backups -name 'ledger-*.dump' -mtime +30 -delete
