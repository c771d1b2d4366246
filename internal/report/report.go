// Package report is the review's result: the JSON contract other tools
// read, and its renderings (text, markdown, sarif).
package report

import (
	"sort"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/migrate"
	"github.com/pgreview/pgreview/internal/repo"
)

// SchemaVersion is bumped only for incompatible changes to the JSON.
const SchemaVersion = 1

// Report is one review. Field names are the JSON contract documented in
// the README: add fields freely, never rename them.
type Report struct {
	SchemaVersion int                `json:"schema_version"`
	Tool          Tool               `json:"tool"`
	Repo          Repo               `json:"repo"`
	Engine        Engine             `json:"engine"`
	Migrations    *Migrations        `json:"migrations"`
	Items         []Item             `json:"items"`
	Findings      []check.Finding    `json:"findings"`
	Suppressed    []check.Suppressed `json:"suppressed"`
	Warnings      []repo.Warning     `json:"warnings"`
	Summary       check.Summary      `json:"summary"`
	// FailOn is the severity that blocks ("never" for none).
	FailOn string `json:"fail_on"`
	// FailScope is which findings FailOn applies to: "new" (the default)
	// or "all".
	FailScope string `json:"fail_scope"`
	// Base is the base branch a pull request review compared with; null
	// when the repository was reviewed on its own.
	Base *Base `json:"base"`
	// SchemaDiff is what the pull request changes in the schema; null
	// without a base.
	SchemaDiff *SchemaDiff `json:"schema_diff"`
	// Blocking lists why the review blocks, one line per reason.
	BlockingReasons []string `json:"blocking_reasons,omitempty"`
}

type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type Repo struct {
	Path  string     `json:"path"`
	Stack repo.Stack `json:"stack"`
}

type Engine struct {
	Kind          string `json:"kind"`
	Image         string `json:"image,omitempty"`
	ServerVersion string `json:"server_version,omitempty"`
	Reason        string `json:"reason"`
	// Settings are the server settings the engine applied: the repo's
	// (compose `command: -c ...`) and the fast ones.
	Settings map[string]string `json:"settings,omitempty"`
}

// Migrations is the report's migrations block.
type Migrations struct {
	Tool       string           `json:"tool"`
	Dir        string           `json:"dir"`
	Runner     string           `json:"runner,omitempty"`
	Found      int              `json:"found"`
	Applied    int              `json:"applied"`
	Failed     *migrate.Failure `json:"failed"`
	Roundtrip  Roundtrip        `json:"roundtrip"`
	DurationMS int64            `json:"duration_ms"`
	// New lists the migrations the pull request adds (IDs), Edited the
	// ones it changes although the base branch has them; BaseApplied is
	// how many of the base's migrations were applied before the new ones.
	// Set when the review compared with a base branch.
	New         []string `json:"new,omitempty"`
	Edited      []string `json:"edited,omitempty"`
	BaseApplied int      `json:"base_applied,omitempty"`
	// Setup lists the init scripts the compose db service mounts at
	// /docker-entrypoint-initdb.d, applied before the history as the image
	// runs them at first start; SetupSkipped says why they were not.
	Setup        []string `json:"setup,omitempty"`
	SetupSkipped string   `json:"setup_skipped,omitempty"`
}

type Roundtrip struct {
	Checked  bool     `json:"checked"`
	OK       bool     `json:"ok"`
	Problems []string `json:"problems"`
}

// Item is one checklist item's outcome.
type Item struct {
	ID       string           `json:"id"`
	Area     string           `json:"area"`
	Title    string           `json:"title"`
	Status   check.Status     `json:"status"`
	Severity string           `json:"severity,omitempty"`
	Findings []check.Finding  `json:"findings"`
	Evidence []check.Evidence `json:"evidence,omitempty"`
	Notes    []string         `json:"notes,omitempty"`
	Checks   []string         `json:"checks"`
}

// ItemsFrom converts aggregated item results.
func ItemsFrom(irs []check.ItemResult) []Item {
	out := make([]Item, 0, len(irs))
	for _, ir := range irs {
		it := Item{
			ID: ir.Item.ID, Area: ir.Area.Name, Title: ir.Item.Title, Status: ir.Status,
			Findings: nonNil(ir.Findings), Evidence: ir.Evidence, Notes: ir.Notes, Checks: nonNilS(ir.Checks),
		}
		if ir.Severity.Valid() {
			it.Severity = ir.Severity.String()
		}
		out = append(out, it)
	}
	return out
}

func nonNil(fs []check.Finding) []check.Finding {
	if fs == nil {
		return []check.Finding{}
	}
	return fs
}

func nonNilS(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Finalize fills the derived parts: the flat findings list (worst first),
// fingerprints, and the summary. blocks decides whether a finding blocks.
func (r *Report) Finalize(blocks func(check.Finding) bool) {
	r.Findings = r.Findings[:0]
	for i := range r.Items {
		for j := range r.Items[i].Findings {
			f := &r.Items[i].Findings[j]
			if f.Fingerprint == "" {
				f.ComputeFingerprint()
			}
			r.Findings = append(r.Findings, *f)
		}
	}
	check.SortFindings(r.Findings)
	if r.Compared() {
		// The pull request's own findings first, each part worst first.
		sort.SliceStable(r.Findings, func(i, j int) bool { return r.Findings[i].New && !r.Findings[j].New })
	}
	if r.FailScope == "" {
		r.FailScope = FailScopeNew
	}
	r.Summary = check.Summary{}
	if r.Compared() {
		r.Summary.New = &check.Counts{}
	}
	for _, f := range r.Findings {
		r.Summary.Count(f.Severity)
		if f.New && r.Summary.New != nil {
			r.Summary.New.Count(f.Severity)
		}
		if blocks(f) {
			r.Summary.Blocking = true
		}
	}
	if r.Findings == nil {
		r.Findings = []check.Finding{}
	}
	if r.Suppressed == nil {
		r.Suppressed = []check.Suppressed{}
	}
	if r.Warnings == nil {
		r.Warnings = []repo.Warning{}
	}
}

// Areas groups items by area, in checklist order.
func (r *Report) Areas() []AreaView {
	var out []AreaView
	for _, a := range check.Areas {
		v := AreaView{ID: a.ID, Name: a.Name}
		for _, it := range r.Items {
			if check.AreaOf(it.ID).ID == a.ID {
				v.Items = append(v.Items, it)
			}
		}
		out = append(out, v)
	}
	return out
}

// AreaView is one area's items, for renderers.
type AreaView struct {
	ID    string
	Name  string
	Items []Item
}

// Worst is the highest severity among the area's findings (0 if none).
func (a AreaView) Worst() check.Severity {
	var w check.Severity
	for _, it := range a.Items {
		for _, f := range it.Findings {
			if f.Severity > w {
				w = f.Severity
			}
		}
	}
	return w
}

// AllClear reports whether no item of the area needs attention.
func (a AreaView) AllClear() bool {
	for _, it := range a.Items {
		switch it.Status {
		case check.StatusPass, check.StatusNA:
		default:
			return false
		}
	}
	return true
}
