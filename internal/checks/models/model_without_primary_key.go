package models

import (
	"fmt"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/orm"
)

// ModelWithoutPrimaryKey finds SQLAlchemy/SQLModel tables declared
// without a primary key.
var ModelWithoutPrimaryKey = &check.Check{
	Name:     "model-without-primary-key",
	Item:     "5.1",
	Severity: check.Critical,
	Doc: `Every model and Core Table() needs a primary key.

A declarative or SQLModel class without a primary key cannot be mapped
(SQLAlchemy raises "could not assemble any primary key columns"), and a
Core Table() without one, typically an association table, becomes a
table without a key: duplicate rows, no logical replication of UPDATE and
DELETE. Declare primary_key=True on the key column(s), Field(primary_key=True)
in SQLModel, or PrimaryKeyConstraint(...) on an association table (its
two foreign keys make a natural composite key). Classes whose columns come
from outside the repository or from declared_attr are not judged.`,
	Run: runModelWithoutPrimaryKey,
}

func runModelWithoutPrimaryKey(p *check.Pass) error {
	models := orm.Of(p.Repo)
	if len(models.Models) == 0 {
		p.NotApplicable("no SQLAlchemy or SQLModel models")
		return nil
	}
	for _, m := range models.Models {
		if !modelLacksKey(m) {
			continue
		}
		at := check.Location{File: m.File, Line: m.Line, Object: m.QualifiedTable()}
		if m.Kind == orm.Core {
			p.Report(check.Finding{Location: at,
				Message: fmt.Sprintf("Table(%q) declares no primary key", m.Table),
				Fix:     "add PrimaryKeyConstraint(...) over its key columns (for an association table, both foreign key columns)"})
			continue
		}
		p.Report(check.Finding{Location: at,
			Message: fmt.Sprintf("model %s (table %s) declares no primary key", m.Class, m.QualifiedTable()),
			Fix:     "mark the key column primary_key=True (SQLModel: Field(primary_key=True))"})
	}
	return nil
}
