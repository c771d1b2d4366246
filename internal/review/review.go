// Package review is the pipeline: discover the repo, start Postgres,
// apply and trace the migrations, load the catalog, run the checks and
// build the report. It flows one way; no stage calls back into another.
// The CLI, the benchmarks and the base-versus-head review all drive it.
package review

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/config"
	"github.com/pgreview/pgreview/internal/engine"
	"github.com/pgreview/pgreview/internal/migrate"
	"github.com/pgreview/pgreview/internal/repo"
	"github.com/pgreview/pgreview/internal/report"
)

// Options configure one review.
type Options struct {
	Dir     string
	Config  *config.Config
	Checks  []*check.Check // the registry
	Engine  engine.Kind
	Engines engine.Registry
	// DatabaseURL is the server for the dsn engine (--database-url).
	DatabaseURL string
	// Image overrides the Postgres image (--postgres-image).
	Image string
	// Session labels the review's containers (PGREVIEW_SESSION).
	Session string
	// MigrateCommand overrides the migration tool (--migrate-command).
	MigrateCommand string
	// Python is the interpreter that runs Alembic's model comparison
	// (PGREVIEW_PYTHON); empty means find one.
	Python string
	FailOn FailOn
	// FailScope is which findings FailOn applies to: report.FailScopeNew
	// (the default) or report.FailScopeAll.
	FailScope string
	// Base is the git ref of the base branch (--base; in GitHub Actions,
	// the pull request's base commit). When set, every finding is matched
	// against a review of the base, the base's migrations are applied
	// first and only the pull request's are traced. Empty reviews the
	// repository on its own.
	Base string
	// BaseName is how the report names the base ("main"); empty means
	// the ref itself.
	BaseName string
	Version  string
	// Log reports progress (-v); never nil after defaults.
	Log func(format string, args ...any)
}

// FailOn is the lowest severity that blocks; zero means never.
type FailOn check.Severity

func (f FailOn) String() string {
	if f == 0 {
		return "never"
	}
	return check.Severity(f).String()
}

// ParseFailOn reads critical|important|good|info|never.
func ParseFailOn(s string) (FailOn, error) {
	if s == "never" {
		return 0, nil
	}
	sev, err := check.ParseSeverity(s)
	if err != nil {
		return 0, fmt.Errorf("--fail-on %q: want critical, important, good, info or never", s)
	}
	return FailOn(sev), nil
}

// ParseFailScope reads new|all.
func ParseFailScope(s string) (string, error) {
	switch s {
	case "", report.FailScopeNew:
		return report.FailScopeNew, nil
	case report.FailScopeAll:
		return report.FailScopeAll, nil
	}
	return "", fmt.Errorf("--fail-scope %q: want new (block on the findings the pull request adds) or all", s)
}

// Outcome is a finished review.
type Outcome struct {
	Report *report.Report
	// EngineErr is set when an explicitly requested engine failed: the
	// report is still complete, but the review is not the one asked for.
	EngineErr error
}

