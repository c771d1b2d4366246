package orm

import (
	"strings"

	"github.com/pgreview/pgreview/internal/python"
)

// readBody reads a mapped class's table settings, columns and
// relationships.
func (rd *reader) readBody(m *Model, c *python.Class, mod *python.Module, mixin string) {
	for _, f := range c.Methods {
		if f.Name == "__tablename__" {
			m.declaresTableName = true // declared_attr: not readable statically
		} else if declaredAttr(f) {
			m.Opaque = true
		}
	}
	for _, a := range c.Assigns {
		if len(a.Targets) != 1 {
			continue
		}
		switch a.Targets[0] {
		case "__tablename__":
			m.declaresTableName = true
			if a.Value != nil && a.Value.Kind == python.Str {
				m.Table = a.Value.Value
			}
		case "__abstract__":
			m.Abstract = a.Value != nil && a.Value.Value == "True"
		case "__table_args__":
			rd.tableArgs(m, a.Value)
		case "__mapper_args__":
			mapperArgs(m, a.Value)
		case "__table__":
			m.Opaque = true
			if a.Value != nil && a.Value.Kind == python.CallExpr && a.Value.Call.Method == "Table" {
				m.Opaque = false
				core := tableCall(a.Value.Call)
				m.Table, m.Schema, m.declaresTableName = core.Table, core.Schema, true
				m.Columns = append(m.Columns, core.Columns...)
				if core.PrimaryKeyLine > 0 {
					m.PrimaryKeyLine = core.PrimaryKeyLine
				}
			}
		}
	}
	rd.readColumns(m, c, mod, mixin)
}

// readColumns reads the columns and relationships declared on c into m.
// Columns of subclasses override the mixin's of the same attribute.
func (rd *reader) readColumns(m *Model, c *python.Class, mod *python.Module, mixin string) {
	for _, a := range c.Assigns {
		if len(a.Targets) != 1 || strings.HasPrefix(a.Targets[0], "__") || a.Func != nil {
			continue
		}
		attr := a.Targets[0]
		if m.hasAttr(attr) {
			continue
		}
		if r := relationshipOf(attr, a); r != nil {
			m.Relationships = append(m.Relationships, r)
			continue
		}
		if col := columnOf(m.Kind, attr, a); col != nil {
			col.FromMixin = mixin
			m.Columns = append(m.Columns, col)
		}
	}
}

func (m *Model) hasAttr(attr string) bool {
	for _, c := range m.Columns {
		if c.Attr == attr {
			return true
		}
	}
	for _, r := range m.Relationships {
		if r.Attr == attr {
			return true
		}
	}
	return false
}

// relationshipOf reads relationship("Order", ...), Relationship(...) and
// Mapped[list["Order"]] = relationship(...).
func relationshipOf(attr string, a *python.Assign) *Relationship {
	if a.Value == nil || a.Value.Kind != python.CallExpr {
		return nil
	}
	call := a.Value.Call
	if call.Method != "relationship" && call.Method != "Relationship" {
		return nil
	}
	r := &Relationship{Attr: attr, Line: a.Line}
	if t := call.Arg(0); t != nil {
		r.Target = strings.Trim(t.Text, `"'`)
	}
	if r.Target == "" {
		r.Target = annotationTarget(a.Annotation)
	}
	if s := call.Kwarg("secondary"); s != nil {
		r.Secondary = strings.Trim(s.Text, `"'`)
	}
	for _, k := range []string{"primaryjoin", "foreign_keys", "viewonly", "remote_side"} {
		if call.Kwarg(k) != nil {
			r.ExplicitJoin = true
		}
	}
	if sa := call.Kwarg("sa_relationship_kwargs"); sa != nil && (strings.Contains(sa.Text, "primaryjoin") || strings.Contains(sa.Text, "foreign_keys")) {
		r.ExplicitJoin = true
	}
	return r
}

// annotationTarget reads the class out of Mapped[List["Order"]],
// Optional["User"], list["Order"] or "Order".
func annotationTarget(ann string) string {
	s := ann
	for {
		open := strings.Index(s, "[")
		if open < 0 {
			break
		}
		s = strings.TrimSuffix(strings.TrimSpace(s[open+1:]), "]")
	}
	s = strings.TrimSpace(strings.Trim(strings.TrimSpace(s), `"'`))
	s, _, _ = strings.Cut(s, "|")
	return strings.Trim(strings.TrimSpace(s), `"'`)
}

// columnOf reads one column declaration: Column(...), mapped_column(...),
// a SQLModel field, or an annotation-only Mapped[...] / SQLModel field.
func columnOf(kind Kind, attr string, a *python.Assign) *Column {
	col := &Column{Attr: attr, Name: attr, Line: a.Line, Nullable: true}
	optional := isOptional(a.Annotation)
	var call *python.Call
	if a.Value != nil && a.Value.Kind == python.CallExpr {
		call = a.Value.Call
	}
	switch {
	case call != nil && (call.Method == "Column" || call.Method == "mapped_column"):
		readColumnCall(col, call)
		if call.Method == "mapped_column" && a.Annotation != "" && call.Kwarg("nullable") == nil && !col.PrimaryKey {
			col.Nullable = optional
		}
		if col.Type == "" && a.Annotation != "" {
			col.Type = a.Annotation
		}
	case call != nil && call.Method == "Field" && kind == SQLModel:
		if sc := call.Kwarg("sa_column"); sc != nil && sc.Kind == python.CallExpr {
			readColumnCall(col, sc.Call)
			col.Name = firstStringOr(sc.Call, attr)
			break
		}
		col.Type = a.Annotation
		col.PrimaryKey = isTrue(call.Kwarg("primary_key"))
		col.Nullable = optional && !col.PrimaryKey
		if n := call.Kwarg("nullable"); n != nil {
			col.Nullable = n.Value == "True"
		}
		if fk := call.Kwarg("foreign_key"); fk != nil {
			col.ForeignKeys = append(col.ForeignKeys, strings.Trim(fk.Text, `"'`))
		}
	case call == nil && strings.HasPrefix(a.Annotation, "Mapped["):
		col.Type, col.Nullable = a.Annotation, optional
	case kind == SQLModel && a.Annotation != "" && !strings.HasPrefix(a.Annotation, "ClassVar"):
		// A plain annotated field of a SQLModel table is a column.
		col.Type, col.Nullable = a.Annotation, optional
	default:
		return nil
	}
	return col
}

