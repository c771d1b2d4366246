package review

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/pgreview/pgreview/internal/catalog"
	"github.com/pgreview/pgreview/internal/engine"
	"github.com/pgreview/pgreview/internal/migrate"
	"github.com/pgreview/pgreview/internal/modeldiff"
	"github.com/pgreview/pgreview/internal/repo"
	"github.com/pgreview/pgreview/internal/schemadump"
)

// liveOutcome is what the live phase produced for each side of a review.
type liveOutcome struct {
	head LiveState
	// base is the base branch's schema (pull request reviews).
	base LiveState
	// baseApplied counts the base's migrations applied before the pull
	// request's.
	baseApplied int
	// compared is true when the pull request's migrations ran on top of
	// the base's schema, so the two catalogs can be diffed.
	compared bool
	// notes say what could not be compared, and why.
	notes []string
}

// runLiveCompared is runLive for a pull request: one server for both
// sides.
func runLiveCompared(ctx context.Context, opts Options, r *repo.Repo, plan *migrate.Plan, base *baseSide, wanted bool) (liveOutcome, engine.Choice) {
	if !wanted && plan == nil && base.plan == nil {
		st := LiveState{Unavailable: "no live checks enabled"}
		return liveOutcome{head: st, base: st}, engine.Choice{Reason: "no live checks enabled and no migrations"}
	}
	choice, stop := startEngine(ctx, opts, r)
	defer stop()
	if choice.Postgres == nil {
		st := LiveState{Unavailable: "no database: " + choice.Reason}
		return liveOutcome{head: st, base: st}, choice
	}
	return liveOnBase(ctx, choice.Postgres, r, plan, base, LiveOptions{Log: opts.Log, Python: opts.Python}), choice
}

// liveOnBase applies the base branch's history once, untraced, and reads
// its schema; snapshots it into a template database when the pull request
// has migrations; then applies only those on top, traced and
// round-tripped (a round trip that leaves the database changed restores
// the snapshot).
// That is the order production will see them in. An edited migration is
// not re-applied: databases migrated from the base keep its base version
// (migration-edited reports the edit).
func liveOnBase(ctx context.Context, pg *engine.Postgres, head *repo.Repo, plan *migrate.Plan, base *baseSide, opts LiveOptions) liveOutcome {
	log := opts.Log
	if log == nil {
		log = func(string, ...any) {}
	}
	var out liveOutcome
	baseRes := &migrate.Result{}
	basePlan := base.plan
	if basePlan == nil { // no history on the base, but the image's init scripts ran
		basePlan = plan.SetupOnly()
	}
	if basePlan != nil {
		res, err := migrate.Apply(ctx, pg, basePlan, migrate.ApplyOptions{NoTrace: true, Log: log})
		if err != nil {
			msg := fmt.Sprintf("the base branch's migrations could not be applied: %v", err)
			return liveOutcome{head: LiveState{Unavailable: msg}, base: LiveState{Unavailable: msg}}
		}
		baseRes = res
		log("base migrations: %d/%d applied in %s", res.Applied, res.Found, res.Duration.Round(time.Millisecond))
	}
	out.baseApplied = baseRes.Applied
	out.base.Applied = baseRes
	out.base.Catalog, out.base.Unavailable = loadCatalog(ctx, pg)

	if why := cannotStack(base, plan, baseRes); why != "" {
		// Production's state is unknown: review the pull request's
		// history from an empty database, as a plain review does.
		out.notes = append(out.notes, why)
		if err := pg.Restore(ctx, "template1"); err != nil {
			out.head.Unavailable = fmt.Sprintf("empty the review database after the base's migrations: %v", err)
			return out
		}
		out.head = LiveWith(ctx, pg, head, plan, opts)
		return out
	}

	snap := ""
	if plan != nil && len(plan.Pending().Migrations) > 0 {
		snap = derivedName(pg.Database, "_base")
		if err := pg.Snapshot(ctx, snap); err != nil {
			out.head.Unavailable = fmt.Sprintf("snapshot the base branch's schema: %v", err)
			return out
		}
		defer dropDatabase(ctx, pg, snap, log)
	}
	var wg sync.WaitGroup
	if needsComparison(base.repo, base.plan) {
		// The model and dump comparisons of the base run on a copy of its
		// schema while the pull request's migrations apply.
		cmp := derivedName(pg.Database, "_base_cmp")
		if err := pg.Snapshot(ctx, cmp); err != nil {
			out.notes = append(out.notes, fmt.Sprintf("the base branch's models and schema dump were not compared: %v", err))
		} else {
			defer dropDatabase(ctx, pg, cmp, log)
			bopts := opts
			if bopts.Python == "" {
				bopts.Python = modeldiff.RepoPython(head)
			}
			wg.Go(func() { compareSchema(ctx, pg.WithDatabase(cmp), base.repo, base.plan, bopts, &out.base) })
		}
	}
	out.head = applyPending(ctx, pg, head, plan, baseRes, snap, opts)
	out.compared = out.head.Catalog != nil && out.base.Catalog != nil
	wg.Wait()
	return out
}

