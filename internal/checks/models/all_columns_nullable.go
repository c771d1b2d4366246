package models

import (
	"fmt"
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/locate"
)

// AllColumnsNullable finds tables where every column but the primary key
// accepts NULL.
var AllColumnsNullable = &check.Check{
	Name:     "all-columns-nullable",
	Item:     "5.4",
	Severity: check.Good,
	Needs:    check.NeedsCatalog,
	Doc: `A table whose every non-key column is nullable is usually under-constrained.

A row can then be inserted with nothing but its key, and every reader has
to handle NULL everywhere. SQLAlchemy makes columns nullable unless told
otherwise (nullable=False), so this is often an oversight rather than a
decision. Add NOT NULL to the columns that must always have a value. Only
tables with a primary key and at least two other columns are judged;
generated columns are left out.`,
	Run: runAllColumnsNullable,
}

func runAllColumnsNullable(p *check.Pass) error {
	loc := locate.New(p)
	for _, t := range reviewableTables(p.Catalog) {
		pk := p.Catalog.PrimaryKey(t.OID)
		if pk == nil {
			continue // no-primary-key reports it
		}
		key := map[int16]bool{}
		for _, n := range pk.Columns {
			key[n] = true
		}
		var nullable []string
		others := 0
		for _, c := range t.Columns {
			if key[c.Num] || c.Generated != "" {
				continue
			}
			others++
			if !c.NotNull {
				nullable = append(nullable, c.Name)
			}
		}
		if others < 2 || len(nullable) < others {
			continue
		}
		p.Report(check.Finding{
			Location: loc.Table(t),
			Message: fmt.Sprintf("every column of %s except its primary key is nullable (%s): a row can hold nothing but its key; add NOT NULL where a value is required",
				t.QualifiedName(), strings.Join(nullable, ", ")),
			Related: loc.Model(t, ""),
		})
	}
	return nil
}
