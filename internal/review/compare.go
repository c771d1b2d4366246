package review

import (
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/migrate"
	"github.com/pgreview/pgreview/internal/repo"
	"github.com/pgreview/pgreview/internal/report"
)

// comparison is the base branch's side of a pull request review, and
// what matching the head's findings against it found.
type comparison struct {
	base    *baseSide
	results []check.Result // the base's, static and live
	live    liveOutcome

	existing, fixed int
}

// markNew sets New on each of the head's findings (suppressions already
// applied): false when the base has the same finding, matched by
// fingerprint (check, object or file, message without numbers), never by
// line. The base counts as many findings of a fingerprint as it has: a
// second, identical leak in the same file is new.
func (c *comparison) markNew(opts Options, head *repo.Repo, results []check.Result) {
	check.ApplySuppressions(c.results, suppressions(opts, c.base.repo))
	left := map[string]int{}
	for _, r := range c.results {
		for _, f := range r.Findings {
			left[baseFingerprint(f, c.base.repo.Root, head.Root)]++
		}
	}
	for i := range results {
		for j := range results[i].Findings {
			f := &results[i].Findings[j]
			if f.Fingerprint == "" {
				f.ComputeFingerprint()
			}
			if left[f.Fingerprint] > 0 {
				left[f.Fingerprint]--
				f.New = false
				c.existing++
			}
		}
	}
	for _, n := range left {
		c.fixed += n
	}
}

// baseFingerprint is the fingerprint a base finding would have in the
// checkout: a message that names the exported tree's directory names the
// checkout instead.
func baseFingerprint(f check.Finding, baseRoot, headRoot string) string {
	if f.Fingerprint != "" {
		return f.Fingerprint
	}
	f.Message = strings.ReplaceAll(f.Message, baseRoot, headRoot)
	f.ComputeFingerprint()
	return f.Fingerprint
}

// fill adds the comparison to the report: the base, the pull request's
// migrations, the schema diff.
func (c *comparison) fill(rep *report.Report, plan *migrate.Plan, head *repo.Repo) {
	rep.Base = &report.Base{Ref: c.base.name, SHA: c.base.tree.SHA, Existing: c.existing, Fixed: c.fixed, Notes: c.live.notes}
	if m := rep.Migrations; m != nil && plan != nil {
		for _, mg := range plan.Pending().Migrations {
			m.New = append(m.New, mg.ID())
		}
		m.Edited = editedMigrations(plan, head)
		m.BaseApplied = c.live.baseApplied
	}
	switch {
	case c.live.compared:
		rep.SchemaDiff = schemaDiff(c.live.base.Catalog, c.live.head.Catalog)
	case len(c.live.notes) > 0:
		rep.SchemaDiff = &report.SchemaDiff{Changes: []report.SchemaChange{}, Unavailable: c.live.notes[0]}
	case c.live.head.Unavailable != "":
		rep.SchemaDiff = &report.SchemaDiff{Changes: []report.SchemaChange{}, Unavailable: c.live.head.Unavailable}
	default:
		rep.SchemaDiff = &report.SchemaDiff{Changes: []report.SchemaChange{}, Unavailable: "no database ran"}
	}
}

// editedMigrations lists the IDs of the migrations the base has with
// other content.
func editedMigrations(plan *migrate.Plan, head *repo.Repo) []string {
	content := func(file string) []byte {
		if f := head.File(file); f != nil {
			b, _ := f.Bytes()
			return b
		}
		return nil
	}
	ids := map[string]string{}
	for _, m := range plan.Migrations {
		ids[m.Version] = m.ID()
	}
	var out []string
	seen := map[string]bool{}
	for _, p := range plan.BaseProblems(content) {
		if p.Kind == migrate.ProblemEdited && !seen[p.Object] {
			seen[p.Object] = true
			out = append(out, ids[p.Object])
		}
	}
	return out
}
