package models

import (
	"fmt"
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/locate"
)

// VarcharNColumn finds varchar(n) columns, one finding per table.
var VarcharNColumn = &check.Check{
	Name:     "varchar-n-column",
	Item:     "5.4",
	Severity: check.Good,
	Needs:    check.NeedsCatalog,
	Doc: `Prefer text with a CHECK over varchar(n).

In PostgreSQL varchar(n) is text with a length check built into the type.
The check is the same as CHECK (char_length(col) <= n) but harder to
change: lowering n rewrites the table under an ACCESS EXCLUSIVE lock, while
a CHECK can be replaced with ADD CONSTRAINT ... NOT VALID and VALIDATE,
which block nobody. Lengths like 255 are usually arbitrary anyway. This is
a suggestion; varchar(n) is not wrong.`,
	Run: runVarcharNColumn,
}

func runVarcharNColumn(p *check.Pass) error {
	loc := locate.New(p)
	for _, t := range reviewableTables(p.Catalog) {
		var cols, names []string
		for _, c := range t.Columns {
			if !c.Inherited && c.BaseTypeOID == oidVarchar && strings.Contains(c.Type, "(") {
				cols = append(cols, c.Name+" "+c.Type)
				names = append(names, c.Name)
			}
		}
		if len(cols) == 0 {
			continue
		}
		at := loc.Table(t)
		if len(names) == 1 {
			at = loc.Column(t, names[0])
		}
		p.Report(check.Finding{
			Location: at,
			Message: fmt.Sprintf("%s has varchar(n) columns (%s): text with a CHECK on char_length keeps the limit and can change it without a rewrite",
				t.QualifiedName(), strings.Join(cols, ", ")),
			Related: loc.Model(t, ""),
		})
	}
	return nil
}
