package dbcode

import (
	"regexp"
	"sort"
	"strings"

	"github.com/pgreview/pgreview/internal/dbsite"
	"github.com/pgreview/pgreview/internal/python"
	"github.com/pgreview/pgreview/internal/repo"
)

// Python is what the repository's Python code does with the database.
type Python struct {
	Modules []*PyModule
	// Models are the ORM model classes, by class name.
	Models map[string]*Model

	byName map[string]*PyModule
	funcs  map[*python.Func]*PyFunc
}

// PyModule is one Python file and its database calls.
type PyModule struct {
	*python.Module
	Name      string // dotted module name: app/db.py -> app.db
	Test      bool   // a test or a pytest conftest
	Migration bool   // an Alembic (or other) migration script
	// DBAware: the module imports a database library, or a module of the
	// repository that does. Only such modules are searched for calls.
	DBAware bool
	// Calls are the database calls, in source order.
	Calls []*PyCall
}

// PyFunc is a function and the database work it does.
type PyFunc struct {
	*python.Func
	Module *PyModule
	// Calls are the function's own database calls (nested functions
	// excluded).
	Calls []*PyCall
	// Touches: the function does database work itself or through the
	// repository's functions it calls.
	Touches bool
}

// PyCall is a database call.
type PyCall struct {
	*python.Call
	Module *PyModule
	Op     Op
	// Recv is the receiver as written: "session", "self.db".
	Recv string
	// SQL is the statement when it is a literal (or text() of one).
	SQL string
	// Params is the parameters argument of an execute, nil when none.
	Params *python.Expr
	// Model is the ORM class the call is about: session.get(User, 1),
	// session.add(User(...)), select(User).
	Model string
}

// Model is an ORM model class.
type Model struct {
	Name string
	File string
	Line int
	// Table is the table name: __tablename__, or SQLModel's default (the
	// class name in lower case); "" when it cannot be read.
	Table         string
	Relationships map[string]*Relationship
}

// Relationship is a relationship() attribute of a model.
type Relationship struct {
	Name   string
	Target string // the related class, when it can be read
	Lazy   string // the loader strategy as written; "" is the default, "select"
	Line   int
}

// LoadsOnAccess reports whether reading the attribute runs a query when it
// is not loaded yet: the default "select" strategy, and dynamic ones.
func (r *Relationship) LoadsOnAccess() bool {
	switch r.Lazy {
	case "", "select", "True", "dynamic", "write_only":
		return true
	}
	return false
}

// dbLibraries are the packages whose import makes a module database-aware.
var dbLibraries = []string{
	"sqlalchemy", "sqlmodel", "psycopg", "psycopg2", "psycopg_pool", "asyncpg",
	"databases", "flask_sqlalchemy", "aiopg", "pg8000", "records",
}

// AppModules are the database-aware modules that are neither tests nor
// migration scripts (their own areas review those): the application.
func (px *Python) AppModules() []*PyModule {
	var out []*PyModule
	for _, pm := range px.Modules {
		if pm.DBAware && !pm.Test && !pm.Migration {
			out = append(out, pm)
		}
	}
	return out
}

// PythonIndex returns the index for r, built once.
func PythonIndex(r *repo.Repo) *Python {
	return repo.Memo(r, "dbcode.python", func() *Python { return buildPython(r) })
}

func buildPython(r *repo.Repo) *Python {
	px := &Python{Models: map[string]*Model{}, byName: map[string]*PyModule{}, funcs: map[*python.Func]*PyFunc{}}
	for _, m := range r.Python() {
		pm := &PyModule{Module: m, Name: moduleName(m.Path), Test: dbsite.IsTestPath(m.Path), Migration: dbsite.IsMigrationPath(m.Path)}
		pm.DBAware = m.ImportsAny(dbLibraries...)
		px.Modules = append(px.Modules, pm)
		px.byName[pm.Name] = pm
		if rest, ok := strings.CutPrefix(pm.Name, "src."); ok {
			px.byName[rest] = pm
		}
		for _, f := range m.Funcs {
			px.funcs[f] = &PyFunc{Func: f, Module: pm}
		}
	}
	px.propagateAwareness()
	px.findModels()
	for _, pm := range px.Modules {
		if pm.DBAware {
			px.classifyCalls(pm)
		}
	}
	px.propagateTouches()
	return px
}

