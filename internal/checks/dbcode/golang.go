package dbcode

import (
	"go/ast"
	"go/token"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/pgreview/pgreview/internal/dbsite"
	"github.com/pgreview/pgreview/internal/repo"
)

// Handle is the kind of database handle a Go call is made on.
type Handle int

const (
	HandleNone Handle = iota
	// HandlePool autocommits every statement: *sql.DB, *pgxpool.Pool,
	// *sqlx.DB, and single connections (*pgx.Conn, *sql.Conn).
	HandlePool
	// HandleTx is a transaction: pgx.Tx, *sql.Tx, *sqlx.Tx.
	HandleTx
	// HandleEither is an interface both satisfy (sqlc's DBTX): what it
	// is depends on the caller.
	HandleEither
)

// sqlLib marks a handle of database/sql (or sqlx, built on it), whose
// Rows is nil when Query fails; pgx's Rows carries the error instead.
const sqlLib Handle = 1 << 8

// Kind is the handle without its library mark.
func (h Handle) Kind() Handle { return h &^ sqlLib }

// Go is what the repository's Go code does with the database.
type Go struct {
	Files []*GoFile
}

// GoFile is one Go file and its functions.
type GoFile struct {
	*repo.GoFile
	// Test: a _test.go file, a file under a test directory, or a test
	// helper package (pgxtest, dbtest, testutil).
	Test    bool
	Funcs   []*GoFunc
	imports map[string]string
}

// GoFunc is a function declaration or literal and its database calls.
// Calls inside nested function literals belong to the literal.
type GoFunc struct {
	File *GoFile
	Name string // "Store.MarkShipped"; "func literal" for literals
	Line int
	Decl *ast.FuncDecl // nil for a literal
	Lit  *ast.FuncLit  // nil for a declaration
	// Outer is the function a literal is written in.
	Outer *GoFunc
	Calls []*GoCall
	// Doc is the declaration's doc comment.
	Doc string
}

// Body is the function's body; nil for a declaration without one.
func (fn *GoFunc) Body() *ast.BlockStmt {
	if fn.Decl != nil {
		return fn.Decl.Body
	}
	return fn.Lit.Body
}

// GoCall is a database call.
type GoCall struct {
	Func   *GoFunc
	Expr   *ast.CallExpr
	Line   int
	Method string
	Recv   string // the receiver as written: "s.pool", "tx"
	Handle Handle
	Op     Op
	SQL    string
	// ErrIgnored: the call's error result is dropped (an expression
	// statement, or assigned to _). Deferred calls are never ignored.
	ErrIgnored bool
	// Dropped: the call is an expression statement; all its results are
	// thrown away.
	Dropped  bool
	Deferred bool
	// Loop is the innermost loop around the call in its function, nil
	// when none.
	Loop ast.Stmt
	// DatabaseSQL: the handle is database/sql's (or sqlx's).
	DatabaseSQL bool
	// Conditional: the call is in a branch (if, else, case) inside its
	// innermost loop, or its function outside loops. An if's init
	// statement is not a branch: "if _, err := db.Exec(...); err != nil"
	// runs every time.
	Conditional bool
}

// AppFiles are the files that are not test code.
func (g *Go) AppFiles() []*GoFile {
	var out []*GoFile
	for _, f := range g.Files {
		if !f.Test {
			out = append(out, f)
		}
	}
	return out
}

// GoIndex returns the index for r, built once.
func GoIndex(r *repo.Repo) *Go {
	return repo.Memo(r, "dbcode.go", func() *Go { return buildGo(r) })
}

// handleTypes maps package path and type name to a handle kind. Go module
// major versions (/v4, /v5) are stripped before the lookup.
var handleTypes = map[string]Handle{
	"database/sql.DB": HandlePool | sqlLib, "database/sql.Conn": HandlePool | sqlLib, "database/sql.Tx": HandleTx | sqlLib,
	"github.com/jackc/pgx/pgxpool.Pool": HandlePool, "github.com/jackc/pgx/pgxpool.Conn": HandlePool,
	"github.com/jackc/pgx/pgxpool.Tx": HandleTx,
	"github.com/jackc/pgx.Conn":       HandlePool, "github.com/jackc/pgx.Tx": HandleTx,
	"github.com/jmoiron/sqlx.DB": HandlePool | sqlLib, "github.com/jmoiron/sqlx.Tx": HandleTx | sqlLib, "github.com/jmoiron/sqlx.Conn": HandlePool | sqlLib,
}

