package security

import (
	"fmt"
	"go/ast"
	"go/token"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/template"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/dbsite"
	"github.com/pgreview/pgreview/internal/pgurl"
	"github.com/pgreview/pgreview/internal/python"
	"github.com/pgreview/pgreview/internal/repo"
)

// CommittedCredentials finds database passwords written into the
// repository. Messages say where a password is, never what it is.
var CommittedCredentials = &check.Check{
	Name:     "committed-credentials",
	Item:     "8.1",
	Severity: check.Critical,
	Doc: `Keep database passwords out of the repository.

A password in a compose file, a committed .env, alembic.ini, a Dockerfile,
a CI workflow or a code default is readable by everyone with access to the repository,
its forks and its history, and it tends to reach production unchanged.
Well-known defaults (postgres, password, changethis) are the first thing
an attacker tries. Read passwords from the environment or a secret store:
"${POSTGRES_PASSWORD:?set it}" in compose, os.environ["DB_PASSWORD"]
without a default in code, an untracked .env with a committed
.env.example of placeholders. Rotate any password that was committed.
In CI, use ${{ secrets.NAME }}. Test configuration that points at a
throwaway local database (a workflow's Postgres service container, a
conftest.py on localhost) is not reported.`,
	Run: runCommittedCredentials,
}

// credentialScan collects findings, one per file and line.
type credentialScan struct {
	p    *check.Pass
	seen map[string]bool
}

func (s *credentialScan) report(file string, line int, what, fix string, value string) {
	key := fmt.Sprintf("%s:%d", file, line)
	if s.seen[key] {
		return
	}
	s.seen[key] = true
	msg := what
	if pgurl.IsWellKnownPassword(value) {
		msg += " (a well-known default password)"
	}
	s.p.Report(check.Finding{Location: check.Location{File: file, Line: line}, Message: msg + "; " + fix})
}

func runCommittedCredentials(p *check.Pass) error {
	s := &credentialScan{p: p, seen: map[string]bool{}}
	s.compose()
	s.envFiles()
	s.iniFiles()
	s.dockerfiles()
	s.python()
	s.golang()
	s.workflows()
	return nil
}

// dbKey reports whether a variable name is about the database.
var dbKeyRe = regexp.MustCompile(`(?i)(postgres|^pg|_pg|pg_|db|database|sql|dsn)`)

