package security

import (
	"go/ast"
	"go/token"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/python"
	"github.com/pgreview/pgreview/internal/repo"
)

// appUser is a role the application connects as, and where the repo says so.
type appUser struct {
	Name string
	At   check.Location
}

// urlUser reads the user of a PostgreSQL URL: postgresql+psycopg://app:pw@db/x.
// Placeholders ({…}, ${VAR}) are not users.
var urlUser = regexp.MustCompile(`^(?:postgres|postgresql)(?:\+[a-z0-9_]+)?://([A-Za-z_][A-Za-z0-9_.-]*)(?::[^@/]*)?@`)

// userKeys are environment variables that name the application's role.
var userKeys = map[string]bool{"DB_USER": true, "DB_USERNAME": true, "DATABASE_USER": true, "PGUSER": true, "POSTGRES_APP_USER": true}

// testCompose matches compose files for tests and CI, which run against
// throwaway databases: docker-compose.test.yml, compose.ci.yaml.
var testCompose = regexp.MustCompile(`(?i)[._-](test|tests|ci|e2e)[._-]`)

// migrationRole matches variables and services that run migrations or
// administration as the schema's owner, not the application.
var migrationRole = regexp.MustCompile(`(?i)migrat|alembic|flyway|liquibase|goose|dbmate|sqitch|admin|owner|superuser|root|ddl`)

// appUsers finds the roles the application connects as: users in the
// database URLs of the compose app services, .env files and code, and
// user variables of the app services. Test code, and variables and
// services that run migrations (MIGRATE_DATABASE_URL, a migrate service),
// are left out: they connect to throwaway databases or as the owner.
func appUsers(r *repo.Repo) []appUser {
	var out []appUser
	db := r.DBService()
	for _, cf := range r.Compose() {
		if isTestPath(cf.Path) || testCompose.MatchString(path.Base(cf.Path)) {
			continue
		}
		for _, s := range cf.Services {
			if db != nil && s.Name == db.Name || repo.IsPostgresImage(s.ImageRef()) || migrationRole.MatchString(s.Name+" "+s.ImageRef()) {
				continue
			}
			for _, e := range s.Environment {
				if migrationRole.MatchString(e.Key) {
					continue
				}
				v, _ := s.Interpolate(e.Raw)
				if u := userOf(e.Key, v); u != "" {
					out = append(out, appUser{u, check.Location{File: s.File, Line: e.Line}})
				}
			}
		}
	}
	for _, ef := range r.EnvFiles() {
		if isTestPath(ef.Path) {
			continue
		}
		for _, v := range ef.Vars {
			if migrationRole.MatchString(v.Key) {
				continue
			}
			if u := userOf(v.Key, v.Raw); u != "" {
				out = append(out, appUser{u, check.Location{File: ef.Path, Line: v.Line}})
			}
		}
	}
	for _, m := range r.Python() {
		if isTestPath(m.Path) || strings.HasPrefix(m.Path, "alembic/") || strings.Contains(m.Path, "/alembic/") {
			continue
		}
		for _, e := range pythonStrings(m) {
			if u := userOf("", e.Value); u != "" {
				out = append(out, appUser{u, check.Location{File: m.Path, Line: e.Line}})
			}
		}
	}
	for _, g := range r.Go() {
		if g.Test {
			continue
		}
		ast.Inspect(g.AST, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			if s, err := strconv.Unquote(lit.Value); err == nil {
				if u := userOf("", s); u != "" {
					out = append(out, appUser{u, check.Location{File: g.Path, Line: g.Line(lit.Pos())}})
				}
			}
			return true
		})
	}
	sort.SliceStable(out, func(i, j int) bool { return rank(out[i].At.File) < rank(out[j].At.File) })
	return out
}

// rank orders where a user is found: compose first, then .env, then code.
func rank(file string) int {
	switch repo.KindOf(file) {
	case repo.KindCompose:
		return 0
	case repo.KindEnv:
		return 1
	}
	return 2
}

func userOf(key, value string) string {
	if userKeys[strings.ToUpper(key)] && value != "" && !strings.ContainsAny(value, "${}") {
		return value
	}
	if m := urlUser.FindStringSubmatch(strings.TrimSpace(value)); m != nil {
		return m[1]
	}
	return ""
}

// pythonStrings lists the string and f-string literals assigned or passed
// as arguments in a module.
func pythonStrings(m *python.Module) []*python.Expr {
	var out []*python.Expr
	var visit func(e *python.Expr)
	visit = func(e *python.Expr) {
		if e == nil {
			return
		}
		switch e.Kind {
		case python.Str, python.FString:
			out = append(out, e)
		case python.BinOp:
			visit(e.Left)
		}
	}
	for _, a := range m.Assigns {
		visit(a.Value)
	}
	for _, c := range m.Calls {
		for _, a := range c.Args {
			visit(a)
		}
		for _, k := range c.Kwargs {
			visit(k.Value)
		}
	}
	return out
}

func isTestPath(p string) bool {
	base := path.Base(p)
	return strings.HasPrefix(p, "tests/") || strings.HasPrefix(p, "test/") || strings.Contains(p, "/tests/") ||
		strings.HasPrefix(base, "test_") || strings.HasSuffix(base, "_test.py") || base == "conftest.py" || strings.HasSuffix(base, "_test.go")
}

// imageSuperuser is the superuser the db service's image creates, and
// where it is named: POSTGRES_USER in the official image and its
// derivatives (postgres when unset); bitnami's is always postgres.
func imageSuperuser(r *repo.Repo) (string, check.Location) {
	db := r.DBService()
	if db == nil {
		return "", check.Location{}
	}
	at := check.Location{File: db.File, Line: db.Line}
	if strings.Contains(db.Image, "bitnami/") {
		return "postgres", at
	}
	if e, ok := db.Env("POSTGRES_USER"); ok {
		v, ok := db.Interpolate(e.Raw)
		if !ok || v == "" {
			return "", check.Location{} // supplied at run time
		}
		return v, check.Location{File: db.File, Line: e.Line}
	}
	return "postgres", at
}
