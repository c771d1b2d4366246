// Package orm reads the tables that a Python repository's SQLAlchemy and
// SQLModel code declares: declarative models, SQLModel table=True classes,
// Flask-SQLAlchemy db.Model classes and Core Table() definitions, with their
// columns, keys, relationships and inheritance. It works on the parsed
// Python model (internal/python), without running the code, so every
// declaration keeps its file and line.
package orm

import "strings"

// Model is one mapped class or Core table.
type Model struct {
	// Class is the class name, or the variable a Core Table is assigned
	// to (empty when it is not assigned).
	Class  string
	Module string // dotted module name, e.g. "app.models"
	File   string
	Line   int
	Kind   Kind
	// Schema and Table name the table; Table is empty when it cannot be
	// read statically (a declared_attr __tablename__).
	Schema string
	Table  string
	// Abstract classes (__abstract__ = True) map no table.
	Abstract bool
	Columns  []*Column
	// Relationships are relationship() / Relationship() attributes.
	Relationships []*Relationship
	// Parent is the mapped class this one inherits from: joined-table
	// inheritance when Table differs from Parent's, single-table when
	// the subclass declares no table of its own.
	Parent   *Model
	Children []*Model
	// PolymorphicOn is the discriminator of an inheritance hierarchy
	// (__mapper_args__ "polymorphic_on"), as written; "" when absent.
	PolymorphicOn string
	// PrimaryKeyLine is the line of a PrimaryKeyConstraint in
	// __table_args__ or of a mapper-level primary_key; 0 when absent.
	PrimaryKeyLine int
	// SQLModelTable: a SQLModel class declared with table=True.
	SQLModelTable bool
	// Opaque: part of the declaration cannot be read statically (a base
	// class from outside the repo, a declared_attr column, a __table__
	// that is not a Table() call), so absent columns prove nothing.
	Opaque bool

	// declaresTableName: __tablename__ is assigned or computed by a
	// declared_attr on the class, a mixin or the base.
	declaresTableName bool
}

// Kind is how a table is declared.
type Kind string

const (
	Declarative Kind = "declarative" // a class on a declarative base (incl. db.Model)
	SQLModel    Kind = "sqlmodel"    // class X(SQLModel, table=True)
	Core        Kind = "core"        // Table("name", metadata, ...)
)

// QualifiedTable is schema.table, with public for an unqualified table.
func (m *Model) QualifiedTable() string {
	if m.Table == "" {
		return ""
	}
	schema := m.Schema
	if schema == "" {
		schema = "public"
	}
	return schema + "." + m.Table
}

// Name is how a reviewer finds the model: the class, or the Table's variable.
func (m *Model) Name() string {
	if m.Class != "" {
		return m.Class
	}
	return "Table(" + m.Table + ")"
}

// OwnTable reports whether the model maps a table of its own (not
// abstract, not a single-table-inheritance subclass).
func (m *Model) OwnTable() bool {
	if m.Abstract || m.Table == "" {
		return false
	}
	return m.Parent == nil || m.Parent.Table != m.Table
}

// HasPrimaryKey reports whether the model declares a primary key: a
// primary_key column, a PrimaryKeyConstraint, or (for an inheritance
// subclass) its parent's.
func (m *Model) HasPrimaryKey() bool {
	if m.PrimaryKeyLine > 0 {
		return true
	}
	for _, c := range m.Columns {
		if c.PrimaryKey {
			return true
		}
	}
	return m.Parent != nil && m.Parent.HasPrimaryKey()
}

// Column returns the column called name (the database name), or nil.
func (m *Model) Column(name string) *Column {
	for _, c := range m.Columns {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Root is the top of the model's inheritance hierarchy.
func (m *Model) Root() *Model {
	for m.Parent != nil {
		m = m.Parent
	}
	return m
}

// Column is one mapped column.
type Column struct {
	Attr string // the Python attribute
	Name string // the database column
	Line int
	// Type is the type as written: "String(255)", "sa.DateTime(timezone=True)",
	// or a SQLModel annotation ("Optional[datetime]").
	Type       string
	PrimaryKey bool
	// Nullable is what the declaration implies (SQLAlchemy's default:
	// nullable unless a primary key).
	Nullable bool
	// ForeignKeys are the referenced columns as written: "users.id".
	ForeignKeys []string
	// FromMixin is the class the column was inherited from, when it is
	// declared on a mixin or a non-table base.
	FromMixin string
}

// Relationship is a relationship between two mapped classes.
type Relationship struct {
	Attr string
	Line int
	// Target is the related class's name as written ("Order").
	Target string
	// Secondary is the association table of a many-to-many, as written.
	Secondary string
	// ExplicitJoin: primaryjoin, foreign_keys or viewonly was given, so the
	// ORM does not need a foreign key in the schema to build the join.
	ExplicitJoin bool
}

// Set is the models of one repository.
type Set struct {
	Models []*Model
	// Bases are the declarative bases the models are declared on, as
	// importable references to their MetaData.
	Bases []MetadataRef
}

// MetadataRef is where a MetaData can be imported from:
// Module "app.db", Attr "Base.metadata".
type MetadataRef struct {
	Module string
	Attr   string
}

func (m MetadataRef) String() string { return m.Module + ":" + m.Attr }

// ByTable returns the model that maps schema.table (public when the
// schema is empty), preferring the class that owns the table.
func (s *Set) ByTable(qualified string) *Model {
	var found *Model
	for _, m := range s.Models {
		if m.QualifiedTable() != qualified || m.Abstract {
			continue
		}
		if found == nil || m.OwnTable() && !found.OwnTable() {
			found = m
		}
	}
	return found
}

// ByClass returns the model class called name. A dotted name matches on
// its last part.
func (s *Set) ByClass(name string) *Model {
	if i := strings.LastIndex(name, "."); i >= 0 {
		name = name[i+1:]
	}
	for _, m := range s.Models {
		if m.Class == name && m.Kind != Core {
			return m
		}
	}
	return nil
}

// Tables lists the models that own a table.
func (s *Set) Tables() []*Model {
	var out []*Model
	for _, m := range s.Models {
		if m.OwnTable() {
			out = append(out, m)
		}
	}
	return out
}