func readColumnCall(col *Column, call *python.Call) {
	col.Name = firstStringOr(call, col.Name)
	col.PrimaryKey = isTrue(call.Kwarg("primary_key"))
	col.Nullable = !col.PrimaryKey
	if n := call.Kwarg("nullable"); n != nil {
		col.Nullable = n.Value == "True"
	}
	for _, arg := range call.Args {
		switch {
		case arg.Kind == python.Str:
		case arg.Kind == python.CallExpr && arg.Call.Method == "ForeignKey":
			if t := arg.Call.Arg(0); t != nil {
				col.ForeignKeys = append(col.ForeignKeys, strings.Trim(t.Text, `"'`))
			}
		case arg.Kind == python.CallExpr && (arg.Call.Method == "Identity" || arg.Call.Method == "Sequence" || arg.Call.Method == "Computed"):
		case col.Type == "":
			col.Type = arg.Text
		}
	}
	if t := call.Kwarg("type_"); t != nil && col.Type == "" {
		col.Type = t.Text
	}
}

func firstStringOr(call *python.Call, def string) string {
	if a := call.Arg(0); a != nil && a.Kind == python.Str {
		return a.Value
	}
	if n := call.Kwarg("name"); n != nil && n.Kind == python.Str {
		return n.Value
	}
	return def
}

func isTrue(e *python.Expr) bool { return e != nil && e.Value == "True" }

func isOptional(ann string) bool {
	return strings.Contains(ann, "Optional[") || strings.Contains(ann, "| None") || strings.Contains(ann, "None |") ||
		strings.Contains(ann, "Union[") && strings.Contains(ann, "None")
}

// tableArgs reads __table_args__: a dict, or a tuple of constraints
// ending in an optional dict.
func (rd *reader) tableArgs(m *Model, v *python.Expr) {
	if v == nil {
		return
	}
	switch v.Kind {
	case python.Dict:
		dictArgs(m, v)
	case python.Tuple:
		for _, p := range v.Parts {
			switch {
			case p.Kind == python.Dict:
				dictArgs(m, p)
			case p.Kind == python.CallExpr && p.Call.Method == "PrimaryKeyConstraint":
				m.PrimaryKeyLine = p.Line
			}
		}
	}
}

func dictArgs(m *Model, d *python.Expr) {
	for i, k := range d.Keys {
		if k.Kind == python.Str && k.Value == "schema" && d.Parts[i].Kind == python.Str {
			m.Schema = d.Parts[i].Value
		}
	}
}

func mapperArgs(m *Model, v *python.Expr) {
	if v == nil || v.Kind != python.Dict {
		return
	}
	for i, k := range v.Keys {
		if k.Kind != python.Str {
			continue
		}
		switch k.Value {
		case "polymorphic_on":
			m.PolymorphicOn = strings.Trim(v.Parts[i].Text, `"'`)
		case "primary_key":
			m.PrimaryKeyLine = v.Parts[i].Line
		}
	}
}

// coreTables reads Table("name", metadata, Column(...), ...) calls that are
// not the __table__ of a class.
func (rd *reader) coreTables(mod *python.Module) {
	for _, a := range mod.Assigns {
		if a.Class != nil || a.Value == nil || a.Value.Kind != python.CallExpr || len(a.Targets) != 1 {
			continue
		}
		call := a.Value.Call
		if call.Method != "Table" || !strings.HasPrefix(rd.resolve(mod, call.Callee), "sqlalchemy") && call.Callee != "db.Table" {
			continue
		}
		m := tableCall(call)
		if m.Table == "" {
			continue
		}
		m.Class, m.Module, m.File, m.Line = a.Targets[0], rd.names[mod], mod.Path, a.Line
		rd.set.Models = append(rd.set.Models, m)
	}
}

// tableCall reads a Core Table(...) call.
func tableCall(call *python.Call) *Model {
	m := &Model{Kind: Core, Line: call.Line}
	if n := call.Arg(0); n != nil && n.Kind == python.Str {
		m.Table = n.Value
	}
	if s := call.Kwarg("schema"); s != nil && s.Kind == python.Str {
		m.Schema = s.Value
	}
	for _, arg := range call.Args[min(len(call.Args), 2):] {
		if arg.Kind != python.CallExpr {
			continue
		}
		switch arg.Call.Method {
		case "Column":
			col := &Column{Line: arg.Line, Nullable: true}
			readColumnCall(col, arg.Call)
			col.Attr = col.Name
			m.Columns = append(m.Columns, col)
		case "PrimaryKeyConstraint":
			m.PrimaryKeyLine = arg.Line
		}
	}
	return m
}