func moduleName(p string) string {
	p = strings.TrimSuffix(strings.TrimSuffix(p, ".py"), ".pyi")
	p = strings.TrimSuffix(p, "/__init__")
	return strings.ReplaceAll(p, "/", ".")
}

// propagateAwareness marks modules that import database-aware modules of
// the repository, a few levels deep.
func (px *Python) propagateAwareness() {
	for round := 0; round < 3; round++ {
		changed := false
		for _, pm := range px.Modules {
			if pm.DBAware {
				continue
			}
			for _, imp := range pm.Imports {
				if dep := px.moduleOf(imp.Qualified); dep != nil && dep != pm && dep.DBAware {
					pm.DBAware, changed = true, true
					break
				}
			}
		}
		if !changed {
			return
		}
	}
}

// moduleOf finds the repository module a qualified name lives in:
// "app.db.find_orders" -> app.db.
func (px *Python) moduleOf(qualified string) *PyModule {
	for q := qualified; q != ""; {
		if pm, ok := px.byName[q]; ok {
			return pm
		}
		i := strings.LastIndex(q, ".")
		if i < 0 {
			break
		}
		q = q[:i]
	}
	return nil
}

// Func returns the index entry of a function.
func (px *Python) Func(f *python.Func) *PyFunc { return px.funcs[f] }

// Callee resolves a call to a function of the repository: a module-level
// function imported or defined in the same module, or a method called on
// self. Nil when it is not one.
func (px *Python) Callee(pm *PyModule, c *python.Call) *PyFunc {
	if c.Qualified != "" {
		dep := px.moduleOf(c.Qualified)
		if dep == nil {
			return nil
		}
		name := strings.TrimPrefix(c.Qualified, dep.Name+".")
		if strings.Contains(name, ".") {
			name = strings.TrimPrefix(c.Qualified, "src."+dep.Name+".")
		}
		return px.moduleFunc(dep, name)
	}
	if c.Receiver == nil {
		return px.moduleFunc(pm, c.Callee)
	}
	if c.Receiver.Value == "self" && c.Class != nil {
		for _, m := range c.Class.Methods {
			if m.Name == c.Method {
				return px.funcs[m]
			}
		}
	}
	return nil
}

func (px *Python) moduleFunc(pm *PyModule, name string) *PyFunc {
	for _, f := range pm.Funcs {
		if f.Name == name && f.Class == nil && f.Parent == nil {
			return px.funcs[f]
		}
	}
	return nil
}

// propagateTouches marks the functions that do database work, directly
// or through the repository's functions they call.
func (px *Python) propagateTouches() {
	for _, pf := range px.funcs {
		for _, c := range pf.Calls {
			if c.Op.Work() {
				pf.Touches = true
				break
			}
		}
	}
	for round := 0; round < 4; round++ {
		changed := false
		for _, pm := range px.Modules {
			if !pm.DBAware {
				continue
			}
			for _, c := range pm.Module.Calls {
				if c.Func == nil {
					continue
				}
				caller := px.funcs[c.Func]
				if caller == nil || caller.Touches {
					continue
				}
				if callee := px.Callee(pm, c); callee != nil && callee.Touches && callee != caller {
					caller.Touches, changed = true, true
				}
			}
		}
		if !changed {
			return
		}
	}
}

// Touches reports whether a call does database work: it is a database
// call, or it calls a repository function that does.
func (px *Python) Touches(pm *PyModule, c *python.Call) bool {
	if dc := px.CallOf(pm, c); dc != nil && dc.Op.Work() {
		return true
	}
	callee := px.Callee(pm, c)
	return callee != nil && callee.Touches
}

