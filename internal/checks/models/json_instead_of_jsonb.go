package models

import (
	"fmt"

	"github.com/pgreview/pgreview/internal/catalog"
	"github.com/pgreview/pgreview/internal/check"
)

// JSONInsteadOfJSONB finds json columns.
var JSONInsteadOfJSONB = &check.Check{
	Name:     "json-instead-of-jsonb",
	Item:     "5.4",
	Severity: check.Good,
	Needs:    check.NeedsCatalog,
	Doc: `Use jsonb rather than json.

json stores the text as given and parses it again on every access; it has
no equality operator (so DISTINCT, GROUP BY and UNIQUE fail on it) and no
GIN indexing. jsonb is parsed once and supports containment and indexes.
Keep json only when the exact text (key order, duplicate keys, spacing)
must be preserved. SQLAlchemy's JSON type creates json; use
sqlalchemy.dialects.postgresql.JSONB.`,
	Run: runJSONInsteadOfJSONB,
}

func runJSONInsteadOfJSONB(p *check.Pass) error {
	columnTypeCheck(p, []uint32{oidJSON, oidJSONArray}, func(t *catalog.Table, c *catalog.Column) (msg, fix string) {
		to := "jsonb"
		if c.BaseTypeOID == oidJSONArray {
			to = "jsonb[]"
		}
		msg = fmt.Sprintf("%s.%s is %s: it is re-parsed on every access and cannot be compared or GIN-indexed; use %s", t.QualifiedName(), c.Name, c.Type, to)
		fix = fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s TYPE %s USING %s::%s; (rewrites the table)",
			qualifiedIdent(t.Schema, t.Name), quoteIdent(c.Name), to, quoteIdent(c.Name), to)
		return msg, fix
	})
	return nil
}
