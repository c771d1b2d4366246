package testing

import (
	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/dbcode"
)

// IntegrationTestPostgres cites the real Postgres that integration tests
// run on, and finds tests that run on SQLite instead.
var IntegrationTestPostgres = &check.Check{
	Name:     "integration-test-postgres",
	Item:     "3.2",
	Severity: check.Important,
	Doc: `Run integration tests on a real Postgres of the production version.

SQLite (or a mock) accepts SQL that Postgres rejects and rejects what it
accepts: types, constraints, ON CONFLICT, locking, JSONB, time zones. Tests
that pass on SQLite prove little about the application on Postgres. Run
them on the same major version as production: a test container
(testcontainers), a compose service for tests, or a CI service container:

  services:
    postgres:
      image: postgres:16
      env: {POSTGRES_PASSWORD: postgres}
      options: >-
        --health-cmd pg_isready --health-interval 5s --health-retries 10

(Which major the tests run on is compared with the rest of the repository
by postgres-version-mismatch, item 7.1.)`,
	Run: runIntegrationTestPostgres,
}

func runIntegrationTestPostgres(p *check.Pass) error {
	if dbcode.NoDatabase(p) {
		return nil
	}
	s := testSetup(p.Repo)
	for _, c := range s.RealPostgres {
		p.Evidence(c.at(), "integration tests run on a real Postgres: %s", c.What)
	}
	px := dbcode.PythonIndex(p.Repo)
	for _, pm := range px.Modules {
		if !pm.Test || len(s.RealPostgres) > 0 {
			continue // SQLite next to real Postgres tests is an addition
		}
		for _, str := range pm.Strings {
			if sqliteURL.MatchString(str.Value) {
				p.Reportf(at(pm.Path, str.Line), "tests run on SQLite (%q) while the application runs on Postgres: types, constraints, ON CONFLICT and locking differ, so passing tests prove little; run them on a throwaway Postgres (testcontainers, pytest-postgresql)", str.Value)
			}
		}
	}
	p.ManualUnlessCited("no integration tests against a real Postgres found (testcontainers, a compose service for tests, a CI services: postgres container)")
	return nil
}
