package migrations

import (
	"strconv"

	"github.com/pgreview/pgreview/internal/check"
)

// MigrationFails reports a history that does not apply on an empty
// database of the target version.
var MigrationFails = &check.Check{
	Name:     "migration-fails",
	Item:     "4.5",
	Severity: check.Critical,
	Needs:    check.NeedsMigrations,
	Doc: `Every migration must apply on an empty database of the target version.

pgreview replays the whole history on the repo's own Postgres version. A
migration that fails here fails for every new environment: a new developer,
a CI database, a disaster-recovery rebuild. The finding points at the
statement, with Postgres' own error and SQLSTATE. Migrations after the
failing one were not applied, so live checks see a partial schema.`,
	Run: runMigrationFails,
}

func runMigrationFails(p *check.Pass) error {
	f := p.Applied.Failed
	if f == nil {
		if p.Migrations == nil {
			p.NotApplicable("no migrations found")
		}
		return nil
	}
	msg := "migration " + f.Migration + " fails to apply"
	if f.Statement != "" {
		msg += " at `" + f.Statement + "`"
	}
	msg += ": " + f.Error
	if f.SQLState != "" {
		msg += " (SQLSTATE " + f.SQLState + ")"
	}
	if skipped := p.Applied.Found - p.Applied.Applied - 1; skipped > 0 {
		msg += "; the " + plural(skipped, "later migration was", "later migrations were") + " not applied"
	}
	at := check.Location{File: f.File, Line: f.Line}
	if at.File == "" { // a migrate command: no file of ours to point at
		at.Object = "migrate-command"
	}
	p.Report(check.Finding{Location: at, Message: msg})
	return nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
