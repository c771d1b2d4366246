package models

import (
	"fmt"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/locate"
)

// InvalidIndex finds indexes left invalid by the migrations.
var InvalidIndex = &check.Check{
	Name:     "invalid-index",
	Item:     "5.3",
	Severity: check.Important,
	Needs:    check.NeedsCatalog,
	Doc: `No index should be left invalid.

An invalid index is never used by queries but, once ready, is still
maintained on every write. It is what a failed CREATE INDEX CONCURRENTLY
leaves behind, and what CREATE INDEX ... ON ONLY a partitioned table
leaves until an index of every partition is attached to it. A unique
invalid index does not enforce uniqueness. Fix: for a partitioned table,
ALTER INDEX parent_idx ATTACH PARTITION partition_idx for each partition;
otherwise DROP INDEX CONCURRENTLY and create it again (or REINDEX INDEX
CONCURRENTLY).`,
	Run: runInvalidIndex,
}

func runInvalidIndex(p *check.Pass) error {
	loc := locate.New(p)
	for _, ix := range p.Catalog.Indexes {
		t := p.Catalog.Table(ix.TableOID)
		if ix.Valid || t == nil {
			continue
		}
		msg := fmt.Sprintf("index %s on %s %s is invalid: queries do not use it", ix.QualifiedName(), t.QualifiedName(), keyColumns(ix))
		fix := fmt.Sprintf("DROP INDEX CONCURRENTLY %s; then create it again", qualifiedIdent(ix.Schema, ix.Name))
		if t.Kind == "p" {
			msg += ", because it was created ON ONLY the partitioned table and not every partition's index is attached to it"
			fix = fmt.Sprintf("ALTER INDEX %s ATTACH PARTITION <partition's index>; for each partition", qualifiedIdent(ix.Schema, ix.Name))
		}
		if ix.Unique {
			msg += "; it does not enforce uniqueness"
		}
		p.Report(check.Finding{Location: loc.Index(t, ix), Message: msg, Fix: fix})
	}
	return nil
}
