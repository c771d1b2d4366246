package check

import (
	"fmt"

	"github.com/pgreview/pgreview/internal/catalog"
	"github.com/pgreview/pgreview/internal/migrate"
	"github.com/pgreview/pgreview/internal/modeldiff"
	"github.com/pgreview/pgreview/internal/repo"
	"github.com/pgreview/pgreview/internal/schemadump"
)

// Input is everything a check may read. Live fields are nil when no
// database ran; checks that need them are skipped before Run is called.
type Input struct {
	Repo *repo.Repo
	// Migrations is the repo's migration history as detected on disk; nil
	// when the repo has none.
	Migrations *migrate.Plan
	// Applied is what happened when the history was applied and traced.
	Applied *migrate.Result
	// Catalog is the schema after the migrations were applied.
	Catalog *catalog.Snapshot
	// ModelDiff is Alembic's comparison of the ORM models with the
	// migrated schema; nil unless the repo is an Alembic project with
	// models and its migrations applied.
	ModelDiff *modeldiff.Result
	// SchemaDump is the repo's committed schema dump (schema.sql,
	// structure.sql) loaded into a scratch database; nil when there is none.
	SchemaDump *schemadump.Result
	// LiveUnavailable says why Applied and Catalog are nil.
	LiveUnavailable string
	// Settings decodes a check's settings from .pgreview.yml into v.
	Settings func(check string, v any) error
}

// Pass is one check's view of the Input, and where it reports.
type Pass struct {
	*Input
	Check *Check

	findings []Finding
	evidence []Evidence
	manual   string
	skipped  string
	na       string
}

// Report records a finding. Check, Item and (unless set) Severity are
// filled in from the check.
func (p *Pass) Report(f Finding) {
	f.Check = p.Check.Name
	f.Item = p.Check.Item
	if !f.Severity.Valid() {
		f.Severity = p.Check.Severity
	}
	f.New = true // until a base branch says otherwise
	p.findings = append(p.findings, f)
}

// Reportf records a finding at a location with the check's severity.
func (p *Pass) Reportf(at Location, format string, args ...any) {
	p.Report(Finding{Location: at, Message: fmt.Sprintf(format, args...)})
}

// Evidence records something that satisfies the item, cited when it passes.
func (p *Pass) Evidence(at Location, format string, args ...any) {
	p.evidence = append(p.evidence, Evidence{Location: at, Message: fmt.Sprintf(format, args...)})
}

// Cited reports whether the check has cited any evidence so far.
func (p *Pass) Cited() bool { return len(p.evidence) > 0 }

// Manual says that no automated evidence settles the check: a human must
// decide. The message is the hint shown next to the unticked box.
func (p *Pass) Manual(format string, args ...any) { p.manual = fmt.Sprintf(format, args...) }

// ManualUnlessCited says a human must decide, with the hint, when the
// check found no evidence: the shape of every evidence-or-manual item.
func (p *Pass) ManualUnlessCited(format string, args ...any) {
	if !p.Cited() {
		p.Manual(format, args...)
	}
}

// Skip says the check could not run because something was missing.
func (p *Pass) Skip(format string, args ...any) { p.skipped = fmt.Sprintf(format, args...) }

// NotApplicable says the check does not apply to this repo.
func (p *Pass) NotApplicable(format string, args ...any) { p.na = fmt.Sprintf(format, args...) }

// DecodeSettings reads the check's settings from .pgreview.yml into v,
// leaving v untouched when there are none.
func (p *Pass) DecodeSettings(v any) error {
	if p.Settings == nil {
		return nil
	}
	return p.Settings(p.Check.Name, v)
}

// Result is the outcome of one check.
type Result struct {
	Check    *Check
	Status   Status
	Findings []Finding
	Evidence []Evidence
	// Reason explains a skipped, n/a, manual or error status.
	Reason string
}

func (p *Pass) result(err error) Result {
	r := Result{Check: p.Check, Findings: p.findings, Evidence: p.evidence}
	switch {
	case err != nil:
		r.Status, r.Reason = StatusError, err.Error()
	case len(p.findings) > 0:
		r.Status = StatusFail
	case p.manual != "":
		r.Status, r.Reason = StatusManual, p.manual
	case p.skipped != "":
		r.Status, r.Reason = StatusSkipped, p.skipped
	case p.na != "":
		r.Status, r.Reason = StatusNA, p.na
	default:
		r.Status = StatusPass
	}
	return r
}
