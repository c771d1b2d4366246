package dbsite

import (
	"go/ast"
	"go/token"
	"path"
	"strconv"
	"strings"

	"github.com/pgreview/pgreview/internal/pgurl"
	"github.com/pgreview/pgreview/internal/repo"
)

// GoSite is the Go side of a Site.
type GoSite struct {
	File *repo.GoFile
	Call *ast.CallExpr
	// Stack holds the nodes enclosing the call, outermost first: function
	// declarations, function literals and the calls those literals are
	// passed to (http.HandleFunc("/x", func(...) {...})).
	Stack []ast.Node
	// URL is the connection string argument, when the call takes one.
	URL GoString
}

// Func is the innermost function (an *ast.FuncDecl or *ast.FuncLit)
// around the call; nil at package level.
func (g *GoSite) Func() ast.Node { return InnermostFunc(g.Stack) }

// InnermostFunc returns the innermost *ast.FuncDecl or *ast.FuncLit of a
// stack of enclosing nodes.
func InnermostFunc(stack []ast.Node) ast.Node {
	for i := len(stack) - 1; i >= 0; i-- {
		switch stack[i].(type) {
		case *ast.FuncDecl, *ast.FuncLit:
			return stack[i]
		}
	}
	return nil
}

// GoString is a Go string expression followed to its value: Text has
// pgurl.Hole where a part is not in the source.
type GoString struct {
	Text    string
	Known   bool // some of the text is in the source
	FromEnv bool // a part is read with os.Getenv / os.LookupEnv
}

type goAPI struct {
	pool   bool
	urlArg int // -1: none
}

// goAPIs maps "import path.Func" to what it does.
var goAPIs = map[string]goAPI{
	"github.com/jackc/pgx/v5/pgxpool.New":           {pool: true, urlArg: 1},
	"github.com/jackc/pgx/v5/pgxpool.NewWithConfig": {pool: true, urlArg: -1},
	"github.com/jackc/pgx/v4/pgxpool.Connect":       {pool: true, urlArg: 1},
	"github.com/jackc/pgx/v4/pgxpool.ConnectConfig": {pool: true, urlArg: -1},
	"github.com/jackc/pgx/v5.Connect":               {urlArg: 1},
	"github.com/jackc/pgx/v5.ConnectConfig":         {urlArg: -1},
	"github.com/jackc/pgx/v4.Connect":               {urlArg: 1},
	"github.com/jackc/pgx/v4.ConnectConfig":         {urlArg: -1},
	"github.com/jackc/pgx/v5/stdlib.OpenDB":         {pool: true, urlArg: -1},
	"database/sql.Open":                             {pool: true, urlArg: 1},
	"github.com/jmoiron/sqlx.Open":                  {pool: true, urlArg: 1},
	"github.com/jmoiron/sqlx.Connect":               {pool: true, urlArg: 1},
	"github.com/jmoiron/sqlx.MustConnect":           {pool: true, urlArg: 1},
	"gorm.io/gorm.Open":                             {pool: true, urlArg: -1},
}

// postgresSQLDrivers are the database/sql driver names of Postgres.
var postgresSQLDrivers = map[string]bool{"postgres": true, "pgx": true, "pgx/v5": true, "postgresql": true, "cloudsqlpostgres": true}

// GoImports maps a file's local package names to import paths. The
// default name of ".../pgx/v5" is pgx, not v5.
func GoImports(f *ast.File) map[string]string {
	out := map[string]string{}
	for _, imp := range f.Imports {
		p, err := strconv.Unquote(imp.Path.Value)
		if err != nil {
			continue
		}
		name := path.Base(p)
		if len(name) > 1 && name[0] == 'v' && isDigits(name[1:]) {
			name = path.Base(path.Dir(p))
		}
		name = strings.TrimSuffix(strings.TrimPrefix(name, "go-"), ".go")
		if imp.Name != nil {
			name = imp.Name.Name
		}
		out[name] = p
	}
	return out
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// GoCallee returns "import/path.Func" for a call of a package function,
// or "" for anything else (methods, local functions).
func GoCallee(imports map[string]string, call *ast.CallExpr) string {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return ""
	}
	id, ok := sel.X.(*ast.Ident)
	if !ok {
		return ""
	}
	p, ok := imports[id.Name]
	if !ok {
		return ""
	}
	return p + "." + sel.Sel.Name
}

