package migrate

import (
	"maps"
	"time"
)

// A pull request's migrations are what will run against production data:
// the base branch's history has run there already. These helpers split a
// history known against its base (Plan.Base) into what the base has and
// what the pull request adds, and join the two applies into the result
// the live checks read.

// IsNew reports whether the base branch does not have m: the pull
// request adds it. Without a base, every migration is new. A migration
// the base has with other content is not new: it was edited
// (BaseProblems), and databases migrated from the base never run it again.
func (p *Plan) IsNew(m *Migration) bool {
	return p == nil || p.Base == nil || !p.Base.Has(m.File())
}

// Pending is the part of the plan that a database migrated from the base
// branch still has to run: the new migrations, in the plan's order, with
// the plan's runner. It shares the plan's migrations.
func (p *Plan) Pending() *Plan {
	sub := p.like(nil)
	for _, m := range p.Migrations {
		if p.IsNew(m) {
			sub.Migrations = append(sub.Migrations, m)
		}
	}
	return sub
}

// SetupOnly is the plan's init scripts without its history: what a base
// branch with no migrations of its own still ran first. Nil without
// init scripts.
func (p *Plan) SetupOnly() *Plan {
	if p == nil || p.Setup == nil {
		return nil
	}
	only := p.like(nil)
	only.Runner, only.Setup = p.Setup.Runner, p.Setup
	return only
}

// like is a plan of the same tool, runner and base with other migrations
// and no init scripts (a Plan holds caches and is never copied).
func (p *Plan) like(migrations []*Migration) *Plan {
	return &Plan{Tool: p.Tool, Dir: p.Dir, Migrations: migrations, Runner: p.Runner, HasDowns: p.HasDowns,
		Late: p.Late, Base: p.Base, Bookkeeping: p.Bookkeeping}
}

// OnBase joins the base branch's apply (untraced) and the pull request's
// (pr, of plan.Pending(), traced) into one result for plan: every step and
// origin, so findings still point at the statement that created an
// object; the trace, the round trips and any failure are the pull
// request's.
func OnBase(plan *Plan, base, pr *Result) *Result {
	res := &Result{
		Tool: plan.Tool, Dir: plan.Dir, Runner: pr.Runner,
		Found: len(plan.Migrations), Applied: min(base.Applied+pr.Applied, len(plan.Migrations)),
		Failed: pr.Failed, Roundtrip: pr.Roundtrip, Duration: base.Duration + pr.Duration,
		Traced: pr.Traced, TraceUnavailable: pr.TraceUnavailable, Trips: pr.Trips,
		Steps:  append(append([]*Step(nil), base.Steps...), pr.Steps...),
		Phases: map[string]time.Duration{"base": base.Duration},
		Setup:  base.Setup, SetupSkipped: base.SetupSkipped, SetupConflict: base.SetupConflict,
	}
	if res.Runner == "" {
		res.Runner = base.Runner
	}
	for k, d := range pr.Phases {
		res.Phases[k] += d
	}
	// An object the pull request creates (again) was created by it.
	res.origins = map[string]origin{}
	maps.Copy(res.origins, base.origins)
	maps.Copy(res.origins, pr.origins)
	return res
}
