package models

import (
	"fmt"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/locate"
	"github.com/pgreview/pgreview/internal/orm"
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
their partitioned table and are reported through it. A table whose
SQLAlchemy/SQLModel model also lacks a key is reported once, on the model,
by model-without-primary-key.`,
	Run: runNoPrimaryKey,
}

func runNoPrimaryKey(p *check.Pass) error {
	loc := locate.New(p)
	for _, t := range p.Catalog.Tables {
		if t.Partition || p.Catalog.PrimaryKey(t.OID) != nil {
			continue
		}
		model := loc.Models().ByTable(t.QualifiedName())
		if model != nil && modelLacksKey(model) {
			continue // reported on the model
		}
		msg := fmt.Sprintf("table %s has no primary key", t.QualifiedName())
		if len(p.Catalog.ConstraintsOf(t.OID, "u")) > 0 {
			msg += "; it has a UNIQUE constraint, which allows NULLs: promote it to PRIMARY KEY if its columns are NOT NULL"
		}
		if model != nil && model.HasPrimaryKey() {
			msg += fmt.Sprintf("; the model %s declares one, but the migrations never created it", model.Name())
		}
		p.Report(check.Finding{Location: loc.Table(t), Message: msg, Related: loc.Model(t, "")})
	}
	return nil
}

// modelLacksKey: the model maps its own table, is fully readable and
// declares no primary key, so model-without-primary-key reports it.
func modelLacksKey(m *orm.Model) bool {
	return m.OwnTable() && !m.Opaque && !m.HasPrimaryKey()
}
