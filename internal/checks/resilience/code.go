package resilience

import (
	"go/ast"
	"go/token"
	"strconv"
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/dbcode"
	"github.com/pgreview/pgreview/internal/python"
)

func at(file string, line int) check.Location { return check.Location{File: file, Line: line} }

// shortType is the last component of a qualified exception name.
func shortType(t string) string {
	if i := strings.LastIndex(t, "."); i >= 0 {
		return t[i+1:]
	}
	return t
}

// catches returns the first type a handler catches that is in set
// (matched by qualified name or by its last component).
func catches(h *python.Except, set map[string]bool) string {
	for _, t := range h.Types {
		if set[t] || set[shortType(t)] {
			return t
		}
	}
	return ""
}

// decoratedWith returns the first decorator of f whose resolved name is
// in names, "" when none.
func decoratedWith(m *python.Module, f *python.Func, names map[string]bool) string {
	for _, d := range f.Decorators {
		name := m.DecoratorName(d)
		if names[name] {
			return name
		}
	}
	return ""
}

// goStrings calls fn for each string literal of the non-test Go files.
func goStrings(g *dbcode.Go, fn func(f *dbcode.GoFile, line int, s string)) {
	for _, f := range g.AppFiles() {
		ast.Inspect(f.AST, func(n ast.Node) bool {
			if bl, ok := n.(*ast.BasicLit); ok && bl.Kind == token.STRING {
				if s, err := strconv.Unquote(bl.Value); err == nil {
					fn(f, f.Line(bl.Pos()), s)
				}
			}
			return true
		})
	}
}

// goSelectors calls fn for each pkg.Name selector of the non-test Go
// files, with the package's import path (major version stripped).
func goSelectors(g *dbcode.Go, fn func(f *dbcode.GoFile, line int, pkgPath, name string)) {
	for _, f := range g.AppFiles() {
		ast.Inspect(f.AST, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if id, ok := sel.X.(*ast.Ident); ok {
				if p := f.ImportPath(id.Name); p != "" {
					fn(f, f.Line(sel.Pos()), p, sel.Sel.Name)
				}
			}
			return true
		})
	}
}