// constructors return a new handle: pgxpool.New(ctx, url), sql.Open(...).
var constructors = map[string]Handle{
	"github.com/jackc/pgx/pgxpool.New": HandlePool, "github.com/jackc/pgx/pgxpool.NewWithConfig": HandlePool,
	"github.com/jackc/pgx/pgxpool.Connect": HandlePool, "github.com/jackc/pgx/pgxpool.ConnectConfig": HandlePool,
	"github.com/jackc/pgx.Connect": HandlePool, "github.com/jackc/pgx.ConnectConfig": HandlePool,
	"database/sql.Open": HandlePool | sqlLib, "database/sql.OpenDB": HandlePool | sqlLib,
	"github.com/jmoiron/sqlx.Open": HandlePool | sqlLib, "github.com/jmoiron/sqlx.Connect": HandlePool | sqlLib,
	"github.com/jmoiron/sqlx.MustConnect": HandlePool | sqlLib, "github.com/jmoiron/sqlx.MustOpen": HandlePool | sqlLib,
	"github.com/jmoiron/sqlx.NewDb": HandlePool | sqlLib, "github.com/peterldowns/pgtestdb.New": HandlePool | sqlLib,
}

var majorSuffix = regexp.MustCompile(`/v[0-9]+(/|$)`)

// imports maps a file's import names (dbsite.GoImports, so both indexes
// name imports alike) to their paths, major versions stripped.
func imports(f *ast.File) map[string]string {
	out := dbsite.GoImports(f)
	for name, p := range out {
		out[name] = majorSuffix.ReplaceAllString(p, "$1")
	}
	return out
}

// ImportPath returns the path a file imports under name, major version
// stripped ("" when not imported).
func (f *GoFile) ImportPath(name string) string { return f.imports[name] }

// pkgTypes is what one Go package declares about handles: struct fields
// and package variables of handle types, and DBTX-like interfaces.
type pkgTypes struct {
	fields map[string]map[string]Handle // struct type -> field -> handle
	vars   map[string]Handle
	ifaces map[string]bool // interfaces with Exec or Query methods
}

func buildGo(r *repo.Repo) *Go {
	g := &Go{}
	byDir := map[string][]*repo.GoFile{}
	for _, f := range r.Go() {
		byDir[path.Dir(f.Path)] = append(byDir[path.Dir(f.Path)], f)
	}
	dirs := make([]string, 0, len(byDir))
	for d := range byDir {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	for _, d := range dirs {
		files := byDir[d]
		pt := collectTypes(files)
		for _, f := range files {
			g.Files = append(g.Files, scanGoFile(f, pt))
		}
	}
	return g
}

func collectTypes(files []*repo.GoFile) *pkgTypes {
	pt := &pkgTypes{fields: map[string]map[string]Handle{}, vars: map[string]Handle{}, ifaces: map[string]bool{}}
	// Interfaces first: fields may be of a DBTX interface declared later.
	for _, f := range files {
		for _, d := range f.AST.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE {
				continue
			}
			for _, s := range gd.Specs {
				ts := s.(*ast.TypeSpec)
				if it, ok := ts.Type.(*ast.InterfaceType); ok && it.Methods != nil {
					// sqlc's DBTX: both Exec and Query. A container's
					// Exec(cmd) alone is not a database.
					exec, query := false, false
					for _, m := range it.Methods.List {
						for _, n := range m.Names {
							switch n.Name {
							case "Exec", "ExecContext":
								exec = true
							case "Query", "QueryContext", "QueryRow", "QueryRowContext":
								query = true
							}
						}
					}
					if exec && query {
						pt.ifaces[ts.Name.Name] = true
					}
				}
			}
		}
	}
	for _, f := range files {
		imps := imports(f.AST)
		for _, d := range f.AST.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok {
				continue
			}
			for _, s := range gd.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					st, ok := s.Type.(*ast.StructType)
					if !ok {
						continue
					}
					fields := map[string]Handle{}
					for _, fl := range st.Fields.List {
						h := typeHandle(fl.Type, imps, pt)
						if h == HandleNone {
							continue
						}
						for _, n := range fl.Names {
							fields[n.Name] = h
						}
						if len(fl.Names) == 0 { // embedded: *sql.DB
							fields[embeddedName(fl.Type)] = h
						}
					}
					pt.fields[s.Name.Name] = fields
				case *ast.ValueSpec:
					h := typeHandle(s.Type, imps, pt)
					for i, n := range s.Names {
						if h == HandleNone && i < len(s.Values) {
							h = exprHandle(s.Values[i], imps, nil)
						}
						if h != HandleNone {
							pt.vars[n.Name] = h
						}
					}
				}
			}
		}
	}
	return pt
}

