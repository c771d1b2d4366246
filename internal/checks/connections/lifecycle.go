package connections

import (
	"go/ast"
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/dbsite"
	"github.com/pgreview/pgreview/internal/python"
	"github.com/pgreview/pgreview/internal/repo"
)

// EnginePerRequest finds engines and pools created on the request path.
var EnginePerRequest = &check.Check{
	Name:     "engine-per-request",
	Item:     "2.1",
	Severity: check.Important,
	Doc: `Create the engine or pool once per process, not per request.

An engine (SQLAlchemy), a pool (asyncpg, psycopg_pool, pgxpool) or a
*sql.DB is meant to live as long as the process. Built inside a route
handler, a request dependency or a function they call, every request
opens fresh connections (a TCP and TLS handshake and authentication each
time), the pool never reuses anything, and pools that are not closed leak
connections until max_connections is reached. Create it once at
start-up, at module level or in a lifespan/startup handler, and share it;
dispose of it at shutdown. A factory memoised with @lru_cache, or one
that stores the engine in a module-level variable, is fine.`,
	Run: runEnginePerRequest,
}

func runEnginePerRequest(p *check.Pass) error {
	rp := pyRequestPath(p.Repo)
	pools := 0
	for _, s := range dbsite.AppSites(p.Repo) {
		if !s.Pool {
			continue
		}
		pools++
		switch {
		case s.Call != nil:
			f := s.Call.Func
			if f == nil {
				p.Evidence(loc(s.File, s.Line), "%s runs once, at import", s.API)
				continue
			}
			h, ok := rp[f]
			if !ok || memoized(f) || storedGlobally(s) {
				continue
			}
			p.Reportf(loc(s.File, s.Line), "%s runs in %s(), on the request path (%s): every request builds a new pool and opens new connections; create it once at start-up (module level or a lifespan handler) and share it",
				s.API, f.Name, h.why)
		case s.Go != nil:
			if why, ok := goOnRequestPath(p.Repo, s); ok {
				p.Reportf(loc(s.File, s.Line), "%s runs in %s: every request builds a new pool and opens new connections; create it once in main and pass it to the handlers", s.API, why)
			} else if s.Go.Func() != nil {
				p.Evidence(loc(s.File, s.Line), "%s runs outside the request handlers", s.API)
			}
		}
	}
	if pools == 0 {
		p.NotApplicable("no connection pool in application code")
	}
	return nil
}

// storedGlobally: the new engine goes into a module-level variable (a
// lazily created singleton: global _engine; if _engine is None: ...).
func storedGlobally(s *dbsite.Site) bool {
	for _, a := range s.Module.Assigns {
		if a.Value == nil || a.Value.Kind != python.CallExpr || a.Value.Call != s.Call || len(a.Targets) != 1 {
			continue
		}
		t := a.Targets[0]
		if strings.HasPrefix(t, "self.") || strings.HasPrefix(t, "cls.") || strings.Contains(t, "app.state") {
			return true // kept on an object that outlives the call
		}
		if s.Module.ModuleConst(t) != nil {
			return true
		}
	}
	return false
}

// PoolNeverClosed finds engines and pools that are never disposed of.
var PoolNeverClosed = &check.Check{
	Name:     "pool-never-closed",
	Item:     "2.1",
	Severity: check.Good,
	Doc: `Close the engine or pool at shutdown.

A pool that is never closed leaves its connections to be cut when the
process dies: Postgres logs "unexpected EOF", in-flight work is not
finished cleanly, and async drivers warn about unclosed connections. On
a rolling deploy the old processes' connections linger until the server
notices. Dispose of it in the shutdown path: engine.dispose() (await
engine.dispose() for async) in a FastAPI lifespan or on_shutdown,
pool.close(), and "defer pool.Close()" in Go's main.`,
	Run: runPoolNeverClosed,
}

func runPoolNeverClosed(p *check.Pass) error {
	rp := pyRequestPath(p.Repo)
	pools := 0
	for _, s := range dbsite.AppSites(p.Repo) {
		if !s.Pool {
			continue
		}
		switch {
		case s.Call != nil:
			if s.Call.Func != nil && rp[s.Call.Func] != (handler{}) {
				continue // engine-per-request says it
			}
			if pc := s.Call.Kwarg("poolclass"); pc != nil && strings.HasSuffix(pc.Text, "NullPool") {
				continue
			}
			name := assignedName(s)
			if name == "" {
				continue
			}
			pools++
			if len(s.Call.With) > 0 || inWith(s) {
				p.Evidence(loc(s.File, s.Line), "%s is used as a context manager, which closes it", s.API)
				continue
			}
			if at, ok := pyClosed(p.Repo, name); ok {
				p.Evidence(at, "%s is closed here", name)
				continue
			}
			if len(rp) == 0 {
				continue // not a server: the process exit closes it
			}
			p.Reportf(loc(s.File, s.Line), "%s (%s) is never disposed of: call %s at shutdown (a lifespan handler or on_shutdown)", name, s.API, disposeCall(s, name))
		case s.Go != nil:
			if _, ok := goOnRequestPath(p.Repo, s); ok {
				continue
			}
			name := goAssignedName(s)
			if name == "" {
				continue
			}
			pools++
			if at, ok := goClosed(p.Repo, s, name); ok {
				p.Evidence(at, "%s is closed", name)
				continue
			}
			if goReturned(s, name) {
				continue // handed to the caller, who owns it
			}
			p.Reportf(loc(s.File, s.Line), "the pool %s from %s is never closed; add defer %s.Close() where it is created in main", name, s.API, name)
		}
	}
	if pools == 0 {
		p.NotApplicable("no long-lived connection pool in application code")
	}
	return nil
}

