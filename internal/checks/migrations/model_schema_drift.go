package migrations

import (
	"fmt"
	"strings"

	"github.com/pgreview/pgreview/internal/catalog"
	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/locate"
	"github.com/pgreview/pgreview/internal/modeldiff"
	"github.com/pgreview/pgreview/internal/orm"
)

// ModelSchemaDrift compares the schema the migrations build with the
// SQLAlchemy/SQLModel models.
var ModelSchemaDrift = &check.Check{
	Name:     "model-schema-drift",
	Item:     "4.3",
	Severity: check.Important,
	Needs:    check.NeedsCatalog | check.NeedsMigrations,
	Doc: `The schema the migrations build should match the ORM models.

When they differ, the code and the database disagree: a column the model
maps but no migration creates fails every query that touches it, a NOT
NULL column the model does not know fails every insert, and in an Alembic
project the next "alembic revision --autogenerate" silently proposes to
undo or redo the difference. For Alembic projects pgreview runs Alembic's
own comparison (compare_metadata, with compare_type) between the migrated
database and env.py's target_metadata (or the models' declarative bases
when target_metadata is None), with a Python interpreter that can import
the models (PGREVIEW_PYTHON, the repo's .venv, python3). Otherwise, or
when that cannot run, tables, columns and nullability read statically
from the models are compared. Fix the model or add the missing migration.`,
	Run: runModelSchemaDrift,
}

func runModelSchemaDrift(p *check.Pass) error {
	loc := locate.New(p)
	models := loc.Models()
	if len(models.Tables()) == 0 {
		p.NotApplicable("no SQLAlchemy or SQLModel models")
		return nil
	}
	switch {
	case p.Migrations == nil:
		p.Skip("no migrations were found and applied, so there is no migrated schema to compare the models with")
		return nil
	case p.Applied.Failed != nil:
		p.Skip("a migration failed to apply (see migration-fails), so the schema is incomplete")
		return nil
	}
	if d := p.ModelDiff; d != nil && d.Skipped == "" {
		for _, diff := range d.Diffs {
			p.Report(alembicFinding(p, loc, models, diff))
		}
		if len(d.Diffs) == 0 {
			p.Evidence(check.Location{}, "Alembic's compare_metadata (%s, %s from %s) found no difference", d.Python, strings.Join(d.Metadata, ", "), d.From)
		}
		return nil
	}
	staticDrift(p, loc, models)
	if d := p.ModelDiff; d != nil {
		p.Repo.Warn("", 0, "model-schema-drift: compared tables and columns statically; %s", d.Skipped)
		p.Skip("%s; tables, columns and nullability compared statically instead, without finding drift", d.Skipped)
	}
	return nil
}

// alembicFinding turns one of Alembic's differences into a finding at the
// code to change: the model for what only the models have, the migration
// for what only the schema has.
func alembicFinding(p *check.Pass, loc *locate.Locator, models *orm.Set, d modeldiff.Diff) check.Finding {
	table := d.QualifiedTable()
	model := models.ByTable(table)
	t := tableNamed(p.Catalog, table)
	modelAt := func(column string) check.Location {
		obj := table
		if column != "" {
			obj += "." + column
		}
		if model == nil {
			return check.Location{Object: obj}
		}
		at := check.Location{File: model.File, Line: model.Line, Object: obj}
		if c := model.Column(column); c != nil && c.FromMixin == "" {
			at.Line = c.Line
		}
		return at
	}
	schemaAt := func(column string) check.Location {
		if t == nil {
			return modelAt(column)
		}
		if column != "" {
			return loc.Column(t, column)
		}
		return loc.Table(t)
	}
	related := func(column string) []check.Location {
		if t == nil {
			return nil
		}
		return loc.Model(t, column)
	}
	f := check.Finding{}
	switch d.Op {
	case "add_table":
		f.Location = modelAt("")
		f.Message = fmt.Sprintf("the models declare table %s, which the migrations never create", table)
	case "remove_table":
		f.Location = schemaAt("")
		f.Message = fmt.Sprintf("the migrations create table %s, which no model declares (autogenerate would drop it)", table)
	case "add_column":
		f.Location = modelAt(d.Column)
		f.Message = fmt.Sprintf("the models declare column %s.%s (%s), which the migrations never create", table, d.Column, d.Detail)
	case "remove_column":
		f.Location, f.Related = schemaAt(d.Column), related("")
		f.Message = fmt.Sprintf("the migrations create column %s.%s (%s), which the model does not map (autogenerate would drop it)", table, d.Column, d.Detail)
	case "modify_nullable":
		f.Location, f.Related = schemaAt(d.Column), related(d.Column)
		f.Message = fmt.Sprintf("%s.%s: the schema says nullable %s, the model nullable %s", table, d.Column, before(d.Detail), after(d.Detail))
	case "modify_type":
		f.Location, f.Related = schemaAt(d.Column), related(d.Column)
		f.Message = fmt.Sprintf("%s.%s: the schema has type %s, the model %s", table, d.Column, before(d.Detail), after(d.Detail))
	case "modify_default":
		f.Location, f.Related = schemaAt(d.Column), related(d.Column)
		f.Message = fmt.Sprintf("%s.%s: the schema's default is %s, the model's %s", table, d.Column, before(d.Detail), after(d.Detail))
	case "modify_comment", "add_table_comment", "remove_table_comment":
		f.Severity = check.Good
		f.Location, f.Related = schemaAt(d.Column), related(d.Column)
		f.Message = fmt.Sprintf("%s: the comment in the schema differs from the model's (%s)", strings.TrimSuffix(table+"."+d.Column, "."), d.Op)
	case "add_index", "add_constraint", "add_fk":
		f.Location = modelAt("")
		f.Message = fmt.Sprintf("the models declare %s %s on %s (%s), which the migrations never create", kindOf(d.Op), orUnnamed(d.Name), table, d.Detail)
	case "remove_index", "remove_constraint", "remove_fk":
		f.Location, f.Related = schemaIndexAt(p, loc, t, d), related("")
		f.Message = fmt.Sprintf("the migrations create %s %s on %s (%s), which the models do not declare (autogenerate would drop it)", kindOf(d.Op), orUnnamed(d.Name), table, d.Detail)
	default:
		f.Location = schemaAt(d.Column)
		f.Message = fmt.Sprintf("%s differs between the schema and the models: %s %s", table, d.Op, d.Detail)
	}
	if f.Object == "" {
		f.Object = table
	}
	return f
}

