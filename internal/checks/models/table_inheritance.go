package models

import (
	"fmt"
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/locate"
)

// TableInheritance finds tables created with INHERITS.
var TableInheritance = &check.Check{
	Name:     "table-inheritance",
	Item:     "5.5",
	Severity: check.Good,
	Needs:    check.NeedsCatalog,
	Doc: `Avoid table inheritance (INHERITS).

A child table inherits its parent's columns and CHECK constraints but not
its primary key, unique constraints, indexes or foreign keys: a unique key
on the parent does not stop duplicates across parent and children, and a
foreign key to the parent does not see the children's rows. Use
declarative partitioning (PARTITION BY) to split a table, or a separate
table with a foreign key to the parent for subtypes. Partitions are not
reported.`,
	Run: runTableInheritance,
}

func runTableInheritance(p *check.Pass) error {
	loc := locate.New(p)
	for _, t := range p.Catalog.Tables {
		if len(t.Inherits) == 0 {
			continue
		}
		var parents []string
		for _, oid := range t.Inherits {
			if pt := p.Catalog.Table(oid); pt != nil {
				parents = append(parents, pt.QualifiedName())
			}
		}
		p.Report(check.Finding{
			Location: loc.Table(t),
			Message: fmt.Sprintf("%s INHERITS %s: it does not inherit the primary key, unique constraints, indexes or foreign keys, so they do not hold across the hierarchy",
				t.QualifiedName(), strings.Join(parents, ", ")),
			Related: loc.Model(t, ""),
		})
	}
	return nil
}
