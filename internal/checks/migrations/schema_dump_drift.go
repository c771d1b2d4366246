package migrations

import (
	"fmt"
	"strings"

	"github.com/pgreview/pgreview/internal/catalog"
	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/locate"
	"github.com/pgreview/pgreview/internal/schemadump"
)

// SchemaDumpDrift compares the schema the migrations build with a
// committed schema dump.
var SchemaDumpDrift = &check.Check{
	Name:     "schema-dump-drift",
	Item:     "4.3",
	Severity: check.Important,
	Needs:    check.NeedsCatalog | check.NeedsMigrations,
	Doc: `A committed schema dump (schema.sql, structure.sql) should match the migrations.

Developers, reviewers and tools read the dump as the truth about the
schema; test setups often load it instead of running the migrations. When
a migration was added without regenerating the dump, or the dump was
edited by hand, the two disagree and tests run against a schema production
will never have. pgreview loads the dump into a scratch database on the
same server and compares it with the migrated schema: tables, columns
(type, nullability, default, identity), indexes and constraints (by
definition, so auto-generated names do not matter), views, functions,
enums and extensions. Ownership and grants to roles the server lacks are
ignored. Regenerate the dump from the migrated schema (pg_dump
--schema-only) or write the missing migration.`,
	Run: runSchemaDumpDrift,
}

func runSchemaDumpDrift(p *check.Pass) error {
	file := schemadump.Find(p.Repo, p.Migrations)
	switch {
	case file == nil:
		p.NotApplicable("no committed schema dump (schema.sql, structure.sql)")
		return nil
	case p.Migrations == nil:
		p.Skip("%s was found, but no migrations were applied to compare it with", file.Path)
		return nil
	case p.Applied.Failed != nil:
		p.Skip("a migration failed to apply (see migration-fails), so the schema is incomplete")
		return nil
	case p.SchemaDump == nil:
		p.Skip("%s was not loaded", file.Path)
		return nil
	case p.SchemaDump.Skipped != "":
		p.Skip("%s could not be loaded: %s", file.Path, p.SchemaDump.Skipped)
		return nil
	}
	d := p.SchemaDump
	for _, f := range d.Failed {
		p.Report(check.Finding{Location: check.Location{File: d.File, Line: f.Line},
			Message: fmt.Sprintf("%s does not apply on an empty database: %s", d.File, f.Error),
			Fix:     "regenerate it with pg_dump --schema-only from the migrated database"})
	}
	var stmts []locate.Statement
	for _, st := range d.Statements {
		stmts = append(stmts, locate.Statement{SQL: st.SQL, File: d.File, Line: st.Line})
	}
	dumpIndex := locate.BuildIndex(stmts)
	loc := locate.New(p)
	fix := fmt.Sprintf("regenerate %s from the migrated schema (pg_dump --schema-only --no-owner), or add the migration it expects", d.File)
	for _, diff := range catalog.Diff(d.Catalog, p.Catalog) {
		keys := indexKeys(diff)
		dumpAt := check.Location{File: d.File, Object: diff.Object}
		for _, k := range keys {
			if o, ok := dumpIndex[k]; ok {
				dumpAt.Line = o.Line
				break
			}
		}
		what := describe(diff)
		switch diff.In {
		case "a":
			p.Report(check.Finding{Location: dumpAt, Fix: fix,
				Message: fmt.Sprintf("%s has %s, which the migrations do not create", d.File, what)})
		case "b":
			p.Report(check.Finding{Location: loc.Object(diff.Object, keys...), Fix: fix,
				Message: fmt.Sprintf("the migrations create %s, which %s lacks", what, d.File)})
		default:
			p.Report(check.Finding{Location: loc.Object(diff.Object, keys...), Fix: fix,
				Related: []check.Location{dumpAt.WithNote("in " + d.File)},
				Message: fmt.Sprintf("%s differs: %s has %s, the migrations %s", what, d.File, diff.A, diff.B)})
		}
	}
	return nil
}

// indexKeys are the statement index keys of a difference's object, most
// specific first.
func indexKeys(d catalog.Difference) []string {
	switch d.Kind {
	case "table":
		return []string{"table:" + d.Table}
	case "column":
		return []string{"column:" + d.Object, "table:" + d.Table}
	case "index":
		schema, _, _ := strings.Cut(d.Table, ".")
		return []string{"index:" + schema + "." + d.Name, "table:" + d.Table}
	case "constraint":
		return []string{"constraint:" + d.Table + "." + d.Name, "table:" + d.Table}
	case "view":
		return []string{"view:" + d.Object}
	case "function":
		name, _, _ := strings.Cut(d.Object, "(")
		return []string{"function:" + name}
	case "enum":
		return []string{"type:" + d.Object}
	case "extension":
		return []string{"extension:" + d.Object}
	}
	return nil
}

func describe(d catalog.Difference) string {
	switch d.Kind {
	case "column":
		def := d.A
		if def == "" {
			def = d.B
		}
		if d.In == "both" {
			return "column " + d.Object
		}
		return fmt.Sprintf("column %s (%s)", d.Object, def)
	case "index":
		return fmt.Sprintf("index %s on %s (%s)", d.Name, d.Table, strings.TrimSpace(firstNonEmpty(d.A, d.B)))
	case "constraint":
		return fmt.Sprintf("constraint %s on %s (%s)", d.Name, d.Table, firstNonEmpty(d.A, d.B))
	}
	return d.Kind + " " + d.Object
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
