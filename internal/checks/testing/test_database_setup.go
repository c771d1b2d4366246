package testing

import (
	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/dbcode"
)

// TestDatabaseSetup finds database code without tests, and tests that run
// against whatever database the application is configured for.
var TestDatabaseSetup = &check.Check{
	Name:     "test-database-setup",
	Item:     "3.1",
	Severity: check.Important,
	Doc: `Test the database code against a throwaway Postgres.

Queries, constraints, transactions and migrations are where database bugs
live, and only a real Postgres exercises them. Tests should get their own
database, created for the run and thrown away after it, never the one the
application is configured for:

  # Python: pytest-postgresql, testcontainers, or py-pglite
  @pytest.fixture(scope="session")
  def engine():
      with PostgresContainer("postgres:16-alpine") as pg:
          yield create_engine(pg.get_connection_url())

  // Go: pgtestdb.New(t, conf, migrator), or testcontainers-go's postgres module

A CI job with a "services: postgres" container, or a compose service for
tests, also gives the suite its own database.`,
	Run: runTestDatabaseSetup,
}

func runTestDatabaseSetup(p *check.Pass) error {
	if dbcode.NoDatabase(p) {
		return nil
	}
	s := testSetup(p.Repo)
	for _, c := range s.Throwaway {
		p.Evidence(c.at(), "tests get their own Postgres: %s", c.What)
	}
	if len(s.Throwaway) > 0 {
		return nil
	}
	if len(s.DBTests) == 0 {
		file, line, ok := firstDBCode(p.Repo)
		if !ok {
			p.NotApplicable("no database code to test: the repository declares a database but no code uses it")
			return nil
		}
		p.Reportf(at(file, line), "no test uses the database: the queries, transactions and migrations are untested; add tests that run against a throwaway Postgres (testcontainers, pytest-postgresql, py-pglite, pgtestdb)")
		return nil
	}
	px := dbcode.PythonIndex(p.Repo)
	for _, t := range s.DBTests {
		if !appDatabaseFromCode(p.Repo) {
			break
		}
		pm := module(px, t.File)
		if pm == nil {
			continue
		}
		if src, line := appSessionSource(px, pm); src != "" {
			p.Reportf(at(t.File, line), "the test uses the application's own database access (%s), and nothing in the repository gives tests a Postgres of their own: the suite runs against whatever database the application is configured for; use a throwaway Postgres (testcontainers, pytest-postgresql, py-pglite) or a dedicated test database", src)
			return nil
		}
	}
	p.Manual("tests use the database, but nothing shows which one: no test containers, pytest-postgresql, py-pglite, CI service or test database URL; make sure they never run against a shared database")
	return nil
}

func module(px *dbcode.Python, path string) *dbcode.PyModule {
	for _, pm := range px.Modules {
		if pm.Path == path {
			return pm
		}
	}
	return nil
}

func at(file string, line int) check.Location { return check.Location{File: file, Line: line} }
