// Package catalog loads one typed snapshot of the live schema with a fixed
// handful of queries, whatever the schema's size. The migration tools' own
// tables and the objects owned by extensions are left out: they are not
// the application's schema.
package catalog

// Snapshot is the schema of the review database.
type Snapshot struct {
	Server      Server
	Schemas     []*Schema
	Tables      []*Table
	Indexes     []*Index
	Constraints []*Constraint
	Sequences   []*Sequence
	Enums       []*Enum
	Views       []*View
	Functions   []*Function
	Triggers    []*Trigger
	Extensions  []*Extension
	Roles       []*Role
	// Privileges are the grants on the application's schemas, tables,
	// views, sequences and functions, on the database, and the default
	// privileges (ALTER DEFAULT PRIVILEGES).
	Privileges []*Privilege
	// Settings are the per-database and per-role settings (ALTER DATABASE
	// / ALTER ROLE ... SET) and, when readable, ALTER SYSTEM's
	// postgresql.auto.conf.
	Settings []*Setting
	// Queries is how many catalog queries Load ran (constant by design).
	Queries int

	tablesByOID  map[uint32]*Table
	indexesByTbl map[uint32][]*Index
	consByTbl    map[uint32][]*Constraint
	trigsByTbl   map[uint32][]*Trigger
	// readFileSettings: the session may read pg_file_settings (ALTER
	// SYSTEM's postgresql.auto.conf).
	readFileSettings bool
}

// Server describes the server and the session the snapshot was read in.
type Server struct {
	VersionNum int // server_version_num, e.g. 150008
	Database   string
	// DatabaseOwner owns the review database.
	DatabaseOwner string
	// SessionUser is the role pgreview itself connected as. It created
	// the review database and ran the migrations, so it owns what they
	// created; checks never judge it as the application's role.
	SessionUser string
}

// Major is the server's major version, e.g. 15.
func (s Server) Major() int { return s.VersionNum / 10000 }

// Schema is a namespace of the application.
type Schema struct {
	OID     uint32
	Name    string
	Owner   string
	Comment string
}

// Table is an ordinary or partitioned table.
type Table struct {
	OID     uint32
	Schema  string
	Name    string
	Kind    string // "r" ordinary, "p" partitioned
	Owner   string
	Comment string
	Columns []*Column
	// Partition is true for a partition of a partitioned table.
	Partition bool
	// Inherits are the parents of a table created with INHERITS (not of
	// a partition).
	Inherits []uint32
	// Options are the table's storage parameters ("autovacuum_enabled=false");
	// ToastOptions those of its TOAST table ("autovacuum_enabled=false",
	// set as toast.autovacuum_enabled).
	Options      []string
	ToastOptions []string
	// Persistence: "p" permanent, "u" unlogged.
	Persistence string
	RowSecurity bool
}

// QualifiedName is schema.table.
func (t *Table) QualifiedName() string { return t.Schema + "." + t.Name }

// Column returns the column with attribute number num, or nil.
func (t *Table) Column(num int16) *Column {
	for _, c := range t.Columns {
		if c.Num == num {
			return c
		}
	}
	return nil
}

