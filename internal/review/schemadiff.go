package review

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/pgreview/pgreview/internal/catalog"
	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/report"
)

// The schema diff compares two catalog snapshots that the review loads
// anyway: the base branch's schema and the one after the pull request's
// migrations ran on it. (stripe/pg-schema-diff would need its own
// temporary databases, pgx v4 and database/sql beside our pgx v5, and its
// hazards are guesses from the SQL; ours come from the trace, as findings.)

var actions = map[string]string{"a": "dropped", "b": "added", "both": "changed"}

// kindOrder sorts a table's changes: the table, its columns, then
// constraints and indexes.
var kindOrder = map[string]int{"table": 0, "column": 1, "constraint": 2, "index": 3, "view": 4, "function": 5, "enum": 6, "extension": 7}

// schemaDiff describes how head differs from base, as DDL.
func schemaDiff(base, head *catalog.Snapshot) *report.SchemaDiff {
	diffs := catalog.Diff(base, head)
	droppedTable := map[string]bool{}
	for _, d := range diffs {
		if d.Kind == "table" && d.In == "a" {
			droppedTable[d.Table] = true
		}
	}
	out := &report.SchemaDiff{Changes: []report.SchemaChange{}}
	for _, d := range diffs {
		if d.Kind != "table" && droppedTable[d.Table] {
			continue // dropped with its table
		}
		c := report.SchemaChange{Action: actions[d.In], Kind: d.Kind, Object: d.Object, Table: d.Table}
		c.SQL, c.Before = changeSQL(d, base, head)
		out.Changes = append(out.Changes, c)
	}
	sort.SliceStable(out.Changes, func(i, j int) bool {
		a, b := out.Changes[i], out.Changes[j]
		ka, kb := groupOf(a), groupOf(b)
		if ka != kb {
			return ka < kb
		}
		if kindOrder[a.Kind] != kindOrder[b.Kind] {
			return kindOrder[a.Kind] < kindOrder[b.Kind]
		}
		return a.Object < b.Object
	})
	return out
}

func groupOf(c report.SchemaChange) string {
	if c.Table != "" {
		return c.Table
	}
	return c.Object
}

// changeSQL is one difference as DDL, and a changed object's definition
// on the base.
func changeSQL(d catalog.Difference, base, head *catalog.Snapshot) (sql, before string) {
	switch d.Kind {
	case "table":
		if d.In == "a" {
			return "DROP TABLE " + d.Table, ""
		}
		return createTable(tableOf(head, d.Table)), ""
	case "column":
		switch d.In {
		case "a":
			return fmt.Sprintf("ALTER TABLE %s DROP COLUMN %s", d.Table, d.Column), ""
		case "b":
			return fmt.Sprintf("ALTER TABLE %s ADD COLUMN %s %s", d.Table, d.Column, columnDef(columnOf(head, d.Table, d.Column))), ""
		}
		return alterColumn(d.Table, columnOf(base, d.Table, d.Column), columnOf(head, d.Table, d.Column)), d.A
	case "index":
		if d.In == "a" {
			return fmt.Sprintf("DROP INDEX %s.%s", schemaOf(d.Table), d.Name), ""
		}
		return strings.Replace(d.B, "INDEX ON ", "INDEX "+d.Name+" ON ", 1), ""
	case "constraint":
		if d.In == "a" {
			return fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT %s", d.Table, d.Name), ""
		}
		return fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s %s", d.Table, d.Name, d.B), ""
	case "view":
		switch d.In {
		case "a":
			return "DROP VIEW " + d.Object, ""
		case "b":
			return "CREATE VIEW " + d.Object, ""
		}
		return "CREATE OR REPLACE VIEW " + d.Object, ""
	case "function":
		switch d.In {
		case "a":
			return "DROP FUNCTION " + d.Object, ""
		case "b":
			return "CREATE FUNCTION " + d.Object + " RETURNS " + strings.TrimPrefix(d.B, "returns "), ""
		}
		return "CREATE OR REPLACE FUNCTION " + d.Object + " RETURNS " + strings.TrimPrefix(d.B, "returns "), d.A
	case "enum":
		switch d.In {
		case "a":
			return "DROP TYPE " + d.Object, ""
		case "b":
			return "CREATE TYPE " + d.Object + " AS ENUM " + quoteLabels(d.B), ""
		}
		return "ALTER TYPE " + d.Object + " AS ENUM " + quoteLabels(d.B), "ENUM " + quoteLabels(d.A)
	case "extension":
		switch d.In {
		case "a":
			return "DROP EXTENSION " + d.Object, ""
		case "b":
			return "CREATE EXTENSION " + d.Object + " SCHEMA " + strings.TrimPrefix(d.B, "in schema "), ""
		}
		return "ALTER EXTENSION " + d.Object + " SET SCHEMA " + strings.TrimPrefix(d.B, "in schema "), d.A
	}
	return d.Kind + " " + d.Object, d.A
}

