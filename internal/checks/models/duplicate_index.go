package models

import (
	"fmt"

	"github.com/pgreview/pgreview/internal/catalog"
	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/locate"
)

// DuplicateIndex finds indexes identical to another index of the table,
// including those that repeat the primary key or a unique constraint.
var DuplicateIndex = &check.Check{
	Name:     "duplicate-index",
	Item:     "5.3",
	Severity: check.Important,
	Needs:    check.NeedsCatalog,
	Doc: `An index identical to another one only costs: drop it.

Two indexes with the same method, key columns (or expressions), operator
classes, ordering, INCLUDE columns and predicate serve exactly the same
lookups, yet every INSERT and UPDATE writes both, and both take memory and
disk. The usual cause is an explicit index on a column that a PRIMARY KEY
or UNIQUE constraint already indexes (SQLAlchemy index=True next to
unique=True or primary_key=True). A plain index that repeats a unique one
is redundant too. The finding names the one to drop: the plain index
rather than the unique one, the newer rather than the older.`,
	Run: runDuplicateIndex,
}

func runDuplicateIndex(p *check.Pass) error {
	loc := locate.New(p)
	for _, t := range reviewableTables(p.Catalog) {
		seen := map[string]*catalog.Index{}
		for _, ix := range p.Catalog.IndexesOf(t.OID) {
			if !ix.Valid {
				continue // see invalid-index
			}
			k := keyOf(ix)
			other, dup := seen[k]
			if !dup {
				seen[k] = ix
				continue
			}
			drop, keep := redundantOf(ix, other)
			seen[k] = keep
			p.Report(check.Finding{
				Location: loc.Index(t, drop),
				Message: fmt.Sprintf("%s on %s %s duplicates %s: drop it",
					indexRole(drop), t.QualifiedName(), keyColumns(drop), indexRole(keep)),
				Fix:     dropFix(t, drop),
				Related: []check.Location{loc.Index(t, keep).WithNote("kept")},
			})
		}
	}
	return nil
}

// redundantOf picks which of two identical indexes to drop: never the
// primary key; a plain index before a unique one; an index before a
// constraint's; otherwise the newer one.
func redundantOf(a, b *catalog.Index) (drop, keep *catalog.Index) {
	rank := func(ix *catalog.Index) int {
		switch {
		case ix.Primary:
			return 3
		case ix.Constraint != 0:
			return 2
		case ix.Unique:
			return 1
		}
		return 0
	}
	ra, rb := rank(a), rank(b)
	switch {
	case ra < rb:
		return a, b
	case rb < ra:
		return b, a
	case a.OID > b.OID:
		return a, b
	}
	return b, a
}