// WalkGo visits every call of a file with the stack of nodes enclosing
// it, outermost first (the slice is reused: copy it to keep it).
func WalkGo(f *ast.File, visit func(call *ast.CallExpr, stack []ast.Node)) {
	var stack []ast.Node
	ast.Inspect(f, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return false
		}
		if call, ok := n.(*ast.CallExpr); ok {
			visit(call, stack)
		}
		stack = append(stack, n)
		return true
	})
}

// enclosing keeps the function declarations, function literals and calls
// of a stack: what checks reason about.
func enclosing(stack []ast.Node) []ast.Node {
	var out []ast.Node
	for _, n := range stack {
		switch n.(type) {
		case *ast.FuncDecl, *ast.FuncLit, *ast.CallExpr:
			out = append(out, n)
		}
	}
	return out
}

func goSites(r *repo.Repo) []*Site {
	var out []*Site
	for _, gf := range r.Go() {
		imports := GoImports(gf.AST)
		test, migr := gf.Test || IsTestPath(gf.Path), IsMigrationPath(gf.Path)
		WalkGo(gf.AST, func(call *ast.CallExpr, stack []ast.Node) {
			callee := GoCallee(imports, call)
			api, ok := goAPIs[callee]
			if !ok {
				return
			}
			if strings.HasPrefix(callee, "database/sql.") || strings.HasPrefix(callee, "github.com/jmoiron/sqlx.") {
				if len(call.Args) == 0 {
					return
				}
				drv := GoEval(gf, stack, call.Args[0], call.Pos())
				if drv.Known && !postgresSQLDrivers[drv.Text] {
					return // another database
				}
			}
			pkg := callee[strings.LastIndex(callee[:strings.LastIndex(callee, ".")], "/")+1:]
			s := &Site{
				File: gf.Path, Line: gf.Line(call.Pos()), API: goShortName(pkg), Pool: api.pool,
				Test: test, Migrations: migr,
				Go: &GoSite{File: gf, Call: call, Stack: enclosing(stack)},
			}
			switch {
			case api.urlArg >= 0 && api.urlArg < len(call.Args):
				s.Go.URL = GoEval(gf, stack, call.Args[api.urlArg], call.Pos())
			case callee == "gorm.io/gorm.Open" && len(call.Args) > 0:
				// gorm.Open(postgres.Open(dsn), ...)
				if inner, ok := call.Args[0].(*ast.CallExpr); ok && len(inner.Args) > 0 {
					s.Go.URL = GoEval(gf, stack, inner.Args[0], call.Pos())
				}
			}
			out = append(out, s)
		})
	}
	return out
}

// goShortName turns "pgx/v5/pgxpool.New" into "pgxpool.New", "v5.Connect"
// into "pgx.Connect".
func goShortName(s string) string {
	pkg, fn, _ := strings.Cut(s, ".")
	if len(pkg) > 1 && pkg[0] == 'v' && isDigits(pkg[1:]) {
		pkg = "pgx"
	}
	return pkg + "." + fn
}

// GoEval follows a string expression used at pos to its value: literals,
// constants and variables assigned before pos in the enclosing functions
// or at package level, os.Getenv, + and fmt.Sprintf.
func GoEval(gf *repo.GoFile, stack []ast.Node, e ast.Expr, pos token.Pos) GoString {
	return goEval(gf, stack, e, pos, 0)
}

