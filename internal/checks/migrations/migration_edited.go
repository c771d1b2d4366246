package migrations

import (
	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/migrate"
)

// MigrationEdited compares the history with the base branch: migrations
// edited after they were merged, and new migrations ordered before ones
// the base already has.
var MigrationEdited = &check.Check{
	Name:     "migration-edited",
	Item:     "4.2",
	Severity: check.Important,
	Doc: `A migration that exists on the base branch was changed, or a new one is ordered before it.

Migration tools record what they applied and never run a migration twice: an
edit to an applied migration reaches new databases but never the ones already
migrated, so environments drift apart. A new migration numbered before one
the base branch already has is skipped (or refused) where the base ran.
An edited migration is critical, a new one ordered before the base's is
important. This needs the base branch (pull request reviews: --base, or
the pull request's base commit in GitHub Actions).`,
	Run: func(p *check.Pass) error {
		if p.Migrations == nil {
			p.NotApplicable("no migrations found")
			return nil
		}
		if p.Migrations.Base == nil {
			p.NotApplicable("no base branch to compare with")
			return nil
		}
		content := func(file string) []byte {
			if f := p.Repo.File(file); f != nil {
				b, _ := f.Bytes()
				return b
			}
			return nil
		}
		for _, pr := range p.Migrations.BaseProblems(content) {
			// An edit never reaches the databases that ran the base
			// version: environments drift apart for good.
			sev := check.Important
			if pr.Kind == migrate.ProblemEdited {
				sev = check.Critical
			}
			p.Report(check.Finding{Location: check.Location{File: pr.File, Line: pr.Line}, Message: pr.Message, Severity: sev})
		}
		return nil
	},
}
