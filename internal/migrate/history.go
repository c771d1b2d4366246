package migrate

import (
	"fmt"
	"path"
)

// HistoryProblem is a defect of the history itself, found without a
// database: the tool would refuse the history, or apply it differently in
// different environments.
type HistoryProblem struct {
	Kind ProblemKind
	File string
	Line int
	// Object is the revision or version concerned.
	Object  string
	Message string
}

// ProblemKind classifies history problems.
type ProblemKind string

const (
	// These stop the tool: the history cannot be applied.
	ProblemDuplicateVersion ProblemKind = "duplicate-version"
	ProblemMultipleHeads    ProblemKind = "multiple-heads"
	ProblemMissingParent    ProblemKind = "missing-parent"
	ProblemCycle            ProblemKind = "cycle"
	ProblemOrphanDown       ProblemKind = "orphan-down"
	// These apply, but not as intended.
	ProblemMisnamed     ProblemKind = "misnamed"
	ProblemGap          ProblemKind = "gap"
	ProblemEdited       ProblemKind = "edited"
	ProblemOutOfOrder   ProblemKind = "out-of-order"
	ProblemNoDown       ProblemKind = "no-down"
	ProblemUnreplayable ProblemKind = "unreplayable"
)

// Blocking reports whether the tool cannot apply a history with this
// problem at all.
func (k ProblemKind) Blocking() bool {
	switch k {
	case ProblemDuplicateVersion, ProblemMultipleHeads, ProblemMissingParent, ProblemCycle:
		return true
	}
	return false
}

func duplicateVersion(file, version, other string) HistoryProblem {
	return HistoryProblem{Kind: ProblemDuplicateVersion, File: file, Line: 1, Object: version,
		Message: fmt.Sprintf("version %s is used twice: %s and %s; the tool refuses a history with duplicate versions, rename one with a new version", version, path.Base(other), path.Base(file))}
}
