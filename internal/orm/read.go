package orm

import (
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/pgreview/pgreview/internal/python"
	"github.com/pgreview/pgreview/internal/repo"
)

// declarativeFactories create a declarative base when called.
var declarativeFactories = map[string]bool{
	"sqlalchemy.orm.declarative_base":             true,
	"sqlalchemy.ext.declarative.declarative_base": true,
	"sqlalchemy.orm.decl_api.declarative_base":    true,
}

// declarativeClasses are subclassed to make a declarative base (2.0).
var declarativeClasses = map[string]bool{
	"sqlalchemy.orm.DeclarativeBase":          true,
	"sqlalchemy.orm.DeclarativeBaseNoMeta":    true,
	"sqlalchemy.orm.decl_api.DeclarativeBase": true,
}

const sqlmodelBase = "sqlmodel.SQLModel"

// reader resolves names across the modules of one repository.
type reader struct {
	mods []*python.Module
	// names maps a module's dotted name to the module.
	names map[*python.Module]string
	// classes maps "module.Class" to the class and its module.
	classes map[string]classRef
	// bases are the qualified names of declarative bases ("app.db.Base",
	// "app.db.db.Model" for Flask-SQLAlchemy's db = SQLAlchemy()).
	bases map[string]bool
	// flask holds the bases that come from Flask-SQLAlchemy (default
	// table names are derived from the class name).
	flask map[string]bool
	// aliases maps "module.name" to what the module imported as name.
	aliases map[string]string
	// refs are the bases' MetaData references; used ones go to Set.Bases.
	refs map[string]MetadataRef
	used map[string]bool
	memo map[string]*Model
	busy map[string]bool
	set  *Set
}

type classRef struct {
	c *python.Class
	m *python.Module
}

// Of returns the models of a repository, read once and shared by the
// checks, the locator and the model/schema comparison; do not change it.
func Of(r *repo.Repo) *Set {
	return repo.Memo(r, "orm", func() *Set { return Read(r.Python()) })
}

// Read finds the tables declared in the modules.
func Read(mods []*python.Module) *Set {
	rd := &reader{mods: mods, names: map[*python.Module]string{}, classes: map[string]classRef{},
		bases: map[string]bool{}, flask: map[string]bool{}, aliases: map[string]string{},
		refs: map[string]MetadataRef{}, used: map[string]bool{},
		memo: map[string]*Model{}, busy: map[string]bool{}, set: &Set{}}
	for _, m := range mods {
		name := ModuleName(m.Path)
		rd.names[m] = name
		for local, imp := range m.Imports {
			rd.aliases[name+"."+local] = absolute(name, m.Path, imp.Qualified)
		}
		for _, c := range m.Classes {
			rd.classes[name+"."+c.Name] = classRef{c, m}
		}
	}
	rd.findBases()
	for _, m := range rd.mods {
		for _, c := range m.Classes {
			rd.model(rd.names[m] + "." + c.Name)
		}
		rd.coreTables(m)
	}
	var used []string
	for q := range rd.used {
		used = append(used, q)
	}
	sort.Strings(used)
	for _, q := range used {
		rd.set.Bases = append(rd.set.Bases, rd.refs[q])
	}
	return rd.set
}

// ModuleName turns "src/app/models.py" into "app.models".
func ModuleName(p string) string {
	p = strings.TrimSuffix(strings.TrimSuffix(p, ".py"), ".pyi")
	p = strings.TrimSuffix(p, "/__init__")
	p = strings.TrimPrefix(p, "src/")
	return strings.ReplaceAll(p, "/", ".")
}

// absolute resolves a relative import (".db.Base") against the module.
func absolute(module, file, q string) string {
	if !strings.HasPrefix(q, ".") {
		return q
	}
	pkg := module
	if path.Base(file) != "__init__.py" {
		if i := strings.LastIndex(pkg, "."); i >= 0 {
			pkg = pkg[:i]
		} else {
			pkg = ""
		}
	}
	q = q[1:]
	for strings.HasPrefix(q, ".") {
		q = q[1:]
		if i := strings.LastIndex(pkg, "."); i >= 0 {
			pkg = pkg[:i]
		} else {
			pkg = ""
		}
	}
	if pkg == "" {
		return q
	}
	return pkg + "." + q
}

// resolve turns a name used in module m into a qualified name, following
// imports and re-exports.
func (rd *reader) resolve(m *python.Module, dotted string) string {
	mod := rd.names[m]
	root, rest, hasRest := strings.Cut(dotted, ".")
	q := mod + "." + root
	if a, ok := rd.aliases[q]; ok {
		q = a
	}
	if hasRest {
		q += "." + rest
	}
	// Follow re-exports ("from app.db import Base" in app/models/__init__.py).
	for range 8 {
		a, ok := rd.aliases[q]
		if !ok || a == q {
			break
		}
		q = a
	}
	return q
}

func (rd *reader) findBases() {
	for _, m := range rd.mods {
		mod := rd.names[m]
		for _, a := range m.Assigns {
			if a.Func != nil || a.Class != nil || a.Value == nil || a.Value.Kind != python.CallExpr || len(a.Targets) != 1 {
				continue
			}
			call := a.Value.Call
			switch {
			case declarativeFactories[call.Qualified], call.Method == "generate_base":
				rd.bases[mod+"."+a.Targets[0]] = true
				rd.refs[mod+"."+a.Targets[0]] = MetadataRef{mod, a.Targets[0] + ".metadata"}
			case call.Qualified == "flask_sqlalchemy.SQLAlchemy":
				rd.bases[mod+"."+a.Targets[0]+".Model"] = true
				rd.flask[mod+"."+a.Targets[0]+".Model"] = true
				rd.refs[mod+"."+a.Targets[0]+".Model"] = MetadataRef{mod, a.Targets[0] + ".metadata"}
			}
		}
		for _, c := range m.Classes {
			for _, b := range c.Bases {
				if declarativeClasses[rd.resolve(m, b.Text)] {
					rd.bases[mod+"."+c.Name] = true
					rd.refs[mod+"."+c.Name] = MetadataRef{mod, c.Name + ".metadata"}
				}
			}
		}
	}
	rd.bases[sqlmodelBase] = true
	rd.refs[sqlmodelBase] = MetadataRef{"sqlmodel", "SQLModel.metadata"}
}

