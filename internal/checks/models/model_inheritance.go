package models

import (
	"fmt"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/orm"
)

// ModelInheritance finds ORM inheritance that cannot tell subclasses
// apart, and SQLModel table models used as base classes.
var ModelInheritance = &check.Check{
	Name:     "model-inheritance",
	Item:     "5.5",
	Severity: check.Good,
	Doc: `Mapped inheritance needs a discriminator; SQLModel table models should not be subclassed.

With single-table inheritance (a subclass without a table of its own), only
a discriminator column named in the base's __mapper_args__ =
{"polymorphic_on": ...} lets SQLAlchemy tell the subclasses' rows apart:
without it, querying a subclass returns every row of the table. With
joined-table inheritance, querying the base class without a discriminator
returns base objects for subclass rows. SQLModel's documentation says to
inherit only from data models (table=False): a table=True class used as a
base leaks its table into the subclass.`,
	Run: runModelInheritance,
}

func runModelInheritance(p *check.Pass) error {
	models := orm.Of(p.Repo)
	if len(models.Models) == 0 {
		p.NotApplicable("no SQLAlchemy or SQLModel models")
		return nil
	}
	for _, m := range models.Models {
		if m.Parent == nil {
			continue
		}
		root := m.Root()
		at := check.Location{File: m.File, Line: m.Line, Object: m.QualifiedTable()}
		switch {
		case root.Kind == orm.SQLModel && m.Parent.SQLModelTable:
			p.Report(check.Finding{Location: at,
				Message: fmt.Sprintf("SQLModel class %s inherits from the table model %s; inherit from a data model (table=False) both share instead",
					m.Class, m.Parent.Class),
				Related: []check.Location{{File: m.Parent.File, Line: m.Parent.Line, Note: "table model " + m.Parent.Class}}})
		case root.Opaque || root.PolymorphicOn != "" || root.Table == "":
		case !m.OwnTable():
			p.Report(check.Finding{Location: at,
				Message: fmt.Sprintf("%s shares %s's table %s (single-table inheritance), but %s declares no discriminator (__mapper_args__ polymorphic_on): queries cannot tell %s rows from the others",
					m.Class, root.Class, root.QualifiedTable(), root.Class, m.Class),
				Related: []check.Location{{File: root.File, Line: root.Line, Note: "base model " + root.Class}}})
		default:
			p.Report(check.Finding{Location: at,
				Message: fmt.Sprintf("%s extends %s with joined-table inheritance, but %s declares no discriminator (__mapper_args__ polymorphic_on): querying %s returns plain %s objects for %s rows",
					m.Class, root.Class, root.Class, root.Class, root.Class, m.Class),
				Related: []check.Location{{File: root.File, Line: root.Line, Note: "base model " + root.Class}}})
		}
	}
	return nil
}
