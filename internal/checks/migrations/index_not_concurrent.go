package migrations

import "github.com/pgreview/pgreview/internal/migrate"

// IndexNotConcurrent reports CREATE INDEX without CONCURRENTLY on an
// existing table.
var IndexNotConcurrent = hazardCheck("index-not-concurrent", migrate.HazardIndexNotConcurrent,
	`An index is built on an existing table without CONCURRENTLY.

CREATE INDEX holds a SHARE lock for the whole build: every INSERT, UPDATE
and DELETE on the table waits until the index is built, which on a large
table takes minutes. An index on a table created in the same migration is
fine and not reported.`,
	`Use CREATE INDEX CONCURRENTLY, outside a transaction: golang-migrate and dbmate (transaction:false)
need it alone in its file or section; goose needs -- +goose NO TRANSACTION; Alembic needs
op.create_index(..., postgresql_concurrently=True) inside "with op.get_context().autocommit_block():".
If it fails, drop the INVALID index it leaves behind and retry.`)
