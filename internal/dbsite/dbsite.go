// Package dbsite finds where a repository's code connects to Postgres:
// the calls that build an engine, a pool or a connection (SQLAlchemy,
// psycopg, asyncpg, pgx, database/sql...), with the connection string each
// one uses followed to its value. Several checks (pool settings, TLS,
// lifecycle, timeouts, host resolution) read the same sites, so they are
// found once per repository.
package dbsite

import (
	"path"
	"strings"

	"github.com/pgreview/pgreview/internal/pgurl"
	"github.com/pgreview/pgreview/internal/python"
	"github.com/pgreview/pgreview/internal/repo"
)

// Site is one call that connects to the database.
type Site struct {
	File string
	Line int
	// API names what is called: "sqlalchemy.create_engine",
	// "asyncpg.create_pool", "pgxpool.New", "sql.Open".
	API string
	// Pool is true for engines and pools (connections are reused), false
	// for a single connection.
	Pool  bool
	Async bool
	// Test: the site is in test code. Migrations: in a migration tool's
	// environment (alembic/env.py). Checks about the application skip both.
	Test       bool
	Migrations bool

	// URL is the connection string argument, followed to its value
	// (Python); nil when the call takes none (engine_from_config, kwargs).
	URL *python.Value
	// Module and Call locate a Python site.
	Module *python.Module
	Call   *python.Call

	// Go is set for a Go site.
	Go *GoSite
}

// App reports whether the site is application code (not tests, not
// migrations).
func (s *Site) App() bool { return !s.Test && !s.Migrations }

// Conn parses the site's connection string with pgurl.Hole for every part
// that is not in the source; ok is false when there is none or it is not
// a Postgres URL or DSN.
func (s *Site) Conn() (pgurl.ConnString, bool) {
	var text string
	switch {
	case s.URL != nil:
		if s.URL.Kind == python.Unknown || s.URL.Kind == python.FromEnv && s.URL.Default == nil {
			return pgurl.ConnString{}, false
		}
		text = s.URL.Render(func(*python.Value) string { return pgurl.Hole })
	case s.Go != nil && s.Go.URL.Known:
		text = s.Go.URL.Text
	default:
		return pgurl.ConnString{}, false
	}
	return pgurl.Parse(text)
}

// Sites returns every connection site of the repository, Python first,
// in file order.
func Sites(r *repo.Repo) []*Site {
	return repo.Memo(r, "dbsite", func() []*Site {
		out := pythonSites(r)
		return append(out, goSites(r)...)
	})
}

// AppSites are the sites in application code.
func AppSites(r *repo.Repo) []*Site {
	var out []*Site
	for _, s := range Sites(r) {
		if s.App() {
			out = append(out, s)
		}
	}
	return out
}

// IsTestPath reports whether a file is test code or test configuration:
// tests/ and test/ directories, test_*.py, *_test.py, conftest.py,
// *_test.go, testdata/, and compose or config files named for tests or CI.
func IsTestPath(p string) bool {
	l := strings.ToLower(p)
	base := path.Base(l)
	for _, dir := range strings.Split(path.Dir(l), "/") {
		switch dir {
		case "tests", "test", "testing", "testdata", "spec", "e2e", "integration_tests", "fixtures":
			return true
		}
		// Go test-helper packages: httptest, enginetest, checktest.
		if strings.HasSuffix(base, ".go") && len(dir) > 4 && strings.HasSuffix(dir, "test") {
			return true
		}
	}
	return strings.HasPrefix(base, "test_") || strings.HasSuffix(base, "_test.py") || base == "conftest.py" ||
		strings.HasSuffix(base, "_test.go") || strings.Contains(base, ".test.") || strings.Contains(base, "-test.") ||
		strings.Contains(base, "_test.") || strings.Contains(base, ".ci.") || strings.Contains(base, "-ci.") ||
		base == "pytest.ini" || base == "tox.ini"
}

// IsMigrationPath reports whether a file belongs to a migration tool:
// alembic/ (env.py, versions), migrations/.
func IsMigrationPath(p string) bool {
	l := strings.ToLower(p)
	for _, dir := range strings.Split(path.Dir(l), "/") {
		if dir == "alembic" || dir == "migrations" || dir == "migration" || dir == "versions" {
			return true
		}
	}
	return false
}

// IsFixturePath reports whether a file is a fixture of the repository's
// own tests (under testdata/ or fixtures/): sample input, not the
// repository's configuration.
func IsFixturePath(p string) bool {
	for _, dir := range strings.Split(path.Dir(strings.ToLower(p)), "/") {
		if dir == "testdata" || dir == "fixtures" || dir == "__fixtures__" {
			return true
		}
	}
	return false
}
