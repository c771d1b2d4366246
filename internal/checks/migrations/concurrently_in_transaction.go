package migrations

import "github.com/pgreview/pgreview/internal/migrate"

// ConcurrentlyInTransaction reports CREATE INDEX CONCURRENTLY that the
// migration tool runs inside a transaction.
var ConcurrentlyInTransaction = hazardCheck("concurrently-in-transaction", migrate.HazardConcurrentlyInTx,
	`CREATE INDEX CONCURRENTLY runs inside a transaction block.

Postgres refuses CONCURRENTLY inside a transaction ("cannot run inside a
transaction block"), and most migration tools wrap each migration in one,
or send a multi-statement file as one implicit transaction.`,
	`Run it outside the tool's transaction: golang-migrate, Prisma and dbmate (transaction:false) need it
as the only statement of its file or section; goose needs -- +goose NO TRANSACTION; Flyway runs a
migration without a transaction only when all its statements need it; Alembic needs
"with op.get_context().autocommit_block():" around op.create_index(..., postgresql_concurrently=True).`)
