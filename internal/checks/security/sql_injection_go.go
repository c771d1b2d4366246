package security

import (
	"fmt"
	"go/ast"
	"go/token"
	"strconv"
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/dbsite"
	"github.com/pgreview/pgreview/internal/repo"
)

// goSinks are the methods that take SQL text (pgx, database/sql, sqlx,
// gorm), with their context-taking variants.
var goSinks = map[string]bool{
	"Query": true, "QueryRow": true, "Exec": true, "QueryContext": true, "QueryRowContext": true,
	"ExecContext": true, "Select": true, "Get": true, "SelectContext": true, "GetContext": true,
	"MustExec": true, "Queryx": true, "QueryRowx": true, "NamedExec": true, "NamedQuery": true,
	"Raw": true, "Prepare": true, "PrepareContext": true, "Preparex": true,
}

// goBuilt is a formatted SQL text found behind a sink's argument.
type goBuilt struct {
	pos    token.Pos
	how    string // "fmt.Sprintf", "string concatenation"
	origin origin
	names  []string
}

func goInjection(p *check.Pass, report func(check.Finding)) {
	for _, gf := range p.Repo.Go() {
		if gf.Test || dbsite.IsTestPath(gf.Path) {
			continue // tests build their own throwaway SQL
		}
		dbsite.WalkGo(gf.AST, func(call *ast.CallExpr, stack []ast.Node) {
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || !goSinks[sel.Sel.Name] || len(call.Args) == 0 {
				return
			}
			stack = append([]ast.Node(nil), stack...)
			for i, a := range call.Args {
				if i > 1 {
					break
				}
				b := goSQLBuilt(gf, stack, a, call.Pos())
				if b == nil {
					continue
				}
				if b.origin == fromConstants {
					return
				}
				at := check.Location{File: gf.Path, Line: gf.Line(b.pos)}
				line := gf.Line(call.Pos())
				recv := exprString(sel.X)
				if b.origin == fromOutside {
					report(check.Finding{Location: at, Message: fmt.Sprintf("SQL built with %s from %s is passed to %s.%s at line %d; use placeholders ($1, $2) and pass the values as arguments",
						b.how, quoteNames(b.names), recv, sel.Sel.Name, line), Related: related(gf.Path, line, at)})
				} else {
					report(check.Finding{Location: at, Severity: check.Good, Message: fmt.Sprintf("SQL built with %s from %s, which come from a fixed list, is passed to %s.%s at line %d; quote identifiers with pgx.Identifier{...}.Sanitize()",
						b.how, quoteNames(b.names), recv, sel.Sel.Name, line), Related: related(gf.Path, line, at)})
				}
				return
			}
		})
	}
}

// goSQLBuilt follows a sink argument (through variables) to a
// fmt.Sprintf or a + of SQL text, and classifies what goes into it.
func goSQLBuilt(gf *repo.GoFile, stack []ast.Node, e ast.Expr, pos token.Pos) *goBuilt {
	for i := 0; i < 4; i++ {
		id, ok := e.(*ast.Ident)
		if !ok {
			break
		}
		v := dbsite.GoBinding(gf, stack, id.Name, pos)
		if v == nil {
			return nil
		}
		e, pos = v, v.Pos()
	}
	imports := dbsite.GoImports(gf.AST)
	switch x := e.(type) {
	case *ast.CallExpr:
		if dbsite.GoCallee(imports, x) != "fmt.Sprintf" || len(x.Args) == 0 {
			return nil
		}
		format := dbsite.GoEval(gf, stack, x.Args[0], pos)
		if !format.Known || !looksLikeSQL(strings.ReplaceAll(format.Text, "\x01", "x")) {
			return nil
		}
		b := &goBuilt{pos: x.Pos(), how: "fmt.Sprintf"}
		verbs := sprintfVerbs(format.Text)
		for i, a := range x.Args[1:] {
			verb := byte('v')
			if i < len(verbs) {
				verb = verbs[i]
			}
			if strings.IndexByte("dfeExXobcgGtU", verb) >= 0 && verb != 'x' && verb != 'X' {
				continue // numbers and booleans cannot carry SQL
			}
			b.add(goArgOrigin(gf, stack, a, pos), exprString(a))
		}
		return b
	case *ast.BinaryExpr:
		if x.Op != token.ADD {
			return nil
		}
		var parts []ast.Expr
		flattenAdd(x, &parts)
		text := ""
		for _, part := range parts {
			if lit, ok := part.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				s, _ := strconv.Unquote(lit.Value)
				text += s
			} else {
				text += "x"
			}
		}
		if !looksLikeSQL(text) {
			return nil
		}
		b := &goBuilt{pos: x.Pos(), how: "string concatenation"}
		for _, part := range parts {
			if lit, ok := part.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				continue
			}
			b.add(goArgOrigin(gf, stack, part, pos), exprString(part))
		}
		return b
	}
	return nil
}

func (b *goBuilt) add(o origin, name string) {
	if o > b.origin {
		b.origin, b.names = o, nil
	}
	if o == b.origin && o != fromConstants {
		b.names = append(b.names, name)
	}
}

func flattenAdd(e ast.Expr, out *[]ast.Expr) {
	if b, ok := e.(*ast.BinaryExpr); ok && b.Op == token.ADD {
		flattenAdd(b.X, out)
		flattenAdd(b.Y, out)
		return
	}
	if p, ok := e.(*ast.ParenExpr); ok {
		flattenAdd(p.X, out)
		return
	}
	*out = append(*out, e)
}

