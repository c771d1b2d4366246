package migrations

import (
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/migrate"
)

// hazardCheck is a check that reports one kind of lock hazard: from the
// trace of the applied history when a database ran, from the SQL alone
// for the migrations that did not run (or when no database ran).
func hazardCheck(name string, kind migrate.HazardKind, doc, fix string) *check.Check {
	return &check.Check{
		Name:     name,
		Item:     "4.5",
		Severity: check.Important,
		Needs:    check.PrefersMigrations,
		Doc:      doc,
		Run: func(p *check.Pass) error {
			if p.Migrations == nil {
				p.NotApplicable("no migrations found")
				return nil
			}
			for _, h := range hazards(p) {
				if h.Kind != kind {
					continue
				}
				msg := h.Migration + " " + h.What
				if !h.Traced && p.Applied == nil {
					from := "the SQL"
					if strings.HasSuffix(h.File, ".py") {
						from = "the revision's op calls"
					}
					msg += " (read from " + from + "; no database ran)"
				}
				p.Report(check.Finding{Location: check.Location{File: h.File, Line: h.Line}, Message: msg, Fix: fix,
					Related: []check.Location{{Object: h.Table, Note: "table"}}})
			}
			return nil
		},
	}
}

func hazards(p *check.Pass) []migrate.Hazard { return p.Migrations.Hazards(p.Applied) }
