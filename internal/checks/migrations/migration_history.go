package migrations

import (
	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/migrate"
)

// MigrationHistory reports defects of the history itself: several Alembic
// heads, broken down_revision chains, duplicate versions or revision IDs,
// downs without ups, files the tool ignores.
var MigrationHistory = &check.Check{
	Name:     "migration-history",
	Item:     "4.2",
	Severity: check.Important,
	Doc: `The migration history is inconsistent.

Several heads, a down_revision that points nowhere, a cycle or a version
used twice stop the tool: the history cannot be applied (critical). A file
the tool silently ignores (a misnamed up/down pair) applies differently from
what its author meant (important).`,
	Run: runMigrationHistory,
}

func runMigrationHistory(p *check.Pass) error {
	if p.Migrations == nil {
		p.NotApplicable("no migrations found")
		return nil
	}
	for _, pr := range p.Migrations.Problems {
		if pr.Kind == migrate.ProblemEdited || pr.Kind == migrate.ProblemOutOfOrder || pr.Kind == migrate.ProblemReordered {
			continue
		}
		f := check.Finding{Location: check.Location{File: pr.File, Line: pr.Line}, Message: pr.Message}
		if pr.Kind.Blocking() {
			f.Severity = check.Critical
		}
		p.Report(f)
	}
	return nil
}
