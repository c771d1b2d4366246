package monitoring

import (
	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/locate"
	"github.com/pgreview/pgreview/internal/checks/serverconf"
)

// PgStatStatements checks that query statistics are collected:
// pg_stat_statements preloaded and created, or tracing instrumentation.
var PgStatStatements = &check.Check{
	Name:     "pg-stat-statements",
	Item:     "9.1",
	Severity: check.Info,
	Needs:    check.NeedsCatalog,
	Doc: `Collect query statistics with pg_stat_statements.

pg_stat_statements records how often each query runs and how long it
takes; it is the first place to look when the database is slow. It works
only when the server preloads it (shared_preload_libraries =
'pg_stat_statements') and the extension is created in the database
(CREATE EXTENSION pg_stat_statements). The preload is read from the
repository (compose command, postgresql.conf, a Postgres Dockerfile,
ALTER SYSTEM); the extension from the migrated schema and from init
scripts. A repository that preloads it but never creates it is reported.
Managed services often preload it in their own configuration, so a missing
preload is left for a human to confirm. OpenTelemetry database
instrumentation counts as evidence too.`,
	Run: runPgStatStatements,
}

var instrumentation = []string{
	"opentelemetry-instrumentation-sqlalchemy", "opentelemetry-instrumentation-psycopg2", "opentelemetry-instrumentation-psycopg",
	"opentelemetry-instrumentation-asyncpg", "github.com/exaring/otelpgx", "github.com/XSAM/otelsql",
	"go.opentelemetry.io/contrib/instrumentation/database/sql",
}

func runPgStatStatements(p *check.Pass) error {
	const ext = "pg_stat_statements"
	preloaded := serverconf.Read(p.Repo).Libraries("shared_preload_libraries", ext)
	var created check.Location
	isCreated := false
	if p.Catalog.Extension(ext) != nil {
		created, isCreated = locate.New(p).Object("extension "+ext, "extension:"+ext), true
	} else {
		created, isCreated = serverconf.CreatesExtension(p.Repo, ext)
	}
	for _, s := range preloaded {
		p.Evidence(s.At, "pg_stat_statements is preloaded (%s)", s.Describe())
	}
	if isCreated {
		p.Evidence(created, "the pg_stat_statements extension is created")
	}
	if d, ok := p.Repo.FindDependency(instrumentation...); ok {
		p.Evidence(check.Location{File: d.File, Line: d.Line}, "%s traces database queries", d.Name)
	}
	switch {
	case len(preloaded) > 0 && !isCreated:
		p.Report(check.Finding{Location: preloaded[0].At,
			Message: "pg_stat_statements is preloaded but the extension is never created, so its statistics cannot be queried",
			Fix:     "CREATE EXTENSION IF NOT EXISTS pg_stat_statements; in a migration or an init script"})
	case len(preloaded) == 0 && isCreated:
		p.Manual("pg_stat_statements is created but nothing in the repository preloads it; check that the production server has it in shared_preload_libraries, or querying it fails")
	case len(preloaded) == 0 && !isCreated:
		if _, ok := p.Repo.FindDependency(instrumentation...); !ok {
			p.Manual("pg_stat_statements is neither preloaded nor created in the repository; check that production collects query statistics (managed services usually enable it)")
		}
	}
	return nil
}