// CallOf returns the database call for a call of the module, or nil.
func (px *Python) CallOf(pm *PyModule, c *python.Call) *PyCall {
	i := sort.Search(len(pm.Calls), func(i int) bool { return pm.Calls[i].Line >= c.Line })
	for ; i < len(pm.Calls) && pm.Calls[i].Line == c.Line; i++ {
		if pm.Calls[i].Call == c {
			return pm.Calls[i]
		}
	}
	return nil
}

var sessionName = regexp.MustCompile(`(?i)(^|\.)_*(session|sess|db|dbsession|conn|connection|cursor|cur|curs|tx|txn|transaction|uow)$|session$`)

// SessionLike reports whether a receiver is named like a session,
// connection or cursor.
func SessionLike(recv string) bool { return sessionName.MatchString(recv) }

// strongMethods are only ever database calls in a database-aware module.
var strongMethods = map[string]bool{
	"commit": true, "rollback": true, "scalars": true, "begin_nested": true,
	"exec_driver_sql": true, "executemany": true, "execute_many": true, "add_all": true,
	"bulk_save_objects": true, "bulk_insert_mappings": true, "bulk_update_mappings": true,
	"copy_records_to_table": true, "copy_to_table": true, "copy_from_table": true, "copy_expert": true,
	"fetchrow": true, "fetchval": true, "fetch_all": true, "fetch_one": true, "fetch_val": true,
}

func (px *Python) classifyCalls(pm *PyModule) {
	// Receivers that make an unmistakable database call anywhere in the
	// module are sessions wherever they appear in it.
	strong := map[string]bool{}
	for _, c := range pm.Module.Calls {
		if c.Receiver == nil {
			continue
		}
		if strongMethods[c.Method] && (c.Method != "commit" && c.Method != "rollback" || len(c.Args) == 0) {
			strong[c.Receiver.Text] = true
		}
		if c.Method == "execute" && len(c.Args) > 0 {
			if _, _, _, ok := px.statement(pm, c, c.Args[0], 0); ok {
				strong[c.Receiver.Text] = true
			}
		}
	}
	for _, c := range pm.Module.Calls {
		if dc := px.classify(pm, c, strong); dc != nil {
			pm.Calls = append(pm.Calls, dc)
			if c.Func != nil {
				if pf := px.funcs[c.Func]; pf != nil {
					pf.Calls = append(pf.Calls, dc)
				}
			}
		}
	}
	sort.SliceStable(pm.Calls, func(i, j int) bool { return pm.Calls[i].Line < pm.Calls[j].Line })
	for _, pf := range px.funcs {
		if pf.Module == pm {
			sort.SliceStable(pf.Calls, func(i, j int) bool { return pf.Calls[i].Line < pf.Calls[j].Line })
		}
	}
}

