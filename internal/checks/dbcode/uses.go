package dbcode

import (
	"path"
	"regexp"
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/repo"
)

// postgresDependencies are packages that mean the code talks to Postgres.
var postgresDependencies = []string{
	"psycopg", "psycopg-binary", "psycopg-pool", "psycopg2", "psycopg2-binary", "asyncpg", "pg8000", "aiopg",
	"sqlalchemy", "sqlmodel", "flask-sqlalchemy", "alembic", "databases",
	"github.com/jackc/pgx/", "github.com/lib/pq", "github.com/jmoiron/sqlx", "gorm.io/driver/postgres",
	"github.com/uptrace/bun/dialect/pgdialect", "github.com/golang-migrate/migrate/", "github.com/pressly/goose/",
}

// Database says where the repository shows that it uses Postgres: its
// compose database service, else the first database dependency. ok is
// false when nothing does.
func Database(r *repo.Repo) (file string, line int, ok bool) {
	if db := r.DBService(); db != nil {
		return db.File, db.Line, true
	}
	if d, found := r.FindDependency(postgresDependencies...); found {
		return d.File, d.Line, true
	}
	for _, pm := range PythonIndex(r).Modules {
		if pm.ImportsAny(dbLibraries...) {
			for _, imp := range pm.Imports {
				for _, lib := range dbLibraries {
					if imp.Qualified == lib || len(imp.Qualified) > len(lib) && imp.Qualified[:len(lib)+1] == lib+"." {
						return pm.Path, imp.Line, true
					}
				}
			}
		}
	}
	for _, f := range GoIndex(r).Files {
		for _, fn := range f.Funcs {
			if len(fn.Calls) > 0 {
				return f.Path, fn.Calls[0].Line, true
			}
		}
	}
	return "", 0, false
}

// NoDatabase marks the check n/a when the repository does not use
// Postgres at all (Database finds nothing), and reports whether it did.
func NoDatabase(p *check.Pass) bool {
	if _, _, ok := Database(p.Repo); ok {
		return false
	}
	p.NotApplicable("the repository does not use PostgreSQL")
	return true
}

// releaseNotes are documents about past changes, not about how to run the
// service: their headings ("Performance improvements") are no guide.
var releaseNotes = regexp.MustCompile(`(?i)^(changelog|changes|history|news|releases?|release[-_ ]notes|code[-_]of[-_]conduct|license|licence|authors|contributors)(\.|$)`)

// IsReleaseNotes reports whether a document is a changelog or similar.
func IsReleaseNotes(p string) bool { return releaseNotes.MatchString(path.Base(p)) }

// IsExample reports whether a file is example or demo code of a library,
// not the application itself.
func IsExample(p string) bool {
	for _, dir := range strings.Split(path.Dir(strings.ToLower(p)), "/") {
		switch dir {
		case "example", "examples", "_examples", "demo", "demos", "sample", "samples", "_example":
			return true
		}
	}
	return false
}
