package migrations

import "github.com/pgreview/pgreview/internal/check"

// MigrationNotReplayable says which migrations pgreview could not replay
// (goose Go migrations, init shell scripts): the review of 4.5 does not
// cover them.
var MigrationNotReplayable = &check.Check{
	Name:     "migration-not-replayable",
	Item:     "4.5",
	Severity: check.Info,
	Doc: `Some migrations cannot be replayed outside the repo's own program.

goose Go migrations run only inside the binary they are compiled into, and
init shell scripts run only inside the postgres image. pgreview applies the
rest of the history without them and says so, so that a later failure or a
missing object is read in that light.`,
	Run: func(p *check.Pass) error {
		if p.Migrations == nil {
			p.NotApplicable("no migrations found")
			return nil
		}
		for _, s := range p.Migrations.Skipped {
			p.Reportf(check.Location{File: s.File, Line: s.Line}, "%s", s.Reason)
		}
		return nil
	},
}