func (px *Python) classify(pm *PyModule, c *python.Call, strong map[string]bool) *PyCall {
	if c.Receiver == nil {
		return nil
	}
	if !dbMethods[c.Method] && !strings.Contains(c.Callee, ".query.") {
		return nil
	}
	recv := c.Receiver.Text
	session := strong[recv] || SessionLike(recv)
	dc := &PyCall{Call: c, Module: pm, Recv: recv}
	switch c.Method {
	case "execute", "exec", "exec_driver_sql", "scalars", "scalar", "fetch", "fetchrow", "fetchval", "fetch_all", "fetch_one", "fetch_val":
		if len(c.Args) == 0 {
			return nil
		}
		op, sql, model, ok := px.statement(pm, c, c.Args[0], 0)
		switch {
		case ok:
			dc.Op, dc.SQL, dc.Model = op, sql, model
		case session:
			dc.Op = OpExecute
		default:
			return nil
		}
		if c.Method == "fetch" || c.Method == "fetchrow" || c.Method == "fetchval" || strings.HasPrefix(c.Method, "fetch_") {
			if dc.Op == OpExecute {
				dc.Op = OpRead
			}
		}
		dc.Params = c.Arg(1)
		if dc.Params == nil {
			dc.Params = c.Kwarg("params")
		}
		if dc.Params == nil {
			dc.Params = c.Kwarg("parameters")
		}
	case "executemany", "execute_many", "copy_records_to_table", "copy_to_table", "copy_expert", "bulk_save_objects", "bulk_insert_mappings", "bulk_update_mappings":
		dc.Op = OpBulkWrite
		if len(c.Args) > 0 {
			if _, sql, model, ok := px.statement(pm, c, c.Args[0], 0); ok {
				dc.SQL, dc.Model = sql, model
			}
		}
	case "copy":
		if len(c.Args) == 0 {
			return nil
		}
		if op, sql, _, ok := px.statement(pm, c, c.Args[0], 0); ok && op == OpBulkWrite {
			dc.Op, dc.SQL = OpBulkWrite, sql
		} else {
			return nil
		}
	case "commit", "rollback":
		if len(c.Args) > 0 {
			return nil
		}
		dc.Op = map[string]Op{"commit": OpCommit, "rollback": OpRollback}[c.Method]
	case "flush", "close", "begin", "begin_nested", "transaction":
		if len(c.Args) > 0 && c.Method != "begin" {
			return nil
		}
		if !session && !(c.Method == "begin" && strings.Contains(strings.ToLower(recv), "engine")) {
			return nil
		}
		dc.Op = map[string]Op{"flush": OpFlush, "close": OpClose, "begin": OpBegin, "begin_nested": OpBegin, "transaction": OpBegin}[c.Method]
	case "add", "add_all", "delete", "merge":
		if !session || len(c.Args) == 0 {
			return nil
		}
		dc.Op = OpWrite
		if a := c.Arg(0); a.Kind == python.CallExpr && px.Models[a.Call.Callee] != nil {
			dc.Model = a.Call.Callee
		}
	case "get", "query", "get_one":
		if !session || len(c.Args) == 0 {
			return nil
		}
		a := c.Arg(0)
		if c.Method != "query" && (a.Kind != python.Name || px.Models[a.Value] == nil) {
			return nil // dict.get, cache.get
		}
		dc.Op = OpRead
		if a.Kind == python.Name && px.Models[a.Value] != nil {
			dc.Model = a.Value
		}
	default:
		// Flask-SQLAlchemy: User.query.filter_by(...).first()
		root, _, _ := strings.Cut(c.Callee, ".query.")
		if root != c.Callee && px.Models[root] != nil && flaskTerminal[c.Method] {
			dc.Op, dc.Model = OpRead, root
			if c.Method == "delete" || c.Method == "update" {
				dc.Op = OpWrite
			}
			return dc
		}
		return nil
	}
	return dc
}

// dbMethods are the method names classify looks at.
var dbMethods = map[string]bool{
	"execute": true, "exec": true, "exec_driver_sql": true, "scalars": true, "scalar": true, "fetch": true,
	"fetchrow": true, "fetchval": true, "fetch_all": true, "fetch_one": true, "fetch_val": true,
	"executemany": true, "execute_many": true, "copy_records_to_table": true, "copy_to_table": true,
	"copy_expert": true, "bulk_save_objects": true, "bulk_insert_mappings": true, "bulk_update_mappings": true,
	"copy": true, "commit": true, "rollback": true, "flush": true, "close": true, "begin": true,
	"begin_nested": true, "transaction": true, "add": true, "add_all": true, "delete": true, "merge": true,
	"get": true, "query": true, "get_one": true,
}

var flaskTerminal = map[string]bool{
	"all": true, "first": true, "one": true, "one_or_none": true, "get": true, "get_or_404": true,
	"first_or_404": true, "count": true, "paginate": true, "scalar": true, "delete": true, "update": true,
}

