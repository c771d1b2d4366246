package migrations

import "github.com/pgreview/pgreview/internal/migrate"

// BreakingSchemaChange reports DROP and RENAME of columns and tables
// that existed before the migration.
var BreakingSchemaChange = hazardCheck("breaking-schema-change", migrate.HazardBreaking,
	`A migration drops or renames a column or table that running code may use.

During a deploy the old version of the application keeps running while the
migration applies: a dropped or renamed column or table makes its queries
fail (and ORMs that select every mapped column fail on any query of the
table) until every instance runs the new code.`,
	`Expand and contract: first deploy code that no longer reads or writes the column (for SQLAlchemy,
remove it from the model or mark it deferred); drop it in a later release. To rename: add the new
column, write both, backfill, switch reads, then drop the old one; for a table, a view with the old
name can bridge the gap.`)
