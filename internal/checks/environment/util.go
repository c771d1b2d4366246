package environment

import (
	"go/ast"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/dbsite"
	"github.com/pgreview/pgreview/internal/repo"
)

// goGetenvLine returns the line of the first os.Getenv call of a file, or 0.
func goGetenvLine(gf *repo.GoFile) int {
	imports := dbsite.GoImports(gf.AST)
	line := 0
	ast.Inspect(gf.AST, func(n ast.Node) bool {
		if line > 0 {
			return false
		}
		if c, ok := n.(*ast.CallExpr); ok {
			if callee := dbsite.GoCallee(imports, c); callee == "os.Getenv" || callee == "os.LookupEnv" {
				line = gf.Line(c.Pos())
			}
		}
		return true
	})
	return line
}

func loc(file string, line int) check.Location { return check.Location{File: file, Line: line} }