// statement classifies what an execute runs: a SQL string, text(), a
// select()/insert()/update()/delete() construct, or a name bound to one.
func (px *Python) statement(pm *PyModule, c *python.Call, e *python.Expr, depth int) (op Op, sql, model string, ok bool) {
	if e == nil || depth > 4 {
		return OpNone, "", "", false
	}
	switch e.Kind {
	case python.Str, python.FString:
		op, ok := SQLOp(e.Value)
		return op, e.Value, "", ok
	case python.BinOp:
		return px.statement(pm, c, e.Left, depth+1)
	case python.Name:
		if v := assignedBefore(pm.Module, c, e.Value); v != nil {
			return px.statement(pm, c, v, depth+1)
		}
	case python.CallExpr:
		call := e.Call
		base := call.Method
		switch {
		case base == "text" || base == "SQL" || base == "Composed":
			return px.statement(pm, c, call.Arg(0), depth+1)
		case base == "format" && call.Receiver != nil:
			return px.statement(pm, c, call.Receiver, depth+1)
		case constructs[base] != OpNone && (call.Receiver == nil || isSQLAlchemy(call.Qualified) || strings.HasSuffix(text(call.Receiver), ".__table__")):
			if a := call.Arg(0); a != nil && a.Kind == python.Name && px.Models[a.Value] != nil {
				model = a.Value
			}
			if m := strings.TrimSuffix(text(call.Receiver), ".__table__"); px.Models[m] != nil {
				model = m
			}
			return constructs[base], "", model, true
		case call.Receiver != nil && call.Receiver.Kind == python.CallExpr:
			return px.statement(pm, c, call.Receiver, depth+1) // select(User).where(...)
		}
	}
	return OpNone, "", "", false
}

func text(e *python.Expr) string {
	if e == nil {
		return ""
	}
	return e.Text
}

var constructs = map[string]Op{"select": OpRead, "insert": OpWrite, "update": OpWrite, "delete": OpWrite}

func isSQLAlchemy(q string) bool {
	return strings.HasPrefix(q, "sqlalchemy") || strings.HasPrefix(q, "sqlmodel")
}

// assignedBefore returns the value last assigned to name before the call,
// in the call's function, or at module level.
func assignedBefore(m *python.Module, c *python.Call, name string) *python.Expr {
	var v *python.Expr
	line := 0
	for _, a := range m.Assigns {
		if a.Line > c.Line || a.Func != c.Func || a.Value == nil {
			continue
		}
		for _, t := range a.Targets {
			if t == name && a.Line >= line {
				v, line = a.Value, a.Line
			}
		}
	}
	if v == nil && c.Func != nil {
		return m.ModuleConst(name)
	}
	return v
}

func (px *Python) findModels() {
	bases := map[string]bool{"db.Model": true, "DeclarativeBase": true, "DeclarativeBaseNoMeta": true, "SQLModel": false}
	for _, pm := range px.Modules {
		for _, a := range pm.Assigns {
			if a.Value != nil && a.Value.Kind == python.CallExpr && (a.Value.Call.Method == "declarative_base" || a.Value.Call.Method == "automap_base") {
				for _, t := range a.Targets {
					bases[t] = true
				}
			}
		}
	}
	var classes []*python.Class
	var files []string
	for _, pm := range px.Modules {
		for _, c := range pm.Classes {
			classes = append(classes, c)
			files = append(files, pm.Path)
		}
	}
	// A few rounds follow base classes declared after their subclasses'
	// modules (abstract bases, mixins with __abstract__).
	for round := 0; round < 3; round++ {
		for i, c := range classes {
			if px.Models[c.Name] != nil {
				continue
			}
			if !isModel(c, bases) {
				continue
			}
			if abstract(c) || declaresBase(c) {
				bases[c.Name] = true
				continue
			}
			px.Models[c.Name] = modelOf(c, files[i])
			bases[c.Name] = true
		}
	}
}

func isModel(c *python.Class, bases map[string]bool) bool {
	for _, a := range c.Assigns {
		for _, t := range a.Targets {
			if t == "__tablename__" {
				return true
			}
		}
	}
	for _, k := range c.Keywords {
		if k.Name == "table" && k.Value != nil && k.Value.Value == "True" {
			return true
		}
	}
	for _, b := range c.Bases {
		if bases[b.Text] {
			return true
		}
	}
	return false
}

