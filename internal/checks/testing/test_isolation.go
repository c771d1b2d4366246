package testing

import (
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/dbcode"
	"github.com/pgreview/pgreview/internal/python"
)

// TestIsolation cites how tests are kept apart, and finds test suites
// that empty the application's database.
var TestIsolation = &check.Check{
	Name:     "test-isolation",
	Item:     "3.3",
	Severity: check.Important,
	Doc: `Isolate tests with a rolled-back transaction or a fresh database.

Tests that share rows depend on their order and fail at random. Give each
test a transaction that is rolled back at teardown (or a savepoint, or a
fresh database), so what it writes disappears:

  @pytest.fixture
  def session(engine):
      with engine.connect() as conn, conn.begin() as tx:
          yield Session(bind=conn, join_transaction_mode="create_savepoint")
          tx.rollback()

Emptying tables (TRUNCATE, DELETE FROM, drop_all) is also isolation, but
only on a database that belongs to the tests. When nothing in the
repository gives tests their own database, it empties whatever database
the application is configured for: a developer's data, or worse.`,
	Run: runTestIsolation,
}

func runTestIsolation(p *check.Pass) error {
	if dbcode.NoDatabase(p) {
		return nil
	}
	s := testSetup(p.Repo)
	if len(s.DBTests) == 0 && len(s.Wipes) == 0 {
		p.NotApplicable("no test uses the database")
		return nil
	}
	for _, w := range s.Wipes {
		if len(s.Throwaway) > 0 {
			p.Evidence(w.at(), "tables are emptied between tests on the tests' own database (%s)", w.What)
			continue
		}
		if !appDatabaseFromCode(p.Repo) {
			continue // the tests' database comes from a configuration they may swap
		}
		p.Reportf(w.at(), "the test suite runs %s, and nothing in the repository gives tests a database of their own: running the tests deletes the data of whatever database the application is configured for; roll back a per-test transaction instead, and run tests on a throwaway Postgres", w.What)
	}
	px := dbcode.PythonIndex(p.Repo)
	for _, pm := range px.Modules {
		if pm.Test && pm.DBAware {
			pythonIsolation(p, pm)
		}
	}
	for _, f := range dbcode.GoIndex(p.Repo).Files {
		if !f.Test {
			continue
		}
		for _, fn := range f.Funcs {
			for _, c := range fn.Calls {
				if c.Op == dbcode.OpRollback && (c.Deferred || fn.Lit != nil) {
					p.Evidence(at(f.Path, c.Line), "each test's transaction is rolled back (%s.Rollback)", c.Recv)
				}
			}
		}
	}
	for _, c := range s.Throwaway {
		if strings.HasPrefix(c.What, "pgtestdb") {
			p.Evidence(c.at(), "each test gets a fresh database (pgtestdb)")
		}
	}
	p.ManualUnlessCited("no per-test isolation found (a rolled-back transaction, savepoints, truncation or a fresh database per test)")
	return nil
}

// pythonIsolation cites fixtures that begin a transaction and roll it
// back, and savepoint sessions.
func pythonIsolation(p *check.Pass, pm *dbcode.PyModule) {
	for _, f := range pm.Funcs {
		if !fixture(pm.Module, f) {
			continue
		}
		begins, rollback := false, 0
		for _, c := range f.Calls {
			switch c.Method {
			case "begin", "begin_nested", "transaction":
				begins = true
			case "rollback":
				if len(c.Args) == 0 {
					rollback = c.Line
				}
			}
			if v := c.Kwarg("join_transaction_mode"); v != nil && strings.Contains(v.Value, "savepoint") {
				p.Evidence(at(pm.Path, v.Line), "fixture %s() joins tests to an outer transaction with savepoints", f.Name)
			}
		}
		for _, w := range pm.Withs {
			if w.Func != f {
				continue
			}
			for _, it := range w.Items {
				if it.Value != nil && it.Value.Kind == python.CallExpr && (it.Value.Call.Method == "begin" || it.Value.Call.Method == "transaction") {
					begins = true
				}
			}
		}
		if begins && rollback > 0 {
			p.Evidence(at(pm.Path, rollback), "fixture %s() rolls back each test's transaction", f.Name)
		}
	}
}

// fixture reports whether f is a pytest fixture.
func fixture(m *python.Module, f *python.Func) bool {
	for _, d := range f.Decorators {
		name := m.DecoratorName(d)
		if strings.HasSuffix(name, "pytest.fixture") || strings.HasSuffix(name, "pytest_asyncio.fixture") || name == "fixture" {
			return true
		}
	}
	return false
}