func schemaIndexAt(p *check.Pass, loc *locate.Locator, t *catalog.Table, d modeldiff.Diff) check.Location {
	if t == nil {
		return check.Location{Object: d.QualifiedTable()}
	}
	for _, ix := range p.Catalog.IndexesOf(t.OID) {
		if ix.Name == d.Name {
			return loc.Index(t, ix)
		}
	}
	for _, c := range p.Catalog.ConstraintsOf(t.OID) {
		if c.Name == d.Name {
			return loc.Constraint(t, c)
		}
	}
	return loc.Table(t)
}

func kindOf(op string) string {
	switch {
	case strings.HasSuffix(op, "_fk"):
		return "foreign key"
	case strings.HasSuffix(op, "_index"):
		return "index"
	}
	return "constraint"
}

func orUnnamed(name string) string {
	if name == "" {
		return "(unnamed)"
	}
	return name
}

// before and after split Alembic's "database -> models" detail.
func before(detail string) string { b, _, _ := strings.Cut(detail, " -> "); return b }
func after(detail string) string  { _, a, _ := strings.Cut(detail, " -> "); return a }

func tableNamed(s *catalog.Snapshot, qualified string) *catalog.Table {
	schema, name, _ := strings.Cut(qualified, ".")
	return s.TableNamed(schema, name)
}

// staticDrift compares tables, columns and nullability read from the
// models with the schema, for models that are fully readable.
func staticDrift(p *check.Pass, loc *locate.Locator, models *orm.Set) {
	for _, m := range models.Tables() {
		if m.Opaque {
			continue
		}
		at := check.Location{File: m.File, Line: m.Line, Object: m.QualifiedTable()}
		t := tableNamed(p.Catalog, m.QualifiedTable())
		if t == nil {
			p.Report(check.Finding{Location: at, Message: fmt.Sprintf("model %s maps table %s, which the migrations never create", m.Name(), m.QualifiedTable())})
			continue
		}
		mapped := map[string]bool{}
		for _, sub := range append([]*orm.Model{m}, singleTableChildren(m)...) {
			for _, c := range sub.Columns {
				mapped[c.Name] = true
				colAt := check.Location{File: sub.File, Line: c.Line, Object: t.QualifiedName() + "." + c.Name}
				if c.FromMixin != "" {
					colAt.Line = sub.Line
				}
				dc := t.ColumnNamed(c.Name)
				switch {
				case dc == nil:
					p.Report(check.Finding{Location: colAt, Message: fmt.Sprintf("model %s maps column %s.%s, which the migrations never create", sub.Name(), t.QualifiedName(), c.Name)})
				case sub == m && !c.Nullable && !dc.NotNull:
					p.Report(check.Finding{Location: loc.Column(t, c.Name), Related: loc.Model(t, c.Name),
						Message: fmt.Sprintf("%s.%s: the model declares it NOT NULL (nullable=False), the schema allows NULL", t.QualifiedName(), c.Name)})
				case sub == m && c.Nullable && dc.NotNull && dc.Default == "" && dc.Identity == "" && dc.Generated == "":
					p.Report(check.Finding{Location: loc.Column(t, c.Name), Related: loc.Model(t, c.Name),
						Message: fmt.Sprintf("%s.%s is NOT NULL without a default, but the model declares it nullable: saving an object without it fails", t.QualifiedName(), c.Name)})
				}
			}
		}
		for _, dc := range t.Columns {
			if !mapped[dc.Name] && dc.NotNull && dc.Default == "" && dc.Identity == "" && dc.Generated == "" {
				p.Report(check.Finding{Location: loc.Column(t, dc.Name), Related: loc.Model(t, ""),
					Message: fmt.Sprintf("%s.%s is NOT NULL without a default, but model %s does not map it: every insert through the ORM fails", t.QualifiedName(), dc.Name, m.Name())})
			}
		}
	}
}

// singleTableChildren are the subclasses that share m's table.
func singleTableChildren(m *orm.Model) []*orm.Model {
	var out []*orm.Model
	for _, c := range m.Children {
		if !c.OwnTable() {
			out = append(out, c)
			out = append(out, singleTableChildren(c)...)
		}
	}
	return out
}
