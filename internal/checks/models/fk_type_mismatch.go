package models

import (
	"fmt"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/locate"
)

// FKTypeMismatch finds foreign key columns whose type differs from the
// referenced column's.
var FKTypeMismatch = &check.Check{
	Name:     "fk-type-mismatch",
	Item:     "5.2",
	Severity: check.Important,
	Needs:    check.NeedsCatalog,
	Doc: `A foreign key column should have the type of the column it references.

The classic case is an integer column referencing a bigint key: it works
until the parent's ids pass 2,147,483,647, then inserts into the child fail.
Mismatched types also make joins compare across types and confuse ORMs
about the column's Python type. Change the referencing column to the
referenced type (ALTER COLUMN ... TYPE rewrites the table; on a large table
add a new column, backfill, and swap). varchar and text are the same type
underneath and are not reported.`,
	Run: runFKTypeMismatch,
}

// compatibleTypes never need changing: text and varchar are binary
// compatible.
var compatibleTypes = map[[2]uint32]bool{{25, 1043}: true, {1043, 25}: true}

func runFKTypeMismatch(p *check.Pass) error {
	loc := locate.New(p)
	for _, fk := range p.Catalog.Constraints {
		if fk.Type != "f" || fk.ParentOID != 0 {
			continue
		}
		t, rt := p.Catalog.Table(fk.TableOID), p.Catalog.Table(fk.RefTableOID)
		if t == nil || rt == nil {
			continue
		}
		for i, num := range fk.Columns {
			if i >= len(fk.RefColumns) {
				break
			}
			c, rc := t.Column(num), rt.Column(fk.RefColumns[i])
			if c == nil || rc == nil || c.BaseTypeOID == rc.BaseTypeOID || compatibleTypes[[2]uint32{c.BaseTypeOID, rc.BaseTypeOID}] {
				continue
			}
			msg := fmt.Sprintf("foreign key %s: %s.%s is %s but the referenced %s.%s is %s",
				fk.Name, t.QualifiedName(), c.Name, c.Type, rt.QualifiedName(), rc.Name, rc.Type)
			if narrower(c.BaseTypeOID, rc.BaseTypeOID) {
				msg += "; once the referenced values pass the smaller type's range, inserts here fail"
			}
			p.Report(check.Finding{
				Location: loc.Column(t, c.Name),
				Message:  msg,
				Fix: fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s TYPE %s; (rewrites the table under an ACCESS EXCLUSIVE lock)",
					qualifiedIdent(t.Schema, t.Name), quoteIdent(c.Name), rc.Type),
				Related: loc.Model(t, c.Name),
			})
		}
	}
	return nil
}

// intWidth orders the integer types by range.
var intWidth = map[uint32]int{21: 2, 23: 4, 20: 8}

func narrower(child, parent uint32) bool {
	c, okc := intWidth[child]
	pw, okp := intWidth[parent]
	return okc && okp && c < pw
}
