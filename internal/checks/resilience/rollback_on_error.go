package resilience

import (
	"go/ast"
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/dbcode"
	"github.com/pgreview/pgreview/internal/python"
)

// RollbackOnError finds write paths that do not roll back when they fail.
var RollbackOnError = &check.Check{
	Name:     "rollback-on-error",
	Item:     "11.2",
	Severity: check.Important,
	Doc: `Roll back when a write path fails.

A transaction that fails half-way must be rolled back. A Go transaction
from Begin that returns early without Rollback keeps its pooled connection
checked out, and its locks held, until the pool gives up on it. A
SQLAlchemy session created by hand and never closed or rolled back stays
in a failed transaction holding its connection. Let a context manager do it:

  tx, err := pool.Begin(ctx)
  if err != nil { return err }
  defer tx.Rollback(ctx) // a no-op once Commit succeeded
  // or: pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error { ... })

  with Session(engine) as session, session.begin():
      session.add(order)   # committed on success, rolled back on error`,
	Run: runRollbackOnError,
}

func runRollbackOnError(p *check.Pass) error {
	if dbcode.NoDatabase(p) {
		return nil
	}
	writePaths := false
	px := dbcode.PythonIndex(p.Repo)
	for _, pm := range px.AppModules() {
		sessionFactories := factories(px, pm)
		for _, f := range pm.Funcs {
			pf := px.Func(f)
			if pf == nil {
				continue
			}
			for _, c := range pf.Calls {
				if c.Op == dbcode.OpWrite || c.Op == dbcode.OpBulkWrite || c.Op == dbcode.OpCommit {
					writePaths = true
				}
			}
			pythonRollback(p, px, pm, pf, sessionFactories)
		}
		for _, w := range pm.Withs {
			for _, it := range w.Items {
				if it.Value == nil || it.Value.Kind != python.CallExpr {
					continue
				}
				switch call := it.Value.Call; {
				case call.Method == "begin" || call.Method == "transaction":
					p.Evidence(at(pm.Path, w.Line), "%s commits on success and rolls back on error", it.Value.Text)
				case sessionFactories[call.Callee] && it.As != "" && !beginsToo(w):
					p.Evidence(at(pm.Path, w.Line), "with %s as %s closes the session, rolling back, when the block fails", it.Value.Text, it.As)
				}
			}
		}
		for _, c := range pm.Calls {
			if c.Op == dbcode.OpRollback && c.Handler != nil {
				p.Evidence(at(pm.Path, c.Line), "%s() in an except clause", c.Callee)
			}
		}
	}
	for _, f := range dbcode.GoIndex(p.Repo).AppFiles() {
		for _, fn := range f.Funcs {
			for _, c := range fn.Calls {
				if c.Op == dbcode.OpWrite || c.Op == dbcode.OpBulkWrite || c.Op == dbcode.OpBegin {
					writePaths = true
				}
				switch {
				case c.Method == "BeginFunc" || c.Method == "BeginTxFunc":
					p.Evidence(at(f.Path, c.Line), "pgx.%s rolls back when the function fails", c.Method)
				case c.Op == dbcode.OpRollback && c.Deferred:
					p.Evidence(at(f.Path, c.Line), "defer %s.Rollback after Begin", c.Recv)
				case c.Op == dbcode.OpBegin && (c.Method == "Begin" || c.Method == "BeginTx" || c.Method == "Beginx" || c.Method == "BeginTxx"):
					goRollback(p, f, fn, c)
				}
			}
		}
	}
	switch {
	case p.Cited():
	case !writePaths:
		p.NotApplicable("no write paths found in the application code")
	default:
		p.Manual("no rollback strategy found in the write paths (session.begin(), a rollback in an except clause, pgx.BeginFunc, defer tx.Rollback); check who rolls back when a write fails")
	}
	return nil
}

// beginsToo: the with statement also opens a transaction (cited once).
func beginsToo(w *python.With) bool {
	for _, it := range w.Items {
		if it.Value != nil && it.Value.Kind == python.CallExpr && (it.Value.Call.Method == "begin" || it.Value.Call.Method == "transaction") {
			return true
		}
	}
	return false
}

// factories are the names that make a new session or connection in a
// module: Session, sessionmaker() results, psycopg.connect, and the
// repository's functions that return one.
func factories(px *dbcode.Python, pm *dbcode.PyModule) map[string]bool {
	out := map[string]bool{}
	for local, imp := range pm.Imports {
		switch {
		case imp.Qualified == "sqlalchemy.orm.Session", imp.Qualified == "sqlmodel.Session", imp.Qualified == "sqlalchemy.ext.asyncio.AsyncSession":
			out[local] = true
		case strings.HasSuffix(imp.Qualified, ".connect") && (strings.HasPrefix(imp.Qualified, "psycopg")):
			out[local] = true
		default:
			if dep, name, ok := px.Resolve(imp.Qualified); ok && makesSession(px, dep, name) {
				out[local] = true
			}
		}
	}
	for _, f := range pm.Funcs {
		if f.Class == nil && f.Parent == nil && makesSession(px, pm, f.Name) {
			out[f.Name] = true
		}
	}
	for _, a := range pm.Assigns {
		if a.Func == nil && a.Class == nil && a.Value != nil && isSessionmaker(a.Value) {
			for _, t := range a.Targets {
				out[t] = true
			}
		}
	}
	return out
}

func isSessionmaker(v *python.Expr) bool {
	if v == nil || v.Kind != python.CallExpr {
		return false
	}
	switch v.Call.Method {
	case "sessionmaker", "async_sessionmaker", "scoped_session":
		return true
	}
	return false
}

