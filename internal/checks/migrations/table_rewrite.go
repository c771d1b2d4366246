package migrations

import "github.com/pgreview/pgreview/internal/migrate"

// TableRewrite reports statements that rewrite an existing table.
var TableRewrite = hazardCheck("table-rewrite", migrate.HazardRewrite,
	`A migration rewrites an existing table.

Some ALTER TABLE forms copy every row into a new file (a column type change
that is not binary-compatible, SET LOGGED/UNLOGGED, a new access method)
while holding ACCESS EXCLUSIVE: nothing reads or writes the table until the
copy ends, and the copy needs the table's size again on disk. pgreview sees
the rewrite happen (the table_rewrite event), so varchar widening and other
free changes are not reported.`,
	`Change the type in steps that never rewrite under a long lock: add a new column of the new type;
backfill it in batches (UPDATE ... WHERE id BETWEEN ... in separate transactions); keep it in sync
with a trigger or in the application; switch reads and writes to it; then drop the old column
(and rename the new one) in a later deploy.`)
