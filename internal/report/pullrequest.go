package report

import (
	"github.com/pgreview/pgreview/internal/check"
)

// Fail scopes: which findings --fail-on applies to.
const (
	// FailScopeNew blocks on the findings a pull request adds (the
	// default; without a base every finding is new).
	FailScopeNew = "new"
	// FailScopeAll blocks on every finding, the base branch's included.
	FailScopeAll = "all"
)

// Base is the base branch a pull request review compared with: each
// finding's `new` says whether the base has it too.
type Base struct {
	// Ref names the base as the user knows it: "main", "origin/main".
	Ref string `json:"ref"`
	SHA string `json:"sha"`
	// Existing counts this review's findings that the base has too.
	Existing int `json:"existing"`
	// Fixed counts the base's findings this review no longer has.
	Fixed int `json:"fixed"`
	// Notes say what could not be compared, and why.
	Notes []string `json:"notes,omitempty"`
}

// SchemaDiff is how the pull request changes the migrated schema: the
// base branch's schema against the one after the pull request's
// migrations ran on top of it.
type SchemaDiff struct {
	Changes []SchemaChange `json:"changes"`
	// Unavailable says why there is no diff (no database ran, the base's
	// migrations do not apply); Changes is then empty.
	Unavailable string `json:"unavailable,omitempty"`
}

// SchemaChange is one object added, changed or dropped.
type SchemaChange struct {
	Action string `json:"action"` // added, changed, dropped
	// Kind is table, column, index, constraint, view, function, enum or
	// extension.
	Kind   string `json:"kind"`
	Object string `json:"object"`
	Table  string `json:"table,omitempty"`
	// SQL is the change as one DDL statement.
	SQL string `json:"sql"`
	// Before is a changed object's definition on the base branch.
	Before string `json:"before,omitempty"`
	// Hazards are the lock-hazard findings of the pull request's
	// migrations that make this change.
	Hazards []HazardRef `json:"hazards,omitempty"`
}

// HazardRef points at a finding of the report.
type HazardRef struct {
	Check       string         `json:"check"`
	Severity    check.Severity `json:"severity"`
	File        string         `json:"file,omitempty"`
	Line        int            `json:"line,omitempty"`
	Fingerprint string         `json:"fingerprint"`
}

// Compared reports whether the review compared with a base branch.
func (r *Report) Compared() bool { return r.Base != nil }

// BlocksScope reports whether a finding counts for --fail-on under the
// report's fail scope.
func (r *Report) BlocksScope(f check.Finding) bool { return f.New || r.FailScope == FailScopeAll }

// newFirst orders an item's findings: the pull request's own first, each
// part worst first (findings arrive sorted worst first).
func newFirst(fs []check.Finding) (added, existing []check.Finding) {
	for _, f := range fs {
		if f.New {
			added = append(added, f)
		} else {
			existing = append(existing, f)
		}
	}
	return added, existing
}
