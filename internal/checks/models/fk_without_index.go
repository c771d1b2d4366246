package models

import (
	"strings"

	"github.com/pgreview/pgreview/internal/catalog"
	"github.com/pgreview/pgreview/internal/check"
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
	for _, fk := range p.Catalog.Constraints {
		if fk.Type != "f" {
			continue
		}
		t := p.Catalog.Table(fk.TableOID)
		if t == nil || coveredByIndex(p.Catalog.IndexesOf(t.OID), fk.Columns) {
			continue
		}
		cols := columnNames(t, fk.Columns)
		object := t.QualifiedName() + "." + strings.Join(cols, ",")
		ref := "?"
		if rt := p.Catalog.Table(fk.RefTableOID); rt != nil {
			ref = rt.QualifiedName()
		}
		p.Report(check.Finding{
			Location: ObjectLocation(p, object),
			Message: sprintf("foreign key %s on %s (%s) → %s has no index leading with its columns",
				fk.Name, t.QualifiedName(), strings.Join(cols, ", "), ref),
			Fix: sprintf("CREATE INDEX CONCURRENTLY %s ON %s (%s);",
				indexName(t.Name, cols), t.QualifiedName(), strings.Join(quoteAll(cols), ", ")),
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

func columnNames(t *catalog.Table, nums []int16) []string {
	var out []string
	for _, n := range nums {
		if c := t.Column(n); c != nil {
			out = append(out, c.Name)
		}
	}
	return out
}

func indexName(table string, cols []string) string {
	name := table + "_" + strings.Join(cols, "_") + "_idx"
	if len(name) > 63 {
		name = name[:63]
	}
	return name
}

func quoteAll(cols []string) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = quoteIdent(c)
	}
	return out
}

// quoteIdent quotes an identifier only when Postgres needs it to.
func quoteIdent(s string) string {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
		}
	}
	return s
}
