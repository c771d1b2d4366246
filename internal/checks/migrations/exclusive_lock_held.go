package migrations

import "github.com/pgreview/pgreview/internal/migrate"

// ExclusiveLockHeld reports ACCESS EXCLUSIVE locks on existing tables
// held while slow statements run in the same transaction.
var ExclusiveLockHeld = hazardCheck("exclusive-lock-held", migrate.HazardLockHeld,
	`An ACCESS EXCLUSIVE lock on an existing table is held while slow statements run.

Locks last until the transaction commits. When a migration alters a table
(ACCESS EXCLUSIVE: no reads, no writes) and then, in the same transaction,
builds an index, rewrites, validates or backfills, the table stays
unavailable for all of that time, not just for the instant ALTER.`,
	`Put the ALTER in a migration (or transaction) of its own and commit before the slow work; build
indexes CONCURRENTLY outside the transaction; backfill in batches in later transactions.`)
