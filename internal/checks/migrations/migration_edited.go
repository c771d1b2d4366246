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
the base branch already has is judged by what its tool does where the base
ran: golang-migrate and sqitch skip it for good, goose and Flyway (without
outOfOrder) refuse to migrate, dbmate, Prisma and Flyway with outOfOrder
apply it after the later one, so migrated and new databases run the two in
different orders. An edited migration is critical, a skipped or refused one
important, one applied in another order info. This needs the base branch (pull request reviews: --base, or
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
			switch pr.Kind {
			case migrate.ProblemEdited:
				sev = check.Critical
			case migrate.ProblemReordered: // applied all the same
				sev = check.Info
			}
			p.Report(check.Finding{Location: check.Location{File: pr.File, Line: pr.Line}, Message: pr.Message, Severity: sev})
		}
		return nil
	},
}