// declaresBase: class Base(DeclarativeBase) is the registry, not a table.
func declaresBase(c *python.Class) bool {
	for _, a := range c.Assigns {
		for _, t := range a.Targets {
			if t == "__tablename__" {
				return false
			}
		}
	}
	for _, b := range c.Bases {
		if b.Text == "DeclarativeBase" || b.Text == "DeclarativeBaseNoMeta" || strings.HasSuffix(b.Text, ".DeclarativeBase") {
			return true
		}
	}
	return false
}

func abstract(c *python.Class) bool {
	for _, a := range c.Assigns {
		for _, t := range a.Targets {
			if t == "__abstract__" && a.Value != nil && a.Value.Value == "True" {
				return true
			}
		}
	}
	return false
}

var classInAnnotation = regexp.MustCompile(`[A-Z]\w*`)

func modelOf(c *python.Class, file string) *Model {
	m := &Model{Name: c.Name, File: file, Line: c.Line, Relationships: map[string]*Relationship{}}
	for _, a := range c.Assigns {
		if len(a.Targets) == 1 && a.Targets[0] == "__tablename__" && a.Value != nil && a.Value.Kind == python.Str {
			m.Table = a.Value.Value
		}
	}
	for _, k := range c.Keywords {
		if m.Table == "" && k.Name == "table" && k.Value != nil && k.Value.Value == "True" {
			m.Table = strings.ToLower(c.Name)
		}
	}
	for _, a := range c.Assigns {
		if a.Value == nil || a.Value.Kind != python.CallExpr || len(a.Targets) != 1 {
			continue
		}
		call := a.Value.Call
		if call.Method != "relationship" && call.Method != "Relationship" {
			continue
		}
		rel := &Relationship{Name: a.Targets[0], Line: a.Line}
		if t := call.Arg(0); t != nil && (t.Kind == python.Str || t.Kind == python.Name) {
			rel.Target = t.Value
		} else {
			for _, w := range classInAnnotation.FindAllString(a.Annotation, -1) {
				if w != "Mapped" && w != "List" && w != "Optional" && w != "Set" && w != "WriteOnlyMapped" && w != "DynamicMapped" {
					rel.Target = w
				}
			}
		}
		if lazy := call.Kwarg("lazy"); lazy != nil {
			rel.Lazy = lazy.Value
		}
		if kw := call.Kwarg("sa_relationship_kwargs"); kw != nil && kw.Kind == python.Dict {
			for i, k := range kw.Keys {
				if k != nil && k.Value == "lazy" && kw.Parts[i] != nil {
					rel.Lazy = kw.Parts[i].Value
				}
			}
		}
		if strings.HasPrefix(a.Annotation, "WriteOnlyMapped") {
			rel.Lazy = "write_only"
		}
		m.Relationships[rel.Name] = rel
	}
	return m
}

// Verb is the statement's command in upper case: INSERT, UPDATE, DELETE,
// SELECT, read from the SQL text or from an insert()/update()/delete()/
// select() construct. "" when unknown.
func (c *PyCall) Verb() string {
	if c.SQL != "" {
		return strings.ToUpper(firstWord.FindString(sqlComment.ReplaceAllString(c.SQL, "")))
	}
	e := c.Arg(0)
	for depth := 0; e != nil && depth < 6; depth++ {
		switch e.Kind {
		case python.Name:
			e = assignedBefore(c.Module.Module, c.Call, e.Value)
			continue
		case python.CallExpr:
			if _, ok := constructs[e.Call.Method]; ok {
				return strings.ToUpper(e.Call.Method)
			}
			e = e.Call.Receiver
			continue
		}
		break
	}
	return ""
}

// Resolve splits a qualified name into the repository module it lives in
// and the name inside it: "app.db.get_session" -> app.db, "get_session".
func (px *Python) Resolve(qualified string) (*PyModule, string, bool) {
	pm := px.moduleOf(qualified)
	if pm == nil {
		return nil, "", false
	}
	for _, prefix := range []string{pm.Name + ".", "src." + pm.Name + "."} {
		if rest, ok := strings.CutPrefix(qualified, prefix); ok {
			return pm, rest, true
		}
	}
	return nil, "", false
}
