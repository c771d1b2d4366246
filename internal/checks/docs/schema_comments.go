package docs

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/pgreview/pgreview/internal/catalog"
	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/locate"
	"github.com/pgreview/pgreview/internal/repo"
)

// SchemaComments measures how much of the schema is documented with
// COMMENT, and looks for schema docs or an ERD in the repository.
var SchemaComments = &check.Check{
	Name:     "schema-comments",
	Item:     "12.1",
	Severity: check.Good,
	Needs:    check.NeedsCatalog,
	Doc: `Document the schema: COMMENT on tables and columns, or schema docs.

COMMENT ON TABLE / COLUMN keeps the documentation next to the data, where
psql (\d+), GUI clients, schema docs generators (tbls, SchemaSpy) and the
next developer see it; SQLAlchemy writes it from comment= on a Table or
Column. The check reports the share of tables and columns with a comment
and names the least documented tables when fewer than min-table-share
(default 0.5) of the tables, or fewer than min-column-share (default 0, off)
of the columns, have one. A schema document or an ERD in the repository
(a .dbml file, a Mermaid erDiagram, docs/**/schema*.md, a tbls or
SchemaSpy config) satisfies the item too.`,
	NewSettings: func() any { return defaultCommentSettings() },
	Run:         runSchemaComments,
}

// commentSettings are schema-comments' settings in .pgreview.yml.
type commentSettings struct {
	MinTableShare  float64 `yaml:"min-table-share"`
	MinColumnShare float64 `yaml:"min-column-share"`
}

func defaultCommentSettings() *commentSettings { return &commentSettings{MinTableShare: 0.5} }

type tableDoc struct {
	t         *catalog.Table
	commented bool
	cols      int
	colsDoc   int
}

func runSchemaComments(p *check.Pass) error {
	settings := defaultCommentSettings()
	if err := p.DecodeSettings(settings); err != nil {
		return err
	}
	var docs []tableDoc
	tablesDoc, cols, colsDoc := 0, 0, 0
	for _, t := range p.Catalog.Tables {
		if t.Partition {
			continue
		}
		d := tableDoc{t: t, commented: strings.TrimSpace(t.Comment) != ""}
		for _, c := range t.Columns {
			if c.Inherited {
				continue
			}
			d.cols++
			if strings.TrimSpace(c.Comment) != "" {
				d.colsDoc++
			}
		}
		if d.commented {
			tablesDoc++
		}
		cols += d.cols
		colsDoc += d.colsDoc
		docs = append(docs, d)
	}
	if len(docs) == 0 {
		p.NotApplicable("the migrations create no tables")
		return nil
	}
	p.Evidence(check.Location{}, "%d of %d tables (%s) and %d of %d columns (%s) have a COMMENT",
		tablesDoc, len(docs), percent(tablesDoc, len(docs)), colsDoc, cols, percent(colsDoc, cols))
	if ev := schemaDocs(p.Repo); len(ev) > 0 {
		for _, e := range ev {
			p.Evidence(e.Location, "%s", e.Message)
		}
		return nil
	}
	tableShare := float64(tablesDoc) / float64(len(docs))
	colShare := 1.0
	if cols > 0 {
		colShare = float64(colsDoc) / float64(cols)
	}
	if tableShare >= settings.MinTableShare && colShare >= settings.MinColumnShare {
		return nil
	}
	sort.SliceStable(docs, func(i, j int) bool {
		a, b := docs[i], docs[j]
		if a.commented != b.commented {
			return !a.commented
		}
		return a.cols-a.colsDoc > b.cols-b.colsDoc
	})
	var worst []string
	for _, d := range docs[:min(5, len(docs))] {
		if d.commented && d.colsDoc == d.cols {
			break
		}
		s := fmt.Sprintf("%s (%d/%d columns", d.t.QualifiedName(), d.colsDoc, d.cols)
		if !d.commented {
			s += ", no table comment"
		}
		worst = append(worst, s+")")
	}
	p.Report(check.Finding{
		Location: locate.New(p).Table(docs[0].t),
		Message: fmt.Sprintf("%d of %d tables (%s) and %d of %d columns (%s) have a COMMENT; least documented: %s",
			tablesDoc, len(docs), percent(tablesDoc, len(docs)), colsDoc, cols, percent(colsDoc, cols), strings.Join(worst, ", ")),
		Fix: "COMMENT ON TABLE ... IS '...'; COMMENT ON COLUMN ... IS '...'; (SQLAlchemy: comment= on Table/Column)",
	})
	return nil
}

func percent(n, total int) string {
	if total == 0 {
		return "0%"
	}
	return fmt.Sprintf("%d%%", n*100/total)
}

// schemaDocs finds schema documentation or an ERD in the repository.
func schemaDocs(r *repo.Repo) []check.Evidence {
	var out []check.Evidence
	for _, f := range r.Files() {
		base := strings.ToLower(path.Base(f.Path))
		lower := strings.ToLower(f.Path)
		switch {
		case strings.HasSuffix(base, ".dbml"), base == ".tbls.yml", base == "tbls.yml", strings.HasPrefix(base, "schemaspy"),
			hasWord(strings.TrimSuffix(base, path.Ext(base)), "erd") && (strings.HasSuffix(base, ".png") || strings.HasSuffix(base, ".svg") || strings.HasSuffix(base, ".md") || strings.HasSuffix(base, ".puml")):
			out = append(out, check.Evidence{Location: check.Location{File: f.Path}, Message: "schema diagram or documentation"})
		case f.Kind == repo.KindMarkdown && strings.HasPrefix(lower, "docs/") &&
			(strings.Contains(base, "schema") || strings.Contains(base, "data-model") || strings.Contains(base, "database")):
			out = append(out, check.Evidence{Location: check.Location{File: f.Path}, Message: "schema documentation"})
		case f.Kind == repo.KindMarkdown:
			b, err := f.Bytes()
			if err == nil && strings.Contains(string(b), "erDiagram") {
				out = append(out, check.Evidence{Location: check.Location{File: f.Path, Line: repo.LineOf(b, strings.Index(string(b), "erDiagram"))},
					Message: "Mermaid ER diagram"})
			}
		}
	}
	return out
}

// hasWord: name split on -, _ and . contains w.
func hasWord(name, w string) bool {
	for _, part := range strings.FieldsFunc(name, func(r rune) bool { return r == '-' || r == '_' || r == '.' }) {
		if part == w {
			return true
		}
	}
	return false
}