func embeddedName(t ast.Expr) string {
	if st, ok := t.(*ast.StarExpr); ok {
		t = st.X
	}
	if se, ok := t.(*ast.SelectorExpr); ok {
		return se.Sel.Name
	}
	if id, ok := t.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

// typeHandle reads a type expression: *pgxpool.Pool, pgx.Tx, DBTX.
func typeHandle(t ast.Expr, imps map[string]string, pt *pkgTypes) Handle {
	if st, ok := t.(*ast.StarExpr); ok {
		t = st.X
	}
	switch t := t.(type) {
	case *ast.SelectorExpr:
		if pkg, ok := t.X.(*ast.Ident); ok {
			return handleTypes[imps[pkg.Name]+"."+t.Sel.Name]
		}
	case *ast.Ident:
		if pt != nil && pt.ifaces[t.Name] {
			return HandleEither
		}
	}
	return HandleNone
}

// exprHandle reads what a value expression is: a constructor call, or a
// Begin on a known handle (a transaction).
func exprHandle(e ast.Expr, imps map[string]string, env *scope) Handle {
	call, ok := e.(*ast.CallExpr)
	if !ok {
		return HandleNone
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return HandleNone
	}
	if pkg, ok := sel.X.(*ast.Ident); ok {
		if h, ok := constructors[imps[pkg.Name]+"."+sel.Sel.Name]; ok {
			return h
		}
	}
	if env != nil {
		switch sel.Sel.Name {
		case "Begin", "BeginTx", "Beginx", "BeginTxx", "MustBegin":
			if hx := env.handle(sel.X); hx != HandleNone {
				return HandleTx | hx&sqlLib
			}
		case "Acquire", "Conn":
			if hx := env.handle(sel.X); hx.Kind() == HandlePool {
				return hx
			}
		}
	}
	return HandleNone
}

// scope is what is known about names inside one function.
type scope struct {
	pt     *pkgTypes
	imps   map[string]string
	recv   string // the method receiver's name
	recvT  string // its type name
	locals map[string]Handle
	parent *scope
}

func (s *scope) lookup(name string) Handle {
	for sc := s; sc != nil; sc = sc.parent {
		if h, ok := sc.locals[name]; ok {
			return h
		}
	}
	if h, ok := s.pt.vars[name]; ok {
		return h
	}
	return HandleNone
}

// handle says what a receiver expression is: tx, s.pool, db.
func (s *scope) handle(e ast.Expr) Handle {
	switch e := e.(type) {
	case *ast.Ident:
		return s.lookup(e.Name)
	case *ast.SelectorExpr:
		if id, ok := e.X.(*ast.Ident); ok {
			for sc := s; sc != nil; sc = sc.parent {
				if sc.recv != "" && id.Name == sc.recv {
					return s.pt.fields[sc.recvT][e.Sel.Name]
				}
			}
		}
	case *ast.ParenExpr:
		return s.handle(e.X)
	}
	return HandleNone
}

func (s *scope) params(fl *ast.FieldList) {
	if fl == nil {
		return
	}
	for _, f := range fl.List {
		h := typeHandle(f.Type, s.imps, s.pt)
		for _, n := range f.Names {
			s.locals[n.Name] = h
		}
	}
}

func scanGoFile(f *repo.GoFile, pt *pkgTypes) *GoFile {
	imps := imports(f.AST)
	gf := &GoFile{GoFile: f, imports: imps, Test: f.Test || dbsite.IsTestPath(f.Path) || testPackage(f)}
	for _, d := range f.AST.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Body == nil {
			continue
		}
		sc := &scope{pt: pt, imps: imps, locals: map[string]Handle{}}
		name := fd.Name.Name
		if fd.Recv != nil && len(fd.Recv.List) == 1 {
			rt := fd.Recv.List[0]
			tname := embeddedName(rt.Type)
			if ix, ok := rt.Type.(*ast.StarExpr); ok {
				if g, ok := ix.X.(*ast.IndexExpr); ok {
					tname = embeddedName(g.X)
				}
			}
			if len(rt.Names) == 1 {
				sc.recv, sc.recvT = rt.Names[0].Name, tname
			}
			name = tname + "." + name
		}
		sc.params(fd.Type.Params)
		fn := &GoFunc{File: gf, Name: name, Line: f.Line(fd.Pos()), Decl: fd}
		if fd.Doc != nil {
			fn.Doc = fd.Doc.Text()
		}
		gf.Funcs = append(gf.Funcs, fn)
		w := &walker{file: gf, fn: fn, sc: sc}
		w.block(body(fd.Body))
	}
	return gf
}

