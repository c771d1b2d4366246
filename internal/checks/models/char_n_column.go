package models

import (
	"fmt"

	"github.com/pgreview/pgreview/internal/catalog"
	"github.com/pgreview/pgreview/internal/check"
)

// CharNColumn finds char(n) columns.
var CharNColumn = &check.Check{
	Name:     "char-n-column",
	Item:     "5.4",
	Severity: check.Good,
	Needs:    check.NeedsCatalog,
	Doc: `Use text (or varchar) rather than char(n).

char(n) pads values with spaces to n characters, and the padding is
ignored in some comparisons and kept in others (LIKE, concatenation,
client output), which surprises applications. It is not faster than text
in PostgreSQL. For fixed-length codes use text with a CHECK
(char_length(code) = n).`,
	Run: runCharNColumn,
}

func runCharNColumn(p *check.Pass) error {
	columnTypeCheck(p, []uint32{oidBpchar, oidBpcharArray}, func(t *catalog.Table, c *catalog.Column) (msg, fix string) {
		msg = fmt.Sprintf("%s.%s is %s: values are blank-padded and the padding is significant in some operations; use text with a CHECK on its length",
			t.QualifiedName(), c.Name, c.Type)
		fix = fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s TYPE text; (rewrites the table; trailing spaces are removed)",
			qualifiedIdent(t.Schema, t.Name), quoteIdent(c.Name))
		return msg, fix
	})
	return nil
}
