package migrations

import "github.com/pgreview/pgreview/internal/migrate"

// SetNotNullScan reports SET NOT NULL on an existing table.
var SetNotNullScan = hazardCheck("set-not-null-scan", migrate.HazardSetNotNull,
	`A column of an existing table is made NOT NULL in one step.

ALTER COLUMN ... SET NOT NULL scans the whole table to prove there is no NULL,
holding ACCESS EXCLUSIVE: no reads or writes until the scan ends.`,
	`Add CHECK (col IS NOT NULL) NOT VALID (instant); VALIDATE CONSTRAINT in a separate transaction
(reads and writes continue); then SET NOT NULL, which PostgreSQL 12+ proves from the valid CHECK
without scanning; finally drop the CHECK constraint.`)