// testPackage: a package written for tests (pgxtest, dbtest, testutil).
func testPackage(f *repo.GoFile) bool {
	name := strings.ToLower(f.AST.Name.Name)
	return strings.HasSuffix(name, "test") || strings.HasPrefix(name, "testutil") || strings.HasPrefix(name, "testhelper")
}

// walker visits one function's statements, tracking locals, loops and
// how each call's results are used.
type walker struct {
	file *GoFile
	fn   *GoFunc
	sc   *scope
	loop ast.Stmt
	cond bool
}

// branch walks statements that run only sometimes.
func (w *walker) branch(stmts []ast.Stmt) {
	outer := w.cond
	w.cond = true
	w.block(stmts)
	w.cond = outer
}

// loopBody walks a loop's body: branches are counted from the loop.
func (w *walker) loopBody(l ast.Stmt, stmts []ast.Stmt) {
	outerLoop, outerCond := w.loop, w.cond
	w.loop, w.cond = l, false
	w.block(stmts)
	w.loop, w.cond = outerLoop, outerCond
}

// body is a block's statements; code that does not parse may lack one.
func body(b *ast.BlockStmt) []ast.Stmt {
	if b == nil {
		return nil
	}
	return b.List
}

func (w *walker) block(stmts []ast.Stmt) {
	for _, s := range stmts {
		w.stmt(s)
	}
}

func (w *walker) stmt(s ast.Stmt) {
	switch s := s.(type) {
	case *ast.ExprStmt:
		if call, ok := s.X.(*ast.CallExpr); ok {
			w.call(call, use{stmt: true}, false)
			return
		}
		w.exprs(s.X)
	case *ast.AssignStmt:
		for _, rhs := range s.Rhs {
			if call, ok := rhs.(*ast.CallExpr); ok && len(s.Rhs) == 1 {
				w.call(call, use{blanks: blanks(s.Lhs)}, false)
			} else {
				w.exprs(rhs)
			}
		}
		w.bind(s.Lhs, s.Rhs)
	case *ast.DeclStmt:
		if gd, ok := s.Decl.(*ast.GenDecl); ok {
			for _, sp := range gd.Specs {
				if vs, ok := sp.(*ast.ValueSpec); ok {
					h := typeHandle(vs.Type, w.sc.imps, w.sc.pt)
					for i, n := range vs.Names {
						hv := h
						if i < len(vs.Values) {
							w.exprs(vs.Values[i])
							if hv == HandleNone {
								hv = exprHandle(vs.Values[i], w.sc.imps, w.sc)
							}
						}
						w.sc.locals[n.Name] = hv
					}
				}
			}
		}
	case *ast.DeferStmt:
		w.call(s.Call, use{}, true)
	case *ast.GoStmt:
		w.call(s.Call, use{}, true)
	case *ast.ReturnStmt:
		for _, r := range s.Results {
			w.exprs(r)
		}
	case *ast.BlockStmt:
		w.block(body(s))
	case *ast.IfStmt:
		if s.Init != nil {
			w.stmt(s.Init)
		}
		w.exprs(s.Cond)
		w.branch(body(s.Body))
		if s.Else != nil {
			w.branch([]ast.Stmt{s.Else})
		}
	case *ast.ForStmt:
		if s.Init != nil {
			w.stmt(s.Init)
		}
		if s.Cond != nil {
			w.exprs(s.Cond)
		}
		stmts := body(s.Body)
		if s.Post != nil {
			stmts = append([]ast.Stmt{s.Post}, stmts...)
		}
		w.loopBody(s, stmts)
	case *ast.RangeStmt:
		w.exprs(s.X)
		w.loopBody(s, body(s.Body))
	case *ast.SwitchStmt:
		if s.Init != nil {
			w.stmt(s.Init)
		}
		if s.Tag != nil {
			w.exprs(s.Tag)
		}
		w.block(body(s.Body))
	case *ast.TypeSwitchStmt:
		if s.Init != nil {
			w.stmt(s.Init)
		}
		w.block(body(s.Body))
	case *ast.SelectStmt:
		w.block(body(s.Body))
	case *ast.CaseClause:
		for _, e := range s.List {
			w.exprs(e)
		}
		w.branch(s.Body)
	case *ast.CommClause:
		if s.Comm != nil {
			w.stmt(s.Comm)
		}
		w.branch(s.Body)
	case *ast.LabeledStmt:
		w.stmt(s.Stmt)
	case *ast.SendStmt:
		w.exprs(s.Value)
	case *ast.IncDecStmt:
	}
}