func disposeCall(s *dbsite.Site, name string) string {
	switch {
	case s.Async && strings.HasPrefix(s.API, "sqlalchemy"):
		return "await " + name + ".dispose()"
	case strings.HasPrefix(s.API, "sqlalchemy") || strings.HasPrefix(s.API, "sqlmodel"):
		return name + ".dispose()"
	case s.Async:
		return "await " + name + ".close()"
	}
	return name + ".close()"
}

// assignedName is the variable a Python site's result is stored in.
func assignedName(s *dbsite.Site) string {
	for _, a := range s.Module.Assigns {
		if a.Value != nil && a.Value.Kind == python.CallExpr && a.Value.Call == s.Call && len(a.Targets) == 1 {
			t := a.Targets[0]
			return t[strings.LastIndex(t, ".")+1:]
		}
	}
	return ""
}

func inWith(s *dbsite.Site) bool {
	for _, c := range s.Module.Calls {
		for _, w := range c.With {
			if w.Kind == python.CallExpr && w.Call == s.Call {
				return true
			}
		}
	}
	return false
}

// pyClosed finds name.dispose() / name.close() anywhere in the code.
func pyClosed(r *repo.Repo, name string) (check.Location, bool) {
	for _, m := range r.Python() {
		for _, c := range m.Calls {
			switch c.Method {
			case "dispose", "close", "aclose", "terminate":
			default:
				continue
			}
			if c.Receiver == nil {
				continue
			}
			recv := c.Receiver.Value
			if recv == "" {
				recv = c.Receiver.Text
			}
			if recv == name || strings.HasSuffix(recv, "."+name) {
				return loc(m.Path, c.Line), true
			}
		}
	}
	return check.Location{}, false
}

func goAssignedName(s *dbsite.Site) string {
	name := ""
	fn := s.Go.Func()
	var scope ast.Node = s.Go.File.AST
	if fn != nil {
		scope = fn
	}
	ast.Inspect(scope, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.AssignStmt:
			for i, rhs := range x.Rhs {
				if rhs == s.Go.Call && i < len(x.Lhs) {
					name = exprText(x.Lhs[i])
				}
			}
			if len(x.Rhs) == 1 && x.Rhs[0] == s.Go.Call && len(x.Lhs) > 0 {
				name = exprText(x.Lhs[0])
			}
		case *ast.ValueSpec:
			for i, v := range x.Values {
				if v == s.Go.Call && i < len(x.Names) {
					name = x.Names[i].Name
				}
			}
		}
		return name == ""
	})
	if name == "_" {
		return ""
	}
	return name
}

// goClosed finds name.Close() in the creating function or, for a
// package-level variable or a struct field, anywhere in the code.
func goClosed(r *repo.Repo, s *dbsite.Site, name string) (check.Location, bool) {
	short := name[strings.LastIndex(name, ".")+1:]
	for _, gf := range r.Go() {
		if gf.Test {
			continue
		}
		var at check.Location
		ast.Inspect(gf.AST, func(n ast.Node) bool {
			c, ok := n.(*ast.CallExpr)
			if !ok {
				return at.File == ""
			}
			sel, ok := c.Fun.(*ast.SelectorExpr)
			if ok && sel.Sel.Name == "Close" {
				recv := exprText(sel.X)
				if recv == name || strings.HasSuffix(recv, "."+short) || recv == short {
					at = loc(gf.Path, gf.Line(c.Pos()))
				}
			}
			return at.File == ""
		})
		if at.File != "" {
			return at, true
		}
	}
	return check.Location{}, false
}

// goReturned: the creating function returns the pool, possibly inside a
// struct (return &Store{pool: pool}): the caller owns it.
func goReturned(s *dbsite.Site, name string) bool {
	fn := s.Go.Func()
	if fn == nil {
		return false
	}
	found := false
	ast.Inspect(fn, func(n ast.Node) bool {
		if ret, ok := n.(*ast.ReturnStmt); ok {
			for _, r := range ret.Results {
				ast.Inspect(r, func(x ast.Node) bool {
					if id, ok := x.(*ast.Ident); ok && id.Name == name || x == s.Go.Call {
						found = true
					}
					return !found
				})
			}
		}
		return !found
	})
	return found
}

func loc(file string, line int) check.Location { return check.Location{File: file, Line: line} }
