// Package catalog loads one typed snapshot of the live schema with a fixed
// handful of queries, whatever the schema's size. The migration tools' own
// tables and the objects owned by extensions are left out: they are not
// the application's schema.
package catalog

import (
	"context"
	"fmt"
	"sort"

	"github.com/jackc/pgx/v5"
)

// Snapshot is the schema of the review database.
type Snapshot struct {
	Tables      []*Table
	Indexes     []*Index
	Constraints []*Constraint
	// Queries is how many catalog queries Load ran (constant by design).
	Queries int

	tablesByOID map[uint32]*Table
}

// Table is an ordinary or partitioned table.
type Table struct {
	OID     uint32
	Schema  string
	Name    string
	Kind    string // "r" ordinary, "p" partitioned
	Comment string
	Columns []*Column
	// Partition is true for a partition of a partitioned table.
	Partition bool
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

// Column is a table column.
type Column struct {
	Num     int16
	Name    string
	Type    string // format_type(), e.g. "timestamp without time zone"
	TypeOID uint32
	NotNull bool
	Default string
	// Identity is "a" (ALWAYS), "d" (BY DEFAULT) or "".
	Identity string
	// Generated is the expression of a generated column, or "".
	Generated string
	Comment   string
}

// Index is an index of a table.
type Index struct {
	OID      uint32
	Schema   string
	Name     string
	TableOID uint32
	// Columns are the key columns' attribute numbers; 0 is an expression.
	Columns []int16
	// KeyColumns counts the key columns (the rest are INCLUDE columns).
	KeyColumns int
	Unique     bool
	Primary    bool
	Valid      bool
	Predicate  string // WHERE clause of a partial index, or ""
	Method     string // btree, gin, ...
	Definition string // pg_get_indexdef
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
func (s *Snapshot) IndexesOf(table uint32) []*Index {
	var out []*Index
	for _, i := range s.Indexes {
		if i.TableOID == table {
			out = append(out, i)
		}
	}
	return out
}

// ConstraintsOf lists the constraints of a table, of the given types (all
// when none are given).
func (s *Snapshot) ConstraintsOf(table uint32, types ...string) []*Constraint {
	var out []*Constraint
	for _, c := range s.Constraints {
		if c.TableOID != table {
			continue
		}
		if len(types) == 0 || contains(types, c.Type) {
			out = append(out, c)
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

// ToolSchemas are schemas that belong to a migration tool.
var ToolSchemas = map[string]bool{"sqitch": true}

// Load reads the snapshot over conn.
func Load(ctx context.Context, conn *pgx.Conn) (*Snapshot, error) {
	s := &Snapshot{tablesByOID: map[uint32]*Table{}}
	for _, step := range []struct {
		what string
		load func(context.Context, *pgx.Conn) error
	}{
		{"tables", s.loadTables},
		{"columns", s.loadColumns},
		{"indexes", s.loadIndexes},
		{"constraints", s.loadConstraints},
	} {
		if err := step.load(ctx, conn); err != nil {
			return nil, fmt.Errorf("catalog: load %s: %w", step.what, err)
		}
		s.Queries++
	}
	sort.Slice(s.Tables, func(i, j int) bool { return s.Tables[i].QualifiedName() < s.Tables[j].QualifiedName() })
	return s, nil
}