// bind records the handles that an assignment creates.
func (w *walker) bind(lhs, rhs []ast.Expr) {
	for i, l := range lhs {
		id, ok := l.(*ast.Ident)
		if !ok || id.Name == "_" {
			continue
		}
		var h Handle
		switch {
		case len(rhs) == len(lhs):
			h = exprHandle(rhs[i], w.sc.imps, w.sc)
			if h == HandleNone {
				h = w.sc.handle(rhs[i])
			}
		case len(rhs) == 1 && i == 0:
			h = exprHandle(rhs[0], w.sc.imps, w.sc)
		}
		if h != HandleNone {
			w.sc.locals[id.Name] = h
		} else if _, known := w.sc.locals[id.Name]; !known {
			w.sc.locals[id.Name] = HandleNone // shadows a package variable
		}
	}
}

// blanks says which assigned positions are _.
func blanks(lhs []ast.Expr) []bool {
	out := make([]bool, len(lhs))
	for i, l := range lhs {
		if id, ok := l.(*ast.Ident); ok && id.Name == "_" {
			out[i] = true
		}
	}
	return out
}

// exprs visits the calls and function literals inside an expression.
func (w *walker) exprs(e ast.Expr) {
	if e == nil {
		return
	}
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			w.funcLit(n)
			return false
		case *ast.CallExpr:
			w.call(n, use{}, false)
			return false
		}
		return true
	})
}

func (w *walker) funcLit(fl *ast.FuncLit) {
	sc := &scope{pt: w.sc.pt, imps: w.sc.imps, locals: map[string]Handle{}, parent: w.sc}
	sc.params(fl.Type.Params)
	fn := &GoFunc{File: w.file, Name: "func literal in " + w.fn.Name, Line: w.file.Line(fl.Pos()), Lit: fl, Outer: w.fn}
	w.file.Funcs = append(w.file.Funcs, fn)
	inner := &walker{file: w.file, fn: fn, sc: sc}
	inner.block(body(fl.Body))
}

// errIndex is the position of the error among a method's results.
var errIndex = map[string]int{
	"Exec": 1, "ExecContext": 1, "Query": 1, "QueryContext": 1, "Queryx": 1, "QueryxContext": 1,
	"Commit": 0, "Begin": 1, "BeginTx": 1, "CopyFrom": 1, "Ping": 0, "PingContext": 0,
	"NamedExec": 1, "NamedExecContext": 1, "Select": 0, "Get": 0, "SelectContext": 0, "GetContext": 0,
	"Prepare": 1, "PrepareContext": 1,
}

var methodOps = map[string]Op{
	"Exec": OpExecute, "ExecContext": OpExecute, "MustExec": OpExecute, "NamedExec": OpWrite, "NamedExecContext": OpWrite,
	"Query": OpRead, "QueryContext": OpRead, "QueryRow": OpRead, "QueryRowContext": OpRead, "Queryx": OpRead,
	"QueryRowx": OpRead, "QueryxContext": OpRead, "QueryRowxContext": OpRead,
	"Select": OpRead, "Get": OpRead, "SelectContext": OpRead, "GetContext": OpRead,
	"Begin": OpBegin, "BeginTx": OpBegin, "Beginx": OpBegin, "BeginTxx": OpBegin, "MustBegin": OpBegin,
	"Commit": OpCommit, "Rollback": OpRollback, "CopyFrom": OpBulkWrite, "SendBatch": OpBulkWrite,
	"Ping": OpPing, "PingContext": OpPing, "Close": OpClose,
}