// Run reviews the repository at opts.Dir. An error means the review could
// not start at all (the directory cannot be read, the base branch is not
// in the clone: a *BaseError); everything after that is recorded in the
// report instead.
func Run(ctx context.Context, opts Options) (*Outcome, error) {
	if opts.Log == nil {
		opts.Log = func(string, ...any) {}
	}
	if opts.Config == nil {
		opts.Config = config.Default()
	}
	if opts.Engines == nil {
		opts.Engines = engine.DefaultRegistry()
	}
	r, err := repo.Open(opts.Dir)
	if err != nil {
		return nil, err
	}
	opts.Log("discovered %d files in %s", len(r.Files()), opts.Dir)
	var base *baseSide
	if opts.Base != "" {
		if base, err = openBase(ctx, opts); err != nil {
			return nil, err
		}
		defer base.Close()
	}

	plan, planErr := migrate.Detect(r, migrationsConfig(opts))
	if planErr != nil {
		r.Warn(opts.Config.File, opts.Config.Line("migrations"), "%v", planErr)
	}
	if plan != nil {
		if base != nil {
			plan.Base = base.history(plan)
		}
		opts.Log("migrations: %s in %s, %d found", plan.Tool, plan.Dir, len(plan.Migrations))
	}

	enabled, disabled := selectChecks(opts.Checks, &opts.Config.Checks)
	var static, live []*check.Check
	for _, c := range enabled {
		if c.Needs.AfterApply() {
			live = append(live, c)
		} else {
			static = append(static, c)
		}
	}
	in := &check.Input{Repo: r, Migrations: plan, Settings: opts.Config.DecodeSettings}
	var baseIn *check.Input
	if base != nil {
		baseIn = &check.Input{Repo: base.repo, Migrations: base.plan, Settings: opts.Config.DecodeSettings}
	}

	// Static checks run while the engine starts, the base's beside the
	// head's.
	var staticResults, baseResults []check.Result
	var wg sync.WaitGroup
	wg.Go(func() {
		start := time.Now()
		staticResults = check.Run(ctx, static, in)
		r.CheckSQLSyntax()
		opts.Log("static checks: %d in %s", len(static), time.Since(start).Round(time.Millisecond))
	})
	if base != nil {
		wg.Go(func() { baseResults = check.Run(ctx, static, baseIn) })
	}

	out := &Outcome{}
	var lv liveOutcome
	var choice engine.Choice
	if base == nil {
		lv.head, choice = runLive(ctx, opts, r, plan, len(live) > 0)
	} else {
		lv, choice = runLiveCompared(ctx, opts, r, plan, base, len(live) > 0)
	}
	out.EngineErr = choice.Err
	wg.Wait()

	liveInput := *in
	lv.head.Fill(&liveInput)
	var liveResults, baseLive []check.Result
	if base != nil {
		baseLiveInput := *baseIn
		lv.base.Fill(&baseLiveInput)
		wg.Go(func() { baseLive = check.Run(ctx, live, &baseLiveInput) })
	}
	liveResults = check.Run(ctx, live, &liveInput)
	wg.Wait()

	results := append(staticResults, liveResults...)
	for _, c := range disabled {
		results = append(results, check.DisabledResult(c))
	}
	var cmp *comparison
	if base != nil {
		cmp = &comparison{base: base, results: append(baseResults, baseLive...), live: lv}
	}
	out.Report = buildReport(opts, r, plan, choice, lv.head, results, cmp)
	return out, nil
}

func migrationsConfig(opts Options) migrate.Config {
	m := opts.Config.Migrations
	cmd := m.Command
	if opts.MigrateCommand != "" {
		cmd = opts.MigrateCommand
	}
	return migrate.Config{Tool: m.Tool, Dir: m.Dir, Command: cmd, Placeholders: m.Placeholders}
}

// suppressions are the repo's inline ignores and the config's exclusions.
func suppressions(opts Options, r *repo.Repo) []*check.Suppression {
	var sups []*check.Suppression
	for _, ig := range r.Ignores() {
		sups = append(sups, &check.Suppression{Checks: ig.Checks, File: ig.File, Line: ig.Line, Reason: ig.Reason, Source: fmt.Sprintf("%s:%d", ig.File, ig.Line)})
	}
	for i, e := range opts.Config.Exclusions {
		sups = append(sups, &check.Suppression{Checks: e.Checks, Paths: e.Paths, Objects: e.Objects, Reason: e.Reason,
			Source: fmt.Sprintf("%s:%d", opts.Config.File, opts.Config.Line(fmt.Sprintf("exclusions[%d]", i)))})
	}
	return sups
}

