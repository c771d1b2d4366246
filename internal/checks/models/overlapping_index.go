package models

import (
	"fmt"
	"slices"

	"github.com/pgreview/pgreview/internal/catalog"
	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/locate"
)

// OverlappingIndex finds btree indexes whose key is a leading prefix of
// another index's key.
var OverlappingIndex = &check.Check{
	Name:     "overlapping-index",
	Item:     "5.3",
	Severity: check.Good,
	Needs:    check.NeedsCatalog,
	Doc: `An index whose columns lead another index is usually redundant.

A btree index on (a, b), or on (a) INCLUDE (b), answers every lookup and
ordering on (a) that an index on (a) alone does, so the smaller index
mostly adds write cost.
Only plain, valid btree indexes are judged, with the same predicate and the
same operator classes, collations and ordering on the shared columns; an
index that enforces uniqueness or a constraint is never called redundant.
Keep the smaller one only if measurements show it matters (it is smaller
and can be cheaper to scan).`,
	Run: runOverlappingIndex,
}

func runOverlappingIndex(p *check.Pass) error {
	loc := locate.New(p)
	for _, t := range reviewableTables(p.Catalog) {
		indexes := p.Catalog.IndexesOf(t.OID)
		for _, short := range indexes {
			if short.Unique || short.Constraint != 0 || !short.Valid || short.Method != "btree" || len(short.Columns) > short.KeyColumns {
				continue
			}
			for _, long := range indexes {
				if long == short || !covers(long, short) {
					continue
				}
				p.Report(check.Finding{
					Location: loc.Index(t, short),
					Message: fmt.Sprintf("index %s %s is covered by %s %s, which serves the same lookups: it is probably redundant",
						short.QualifiedName(), keyColumns(short), indexRole(long), indexColumns(long)),
					Fix:     dropFix(t, short),
					Related: []check.Location{loc.Index(t, long).WithNote("covering index")},
				})
				break
			}
		}
	}
	return nil
}

// covers: long is a valid btree whose key starts with short's key, with
// the same per-column settings and predicate, and has more columns (key
// or INCLUDE). short has no INCLUDE columns.
func covers(long, short *catalog.Index) bool {
	n := short.KeyColumns
	if !long.Valid || long.Method != "btree" || long.KeyColumns < n || len(long.Columns) <= n || long.Predicate != short.Predicate {
		return false
	}
	return slices.Equal(long.ColumnDefs[:n], short.ColumnDefs[:n]) &&
		slices.Equal(long.OpClasses[:n], short.OpClasses[:n]) &&
		slices.Equal(long.Collations[:n], short.Collations[:n]) &&
		slices.Equal(long.Options[:n], short.Options[:n])
}