// makesSession: name in module pm is a sessionmaker, or a function that
// returns a new session.
func makesSession(px *dbcode.Python, pm *dbcode.PyModule, name string) bool {
	if v := pm.ModuleConst(name); v != nil && isSessionmaker(v) {
		return true
	}
	f := pm.FuncNamed(name)
	if f == nil || f.Class != nil || len(f.Yields) > 0 {
		return false
	}
	for _, r := range f.Returns {
		if r.Kind != python.CallExpr {
			continue
		}
		callee := r.Call.Callee
		if strings.HasPrefix(callee, "sessionmaker(") || callee == "Session" || isSessionmaker(pm.ModuleConst(callee)) {
			return true
		}
	}
	return false
}

// pythonRollback reports a session or connection that a function creates,
// writes and commits through, and never rolls back or closes on error.
func pythonRollback(p *check.Pass, px *dbcode.Python, pm *dbcode.PyModule, pf *dbcode.PyFunc, factory map[string]bool) {
	for _, a := range pm.Assigns {
		if a.Func != pf.Func || len(a.Targets) != 1 || a.Value == nil || a.Value.Kind != python.CallExpr || !factory[a.Value.Call.Callee] {
			continue
		}
		name := a.Targets[0]
		var commit *dbcode.PyCall
		safe := false
		for _, c := range pf.Calls {
			if c.Recv != name || c.Line < a.Line {
				continue
			}
			switch {
			case c.Op == dbcode.OpCommit && commit == nil && c.Handler == nil:
				commit = c
			case c.Op == dbcode.OpRollback, c.Op == dbcode.OpClose && inFinally(pm, c):
				safe = true
			case c.Op == dbcode.OpBegin && len(c.With) > 0:
				safe = true
			}
		}
		if commit == nil || safe || escapes(pf.Func, name) || inWith(pm, pf.Func, name) {
			continue
		}
		p.Reportf(at(pm.Path, commit.Line), "%s() commits the session it opens at line %d (%s) but never rolls it back or closes it when a write fails: the failed transaction keeps its connection; use \"with %s as %s, %s.begin():\" or roll back in an except clause", pf.Name, a.Line, a.Value.Text, a.Value.Text, name, name)
	}
}

func inFinally(pm *dbcode.PyModule, c *dbcode.PyCall) bool {
	for _, t := range pm.Trys {
		for _, fc := range t.FinallyCalls {
			if fc == c.Call {
				return true
			}
		}
	}
	return false
}

// escapes: the function hands the session to its caller.
func escapes(f *python.Func, name string) bool {
	for _, r := range append(append([]*python.Expr(nil), f.Returns...), f.Yields...) {
		if r.Value == name || r.Kind == python.Tuple && strings.Contains(r.Text, name) {
			return true
		}
	}
	return false
}

// inWith: the session is used as a context manager ("with session:").
func inWith(pm *dbcode.PyModule, f *python.Func, name string) bool {
	for _, w := range pm.Withs {
		if w.Func != f {
			continue
		}
		for _, it := range w.Items {
			if it.Value != nil && (it.Value.Text == name || strings.HasPrefix(it.Value.Text, name+".")) {
				return true
			}
		}
	}
	return false
}

// goRollback reports a transaction from Begin that no path rolls back.
func goRollback(p *check.Pass, f *dbcode.GoFile, fn *dbcode.GoFunc, begin *dbcode.GoCall) {
	txName := assignedName(fn, begin.Expr)
	if txName == "" {
		return
	}
	for _, c := range fn.Calls {
		if c.Recv == txName && c.Op == dbcode.OpRollback {
			return
		}
	}
	if goEscapes(fn, txName) {
		return
	}
	for _, c := range fn.Calls {
		if c.Recv == txName && c.Op == dbcode.OpCommit {
			p.Reportf(at(f.Path, begin.Line), "the transaction %s from %s.%s is never rolled back: every error return between here and the commit at line %d leaves it open, holding its connection and locks; add \"defer %s.Rollback(ctx)\" right after Begin (a no-op after Commit), or use pgx.BeginFunc", txName, begin.Recv, begin.Method, c.Line, txName)
			return
		}
	}
}

// assignedName is the variable a call's first result is assigned to.
func assignedName(fn *dbcode.GoFunc, call *ast.CallExpr) string {
	body := fn.Body()
	if body == nil {
		return ""
	}
	name := ""
	ast.Inspect(body, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || len(as.Rhs) != 1 || as.Rhs[0] != call || len(as.Lhs) == 0 {
			return name == ""
		}
		if id, ok := as.Lhs[0].(*ast.Ident); ok && id.Name != "_" {
			name = id.Name
		}
		return false
	})
	return name
}

// goEscapes: the transaction is returned, stored or passed to another
// function, which then owns its rollback.
func goEscapes(fn *dbcode.GoFunc, name string) bool {
	body := fn.Body()
	if body == nil {
		return true
	}
	escaped := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.ReturnStmt:
			for _, r := range n.Results {
				if id, ok := r.(*ast.Ident); ok && id.Name == name {
					escaped = true
				}
			}
		case *ast.CallExpr:
			for _, a := range n.Args {
				if id, ok := a.(*ast.Ident); ok && id.Name == name {
					escaped = true
				}
			}
		case *ast.AssignStmt:
			for i, r := range n.Rhs {
				if id, ok := r.(*ast.Ident); ok && id.Name == name && i < len(n.Lhs) {
					if _, isSel := n.Lhs[i].(*ast.SelectorExpr); isSel {
						escaped = true
					}
				}
			}
		}
		return !escaped
	})
	return escaped
}
