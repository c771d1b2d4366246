package models

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pgreview/pgreview/internal/catalog"
	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/locate"
	"github.com/pgreview/pgreview/internal/orm"
)

// RelationshipWithoutFK finds ORM relationships between tables that no
// foreign key links in the schema.
var RelationshipWithoutFK = &check.Check{
	Name:     "relationship-without-fk",
	Item:     "5.2",
	Severity: check.Important,
	Needs:    check.NeedsCatalog,
	Doc: `A relationship in the models should be backed by a foreign key in the schema.

SQLAlchemy builds a relationship's join from the ForeignKey declared on the
model's column, whether or not the migrations created the constraint. When
they did not, the application works but the database accepts orphans:
children pointing at deleted or never-existing parents. Add the foreign
key in a migration (ADD CONSTRAINT ... FOREIGN KEY ... NOT VALID, then
VALIDATE CONSTRAINT, to avoid a long lock). Relationships with an explicit
primaryjoin, foreign_keys or viewonly, and tables the schema does not have
(see model-schema-drift), are not judged.`,
	Run: runRelationshipWithoutFK,
}

func runRelationshipWithoutFK(p *check.Pass) error {
	loc := locate.New(p)
	models := loc.Models()
	if len(models.Models) == 0 {
		p.NotApplicable("no SQLAlchemy or SQLModel models")
		return nil
	}
	linked := fkLinks(p.Catalog)
	reported := map[[2]uint32]bool{}
	for _, m := range sortedModels(models) {
		from := tableOf(p.Catalog, m)
		if from == nil {
			continue
		}
		for _, r := range m.Relationships {
			target := models.ByClass(r.Target)
			if r.ExplicitJoin || target == nil {
				continue
			}
			to := tableOf(p.Catalog, target)
			if to == nil {
				continue
			}
			at := check.Location{File: m.File, Line: r.Line, Object: from.QualifiedName()}
			if r.Secondary != "" {
				assoc := secondaryTable(p.Catalog, models, r.Secondary)
				if assoc == nil {
					continue
				}
				for _, end := range []*catalog.Table{from, to} {
					if !linked[pair(assoc.OID, end.OID)] && !reported[pair(assoc.OID, end.OID)] {
						reported[pair(assoc.OID, end.OID)] = true
						at.Object = assoc.QualifiedName()
						p.Report(check.Finding{Location: at, Related: []check.Location{loc.Table(assoc)},
							Message: fmt.Sprintf("relationship %s.%s goes through %s, but no foreign key links %s to %s: nothing stops rows that point nowhere",
								m.Class, r.Attr, assoc.QualifiedName(), assoc.QualifiedName(), end.QualifiedName())})
					}
				}
				continue
			}
			key := pair(from.OID, to.OID)
			if linked[key] || reported[key] {
				continue
			}
			reported[key] = true
			msg := fmt.Sprintf("relationship %s.%s links %s and %s, but the schema has no foreign key between them: nothing stops orphaned rows",
				m.Class, r.Attr, from.QualifiedName(), to.QualifiedName())
			fix := ""
			if col, ref := declaredFK(m, target); col != "" {
				msg += fmt.Sprintf(" (the model declares %s → %s; the migrations never created it)", col, ref)
				fix = fmt.Sprintf("ALTER TABLE %s ADD FOREIGN KEY (%s) REFERENCES %s NOT VALID; then ALTER TABLE ... VALIDATE CONSTRAINT",
					from.QualifiedName(), col, ref)
			} else if col, ref := declaredFK(target, m); col != "" {
				msg += fmt.Sprintf(" (the model %s declares %s → %s; the migrations never created it)", target.Class, col, ref)
				fix = fmt.Sprintf("ALTER TABLE %s ADD FOREIGN KEY (%s) REFERENCES %s NOT VALID; then ALTER TABLE ... VALIDATE CONSTRAINT",
					to.QualifiedName(), col, ref)
			}
			p.Report(check.Finding{Location: at, Message: msg, Fix: fix, Related: []check.Location{loc.Table(from), loc.Table(to)}})
		}
	}
	return nil
}

func pair(a, b uint32) [2]uint32 {
	if a > b {
		a, b = b, a
	}
	return [2]uint32{a, b}
}

// fkLinks are the table pairs a foreign key links, either way.
func fkLinks(s *catalog.Snapshot) map[[2]uint32]bool {
	out := map[[2]uint32]bool{}
	for _, c := range s.Constraints {
		if c.Type == "f" {
			out[pair(c.TableOID, c.RefTableOID)] = true
		}
	}
	return out
}

// tableOf is the live table a model maps: its own, or its root's for
// single-table inheritance.
func tableOf(s *catalog.Snapshot, m *orm.Model) *catalog.Table {
	q := m.QualifiedTable()
	if q == "" {
		return nil
	}
	schema, name, _ := strings.Cut(q, ".")
	return s.TableNamed(schema, name)
}

// secondaryTable resolves relationship(secondary=...): a Core Table's
// variable, or a table name.
func secondaryTable(s *catalog.Snapshot, models *orm.Set, secondary string) *catalog.Table {
	for _, m := range models.Models {
		if m.Kind == orm.Core && m.Class == secondary {
			return tableOf(s, m)
		}
	}
	schema, name, ok := strings.Cut(secondary, ".")
	if !ok {
		schema, name = "public", secondary
	}
	return s.TableNamed(schema, name)
}

// declaredFK finds a column of m whose ForeignKey points at target's table.
func declaredFK(m, target *orm.Model) (column, ref string) {
	for _, c := range m.Columns {
		for _, fk := range c.ForeignKeys {
			table, col := splitFK(fk)
			if table == target.Table || table == target.QualifiedTable() {
				return c.Name, fmt.Sprintf("%s (%s)", target.QualifiedTable(), col)
			}
		}
	}
	return "", ""
}

// splitFK splits "users.id" or "auth.users.id" into table and column.
func splitFK(fk string) (table, column string) {
	i := strings.LastIndex(fk, ".")
	if i < 0 {
		return fk, ""
	}
	return fk[:i], fk[i+1:]
}

func sortedModels(s *orm.Set) []*orm.Model {
	out := append([]*orm.Model(nil), s.Models...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].File != out[j].File {
			return out[i].File < out[j].File
		}
		return out[i].Line < out[j].Line
	})
	return out
}
