package models

import (
	"github.com/pgreview/pgreview/internal/check"
)

// NoPrimaryKey finds tables without a primary key.
var NoPrimaryKey = &check.Check{
	Name:     "no-primary-key",
	Item:     "5.1",
	Severity: check.Critical,
	Needs:    check.NeedsCatalog,
	Doc: `Every table needs a primary key.

Without one, rows cannot be addressed reliably: ORMs cannot update or delete
a single row, logical replication cannot replicate UPDATE and DELETE (the
default replica identity is the primary key), and duplicates creep in.
Add one, preferably "id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
or a natural key made of NOT NULL columns. Partitions inherit the key of
their partitioned table and are reported through it.`,
	Run: runNoPrimaryKey,
}

func runNoPrimaryKey(p *check.Pass) error {
	for _, t := range p.Catalog.Tables {
		if t.Partition {
			continue
		}
		if len(p.Catalog.ConstraintsOf(t.OID, "p")) > 0 {
			continue
		}
		msg := "table %s has no primary key"
		if len(p.Catalog.ConstraintsOf(t.OID, "u")) > 0 {
			msg += "; it has a UNIQUE constraint, which allows NULLs: promote it to PRIMARY KEY if its columns are NOT NULL"
		}
		p.Report(check.Finding{
			Location: ObjectLocation(p, t.QualifiedName()),
			Message:  sprintf(msg, t.QualifiedName()),
		})
	}
	return nil
}
