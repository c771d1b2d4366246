package migrations

import "github.com/pgreview/pgreview/internal/migrate"

// LockTimeoutMissing reports ACCESS EXCLUSIVE locks on existing tables
// taken with no lock_timeout, once per migration.
var LockTimeoutMissing = hazardCheck("lock-timeout-missing", migrate.HazardNoLockTimeout,
	`A migration takes ACCESS EXCLUSIVE on an existing table with no lock_timeout.

Even an instant ALTER TABLE must first wait for every transaction that
touched the table to end. While it waits, every new query on the table
queues behind it: one long report or idle-in-transaction session turns a
millisecond change into an outage. pgreview reads the lock_timeout that was
in force when the statement ran.`,
	`Start the migration with SET lock_timeout = '5s' (SET LOCAL inside its transaction; in Alembic,
op.execute("SET lock_timeout = '5s'") at the top of upgrade(), or connect_args options
"-c lock_timeout=5s" in env.py), and retry the deploy when it times out.`)