// sprintfVerbs lists the verbs of a format string, in order.
func sprintfVerbs(f string) []byte {
	var out []byte
	for i := 0; i < len(f); i++ {
		if f[i] != '%' {
			continue
		}
		j := i + 1
		for j < len(f) && strings.IndexByte("+-# 0123456789.*[]", f[j]) >= 0 {
			j++
		}
		if j < len(f) {
			if f[j] != '%' {
				out = append(out, f[j])
			}
			i = j
		}
	}
	return out
}

// goArgOrigin classifies a value formatted into SQL: constants,
// identifiers quoted by the driver, values from a fixed list (a range over
// a literal slice), or anything else.
func goArgOrigin(gf *repo.GoFile, stack []ast.Node, e ast.Expr, pos token.Pos) origin {
	return goArgOriginDepth(gf, stack, e, pos, 0)
}

func goArgOriginDepth(gf *repo.GoFile, stack []ast.Node, e ast.Expr, pos token.Pos, depth int) origin {
	if depth > 4 {
		return fromOutside
	}
	switch x := e.(type) {
	case *ast.BasicLit:
		return fromConstants
	case *ast.BinaryExpr:
		if x.Op == token.ADD {
			l := goArgOriginDepth(gf, stack, x.X, pos, depth+1)
			if r := goArgOriginDepth(gf, stack, x.Y, pos, depth+1); r > l {
				return r
			}
			return l
		}
		return fromConstants // arithmetic
	case *ast.CallExpr:
		callee := dbsite.GoCallee(dbsite.GoImports(gf.AST), x)
		name := exprString(x.Fun)
		if sel, ok := x.Fun.(*ast.SelectorExpr); ok && quotes(sel.Sel.Name) {
			return fromConstants
		}
		if id, ok := x.Fun.(*ast.Ident); ok && quotes(id.Name) {
			return fromConstants
		}
		if callee == "fmt.Sprintf" && len(x.Args) > 0 {
			// A name built from numbers and constants: fmt.Sprintf("t_%d", n).
			verbs := sprintfVerbs(strings.Trim(exprStringLit(x.Args[0]), "`\""))
			worst := fromConstants
			for i, a := range x.Args[1:] {
				if i < len(verbs) && strings.IndexByte("dfeEgGtbcoU", verbs[i]) >= 0 {
					continue
				}
				if o := goArgOriginDepth(gf, stack, a, pos, depth+1); o > worst {
					worst = o
				}
			}
			return worst
		}
		switch {
		case strings.HasSuffix(name, ".Sanitize") || strings.HasSuffix(callee, "pq.QuoteIdentifier") || strings.HasSuffix(callee, "pq.QuoteLiteral"),
			callee == "strconv.Itoa" || callee == "strconv.FormatInt" || callee == "strconv.FormatFloat":
			return fromConstants
		case callee == "os.Getenv":
			return fromFixedList
		}
		return fromOutside
	case *ast.Ident:
		if isGoConst(gf, x.Name) {
			return fromConstants
		}
		if r := rangeOver(stack, x.Name, pos); r != nil {
			if lit, ok := r.(*ast.CompositeLit); ok && allLiterals(lit) {
				return fromFixedList
			}
		}
		if v := dbsite.GoBinding(gf, stack, x.Name, pos); v != nil {
			return goArgOriginDepth(gf, stack, v, v.Pos(), depth+1)
		}
	}
	return fromOutside
}

func exprStringLit(e ast.Expr) string {
	if lit, ok := e.(*ast.BasicLit); ok && lit.Kind == token.STRING {
		return lit.Value
	}
	return ""
}

func isGoConst(gf *repo.GoFile, name string) bool {
	for _, d := range gf.AST.Decls {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.CONST {
			for _, spec := range gd.Specs {
				for _, id := range spec.(*ast.ValueSpec).Names {
					if id.Name == name {
						return true
					}
				}
			}
		}
	}
	return false
}

// rangeOver returns what a range loop around pos iterates over when name
// is its value variable.
func rangeOver(stack []ast.Node, name string, pos token.Pos) ast.Expr {
	fn := dbsite.InnermostFunc(stack)
	if fn == nil {
		return nil
	}
	var out ast.Expr
	ast.Inspect(fn, func(n ast.Node) bool {
		rs, ok := n.(*ast.RangeStmt)
		if !ok || n == nil {
			return true
		}
		if rs.Pos() <= pos && pos < rs.End() {
			for _, v := range []ast.Expr{rs.Key, rs.Value} {
				if id, ok := v.(*ast.Ident); ok && id.Name == name {
					out = rs.X
				}
			}
		}
		return true
	})
	return out
}

func allLiterals(lit *ast.CompositeLit) bool {
	for _, e := range lit.Elts {
		if _, ok := e.(*ast.BasicLit); !ok {
			return false
		}
	}
	return true
}

func exprString(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.Ident:
		return x.Name
	case *ast.SelectorExpr:
		return exprString(x.X) + "." + x.Sel.Name
	case *ast.CallExpr:
		return exprString(x.Fun) + "(…)"
	case *ast.IndexExpr:
		return exprString(x.X) + "[…]"
	case *ast.StarExpr:
		return "*" + exprString(x.X)
	case *ast.ParenExpr:
		return exprString(x.X)
	case *ast.BasicLit:
		return "a literal"
	}
	return "an expression"
}