// ColumnNamed returns the column called name, or nil.
func (t *Table) ColumnNamed(name string) *Column {
	for _, c := range t.Columns {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Option returns the value of a storage parameter, and whether it is set.
func (t *Table) Option(name string) (string, bool) { return option(t.Options, name) }

// ToastOption returns the value of a toast.* storage parameter.
func (t *Table) ToastOption(name string) (string, bool) { return option(t.ToastOptions, name) }

func option(opts []string, name string) (string, bool) {
	for _, o := range opts {
		if k, v, ok := cut(o, '='); ok && k == name {
			return v, true
		}
	}
	return "", false
}

func cut(s string, sep byte) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == sep {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// Column is a table column.
type Column struct {
	Num  int16
	Name string
	Type string // format_type(), e.g. "timestamp without time zone"
	// TypeOID is the column's type; for a domain, BaseTypeOID is the
	// type underneath (it equals TypeOID otherwise).
	TypeOID     uint32
	BaseTypeOID uint32
	NotNull     bool
	Default     string
	// Identity is "a" (ALWAYS), "d" (BY DEFAULT) or "".
	Identity string
	// Generated is the expression of a generated column, or "".
	Generated string
	Comment   string
	// Inherited is true for a column that comes only from a parent
	// (INHERITS or a partitioned table), not declared on this table.
	Inherited bool
}

// Index is an index of a table.
type Index struct {
	OID      uint32
	Schema   string
	Name     string
	TableOID uint32
	// Columns are the key columns' attribute numbers, then the INCLUDE
	// columns'; 0 is an expression.
	Columns []int16
	// KeyColumns counts the key columns (the rest are INCLUDE columns).
	KeyColumns int
	// ColumnDefs are the columns as pg_get_indexdef shows them, one per
	// entry of Columns: a column name or an expression.
	ColumnDefs []string
	// OpClasses, Collations and Options (indoption: DESC, NULLS FIRST)
	// are per key column.
	OpClasses   []uint32
	Collations  []uint32
	Options     []int16
	Unique      bool
	Primary     bool
	Valid       bool
	Predicate   string // WHERE clause of a partial index, or ""
	Expressions string // the index expressions, or ""
	Method      string // btree, gin, ...
	Definition  string // pg_get_indexdef
	// Constraint is the OID of the PRIMARY KEY, UNIQUE or EXCLUDE
	// constraint the index implements, or 0.
	Constraint uint32
}

// QualifiedName is schema.index.
func (i *Index) QualifiedName() string { return i.Schema + "." + i.Name }

// Constraint is a table constraint.
type Constraint struct {
	OID      uint32
	Name     string
	Type     string // p, f, u, c, x
	TableOID uint32
	Columns  []int16
	// RefTableOID and RefColumns are set for foreign keys.
	RefTableOID uint32
	RefColumns  []int16
	Validated   bool
	Definition  string
	// IndexOID is the index behind a p, u or x constraint (or the
	// referenced unique index of a foreign key).
	IndexOID uint32
	// ParentOID is set on the copy of a partitioned table's constraint
	// that Postgres makes on each partition.
	ParentOID uint32
	// Local is false for a constraint inherited from a parent table.
	Local bool
}

// Sequence is a sequence, standalone or owned by a column (serial,
// identity).
type Sequence struct {
	OID    uint32
	Schema string
	Name   string
	Type   string // bigint, integer, smallint
	Max    int64
	Owner  string
	// OwnedByTable and OwnedByColumn are set for a sequence owned by a
	// column; Identity is true when that column is an identity column.
	OwnedByTable  uint32
	OwnedByColumn int16
	Identity      bool
}

// QualifiedName is schema.sequence.
func (s *Sequence) QualifiedName() string { return s.Schema + "." + s.Name }

// Enum is an enum type.
type Enum struct {
	OID    uint32
	Schema string
	Name   string
	Labels []string
}

// QualifiedName is schema.type.
func (e *Enum) QualifiedName() string { return e.Schema + "." + e.Name }

// View is a view or a materialized view.
type View struct {
	OID        uint32
	Schema     string
	Name       string
	Kind       string // "v" view, "m" materialized view
	Owner      string
	Options    []string // security_barrier, security_invoker, check_option
	Comment    string
	Definition string
}

// QualifiedName is schema.view.
func (v *View) QualifiedName() string { return v.Schema + "." + v.Name }

// Function is a function or procedure.
type Function struct {
	OID    uint32
	Schema string
	Name   string
	// Arguments is pg_get_function_identity_arguments: "a integer, b text".
	Arguments string
	Result    string
	Kind      string // f function, p procedure, a aggregate, w window
	Language  string
	Owner     string
	// SecurityDefiner: the function runs with its owner's privileges.
	SecurityDefiner bool
	// Config are the function's SET clauses ("search_path=pg_catalog, pg_temp").
	Config  []string
	Comment string
}

// QualifiedName is schema.name.
func (f *Function) QualifiedName() string { return f.Schema + "." + f.Name }

// Signature is schema.name(arguments).
func (f *Function) Signature() string { return f.QualifiedName() + "(" + f.Arguments + ")" }

// Setting returns the value of a SET clause of the function.
func (f *Function) Setting(name string) (string, bool) { return option(f.Config, name) }

// Trigger is a user trigger on a table.
type Trigger struct {
	OID      uint32
	TableOID uint32
	Name     string
	// Function is the trigger function, schema-qualified.
	Function   string
	Enabled    string // O origin, D disabled, R replica, A always
	Definition string
}

// Extension is an installed extension.
type Extension struct {
	Name        string
	Schema      string
	Version     string
	Relocatable bool
}

// Role is a role of the cluster (the pg_* predefined roles left out).
type Role struct {
	OID         uint32
	Name        string
	Superuser   bool
	CreateRole  bool
	CreateDB    bool
	Login       bool
	Replication bool
	BypassRLS   bool
	// Config are the role's settings for every database (ALTER ROLE SET).
	Config []string
	// MemberOf lists the roles this role is a member of.
	MemberOf []string
}

// PublicGrantee is the grantee name of privileges granted to PUBLIC.
const PublicGrantee = "PUBLIC"

// Privilege is one privilege granted on one object, from its ACL.
type Privilege struct {
	// ObjectKind is schema, table, view, materialized view, sequence,
	// foreign table, function, procedure, database, or "default" for a
	// default privilege (ALTER DEFAULT PRIVILEGES).
	ObjectKind string
	ObjectOID  uint32
	// Object is the qualified name; for default privileges it says for
	// whose objects and where ("tables created by app in public").
	Object    string
	Grantee   string // a role name, or PUBLIC
	Grantor   string
	Privilege string // SELECT, INSERT, EXECUTE, CREATE, USAGE, ...
	Grantable bool
	// Default is true when the object has no ACL of its own and the
	// privilege is the built-in default (EXECUTE to PUBLIC on functions).
	Default bool
}

// Setting is one configuration parameter set for the database, a role,
// or the whole server (ALTER SYSTEM).
type Setting struct {
	// Source is "database" (ALTER DATABASE SET), "role" (ALTER ROLE SET),
	// "database-role" (ALTER ROLE IN DATABASE SET) or "system" (ALTER
	// SYSTEM, from postgresql.auto.conf).
	Source   string
	Database string
	Role     string
	Name     string
	Value    string
}

// Table returns the table with the given OID, or nil.
func (s *Snapshot) Table(oid uint32) *Table { return s.tablesByOID[oid] }

// TableNamed returns schema.name, or nil.
func (s *Snapshot) TableNamed(schema, name string) *Table {
	for _, t := range s.Tables {
		if t.Schema == schema && t.Name == name {
			return t
		}
	}
	return nil
}

// IndexesOf lists the indexes of a table.
func (s *Snapshot) IndexesOf(table uint32) []*Index { return s.indexesByTbl[table] }

// ConstraintsOf lists the constraints of a table, of the given types (all
// when none are given).
func (s *Snapshot) ConstraintsOf(table uint32, types ...string) []*Constraint {
	all := s.consByTbl[table]
	if len(types) == 0 {
		return all
	}
	var out []*Constraint
	for _, c := range all {
		if contains(types, c.Type) {
			out = append(out, c)
		}
	}
	return out
}

// PrimaryKey returns the table's primary key constraint, or nil.
func (s *Snapshot) PrimaryKey(table uint32) *Constraint {
	for _, c := range s.consByTbl[table] {
		if c.Type == "p" {
			return c
		}
	}
	return nil
}

// TriggersOf lists the triggers of a table.
func (s *Snapshot) TriggersOf(table uint32) []*Trigger { return s.trigsByTbl[table] }

// Extension returns the installed extension called name, or nil.
func (s *Snapshot) Extension(name string) *Extension {
	for _, e := range s.Extensions {
		if e.Name == name {
			return e
		}
	}
	return nil
}

// Role returns the role called name, or nil.
func (s *Snapshot) Role(name string) *Role {
	for _, r := range s.Roles {
		if r.Name == name {
			return r
		}
	}
	return nil
}

// Schema returns the schema called name, or nil.
func (s *Snapshot) Schema(name string) *Schema {
	for _, n := range s.Schemas {
		if n.Name == name {
			return n
		}
	}
	return nil
}

// SettingsNamed lists the settings of one parameter, from every source.
func (s *Snapshot) SettingsNamed(name string) []*Setting {
	var out []*Setting
	for _, st := range s.Settings {
		if st.Name == name {
			out = append(out, st)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// ToolTables are the migration tools' bookkeeping tables, never reviewed.
var ToolTables = map[string]bool{
	"alembic_version":       true,
	"schema_migrations":     true, // golang-migrate, dbmate
	"goose_db_version":      true,
	"flyway_schema_history": true,
	"_prisma_migrations":    true,
	"gorp_migrations":       true,
	"databasechangelog":     true, // liquibase
	"databasechangeloglock": true,
	"knex_migrations":       true,
	"knex_migrations_lock":  true,
	"django_migrations":     true,
}

// ToolSchemas are schemas that belong to a migration tool or to pgreview
// itself (its migration trace), never to the application.
var ToolSchemas = map[string]bool{"sqitch": true, "pgreview": true, "_pgreview": true, "_pgreview_trace": true}
