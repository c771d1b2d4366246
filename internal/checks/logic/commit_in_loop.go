package logic

import (
	"go/ast"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/dbcode"
)

// CommitInLoop finds a commit per iteration of a loop over rows.
var CommitInLoop = &check.Check{
	Name:     "commit-in-loop",
	Item:     "6.2",
	Severity: check.Important,
	Doc: `Commit once per batch, not once per row.

A commit inside "for row in rows:" makes every row its own transaction: one
WAL flush per row (slow), and a failure half-way leaves the first rows
written and the rest not, with no way to roll the batch back. Write the rows
and commit once after the loop, or in fixed-size batches:

  for row in rows:
      session.add(Order(**row))
  session.commit()

Loops that commit per message on purpose (a queue worker, a while loop)
and commits under a batch condition ("if i % 1000 == 0") are not reported.`,
	Run: runCommitInLoop,
}

func runCommitInLoop(p *check.Pass) error {
	if dbcode.NoDatabase(p) {
		return nil
	}
	px := dbcode.PythonIndex(p.Repo)
	for _, pm := range px.AppModules() {
		for _, c := range pm.Calls {
			if c.Op != dbcode.OpCommit || c.Conditional || c.Handler != nil {
				continue
			}
			l := innerLoop(c.Call)
			if !overData(l) || batched(l) || !writesInLoop(pm, c, l.Line, l.EndLine) {
				continue
			}
			if c.Try != nil && c.Try.Line > l.Line {
				continue // each item succeeds or fails on its own, on purpose
			}
			p.Reportf(at(pm.Path, c.Line), "%s runs once per item of %s (loop at line %d): every row is its own transaction, slow and half-written when one fails; commit once after the loop or in batches", describe(c), l.Iter.Text, l.Line)
		}
	}
	for _, f := range dbcode.GoIndex(p.Repo).AppFiles() {
		for _, fn := range f.Funcs {
			for _, c := range fn.Calls {
				if c.Op != dbcode.OpCommit || c.Loop == nil || !goLoopOverData(c.Loop) || !goWritesIn(fn, c.Loop) {
					continue
				}
				p.Reportf(at(f.Path, c.Line), "%s commits once per iteration of the loop at line %d: every row is its own transaction, slow and half-written when one fails; begin before the loop and commit once after it", describeGo(c), goLoopLine(f, c.Loop))
			}
		}
	}
	return nil
}

// writesInLoop reports whether the loop body writes through the same
// receiver before the commit.
func writesInLoop(pm *dbcode.PyModule, commit *dbcode.PyCall, from, to int) bool {
	for _, c := range pm.Calls {
		if c.Line < from || c.Line > to || c.Line > commit.Line || c.Recv != commit.Recv {
			continue
		}
		if c.Op == dbcode.OpWrite || c.Op == dbcode.OpBulkWrite || c.Op == dbcode.OpExecute {
			return true
		}
	}
	return false
}

func goWritesIn(fn *dbcode.GoFunc, loop ast.Stmt) bool {
	for _, c := range fn.Calls {
		if c.Loop == loop && (c.Op == dbcode.OpWrite || c.Op == dbcode.OpBulkWrite || c.Op == dbcode.OpExecute) {
			return true
		}
	}
	return false
}
