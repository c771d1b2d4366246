package models

import (
	"fmt"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/locate"
)

// NotValidConstraint finds constraints added NOT VALID and never validated.
var NotValidConstraint = &check.Check{
	Name:     "not-valid-constraint",
	Item:     "5.4",
	Severity: check.Good,
	Needs:    check.NeedsCatalog,
	Doc: `A constraint added NOT VALID should be validated in a later migration.

ADD CONSTRAINT ... NOT VALID is the safe way to add a foreign key or CHECK
to a busy table: it skips the scan of existing rows. But until VALIDATE
CONSTRAINT runs, rows written before it are unchecked, and the planner
cannot rely on a CHECK (constraint exclusion, NOT NULL proofs). Validate
it in a follow-up migration: ALTER TABLE ... VALIDATE CONSTRAINT takes only
a SHARE UPDATE EXCLUSIVE lock, so reads and writes go on.`,
	Run: runNotValidConstraint,
}

func runNotValidConstraint(p *check.Pass) error {
	loc := locate.New(p)
	for _, c := range p.Catalog.Constraints {
		t := p.Catalog.Table(c.TableOID)
		if c.Validated || c.ParentOID != 0 || !c.Local || t == nil {
			continue
		}
		p.Report(check.Finding{
			Location: loc.Constraint(t, c),
			Message: fmt.Sprintf("constraint %s on %s (%s) was added NOT VALID and never validated: rows written before it are not checked",
				c.Name, t.QualifiedName(), c.Definition),
			Fix: fmt.Sprintf("ALTER TABLE %s VALIDATE CONSTRAINT %s;", qualifiedIdent(t.Schema, t.Name), quoteIdent(c.Name)),
		})
	}
	return nil
}
