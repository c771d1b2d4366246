package models

import (
	"fmt"
	"strings"

	"github.com/pgreview/pgreview/internal/catalog"
	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/locate"
)

// FKWithoutIndex finds foreign keys whose columns do not lead a valid index.
var FKWithoutIndex = &check.Check{
	Name:     "fk-without-index",
	Item:     "5.2",
	Severity: check.Important,
	Needs:    check.NeedsCatalog,
	Doc: `Foreign key columns should lead a valid index.

Postgres indexes the referenced side of a foreign key (it must be unique)
but not the referencing side. Without an index there, every DELETE or key
UPDATE on the parent table scans the child table while holding locks, and
joins from parent to children scan too. An index counts when the foreign
key's columns, in any order, are its leading columns, it is valid and it is
not partial. Fix: CREATE INDEX CONCURRENTLY ON child (fk_columns).`,
	Run: runFKWithoutIndex,
}

func runFKWithoutIndex(p *check.Pass) error {
	loc := locate.New(p)
	for _, fk := range p.Catalog.Constraints {
		// A partition's copy of its parent's key is reported on the parent.
		if fk.Type != "f" || fk.ParentOID != 0 {
			continue
		}
		t := p.Catalog.Table(fk.TableOID)
		if t == nil || coveredByIndex(p.Catalog.IndexesOf(t.OID), fk.Columns) {
			continue
		}
		cols := columnNames(t, fk.Columns)
		ref := "?"
		if rt := p.Catalog.Table(fk.RefTableOID); rt != nil {
			ref = rt.QualifiedName()
		}
		var related []check.Location
		if len(cols) == 1 {
			related = loc.Model(t, cols[0])
		} else {
			related = loc.Model(t, "")
		}
		p.Report(check.Finding{
			Location: loc.Columns(t, cols),
			Message: fmt.Sprintf("foreign key %s on %s (%s) → %s has no index leading with its columns",
				fk.Name, t.QualifiedName(), strings.Join(cols, ", "), ref),
			Fix: fmt.Sprintf("CREATE INDEX CONCURRENTLY %s ON %s (%s);",
				indexName(t.Name, cols), qualifiedIdent(t.Schema, t.Name), strings.Join(quoteAll(cols), ", ")),
			Related: related,
		})
	}
	return nil
}

// coveredByIndex reports whether some valid, non-partial index has the
// columns as its leading key columns, in any order.
func coveredByIndex(indexes []*catalog.Index, cols []int16) bool {
	for _, ix := range indexes {
		if !ix.Valid || ix.Predicate != "" || ix.KeyColumns < len(cols) {
			continue
		}
		lead := map[int16]bool{}
		for _, c := range ix.Columns[:len(cols)] {
			lead[c] = true
		}
		all := true
		for _, c := range cols {
			if !lead[c] {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

func indexName(table string, cols []string) string {
	name := table + "_" + strings.Join(cols, "_") + "_idx"
	if len(name) > 63 {
		name = name[:63]
	}
	return name
}
