package migrations

import "github.com/pgreview/pgreview/internal/migrate"

// VolatileDefault reports ADD COLUMN with a volatile default on an
// existing table.
var VolatileDefault = hazardCheck("volatile-default", migrate.HazardVolatileDefault,
	`A column is added with a volatile default (random(), gen_random_uuid(), clock_timestamp()).

Since PostgreSQL 11 a constant default is stored once and ADD COLUMN is
instant. A volatile default must be computed per row, so the whole table is
rewritten under ACCESS EXCLUSIVE.`,
	`Add the column without a default (instant); then ALTER COLUMN ... SET DEFAULT gen_random_uuid()
for new rows (instant); backfill existing rows in batches in separate transactions; add NOT NULL
afterwards with a CHECK (col IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT, then SET NOT NULL.`)