// quoteLabels turns catalog.Diff's "(a, b)" into "('a', 'b')".
func quoteLabels(s string) string {
	labels := strings.Split(strings.Trim(s, "()"), ", ")
	for i, l := range labels {
		labels[i] = "'" + strings.ReplaceAll(l, "'", "''") + "'"
	}
	return "(" + strings.Join(labels, ", ") + ")"
}

func createTable(t *catalog.Table) string {
	if t == nil {
		return "CREATE TABLE"
	}
	var cols []string
	for _, c := range t.Columns {
		if !c.Inherited {
			cols = append(cols, c.Name+" "+columnDef(c))
		}
	}
	return fmt.Sprintf("CREATE TABLE %s (%s)", t.QualifiedName(), strings.Join(cols, ", "))
}

// columnDef is a column's definition as CREATE TABLE writes it.
func columnDef(c *catalog.Column) string {
	if c == nil {
		return ""
	}
	s := c.Type
	switch {
	case c.Identity == "a":
		s += " GENERATED ALWAYS AS IDENTITY"
	case c.Identity == "d":
		s += " GENERATED BY DEFAULT AS IDENTITY"
	case c.Generated != "":
		s += " GENERATED ALWAYS AS (" + c.Generated + ") STORED"
	case c.Default != "":
		s += " DEFAULT " + c.Default
	}
	if c.NotNull {
		s += " NOT NULL"
	}
	return s
}

// alterColumn is the ALTER TABLE that turns column a into b.
func alterColumn(table string, a, b *catalog.Column) string {
	if a == nil || b == nil {
		return "ALTER TABLE " + table
	}
	var parts []string
	alter := "ALTER COLUMN " + b.Name + " "
	if a.Type != b.Type {
		parts = append(parts, alter+"TYPE "+b.Type)
	}
	if a.NotNull != b.NotNull {
		parts = append(parts, alter+map[bool]string{true: "SET NOT NULL", false: "DROP NOT NULL"}[b.NotNull])
	}
	if a.Default != b.Default {
		if b.Default == "" {
			parts = append(parts, alter+"DROP DEFAULT")
		} else {
			parts = append(parts, alter+"SET DEFAULT "+b.Default)
		}
	}
	if a.Identity != b.Identity || a.Generated != b.Generated {
		parts = append(parts, alter+"-- now "+columnDef(b))
	}
	return "ALTER TABLE " + table + " " + strings.Join(parts, ", ")
}

func tableOf(s *catalog.Snapshot, qualified string) *catalog.Table {
	schema, name, _ := strings.Cut(qualified, ".")
	return s.TableNamed(schema, name)
}

func columnOf(s *catalog.Snapshot, table, column string) *catalog.Column {
	if t := tableOf(s, table); t != nil {
		return t.ColumnNamed(column)
	}
	return nil
}

func schemaOf(qualified string) string {
	schema, _, _ := strings.Cut(qualified, ".")
	return schema
}

// attachHazards links each change to the lock-hazard findings of the pull
// request's migrations on its table: the change whose name (column,
// index, constraint) the finding mentions, else the table's first change.
func attachHazards(d *report.SchemaDiff, findings []check.Finding) {
	for _, f := range findings {
		table := hazardTable(f)
		if !f.New || table == "" {
			continue
		}
		first, matched := -1, false
		for i := range d.Changes {
			c := &d.Changes[i]
			if c.Table != table {
				continue
			}
			if first < 0 {
				first = i
			}
			if mentions(f.Message, changeName(*c)) {
				c.Hazards = append(c.Hazards, hazardRef(f))
				matched = true
			}
		}
		if !matched && first >= 0 {
			d.Changes[first].Hazards = append(d.Changes[first].Hazards, hazardRef(f))
		}
	}
}

// hazardTable is the table of a lock-hazard finding (item 4.5, with its
// table as a related location), or "".
func hazardTable(f check.Finding) string {
	if f.Item != "4.5" {
		return ""
	}
	for _, r := range f.Related {
		if r.Note == "table" {
			return r.Object
		}
	}
	return ""
}

func hazardRef(f check.Finding) report.HazardRef {
	return report.HazardRef{Check: f.Check, Severity: f.Severity, File: f.File, Line: f.Line, Fingerprint: f.Fingerprint}
}

// changeName is the name a finding would use for the change's object.
func changeName(c report.SchemaChange) string {
	switch c.Kind {
	case "column":
		return c.Object[strings.LastIndex(c.Object, ".")+1:]
	case "index", "constraint":
		if m := namedObject.FindStringSubmatch(c.SQL); m != nil {
			return m[1]
		}
	}
	return ""
}

var namedObject = regexp.MustCompile(`(?:INDEX|CONSTRAINT) (?:CONCURRENTLY )?(?:[^ .]+\.)?([^ ]+)`)

// mentions reports whether msg names name as a whole word.
func mentions(msg, name string) bool {
	if name == "" {
		return false
	}
	return regexp.MustCompile(`(^|[^\w])` + regexp.QuoteMeta(name) + `($|[^\w])`).MatchString(msg)
}