func goEval(gf *repo.GoFile, stack []ast.Node, e ast.Expr, pos token.Pos, depth int) GoString {
	hole := GoString{Text: pgurl.Hole}
	if depth > 8 || e == nil {
		return hole
	}
	switch x := e.(type) {
	case *ast.BasicLit:
		if x.Kind == token.STRING {
			if s, err := strconv.Unquote(x.Value); err == nil {
				return GoString{Text: s, Known: true}
			}
		}
		return GoString{Text: x.Value, Known: true}
	case *ast.ParenExpr:
		return goEval(gf, stack, x.X, pos, depth+1)
	case *ast.BinaryExpr:
		if x.Op != token.ADD {
			return hole
		}
		l, r := goEval(gf, stack, x.X, pos, depth+1), goEval(gf, stack, x.Y, pos, depth+1)
		return GoString{Text: l.Text + r.Text, Known: l.Known || r.Known, FromEnv: l.FromEnv || r.FromEnv}
	case *ast.CallExpr:
		callee := GoCallee(GoImports(gf.AST), x)
		switch callee {
		case "os.Getenv":
			return GoString{Text: pgurl.Hole, FromEnv: true}
		case "fmt.Sprintf":
			if len(x.Args) == 0 {
				return hole
			}
			f := goEval(gf, stack, x.Args[0], pos, depth+1)
			if !f.Known {
				return hole
			}
			out := GoString{Known: true}
			args := x.Args[1:]
			verbs := 0
			var b strings.Builder
			for i := 0; i < len(f.Text); i++ {
				if f.Text[i] != '%' || i+1 >= len(f.Text) {
					b.WriteByte(f.Text[i])
					continue
				}
				if f.Text[i+1] == '%' {
					b.WriteByte('%')
					i++
					continue
				}
				j := i + 1
				for j < len(f.Text) && strings.IndexByte("+-# 0123456789.*[]", f.Text[j]) >= 0 {
					j++
				}
				if verbs < len(args) {
					a := goEval(gf, stack, args[verbs], pos, depth+1)
					b.WriteString(a.Text)
					out.FromEnv = out.FromEnv || a.FromEnv
				} else {
					b.WriteString(pgurl.Hole)
				}
				verbs++
				i = j
			}
			out.Text = b.String()
			return out
		}
		return hole
	case *ast.Ident:
		if v := GoBinding(gf, stack, x.Name, pos); v != nil {
			return goEval(gf, stack, v, v.Pos(), depth+1)
		}
	}
	return hole
}

// GoBinding finds the expression last assigned to name before pos in the
// enclosing functions (innermost first), or a package-level const or var
// of the file; nil when there is none.
func GoBinding(gf *repo.GoFile, stack []ast.Node, name string, pos token.Pos) ast.Expr {
	for i := len(stack) - 1; i >= 0; i-- {
		var body *ast.BlockStmt
		switch fn := stack[i].(type) {
		case *ast.FuncDecl:
			body = fn.Body
		case *ast.FuncLit:
			body = fn.Body
		default:
			continue
		}
		if body == nil {
			continue
		}
		var found ast.Expr
		ast.Inspect(body, func(n ast.Node) bool {
			if n == nil || n.Pos() >= pos {
				return false
			}
			switch s := n.(type) {
			case *ast.FuncLit:
				return containsPos(s, pos)
			case *ast.AssignStmt:
				if len(s.Lhs) == len(s.Rhs) {
					for k, l := range s.Lhs {
						if id, ok := l.(*ast.Ident); ok && id.Name == name {
							found = s.Rhs[k]
						}
					}
				}
			case *ast.ValueSpec:
				for k, id := range s.Names {
					if id.Name == name && k < len(s.Values) {
						found = s.Values[k]
					}
				}
			}
			return true
		})
		if found != nil {
			return found
		}
	}
	for _, d := range gf.AST.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || (gd.Tok != token.CONST && gd.Tok != token.VAR) {
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			for k, id := range vs.Names {
				if id.Name == name && k < len(vs.Values) {
					return vs.Values[k]
				}
			}
		}
	}
	return nil
}

func containsPos(n ast.Node, p token.Pos) bool { return n.Pos() <= p && p < n.End() }
