package migrations

import "github.com/pgreview/pgreview/internal/migrate"

// ConstraintNotValid reports FK and CHECK constraints added with a
// validating scan, and UNIQUE/PRIMARY KEY constraints that build their
// index under ACCESS EXCLUSIVE.
var ConstraintNotValid = hazardCheck("constraint-not-valid", migrate.HazardConstraintScan,
	`A constraint is added to an existing table in one blocking step.

ADD CONSTRAINT ... FOREIGN KEY or CHECK scans every row to validate it while
writes are blocked (a foreign key also locks the referenced table). UNIQUE
and PRIMARY KEY build their index while holding ACCESS EXCLUSIVE.`,
	`FOREIGN KEY / CHECK: ADD CONSTRAINT ... NOT VALID (instant: only new rows are checked), then in a
separate transaction ALTER TABLE ... VALIDATE CONSTRAINT ... (SHARE UPDATE EXCLUSIVE: reads and writes
continue). UNIQUE / PRIMARY KEY: CREATE UNIQUE INDEX CONCURRENTLY ... first, then
ALTER TABLE ... ADD CONSTRAINT ... UNIQUE USING INDEX ... (instant).`)
