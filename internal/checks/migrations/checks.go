// Package migrations holds the checks of checklist area 4. Schema & Migrations.
package migrations

import "github.com/pgreview/pgreview/internal/check"

// Checks lists this area's checks.
var Checks = []*check.Check{
	AlembicURLHardcoded,
	AlembicMetadataNone,
	AlembicCompareType,
	MigrationHistory,
	MigrationEdited,
	MissingDown,
	RoundtripFails,
	MigrationFails,
	ModelSchemaDrift,
	SchemaDumpDrift,
	MigrationNotReplayable,
	TableRewrite,
	VolatileDefault,
	IndexNotConcurrent,
	ConstraintNotValid,
	SetNotNullScan,
	LockTimeoutMissing,
	ExclusiveLockHeld,
	BreakingSchemaChange,
	ConcurrentlyInTransaction,
}