func buildReport(opts Options, r *repo.Repo, plan *migrate.Plan, choice engine.Choice, st LiveState, results []check.Result, cmp *comparison) *report.Report {
	sups := suppressions(opts, r)
	suppressed := check.ApplySuppressions(results, sups)
	for _, u := range check.Unused(sups) {
		r.Warn("", 0, "%s", u)
	}
	if cmp != nil {
		cmp.markNew(opts, r, results)
	}

	stack := r.DetectStack()
	stack.Database = declaredDatabase(r, opts)
	if plan != nil && !contains(stack.Migrations, plan.Tool) {
		stack.Migrations = append([]string{plan.Tool}, stack.Migrations...)
	}
	rep := &report.Report{
		SchemaVersion: report.SchemaVersion,
		Tool:          report.Tool{Name: "pgreview", Version: opts.Version},
		Repo:          report.Repo{Path: opts.Dir, Stack: stack},
		Engine:        report.Engine{Kind: string(engine.KindNone), Reason: choice.Reason},
		Items:         report.ItemsFrom(check.Aggregate(results)),
		Suppressed:    suppressed,
		FailOn:        opts.FailOn.String(),
		FailScope:     opts.FailScope,
	}
	if rep.FailScope == "" {
		rep.FailScope = report.FailScopeNew
	}
	if pg := choice.Postgres; pg != nil {
		rep.Engine = report.Engine{Kind: string(pg.Kind), Image: pg.Image, ServerVersion: pg.ServerVersion, Reason: pg.Reason, Settings: pg.Settings}
	}
	if plan != nil {
		m := &report.Migrations{Tool: plan.Tool, Dir: plan.Dir, Found: len(plan.Migrations)}
		if a := st.Applied; a != nil {
			m.Applied, m.Failed, m.DurationMS, m.Runner = a.Applied, a.Failed, a.Duration.Milliseconds(), a.Runner
			m.Setup, m.SetupSkipped = a.Setup, a.SetupSkipped
			m.Roundtrip = report.Roundtrip{Checked: a.Roundtrip.Checked, OK: a.Roundtrip.OK, Problems: a.Roundtrip.Problems}
		}
		if m.Roundtrip.Problems == nil {
			m.Roundtrip.Problems = []string{}
		}
		rep.Migrations = m
	}
	if cmp != nil {
		cmp.fill(rep, plan, r)
	}
	rep.Warnings = r.Warnings()
	failOn := check.Severity(opts.FailOn)
	rep.Finalize(func(f check.Finding) bool { return failOn != 0 && rep.BlocksScope(f) && f.Severity >= failOn })
	rep.BlockingReasons = blockingReasons(rep, failOn)
	if rep.SchemaDiff != nil {
		attachHazards(rep.SchemaDiff, rep.Findings)
	}
	return rep
}

// declaredDatabase describes the Postgres the repo declares, for the
// status block: "PostgreSQL 15 (postgres:15-alpine in docker-compose.yml)".
func declaredDatabase(r *repo.Repo, opts Options) string {
	describe := func(image, file string) string {
		s := "PostgreSQL"
		if major := repo.MajorOfImage(image); major > 0 {
			s = fmt.Sprintf("PostgreSQL %d", major)
		}
		return fmt.Sprintf("%s (%s in %s)", s, image, file)
	}
	if db := r.DBService(); db != nil {
		return describe(db.Image, db.File)
	}
	if ci := r.WorkflowPostgres(); ci != nil {
		return describe(ci.Image.Raw, ci.File)
	}
	if opts.Config.Engine.Version > 0 {
		return fmt.Sprintf("PostgreSQL %d (from %s)", opts.Config.Engine.Version, opts.Config.File)
	}
	return "PostgreSQL (version not declared)"
}

func blockingReasons(rep *report.Report, failOn check.Severity) []string {
	if !rep.Summary.Blocking {
		return nil
	}
	counts := map[check.Severity]int{}
	for _, f := range rep.Findings {
		if rep.BlocksScope(f) && f.Severity >= failOn {
			counts[f.Severity]++
		}
	}
	var parts []string
	for _, s := range check.Severities() {
		if counts[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[s], s))
		}
	}
	what := "finding(s)"
	switch {
	case rep.Compared() && rep.FailScope == report.FailScopeAll:
		what = "finding(s), the base branch's included (fail-scope all),"
	case rep.Compared():
		what = "new finding(s)"
	}
	return []string{fmt.Sprintf("%s %s at or above fail-on %s", strings.Join(parts, " and "), what, failOn)}
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