// applyPending applies the pull request's new migrations on the base's
// schema and reads the result.
func applyPending(ctx context.Context, pg *engine.Postgres, head *repo.Repo, plan *migrate.Plan, baseRes *migrate.Result, snap string, opts LiveOptions) LiveState {
	log := opts.Log
	var st LiveState
	if plan == nil {
		st.Applied = &migrate.Result{}
	} else {
		pending := plan.Pending()
		prRes := &migrate.Result{Tool: plan.Tool, Dir: plan.Dir}
		if len(pending.Migrations) > 0 {
			res, err := migrate.Apply(ctx, pg, pending, migrate.ApplyOptions{Log: log, RoundTrip: true, Template: snap})
			if err != nil {
				head.Warn("", 0, "the pull request's migrations could not be applied: %v", err)
				st.Unavailable = fmt.Sprintf("the pull request's migrations could not be applied: %v", err)
				return st
			}
			prRes = res
			log("pull request migrations: %d/%d applied in %s%s", res.Applied, res.Found, res.Duration.Round(time.Millisecond), phases(res))
		}
		st.Applied = migrate.OnBase(plan, baseRes, prRes)
	}
	st.Catalog, st.Unavailable = loadCatalog(ctx, pg)
	if st.Catalog != nil {
		compareSchema(ctx, pg, head, plan, opts, &st)
	}
	return st
}

// cannotStack says why the pull request's migrations cannot be applied on
// top of the base's, or "" when they can.
func cannotStack(base *baseSide, plan *migrate.Plan, baseRes *migrate.Result) string {
	switch {
	case baseRes.Failed != nil:
		f := baseRes.Failed
		return fmt.Sprintf("the base branch's migrations do not apply (%s fails at %s:%d: %s): the pull request's history was applied from an empty database, and findings about the schema were compared with the part of the base's history that applied", f.Migration, f.File, f.Line, f.Error)
	case base.plan == nil || plan == nil:
		return ""
	case base.plan.Tool != plan.Tool || plan.Tool != "command" && base.plan.Dir != plan.Dir:
		return fmt.Sprintf("the pull request moves the migrations from %s in %s to %s in %s: its history was applied from an empty database", base.plan.Tool, base.plan.Dir, plan.Tool, plan.Dir)
	}
	return ""
}

// needsComparison reports whether compareSchema has work for r.
func needsComparison(r *repo.Repo, plan *migrate.Plan) bool {
	return plan != nil && (modeldiff.Applies(r) || schemadump.Find(r, plan) != nil)
}

func loadCatalog(ctx context.Context, pg *engine.Postgres) (*catalog.Snapshot, string) {
	conn, err := pg.Connect(ctx)
	if err != nil {
		return nil, fmt.Sprintf("connect to the review database: %v", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	snap, err := catalog.Load(ctx, conn)
	if err != nil {
		return nil, err.Error()
	}
	return snap, ""
}

func dropDatabase(ctx context.Context, pg *engine.Postgres, name string, log func(string, ...any)) {
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := pg.DropDatabase(dctx, name); err != nil {
		log("drop %s: %v", name, err)
	}
}

// derivedName is a database name made from another, within Postgres'
// 63-byte limit.
func derivedName(db, suffix string) string {
	if len(db)+len(suffix) > 63 {
		db = db[:63-len(suffix)]
	}
	return db + suffix
}
