// Package locate points schema findings at the code to change: the object
// itself (public.orders.user_id), the migration statement that created or
// last changed it, and the SQLAlchemy/SQLModel model that declares its
// table, as a related location.
package locate

import (
	"strings"

	"github.com/pgreview/pgreview/internal/catalog"
	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/orm"
)

// Locator answers "where is this object defined" for one check run. It
// parses the applied statements and reads the models on first use only,
// so a check that finds nothing pays nothing.
type Locator struct {
	p     *check.Pass
	index Index
}

// New returns a locator for a check's pass.
func New(p *check.Pass) *Locator { return &Locator{p: p} }

// Statements lists the statements the migrations ran, in order.
func Statements(p *check.Pass) []Statement {
	var out []Statement
	if p.Applied == nil {
		return nil
	}
	for _, step := range p.Applied.Steps {
		for _, st := range step.Statements {
			out = append(out, Statement{SQL: st.SQL, File: st.File, Line: st.Line})
		}
	}
	return out
}

func (l *Locator) lookup(key string) (Origin, bool) {
	if l.index == nil {
		l.index = BuildIndex(Statements(l.p))
	}
	o, ok := l.index[key]
	return o, ok
}

// Models returns the repo's SQLAlchemy/SQLModel models.
func (l *Locator) Models() *orm.Set { return orm.Of(l.p.Repo) }

// at fills in a location's file and line from the first key found, then
// from the migration trace's origin of the object.
func (l *Locator) at(object string, keys ...string) check.Location {
	loc := check.Location{Object: object}
	for _, k := range keys {
		if o, ok := l.lookup(k); ok {
			loc.File, loc.Line = o.File, o.Line
			return loc
		}
	}
	if l.p.Applied != nil {
		if file, line, ok := l.p.Applied.Origin(object); ok {
			loc.File, loc.Line = file, line
		}
	}
	return loc
}

// Object locates any object by its qualified name and index keys.
func (l *Locator) Object(object string, keys ...string) check.Location {
	return l.at(object, keys...)
}

// Table locates a table: its CREATE TABLE.
func (l *Locator) Table(t *catalog.Table) check.Location {
	return l.at(t.QualifiedName(), "table:"+t.QualifiedName())
}

// Column locates a column: the statement that last set its type, else its
// table's CREATE.
func (l *Locator) Column(t *catalog.Table, column string) check.Location {
	q := t.QualifiedName()
	return l.at(q+"."+column, "column:"+q+"."+column, "table:"+q)
}

// Columns locates several columns of one table as one object
// (public.orders.a,b): the first column's statement.
func (l *Locator) Columns(t *catalog.Table, columns []string) check.Location {
	q := t.QualifiedName()
	keys := []string{}
	for _, c := range columns {
		keys = append(keys, "column:"+q+"."+c)
	}
	return l.at(q+"."+strings.Join(columns, ","), append(keys, "table:"+q)...)
}

// Constraint locates a constraint: the statement that added it by name,
// else its table's CREATE.
func (l *Locator) Constraint(t *catalog.Table, c *catalog.Constraint) check.Location {
	q := t.QualifiedName()
	loc := l.at(q+"."+c.Name, "constraint:"+q+"."+c.Name, "table:"+q)
	return loc
}

// Index locates an index: its CREATE INDEX, else (for the index behind a
// constraint) its table's CREATE.
func (l *Locator) Index(t *catalog.Table, ix *catalog.Index) check.Location {
	return l.at(ix.QualifiedName(), "index:"+ix.QualifiedName(), "table:"+t.QualifiedName())
}

// Function locates a function by its CREATE FUNCTION.
func (l *Locator) Function(f *catalog.Function) check.Location {
	return l.at(f.Signature(), "function:"+f.QualifiedName())
}

// Model returns the model that declares a table (and the column's
// attribute line when column is given), as related locations.
func (l *Locator) Model(t *catalog.Table, column string) []check.Location {
	if l.p.Repo == nil {
		return nil
	}
	m := l.Models().ByTable(t.QualifiedName())
	if m == nil {
		return nil
	}
	loc := check.Location{File: m.File, Line: m.Line, Note: "model " + m.Name()}
	if column != "" {
		if c := m.Column(column); c != nil && c.FromMixin == "" {
			loc.Line, loc.Note = c.Line, "model "+m.Name()+"."+c.Attr
		}
	}
	return []check.Location{loc}
}
