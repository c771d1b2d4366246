package migrate

import (
	"bytes"
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
	// ProblemDependency: a change requires one planned after it or not at
	// all, or conflicts with one deployed before it (sqitch).
	ProblemDependency ProblemKind = "dependency"
	// These apply, but not as intended.
	ProblemMisnamed   ProblemKind = "misnamed"
	ProblemEdited     ProblemKind = "edited"
	ProblemOutOfOrder ProblemKind = "out-of-order" // skipped or refused where the base ran
	// ProblemReordered: a new migration that migrated databases apply
	// after ones new databases apply it before.
	ProblemReordered ProblemKind = "reordered"
)

// LateRule is what a tool does with a new migration ordered before one a
// database has already run: the pull request's 0002 when the base branch
// already has 0003. The zero value is a tool whose behaviour is not known.
type LateRule struct {
	// NoOrder: there is no order to break (Alembic's graph, init scripts,
	// a command).
	NoOrder bool
	// Applied: the tool applies it there, after the later one; otherwise
	// it skips it or refuses to migrate.
	Applied bool
	// Effect says what happens on databases already at the later version
	// (%[1]s).
	Effect string
}

// Blocking reports whether the tool cannot apply a history with this
// problem at all.
func (k ProblemKind) Blocking() bool {
	switch k {
	case ProblemDuplicateVersion, ProblemMultipleHeads, ProblemMissingParent, ProblemCycle, ProblemDependency:
		return true
	}
	return false
}

func duplicateVersion(file, version, other string) HistoryProblem {
	return HistoryProblem{Kind: ProblemDuplicateVersion, File: file, Line: 1, Object: version,
		Message: fmt.Sprintf("version %s is used twice: %s and %s; the tool refuses a history with duplicate versions, rename one with a new version", version, path.Base(other), path.Base(file))}
}

// BaseProblems compares the history with the base branch's: a migration
// file that exists there with other content was edited after it may have
// been applied (tools never re-run it); a new migration ordered before one
// the base already has is skipped, or refused, where the base ran.
func (p *Plan) BaseProblems(content func(file string) []byte) []HistoryProblem {
	if p == nil || p.Base == nil {
		return nil
	}
	var out []HistoryProblem
	lastInBase := -1
	for i, m := range p.Migrations {
		if p.Base.Has(m.File()) {
			lastInBase = i
		}
	}
	for i, m := range p.Migrations {
		files := []string{m.File()}
		if m.Down != nil && m.Down.File != m.File() {
			files = append(files, m.Down.File)
		}
		for _, f := range files {
			old, ok := p.Base.File(f)
			if !ok {
				continue
			}
			now := content(f)
			if checksum(old) == checksum(now) {
				continue
			}
			out = append(out, HistoryProblem{Kind: ProblemEdited, File: f, Line: firstDifferentLine(old, now), Object: m.Version,
				Message: fmt.Sprintf("%s was changed after %s, where it may already have been applied: %s never runs a migration twice, so databases migrated from %s keep the old version; revert the edit and add a new migration instead", path.Base(f), p.Base.Ref, p.Tool, p.Base.Ref)})
		}
		if !p.Base.Has(m.File()) && i < lastInBase && !p.Late.NoOrder {
			out = append(out, p.lateProblem(m, p.Migrations[lastInBase]))
		}
	}
	return out
}

// lateProblem is m, new, ordered before later, which the base has.
func (p *Plan) lateProblem(m, later *Migration) HistoryProblem {
	effect := fmt.Sprintf("databases already at %s skip it (or %s refuses to migrate)", later.Version, p.Tool)
	if p.Late.Effect != "" {
		effect = fmt.Sprintf(p.Late.Effect, later.Version)
	}
	pr := HistoryProblem{Kind: ProblemOutOfOrder, File: m.File(), Line: 1, Object: m.Version,
		Message: fmt.Sprintf("new migration %s is ordered before %s, which %s already has: %s; give it a version after %s", m.ID(), later.ID(), p.Base.Ref, effect, later.Version)}
	if p.Late.Applied {
		pr.Kind = ProblemReordered
		pr.Message = fmt.Sprintf("new migration %s is ordered before %s, which %s already has: %s; make sure both orders give the same schema, or give it a version after %s", m.ID(), later.ID(), p.Base.Ref, effect, later.Version)
	}
	return pr
}

func firstDifferentLine(a, b []byte) int {
	la, lb := bytes.Split(a, []byte("\n")), bytes.Split(b, []byte("\n"))
	for i := 0; i < len(la) && i < len(lb); i++ {
		if !bytes.Equal(bytes.TrimRight(la[i], "\r"), bytes.TrimRight(lb[i], "\r")) {
			return i + 1
		}
	}
	return min(len(la), len(lb)) + 1
}
