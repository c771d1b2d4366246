package logic

import (
	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/dbcode"
)

// QueryInLoop finds a query run once per item of a collection.
var QueryInLoop = &check.Check{
	Name:     "query-in-loop",
	Item:     "6.3",
	Severity: check.Good,
	Doc: `Fetch a collection with one query, not one query per item.

A query inside "for id in ids:" (or inside "for rows.Next()") runs N times:
N round trips, N plans, and a page that slows down linearly with its data.
Fetch everything in one query and match in memory:

  users = session.scalars(select(User).where(User.id.in_(ids))).all()

  rows, err := pool.Query(ctx, "SELECT ... WHERE id = ANY($1)", ids)

Loops over a literal list or a range() (a fixed handful, retries, pages) are
not reported.`,
	Run: runQueryInLoop,
}

func runQueryInLoop(p *check.Pass) error {
	if dbcode.NoDatabase(p) {
		return nil
	}
	px := dbcode.PythonIndex(p.Repo)
	for _, pm := range px.AppModules() {
		seen := map[int]bool{} // one finding per loop
		for _, c := range pm.Calls {
			l := innerLoop(c.Call)
			if c.Op != dbcode.OpRead || !overData(l) || seen[l.Line] || batched(l) {
				continue
			}
			seen[l.Line] = true
			p.Reportf(at(pm.Path, c.Line), "%s runs once per item of %s (loop at line %d): N+1 queries; fetch them in one query (an IN / ANY filter, or eager loading) before the loop", describe(c), l.Iter.Text, l.Line)
		}
	}
	for _, f := range dbcode.GoIndex(p.Repo).AppFiles() {
		for _, fn := range f.Funcs {
			seen := map[int]bool{}
			for _, c := range fn.Calls {
				if c.Op != dbcode.OpRead || c.Loop == nil || !goLoopOverData(c.Loop) {
					continue
				}
				line := goLoopLine(f, c.Loop)
				if seen[line] {
					continue
				}
				seen[line] = true
				p.Reportf(at(f.Path, c.Line), "%s runs once per iteration of the loop at line %d: N+1 queries; fetch the rows in one query (WHERE id = ANY($1), or a join) before the loop", describeGo(c), line)
			}
		}
	}
	return nil
}
