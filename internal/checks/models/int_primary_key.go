package models

import (
	"fmt"
	"strings"

	"github.com/pgreview/pgreview/internal/catalog"
	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/locate"
)

// IntPrimaryKey finds generated primary keys of type integer or smallint
// (serial, smallserial, integer identity).
var IntPrimaryKey = &check.Check{
	Name:     "int-primary-key",
	Item:     "5.4",
	Severity: check.Good,
	Needs:    check.NeedsCatalog,
	Doc: `Generated primary keys should be bigint.

A serial or integer identity key stops at 2,147,483,647 values ever
generated (rolled-back inserts and deletes use values too), and at that
point every insert fails. Changing the type later rewrites the table and
every table that references it. SQLAlchemy's Integer primary keys create
serial columns; use BigInteger (or "id bigint GENERATED ALWAYS AS IDENTITY").
Keys without a sequence or identity, such as codes assigned by hand, are
not reported.`,
	Run: runIntPrimaryKey,
}

func runIntPrimaryKey(p *check.Pass) error {
	loc := locate.New(p)
	for _, t := range reviewableTables(p.Catalog) {
		pk := p.Catalog.PrimaryKey(t.OID)
		if pk == nil {
			continue
		}
		for _, num := range pk.Columns {
			c := t.Column(num)
			if c == nil || (c.BaseTypeOID != oidInt4 && c.BaseTypeOID != oidInt2) || !generated(c) {
				continue
			}
			kind := c.Type + " identity"
			if c.Identity == "" {
				kind = map[uint32]string{oidInt4: "serial (integer)", oidInt2: "smallserial (smallint)"}[c.BaseTypeOID]
			}
			msg := fmt.Sprintf("primary key %s.%s is a %s: it runs out after %s values; use bigint",
				t.QualifiedName(), c.Name, kind, map[uint32]string{oidInt4: "2,147,483,647", oidInt2: "32,767"}[c.BaseTypeOID])
			if refs := referencing(p.Catalog, t, num); len(refs) > 0 {
				msg += fmt.Sprintf(" (and the columns that reference it: %s)", strings.Join(refs, ", "))
			}
			fix := fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s TYPE bigint; (rewrites the table)", qualifiedIdent(t.Schema, t.Name), quoteIdent(c.Name))
			if c.Identity == "" {
				fix += "; also ALTER SEQUENCE ... AS bigint"
			}
			p.Report(columnFinding(loc, t, c, msg, fix))
		}
	}
	return nil
}

// generated: the column's values come from a sequence or identity.
func generated(c *catalog.Column) bool {
	return c.Identity != "" || strings.HasPrefix(c.Default, "nextval(")
}

// referencing lists the foreign key columns that reference column num of t.
func referencing(s *catalog.Snapshot, t *catalog.Table, num int16) []string {
	var out []string
	for _, fk := range s.Constraints {
		if fk.Type != "f" || fk.RefTableOID != t.OID || fk.ParentOID != 0 {
			continue
		}
		child := s.Table(fk.TableOID)
		for i, rc := range fk.RefColumns {
			if rc == num && i < len(fk.Columns) && child != nil {
				if c := child.Column(fk.Columns[i]); c != nil {
					out = append(out, child.QualifiedName()+"."+c.Name)
				}
			}
		}
	}
	return out
}