var interpolated = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)`)

func isDBPasswordKey(k string) bool { return pgurl.IsPasswordKey(k) && dbKeyRe.MatchString(k) }

// isGenericPasswordKey: "password", "PASSWORD", "passwd": a database
// password in a database context (a connect call, a DATABASES entry).
func isGenericPasswordKey(k string) bool {
	switch strings.ToLower(k) {
	case "password", "passwd", "pass", "pwd":
		return true
	}
	return false
}

// looksLikeName: values such as DB_PASSWORD (an environment variable's
// name) or "password" for a field called password_field are names, not
// secrets.
var looksLikeName = regexp.MustCompile(`^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$`)

// secretValue reports whether a value is a real secret: not empty, not a
// placeholder, not a variable name.
func secretValue(v string) bool {
	return !pgurl.IsPlaceholder(v) && !looksLikeName.MatchString(strings.TrimSpace(v))
}

// urlWithPassword reports whether text holds a Postgres URL or DSN with a
// password written in it.
func urlWithPassword(text string) (string, bool) {
	if c, ok := pgurl.Parse(text); ok && c.HasPassword && secretValue(c.Password()) {
		return c.Password(), true
	}
	urls, _ := pgurl.Find(text)
	for _, c := range urls {
		if c.HasPassword && secretValue(c.Password()) {
			return c.Password(), true
		}
	}
	return "", false
}

// compose: passwords in service environments, in ${VAR:-default}
// defaults, and in connection URLs.
func (s *credentialScan) compose() {
	db := s.p.Repo.DBService()
	for _, cf := range s.p.Repo.Compose() {
		if dbsite.IsTestPath(cf.Path) {
			continue
		}
		for _, svc := range cf.Services {
			isDB := db != nil && svc.Name == db.Name
			for _, e := range svc.Environment {
				// What the value is when nothing is set in the environment:
				// literals, and the defaults of ${VAR:-default}.
				value, _ := template.SubstituteWithOptions(e.Raw, func(string) (string, bool) { return "", false }, template.WithoutLogging)
				if strings.Contains(e.Raw, "${") && value == "" {
					continue
				}
				where := "the compose file"
				if m := interpolated.FindStringSubmatch(e.Raw); m != nil {
					where = "the compose file as the default of ${" + m[1] + ":-…}"
				}
				switch {
				case (isDBPasswordKey(e.Key) || isDB && pgurl.IsPasswordKey(e.Key)) && secretValue(value):
					s.report(cf.Path, e.Line, fmt.Sprintf("%s of service %s is a password written in %s", e.Key, svc.Name, where),
						"use ${"+e.Key+":?set it in .env} and keep .env out of git", value)
				default:
					if pw, ok := urlWithPassword(value); ok {
						s.report(cf.Path, e.Line, fmt.Sprintf("%s of service %s is a database URL with the password written in it", e.Key, svc.Name),
							"take the whole URL from the environment: ${"+e.Key+":?set it in .env}", pw)
					}
				}
			}
			if pw, ok := urlWithPassword(strings.Join(svc.Command, " ")); ok {
				s.report(cf.Path, svc.CommandLine, fmt.Sprintf("the command of service %s has a database URL with its password", svc.Name),
					"pass the URL through the environment", pw)
			}
		}
	}
}

// envFiles: passwords in .env files that git tracks (or, outside a git
// checkout, that .gitignore does not cover). Templates (.env.example) are
// reported only for values that look like real secrets.
func (s *credentialScan) envFiles() {
	r := s.p.Repo
	for _, ef := range r.EnvFiles() {
		f := r.File(ef.Path)
		if f == nil || isTestEnv(ef.Path) {
			continue
		}
		if r.Git && !f.Tracked {
			continue // untracked and not ignored: item 1.1 says so
		}
		committed := "committed"
		if !r.Git {
			committed = "not covered by .gitignore"
		}
		for _, v := range ef.Vars {
			value := v.Raw
			if ef.Example && (pgurl.IsWellKnownPassword(value) || !strongLooking(value)) {
				// A template: placeholders and the image's defaults are
				// documentation.
				if pw, ok := urlWithPassword(value); !ok || pgurl.IsWellKnownPassword(pw) || !strongLooking(pw) {
					continue
				}
			}
			switch {
			case (isDBPasswordKey(v.Key) || isGenericPasswordKey(v.Key)) && secretValue(value):
				what := fmt.Sprintf("%s is a password in %s, which is %s", v.Key, path.Base(ef.Path), committed)
				if ef.Example {
					what = fmt.Sprintf("%s in the template %s looks like a real password, not a placeholder", v.Key, path.Base(ef.Path))
				}
				s.report(ef.Path, v.Line, what, envFix(ef), value)
			default:
				if pw, ok := urlWithPassword(value); ok {
					what := fmt.Sprintf("%s in %s (%s) is a database URL with the password written in it", v.Key, path.Base(ef.Path), committed)
					if ef.Example {
						what = fmt.Sprintf("%s in the template %s holds what looks like a real password", v.Key, path.Base(ef.Path))
					}
					s.report(ef.Path, v.Line, what, envFix(ef), pw)
				}
			}
		}
	}
}

func envFix(ef *repo.EnvFile) string {
	if ef.Example {
		return "replace it with a placeholder such as CHANGE_ME and rotate the password"
	}
	return "remove the file from git (git rm --cached " + ef.Path + "), add it to .gitignore, commit a .env.example with placeholders, and rotate the password"
}

// isTestEnv: .env.test, .env.testing, .env.ci and env files under test
// directories hold throwaway test settings.
func isTestEnv(p string) bool { return repo.IsTestEnv(p) || dbsite.IsTestPath(p) }

// strongLooking: long enough and mixing kinds of characters, as generated
// or real passwords do and placeholders do not.
func strongLooking(v string) bool {
	if len(v) < 8 || !secretValue(v) {
		return false
	}
	var lower, upper, digit, other bool
	for _, c := range v {
		switch {
		case c >= 'a' && c <= 'z':
			lower = true
		case c >= 'A' && c <= 'Z':
			upper = true
		case c >= '0' && c <= '9':
			digit = true
		default:
			other = true
		}
	}
	kinds := 0
	for _, k := range []bool{lower, upper, digit, other} {
		if k {
			kinds++
		}
	}
	return kinds >= 3 || kinds >= 2 && digit
}

// iniFiles: alembic.ini's sqlalchemy.url and password keys of other INI
// files (test configuration excepted).
func (s *credentialScan) iniFiles() {
	for _, f := range s.p.Repo.INIFiles() {
		if dbsite.IsTestPath(f.Path) {
			continue
		}
		for _, sec := range f.Sections {
			for _, k := range sec.Keys {
				if pw, ok := urlWithPassword(k.Value); ok {
					s.report(f.Path, k.Line, fmt.Sprintf("%s in [%s] is a database URL with the password written in it", k.Name, sec.Name),
						"set the URL from the environment in env.py (config.set_main_option) and leave a placeholder here", pw)
					continue
				}
				if (isDBPasswordKey(k.Name) || isGenericPasswordKey(k.Name)) && secretValue(k.Value) {
					s.report(f.Path, k.Line, fmt.Sprintf("%s in [%s] is a password written in the file", k.Name, sec.Name),
						"read it from the environment", k.Value)
				}
			}
		}
	}
}

// dockerfiles: ENV and ARG defaults are baked into the image's layers.
func (s *credentialScan) dockerfiles() {
	for _, d := range s.p.Repo.Dockerfiles() {
		if dbsite.IsTestPath(d.Path) {
			continue
		}
		for _, in := range d.Instructions {
			if in.Cmd != "ENV" && in.Cmd != "ARG" {
				continue
			}
			for _, kv := range in.KeyValues() {
				switch {
				case (isDBPasswordKey(kv.Key) || isGenericPasswordKey(kv.Key)) && secretValue(kv.Raw):
					s.report(d.Path, kv.Line, fmt.Sprintf("%s %s sets a password in the image, visible to anyone who pulls it", in.Cmd, kv.Key),
						"pass it at run time (docker run -e, compose environment, a secret)", kv.Raw)
				default:
					if pw, ok := urlWithPassword(kv.Raw); ok {
						s.report(d.Path, kv.Line, fmt.Sprintf("%s %s bakes a database URL with its password into the image", in.Cmd, kv.Key),
							"pass the URL at run time", pw)
					}
				}
			}
		}
	}
}

// python: env-read defaults, settings-class defaults, password variables
// and keyword arguments, and URL literals with passwords.
func (s *credentialScan) python() {
	proj := s.p.Repo.PythonProject()
	for _, m := range s.p.Repo.Python() {
		if dbsite.IsTestPath(m.Path) {
			continue
		}
		// os.getenv("DB_PASSWORD", "secret"), config("DB_PASSWORD", default="...")
		for _, c := range m.Calls {
			name := c.Arg(0)
			if name == nil || name.Kind != python.Str || !(isDBPasswordKey(name.Value) || isGenericPasswordKey(name.Value)) {
				continue
			}
			v := proj.Eval(m, c.Func, &python.Expr{Kind: python.CallExpr, Call: c, Line: c.Line})
			if v.Kind != python.FromEnv || v.Default == nil {
				continue
			}
			if d, ok := v.Default.Const(); ok && secretValue(d) {
				s.report(m.Path, v.Default.Line, fmt.Sprintf("the default of %s is a password written in the code, used whenever the variable is unset", name.Value),
					"drop the default so a missing variable fails at start-up", d)
			}
		}
		for _, a := range m.Assigns {
			if a.Value == nil || len(a.Targets) != 1 {
				continue
			}
			target := a.Targets[0]
			if i := strings.LastIndex(target, "."); i >= 0 {
				target = target[i+1:]
			}
			value := a.Value
			if value.Kind == python.CallExpr && isFieldCall(m, value.Call) {
				value = value.Call.Arg(0)
				if d := a.Value.Call.Kwarg("default"); d != nil {
					value = d
				}
			}
			if value == nil || value.Kind != python.Str {
				continue
			}
			inSettings := a.Class != nil && proj.IsSettingsClass(m, a.Class)
			if (isDBPasswordKey(target) || inSettings && isGenericPasswordKey(target)) && secretValue(value.Value) {
				what := fmt.Sprintf("%s is assigned a password written in the code", target)
				fix := "read it from the environment without a default"
				if inSettings {
					what = fmt.Sprintf("settings field %s has a password as its default, used whenever the variable is unset", target)
					fix = "declare the field without a default so a missing variable fails at start-up"
				}
				s.report(m.Path, value.Line, what, fix, value.Value)
			}
		}
		// psycopg.connect(password="..."), {"PASSWORD": "..."} in DATABASES.
		for _, c := range m.Calls {
			for _, k := range c.Kwargs {
				if (isDBPasswordKey(k.Name) || isGenericPasswordKey(k.Name) && isDBCall(c)) && k.Value != nil && k.Value.Kind == python.Str && secretValue(k.Value.Value) {
					s.report(m.Path, k.Value.Line, fmt.Sprintf("%s(%s=...) passes a password written in the code", c.Callee, k.Name),
						"read it from the environment", k.Value.Value)
				}
			}
		}
		for _, a := range m.Assigns {
			s.pythonDicts(m, a.Value)
		}
		for _, str := range m.Strings {
			if pw, ok := urlWithPassword(str.Value); ok {
				s.report(m.Path, str.Line, "a database URL in the code has its password written in it",
					"build it from environment variables, or read the whole URL from one", pw)
			}
		}
	}
}

// pythonDicts finds {"PASSWORD": "..."} in a dict that describes a
// database (Django's DATABASES).
func (s *credentialScan) pythonDicts(m *python.Module, e *python.Expr) {
	if e == nil {
		return
	}
	switch e.Kind {
	case python.Dict:
		isDB := false
		for _, k := range e.Keys {
			if k != nil && k.Kind == python.Str {
				switch strings.ToLower(k.Value) {
				case "engine", "host", "dbname", "database", "name", "port":
					isDB = true
				}
			}
		}
		for i, k := range e.Keys {
			if k == nil || k.Kind != python.Str || i >= len(e.Parts) {
				continue
			}
			v := e.Parts[i]
			if v != nil && v.Kind == python.Str && (isDBPasswordKey(k.Value) || isDB && isGenericPasswordKey(k.Value)) && secretValue(v.Value) {
				s.report(m.Path, v.Line, fmt.Sprintf("the %q entry of a database settings dict is a password written in the code", k.Value),
					"read it from the environment", v.Value)
			}
			s.pythonDicts(m, v)
		}
	case python.Tuple:
		for _, p := range e.Parts {
			s.pythonDicts(m, p)
		}
	}
}

func isFieldCall(m *python.Module, c *python.Call) bool {
	q := m.Resolve(c.Callee)
	return q == "pydantic.Field" || q == "pydantic_settings.Field" || q == "sqlmodel.Field" || c.Callee == "Field"
}

// isDBCall: a call that connects to a database (psycopg.connect,
// asyncpg.create_pool, URL.create...).
func isDBCall(c *python.Call) bool {
	q := c.Qualified
	for _, pkg := range []string{"psycopg", "psycopg2", "psycopg_pool", "asyncpg", "sqlalchemy", "sqlmodel", "databases", "pg8000", "peewee", "tortoise", "pydantic"} {
		if q == pkg || strings.HasPrefix(q, pkg+".") {
			return true
		}
	}
	return false
}

// golang: DSN literals with passwords, Password: "..." in pgx/pq configs,
// and getenv-with-default helpers.
func (s *credentialScan) golang() {
	for _, gf := range s.p.Repo.Go() {
		if gf.Test || dbsite.IsTestPath(gf.Path) {
			continue
		}
		dbFile := importsDBPackage(gf.AST)
		ast.Inspect(gf.AST, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.BasicLit:
				if x.Kind == token.STRING {
					if v, err := strconv.Unquote(x.Value); err == nil {
						if pw, ok := urlWithPassword(v); ok {
							s.report(gf.Path, gf.Line(x.Pos()), "a database connection string in the code has its password written in it",
								"read the whole connection string from the environment (os.Getenv(\"DATABASE_URL\"))", pw)
						}
					}
				}
			case *ast.KeyValueExpr:
				if id, ok := x.Key.(*ast.Ident); ok && (id.Name == "Password" && dbFile || isDBPasswordKey(id.Name)) {
					if v, ok := goStringLit(x.Value); ok && secretValue(v) {
						s.report(gf.Path, gf.Line(x.Value.Pos()), fmt.Sprintf("%s: is a password written in the code", id.Name),
							"read it from the environment", v)
					}
				}
			case *ast.AssignStmt:
				if len(x.Lhs) == len(x.Rhs) {
					for i, l := range x.Lhs {
						name := goLastName(l)
						if name == "Password" && dbFile || isDBPasswordKey(name) {
							if v, ok := goStringLit(x.Rhs[i]); ok && secretValue(v) {
								s.report(gf.Path, gf.Line(x.Rhs[i].Pos()), fmt.Sprintf("%s is assigned a password written in the code", name),
									"read it from the environment", v)
							}
						}
					}
				}
			case *ast.CallExpr:
				// getenv("DB_PASSWORD", "secret")-style helpers.
				if len(x.Args) == 2 {
					if k, ok := goStringLit(x.Args[0]); ok && isDBPasswordKey(k) {
						if v, ok := goStringLit(x.Args[1]); ok && secretValue(v) {
							s.report(gf.Path, gf.Line(x.Args[1].Pos()), fmt.Sprintf("the fallback for %s is a password written in the code", k),
								"fail at start-up when the variable is unset", v)
						}
					}
				}
			}
			return true
		})
	}
}

func goStringLit(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	v, err := strconv.Unquote(lit.Value)
	return v, err == nil
}

func goLastName(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.Ident:
		return x.Name
	case *ast.SelectorExpr:
		return x.Sel.Name
	}
	return ""
}

// importsDBPackage: the file uses a Postgres driver or database/sql, so a
// Password field there is the database's.
func importsDBPackage(f *ast.File) bool {
	for _, p := range dbsite.GoImports(f) {
		for _, pkg := range []string{"database/sql", "github.com/jackc/pgx", "github.com/lib/pq", "gorm.io/", "github.com/jmoiron/sqlx", "github.com/uptrace/bun"} {
			if strings.HasPrefix(p, pkg) {
				return true
			}
		}
	}
	return false
}

// workflows: passwords in CI env blocks and URLs in run scripts. The
// credentials of a Postgres service container are a throwaway database
// that lives as long as the job, and so are URLs to it (localhost, the
// service name): neither is reported. ${{ secrets.X }} is the fix.
func (s *credentialScan) workflows() {
	for _, w := range s.p.Repo.Workflows() {
		if dbsite.IsFixturePath(w.Path) {
			continue
		}
		throwaway := map[string]bool{}
		services := map[string]bool{}
		for _, j := range w.Jobs {
			for _, c := range j.Services {
				services[c.Name] = true
				if repo.IsPostgresImage(c.Image.Raw) {
					for _, e := range c.Env {
						if pgurl.IsPasswordKey(e.Key) {
							throwaway[e.Raw] = true
						}
					}
				}
			}
		}
		local := func(host string) bool {
			return host == "" || pgurl.IsLoopback(host) || services[host] || strings.Contains(host, "${{")
		}
		check := func(e repo.EnvVar, where string) {
			v := e.Raw
			if strings.Contains(v, "${{") || throwaway[v] {
				return
			}
			if (isDBPasswordKey(e.Key) || isGenericPasswordKey(e.Key)) && secretValue(v) {
				s.report(w.Path, e.Line, fmt.Sprintf("%s in %s is a password written in the workflow", e.Key, where),
					"store it as a repository secret and use ${{ secrets."+e.Key+" }}", v)
				return
			}
			if c, ok := pgurl.Parse(v); ok && c.HasPassword && secretValue(c.Password()) && !local(c.Host()) && !throwaway[c.Password()] {
				s.report(w.Path, e.Line, fmt.Sprintf("%s in %s is a database URL with the password written in it", e.Key, where),
					"store the URL as a repository secret: ${{ secrets."+e.Key+" }}", c.Password())
			}
		}
		for _, e := range w.Env {
			check(e, "the workflow's env")
		}
		for _, j := range w.Jobs {
			for _, e := range j.Env {
				check(e, "job "+j.ID)
			}
			for _, c := range j.Services {
				if repo.IsPostgresImage(c.Image.Raw) {
					continue
				}
				for _, e := range c.Env {
					check(e, "service "+c.Name+" of job "+j.ID)
				}
			}
			for _, st := range j.Steps {
				for _, e := range st.Env {
					check(e, "a step of job "+j.ID)
				}
				urls, offsets := pgurl.Find(st.Run.Raw)
				for i, c := range urls {
					if !c.HasPassword || !secretValue(c.Password()) || local(c.Host()) || throwaway[c.Password()] {
						continue
					}
					line := st.Run.Line + strings.Count(st.Run.Raw[:offsets[i]], "\n")
					if strings.Contains(st.Run.Raw, "\n") {
						line++ // a block scalar starts on the next line
					}
					s.report(w.Path, line, fmt.Sprintf("a run step of job %s has a database URL with the password written in it", j.ID),
						"pass it through env: from ${{ secrets.DATABASE_URL }}", c.Password())
				}
			}
		}
	}
}