// use is how a call's results are used: dropped by an expression
// statement, assigned (some perhaps to _), or consumed by an expression.
type use struct {
	stmt   bool
	blanks []bool // per assigned result: is it _?
}

func (u use) dropped(idx int) bool {
	if u.stmt {
		return true
	}
	return idx >= 0 && idx < len(u.blanks) && u.blanks[idx]
}

// call records a database call.
func (w *walker) call(call *ast.CallExpr, u use, deferred bool) {
	// Arguments first: function literals and nested calls.
	for _, a := range call.Args {
		w.exprs(a)
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		if fl, ok := call.Fun.(*ast.FuncLit); ok {
			w.funcLit(fl)
		}
		return
	}
	// QueryRow(...).Scan(...): Scan's error is the query's.
	if inner, ok := sel.X.(*ast.CallExpr); ok {
		w.call(inner, use{}, false)
		if sel.Sel.Name == "Scan" && !deferred {
			if dc := w.lastCall(inner); dc != nil && u.dropped(0) {
				dc.ErrIgnored = true
			}
		}
		return
	}
	w.exprs(sel.X)
	op, isDB := methodOps[sel.Sel.Name]
	if !isDB {
		if id, ok := sel.X.(*ast.Ident); ok && (sel.Sel.Name == "BeginFunc" || sel.Sel.Name == "BeginTxFunc") && w.sc.imps[id.Name] == "github.com/jackc/pgx" {
			w.add(call, sel, HandlePool, OpBegin, "", u, deferred)
		}
		return
	}
	h := w.sc.handle(sel.X)
	sql := sqlArg(call)
	if h == HandleNone {
		// Unknown receiver: a database call only when it passes SQL.
		if sql == "" || op == OpBegin || op == OpCommit || op == OpRollback || op == OpPing || op == OpClose {
			return
		}
	}
	if op == OpExecute || op == OpRead {
		if sop, ok := SQLOp(sql); ok {
			if op == OpExecute || sop != OpRead {
				op = sop
			}
		}
	}
	w.add(call, sel, h, op, sql, u, deferred)
}

func (w *walker) lastCall(call *ast.CallExpr) *GoCall {
	for i := len(w.fn.Calls) - 1; i >= 0; i-- {
		if w.fn.Calls[i].Expr == call {
			return w.fn.Calls[i]
		}
	}
	return nil
}

func (w *walker) add(call *ast.CallExpr, sel *ast.SelectorExpr, h Handle, op Op, sql string, u use, deferred bool) {
	dc := &GoCall{
		Func: w.fn, Expr: call, Line: w.file.Line(call.Pos()), Method: sel.Sel.Name,
		Recv: exprText(sel.X), Handle: h.Kind(), DatabaseSQL: h&sqlLib != 0, Op: op, SQL: sql,
		Deferred: deferred, Loop: w.loop, Conditional: w.cond, Dropped: u.stmt,
	}
	// The error is the last result of every method in errIndex.
	if _, hasErr := errIndex[sel.Sel.Name]; hasErr && !deferred {
		dc.ErrIgnored = u.dropped(len(u.blanks) - 1)
	}
	w.fn.Calls = append(w.fn.Calls, dc)
}

// sqlArg returns the first string-literal argument that reads as SQL.
func sqlArg(call *ast.CallExpr) string {
	for _, a := range call.Args {
		if s, ok := stringLit(a); ok {
			if _, isSQL := SQLOp(s); isSQL {
				return s
			}
		}
	}
	return ""
}

func stringLit(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind == token.STRING {
			s, err := strconv.Unquote(e.Value)
			return s, err == nil
		}
	case *ast.BinaryExpr:
		if e.Op == token.ADD {
			l, ok1 := stringLit(e.X)
			r, ok2 := stringLit(e.Y)
			return l + r, ok1 && ok2
		}
	}
	return "", false
}

func exprText(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return exprText(e.X) + "." + e.Sel.Name
	case *ast.CallExpr:
		return exprText(e.Fun) + "(…)"
	case *ast.StarExpr:
		return "*" + exprText(e.X)
	case *ast.ParenExpr:
		return exprText(e.X)
	case *ast.IndexExpr:
		return exprText(e.X) + "[…]"
	}
	return "…"
}