// model returns the model of a class (nil for a class that maps nothing),
// building its mapped ancestors first.
func (rd *reader) model(q string) *Model {
	if m, ok := rd.memo[q]; ok {
		return m
	}
	ref, ok := rd.classes[q]
	if !ok || rd.busy[q] || rd.bases[q] {
		return nil
	}
	rd.busy[q] = true
	defer delete(rd.busy, q)
	c, mod := ref.c, ref.m
	var parent *Model
	onBase, sqlmodel, flask := false, false, false
	var mixins []classRef
	opaque := false
	for _, b := range c.Bases {
		bq := rd.resolve(mod, b.Text)
		switch {
		case bq == sqlmodelBase:
			onBase, sqlmodel = true, true
			rd.used[bq] = true
		case rd.bases[bq]:
			onBase, flask = true, flask || rd.flask[bq]
			rd.used[bq] = true
			if bref, ok := rd.classes[bq]; ok {
				mixins = append(mixins, bref) // a 2.0 base may declare columns and __tablename__
			}
		default:
			if p := rd.model(bq); p != nil {
				if p.Abstract || p.Kind == SQLModel && !p.SQLModelTable {
					mixins = append(mixins, rd.classes[bq])
					onBase, sqlmodel = true, p.Kind == SQLModel
					mixins = append(mixins, rd.ancestors(bq)...)
					continue
				}
				if parent == nil {
					parent = p
				}
			} else if mref, ok := rd.classes[bq]; ok {
				mixins = append(mixins, mref)
				mixins = append(mixins, rd.ancestors(bq)...)
			} else if !harmlessBases[bq] && !harmlessBases[b.Text] {
				opaque = true
			}
		}
	}
	if !onBase && parent == nil {
		rd.memo[q] = nil
		return nil
	}
	m := &Model{Class: c.Name, Module: rd.names[mod], File: mod.Path, Line: c.Line, Kind: Declarative, Parent: parent, Opaque: opaque}
	if sqlmodel || parent != nil && parent.Kind == SQLModel {
		m.Kind = SQLModel
		if kw := keyword(c, "table"); kw != nil && kw.Value == "True" {
			m.SQLModelTable = true
		}
	}
	rd.readBody(m, c, mod, "")
	for _, mx := range mixins {
		for _, f := range mx.c.Methods {
			if f.Name == "__tablename__" {
				m.declaresTableName = true
			} else if declaredAttr(f) {
				m.Opaque = true
			}
		}
		rd.readColumns(m, mx.c, mx.m, mx.c.Name)
	}
	switch {
	case m.Kind == SQLModel && !m.SQLModelTable:
		// A data model: it maps no table, but table=True subclasses
		// inherit its fields.
		m.Abstract = m.Abstract || parent == nil
	case m.Table == "" && parent != nil && !m.declaresTableName:
		m.Table, m.Schema = parent.Table, parent.Schema // single-table inheritance
	case m.Table == "" && m.Kind == SQLModel:
		m.Table = strings.ToLower(c.Name)
	case m.Table == "" && flask && !m.declaresTableName:
		m.Table = snake(c.Name)
	}
	if parent != nil {
		parent.Children = append(parent.Children, m)
	}
	rd.memo[q] = m
	rd.set.Models = append(rd.set.Models, m)
	return m
}

// ancestors lists the classes a class inherits from, transitively, that
// are defined in the repo (mixins and their bases).
func (rd *reader) ancestors(q string) []classRef {
	var out []classRef
	seen := map[string]bool{q: true}
	queue := []string{q}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		ref, ok := rd.classes[cur]
		if !ok {
			continue
		}
		for _, b := range ref.c.Bases {
			bq := rd.resolve(ref.m, b.Text)
			if seen[bq] || rd.bases[bq] {
				continue
			}
			seen[bq] = true
			if r, ok := rd.classes[bq]; ok {
				out = append(out, r)
				queue = append(queue, bq)
			}
		}
	}
	return out
}

func keyword(c *python.Class, name string) *python.Expr {
	for _, k := range c.Keywords {
		if k.Name == name {
			return k.Value
		}
	}
	return nil
}

// harmlessBases add no columns.
var harmlessBases = map[string]bool{"object": true, "typing.Generic": true, "abc.ABC": true, "Generic": true, "ABC": true}

// declaredAttr reports a @declared_attr method other than the table's
// name and arguments: it may add columns.
func declaredAttr(f *python.Func) bool {
	switch f.Name {
	case "__tablename__", "__table_args__", "__mapper_args__":
		return false
	}
	for _, d := range f.Decorators {
		if strings.Contains(d.Text, "declared_attr") {
			return true
		}
	}
	return false
}

var camelBoundary = regexp.MustCompile(`([a-z0-9])([A-Z])`)

// snake is Flask-SQLAlchemy's default table name: CamelCase -> camel_case.
func snake(s string) string {
	return strings.ToLower(camelBoundary.ReplaceAllString(s, "${1}_${2}"))
}
