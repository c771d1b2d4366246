package migrations

import (
	"strconv"
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/migrate"
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
failing one were not applied, so live checks see a partial schema.

The init scripts the compose db service mounts at /docker-entrypoint-initdb.d
run first, as the image runs them: one that fails is critical (the image
would not start). A history that fails only because those scripts already
created what it creates (a schema dump mounted for development) is
important: the review applies it without them and says so.`,
	Run: runMigrationFails,
}

func runMigrationFails(p *check.Pass) error {
	if c := p.Applied.SetupConflict; c != nil {
		p.Report(check.Finding{Location: failedAt(c.Failure), Severity: check.Important,
			Message: "migration " + c.Failure.Migration + " fails on a database started by compose" + failedWith(c.Failure) +
				". The init scripts the image runs first (" + strings.Join(c.Scripts, ", ") + ") already create what it creates: " +
				"keep only what the history does not create (roles, extensions) in /docker-entrypoint-initdb.d, or do not migrate that database. " +
				"The review applied the history without those scripts"})
	}
	f := p.Applied.Failed
	if f == nil {
		if p.Migrations == nil {
			p.NotApplicable("no migrations found")
		}
		return nil
	}
	var msg string
	if f.InitScript {
		msg = "init script " + f.File + " fails" + failedWith(f) + ": the image would not start, so none of the history applied (" + plural(p.Applied.Found, "migration", "migrations") + ")"
	} else {
		msg = "migration " + f.Migration + " fails to apply" + failedWith(f)
		if skipped := p.Applied.Found - p.Applied.Applied - 1; skipped > 0 {
			msg += "; the " + plural(skipped, "later migration was", "later migrations were") + " not applied"
		}
	}
	p.Report(check.Finding{Location: failedAt(f), Message: msg})
	return nil
}

// failedWith is where and why f failed: " at `statement`: error (SQLSTATE)".
func failedWith(f *migrate.Failure) string {
	msg := ""
	if f.Statement != "" {
		msg += " at `" + f.Statement + "`"
	}
	msg += ": " + f.Error
	if f.SQLState != "" {
		msg += " (SQLSTATE " + f.SQLState + ")"
	}
	return msg
}

func failedAt(f *migrate.Failure) check.Location {
	at := check.Location{File: f.File, Line: f.Line}
	if at.File == "" { // a migrate command: no file of ours to point at
		at.Object = "migrate-command"
	}
	return at
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
