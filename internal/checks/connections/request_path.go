package connections

import (
	"go/ast"
	"strconv"
	"strings"

	"github.com/pgreview/pgreview/internal/dbsite"
	"github.com/pgreview/pgreview/internal/python"
	"github.com/pgreview/pgreview/internal/repo"
)

// routeMethods are the decorator methods that register a web handler
// (FastAPI, Starlette, Flask, Quart, Sanic, aiohttp route tables).
var routeMethods = map[string]bool{
	"get": true, "post": true, "put": true, "delete": true, "patch": true, "head": true, "options": true,
	"route": true, "api_route": true, "websocket": true, "middleware": true,
}

// handler is a function on the request path, and why.
type handler struct {
	why string // "route GET /orders (app/main.py:8)"
}

// pyRequestPath returns the Python functions that run per request: route
// handlers, FastAPI dependencies (Depends(fn)), and the repository
// functions they call, three calls deep.
func pyRequestPath(r *repo.Repo) map[*python.Func]handler {
	return repo.Memo(r, "connections.request-path", func() map[*python.Func]handler {
		proj := r.PythonProject()
		out := map[*python.Func]handler{}
		type item struct {
			m  *python.Module
			f  *python.Func
			h  handler
			dp int
		}
		var queue []item
		for _, m := range r.Python() {
			if dbsite.IsTestPath(m.Path) {
				continue
			}
			for _, f := range m.Funcs {
				for _, d := range f.Decorators {
					if d.Kind == python.CallExpr && routeMethods[d.Call.Method] && d.Call.Receiver != nil {
						h := handler{why: "the route handler " + f.Name + " (" + m.Path + ":" + strconv.Itoa(f.Line) + ")"}
						queue = append(queue, item{m, f, h, 0})
					}
				}
			}
			for _, c := range m.Calls {
				if (c.Callee == "Depends" || strings.HasSuffix(c.Qualified, ".Depends")) && c.Arg(0) != nil {
					dep := &python.Call{Callee: c.Arg(0).Value, Func: c.Func, Class: c.Class}
					if dm, f := proj.FuncOf(m, dep); f != nil {
						queue = append(queue, item{dm, f, handler{why: "the request dependency " + f.Name + " (Depends at " + m.Path + ":" + strconv.Itoa(c.Line) + ")"}, 0})
					}
				}
			}
		}
		for len(queue) > 0 {
			it := queue[0]
			queue = queue[1:]
			if _, done := out[it.f]; done {
				continue
			}
			out[it.f] = it.h
			if it.dp >= 3 {
				continue
			}
			for _, c := range it.f.Calls {
				if dm, f := proj.FuncOf(it.m, c); f != nil {
					h := it.h
					if it.dp == 0 {
						h = handler{why: f.Name + "(), called by " + it.h.why}
					}
					queue = append(queue, item{dm, f, h, it.dp + 1})
				}
			}
		}
		return out
	})
}

// memoized: @lru_cache / @cache make a factory run once.
func memoized(f *python.Func) bool {
	for _, d := range f.Decorators {
		t := d.Text
		if strings.Contains(t, "lru_cache") || strings.HasSuffix(t, "cache") || strings.Contains(t, "cached") || strings.Contains(t, "singleton") {
			return true
		}
	}
	return false
}

// goHandlerSignatures are parameter types of web handlers.
var goHandlerParams = []string{"http.ResponseWriter", "*gin.Context", "echo.Context", "*fiber.Ctx", "*chi.Context"}

// goOnRequestPath reports whether a Go site runs per request: inside a
// handler function (by signature, or a function literal passed to
// HandleFunc/GET/...), or in a function that a handler calls.
func goOnRequestPath(r *repo.Repo, s *dbsite.Site) (string, bool) {
	for _, n := range s.Go.Stack {
		switch fn := n.(type) {
		case *ast.FuncLit:
			if isHandlerType(fn.Type) {
				return "an HTTP handler", true
			}
		case *ast.FuncDecl:
			if isHandlerType(fn.Type) {
				return "the HTTP handler " + fn.Name.Name, true
			}
			if caller, ok := goCalledFromHandler(r, s.Go.File.AST.Name.Name, fn.Name.Name); ok && fn.Recv == nil {
				return fn.Name.Name + ", called by the HTTP handler " + caller, true
			}
		}
	}
	return "", false
}

func isHandlerType(t *ast.FuncType) bool {
	if t == nil || t.Params == nil {
		return false
	}
	for _, f := range t.Params.List {
		typ := exprText(f.Type)
		for _, h := range goHandlerParams {
			if typ == h {
				return true
			}
		}
	}
	return false
}

// goCalledFromHandler finds a handler that calls the function pkg.name:
// as name() inside package pkg, as pkg.name() elsewhere.
func goCalledFromHandler(r *repo.Repo, pkg, name string) (string, bool) {
	for _, gf := range r.Go() {
		if gf.Test {
			continue
		}
		qual := pkg
		if gf.AST.Name.Name == pkg {
			qual = ""
		}
		for _, d := range gf.AST.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			var found string
			ast.Inspect(fd, func(n ast.Node) bool {
				switch x := n.(type) {
				case *ast.FuncLit:
					if isHandlerType(x.Type) && callsName(x.Body, qual, name) {
						found = "in " + fd.Name.Name
					}
					return false
				case *ast.FuncDecl:
					if isHandlerType(x.Type) && callsName(x.Body, qual, name) {
						found = x.Name.Name
					}
				}
				return found == ""
			})
			if found != "" {
				return found, true
			}
		}
	}
	return "", false
}

// callsName: body calls name() (qual == "") or qual.name().
func callsName(body *ast.BlockStmt, qual, name string) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if c, ok := n.(*ast.CallExpr); ok {
			switch f := c.Fun.(type) {
			case *ast.Ident:
				found = found || qual == "" && f.Name == name
			case *ast.SelectorExpr:
				if x, ok := f.X.(*ast.Ident); ok {
					found = found || qual != "" && x.Name == qual && f.Sel.Name == name
				}
			}
		}
		return !found
	})
	return found
}

func exprText(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.Ident:
		return x.Name
	case *ast.SelectorExpr:
		return exprText(x.X) + "." + x.Sel.Name
	case *ast.StarExpr:
		return "*" + exprText(x.X)
	}
	return ""
}
