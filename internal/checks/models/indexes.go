package models

import (
	"fmt"
	"strings"

	"github.com/pgreview/pgreview/internal/catalog"
)

// keyOf is what makes two indexes serve the same lookups: method, key
// columns (names or expressions) with their operator classes, collations
// and ordering, INCLUDE columns and predicate. Uniqueness is left out: a
// unique index serves every lookup a plain one with the same key does.
func keyOf(ix *catalog.Index) string {
	return strings.Join([]string{
		ix.Method,
		strings.Join(ix.ColumnDefs[:ix.KeyColumns], "\x00"),
		fmt.Sprint(ix.OpClasses), fmt.Sprint(ix.Collations), fmt.Sprint(ix.Options),
		strings.Join(ix.ColumnDefs[ix.KeyColumns:], "\x00"),
		ix.Predicate,
	}, "\x01")
}

// keyColumns is the index's key columns, for messages: "(a, lower(b))".
func keyColumns(ix *catalog.Index) string {
	return "(" + strings.Join(ix.ColumnDefs[:ix.KeyColumns], ", ") + ")"
}

// indexColumns is the index's key and INCLUDE columns: "(a) INCLUDE (b)".
func indexColumns(ix *catalog.Index) string {
	s := keyColumns(ix)
	if len(ix.ColumnDefs) > ix.KeyColumns {
		s += " INCLUDE (" + strings.Join(ix.ColumnDefs[ix.KeyColumns:], ", ") + ")"
	}
	return s
}

// indexRole says what an index is, for messages.
func indexRole(ix *catalog.Index) string {
	switch {
	case ix.Primary:
		return "the primary key"
	case ix.Constraint != 0:
		return "the unique constraint " + ix.Name
	case ix.Unique:
		return "the unique index " + ix.QualifiedName()
	}
	return "the index " + ix.QualifiedName()
}

// dropFix is how to remove a redundant index, or the constraint it backs.
func dropFix(t *catalog.Table, ix *catalog.Index) string {
	if ix.Constraint != 0 {
		return fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT %s;", qualifiedIdent(t.Schema, t.Name), quoteIdent(ix.Name))
	}
	return fmt.Sprintf("DROP INDEX CONCURRENTLY %s;", qualifiedIdent(ix.Schema, ix.Name))
}

// reviewableTables lists the tables whose indexes and columns checks
// judge: not partitions (their partitioned table is judged instead).
func reviewableTables(s *catalog.Snapshot) []*catalog.Table {
	var out []*catalog.Table
	for _, t := range s.Tables {
		if !t.Partition {
			out = append(out, t)
		}
	}
	return out
}
