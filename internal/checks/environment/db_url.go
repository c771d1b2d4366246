package environment

import (
	"go/ast"
	"strconv"
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/dbsite"
	"github.com/pgreview/pgreview/internal/python"
)

// DBURLUnescapedPassword finds database URLs assembled by string
// formatting with the password inserted as is.
var DBURLUnescapedPassword = &check.Check{
	Name:     "db-url-unescaped-password",
	Item:     "1.2",
	Severity: check.Important,
	Doc: `Escape the password when building a database URL.

A password is inserted into f"postgresql://{user}:{password}@{host}/db"
verbatim. The day it contains "@", ":", "/", "#" or "%" (as generated
passwords do), the URL means something else: the wrong host, a truncated
password, a parse error at start-up. Build the URL with a URL builder
that escapes each part: sqlalchemy.URL.create(...), pydantic's
PostgresDsn.build(...), urllib.parse.quote_plus(password), or Go's
url.URL{User: url.UserPassword(user, pw)}. Or read the whole URL from one
environment variable, where it is written escaped once.`,
	Run: runDBURLUnescapedPassword,
}

func runDBURLUnescapedPassword(p *check.Pass) error {
	r := p.Repo
	seen := map[string]bool{}
	proj := r.PythonProject()
	for _, m := range r.Python() {
		if dbsite.IsTestPath(m.Path) {
			continue
		}
		for _, a := range m.Assigns {
			if a.Value == nil {
				continue
			}
			switch a.Value.Kind {
			case python.FString, python.BinOp, python.CallExpr:
			default:
				continue
			}
			pythonURL(p, seen, proj.Eval(m, a.Func, a.Value))
		}
		for _, f := range m.Funcs {
			for _, ret := range f.Returns {
				if ret.Kind == python.FString || ret.Kind == python.BinOp || ret.Kind == python.CallExpr && ret.Call.Method == "format" {
					pythonURL(p, seen, proj.Eval(m, f, ret))
				}
			}
		}
	}
	goURLs(p, seen)
	evidence := false
	for _, s := range dbsite.AppSites(r) {
		if s.URL != nil && s.URL.Kind == python.FromEnv && s.URL.Default == nil {
			p.Evidence(loc(s.File, s.Line), "the whole URL comes from %s and %s parses it at start-up", s.URL.Env, s.API)
			evidence = true
		}
		if s.Go != nil && s.Go.URL.FromEnv && s.Go.URL.Text == "\x01" {
			p.Evidence(loc(s.File, s.Line), "the whole connection string comes from the environment and %s parses it", s.API)
			evidence = true
		}
	}
	for _, m := range r.Python() {
		for _, c := range m.Calls {
			switch {
			case strings.HasSuffix(c.Qualified, "URL.create") || strings.HasSuffix(c.Qualified, "engine.url.make_url") || c.Qualified == "sqlalchemy.make_url",
				strings.HasSuffix(c.Qualified, "PostgresDsn.build") || strings.HasSuffix(c.Qualified, "MultiHostUrl.build"):
				p.Evidence(loc(m.Path, c.Line), "the URL is built and validated by %s", c.Callee)
				evidence = true
			}
		}
	}
	switch {
	case len(seen) > 0 || evidence:
	case len(dbsite.AppSites(r)) == 0:
		p.NotApplicable("no database connection in application code")
	default:
		p.Manual("check that the database URL is built with a URL builder (or read whole from the environment) and validated at start-up")
	}
	return nil
}

// pythonURL reports a formatted Postgres URL whose password part is an
// unescaped value.
func pythonURL(p *check.Pass, seen map[string]bool, v *python.Value) {
	if v.Kind != python.Joined {
		return
	}
	u, ok := dbsite.ParseValueURL(v)
	if !ok || !u.Conn.HasPassword {
		return
	}
	for _, leaf := range u.Leaves["password"] {
		if leaf.Escaped {
			continue
		}
		key := v.File + ":" + strconv.Itoa(v.Line)
		if seen[key] {
			return
		}
		seen[key] = true
		name := "the password"
		// Never quote expression text holding a literal: it could be the
		// password's default.
		if leaf.Expr != nil && len(leaf.Expr.Text) < 40 && !strings.ContainsAny(leaf.Expr.Text, "\"'") {
			name = "`" + leaf.Expr.Text + "`"
		}
		p.Reportf(loc(v.File, v.Line), "the database URL is built with %s inserted unescaped: a password containing @, :, / or %% breaks it; use sqlalchemy.URL.create(...) or urllib.parse.quote_plus(...)", name)
		return
	}
}

// goURLs reports fmt.Sprintf("postgres://%s:%s@...") with a password
// argument that is not escaped with url.QueryEscape or url.PathEscape.
func goURLs(p *check.Pass, seen map[string]bool) {
	for _, gf := range p.Repo.Go() {
		if gf.Test {
			continue
		}
		imports := dbsite.GoImports(gf.AST)
		dbsite.WalkGo(gf.AST, func(call *ast.CallExpr, stack []ast.Node) {
			if dbsite.GoCallee(imports, call) != "fmt.Sprintf" || len(call.Args) < 2 {
				return
			}
			f := dbsite.GoEval(gf, stack, call.Args[0], call.Pos())
			if !f.Known {
				return
			}
			scheme, rest, ok := strings.Cut(f.Text, "://")
			if !ok || !strings.HasPrefix(strings.ToLower(scheme), "postgres") {
				return
			}
			userinfo, _, hasAt := strings.Cut(rest, "@")
			_, pw, hasPw := strings.Cut(userinfo, ":")
			if !hasAt || !hasPw || !strings.Contains(pw, "%") {
				return
			}
			// The password's verb is the one after the verbs of the user part.
			arg := strings.Count(strings.ReplaceAll(userinfo[:len(userinfo)-len(pw)], "%%", ""), "%")
			if arg+1 >= len(call.Args) {
				return
			}
			if c, ok := call.Args[arg+1].(*ast.CallExpr); ok {
				callee := dbsite.GoCallee(imports, c)
				if callee == "net/url.QueryEscape" || callee == "net/url.PathEscape" {
					return
				}
			}
			key := gf.Path + ":" + strconv.Itoa(gf.Line(call.Pos()))
			if !seen[key] {
				seen[key] = true
				p.Reportf(loc(gf.Path, gf.Line(call.Pos())), "the connection URL is built with fmt.Sprintf and the password inserted unescaped: a password containing @, :, / or %% breaks it; use url.URL{User: url.UserPassword(user, password)} or url.QueryEscape")
			}
		})
	}
}
