package review

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/pgreview/pgreview/internal/catalog"
	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/engine"
	"github.com/pgreview/pgreview/internal/migrate"
	"github.com/pgreview/pgreview/internal/modeldiff"
	"github.com/pgreview/pgreview/internal/repo"
	"github.com/pgreview/pgreview/internal/schemadump"
)

// The live phase: start the engine, apply the migrations, load the
// catalog, compare the schema with the models and a committed dump.

// LiveState is what the live phase produced.
type LiveState struct {
	Applied *migrate.Result
	Catalog *catalog.Snapshot
	// ModelDiff and SchemaDump compare the migrated schema with the ORM
	// models and with a committed dump, while the server is up.
	ModelDiff  *modeldiff.Result
	SchemaDump *schemadump.Result
	// Unavailable says why Applied or Catalog is missing.
	Unavailable string
}

// Fill copies the live state into a check input.
func (st LiveState) Fill(in *check.Input) {
	in.Applied, in.Catalog, in.LiveUnavailable = st.Applied, st.Catalog, st.Unavailable
	in.ModelDiff, in.SchemaDump = st.ModelDiff, st.SchemaDump
}

// runLive starts the engine, applies the migrations and loads the
// catalog. The engine is stopped before it returns, on every path.
func runLive(ctx context.Context, opts Options, r *repo.Repo, plan *migrate.Plan, wanted bool) (LiveState, engine.Choice) {
	if !wanted && plan == nil {
		return LiveState{Unavailable: "no live checks enabled"}, engine.Choice{Reason: "no live checks enabled and no migrations"}
	}
	choice, stop := startEngine(ctx, opts, r)
	defer stop()
	if choice.Postgres == nil {
		return LiveState{Unavailable: "no database: " + choice.Reason}, choice
	}
	return LiveWith(ctx, choice.Postgres, r, plan, LiveOptions{Log: opts.Log, Python: opts.Python}), choice
}

// startEngine chooses and starts the engine; stop stops it (call it on
// every path, also when none started).
func startEngine(ctx context.Context, opts Options, r *repo.Repo) (engine.Choice, func()) {
	eopts := engineOptions(opts, r)
	eopts.Log = opts.Log
	start := time.Now()
	choice := opts.Engines.Choose(ctx, opts.Engine, eopts)
	pg := choice.Postgres
	if pg == nil {
		return choice, func() {}
	}
	opts.Log("engine %s: PostgreSQL %s ready in %s", pg.Kind, pg.ServerVersion, time.Since(start).Round(time.Millisecond))
	return choice, func() {
		stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if err := pg.Stop(stopCtx); err != nil {
			opts.Log("engine stop: %v", err)
		}
	}
}

// LiveOptions configure the live phase.
type LiveOptions struct {
	Log func(string, ...any)
	// Python runs Alembic's model comparison (PGREVIEW_PYTHON); empty
	// means find one.
	Python string
}

// Live applies the migrations to a running Postgres and loads the catalog:
// everything the live checks read. Tests call it on their own databases,
// so checks see exactly what a review would give them.
func Live(ctx context.Context, pg *engine.Postgres, r *repo.Repo, plan *migrate.Plan, log func(string, ...any)) LiveState {
	return LiveWith(ctx, pg, r, plan, LiveOptions{Log: log})
}

// LiveWith is Live with options.
func LiveWith(ctx context.Context, pg *engine.Postgres, r *repo.Repo, plan *migrate.Plan, opts LiveOptions) LiveState {
	log := opts.Log
	if log == nil {
		log = func(string, ...any) {}
	}
	var st LiveState
	if plan != nil {
		res, err := migrate.Apply(ctx, pg, plan, migrate.ApplyOptions{Log: log, RoundTrip: true})
		if err != nil {
			r.Warn("", 0, "migrations could not be applied: %v", err)
			st.Unavailable = fmt.Sprintf("migrations could not be applied: %v", err)
			return st
		}
		st.Applied = res
		log("migrations: %d/%d applied in %s%s", res.Applied, res.Found, res.Duration.Round(time.Millisecond), phases(res))
	} else {
		st.Applied = &migrate.Result{}
	}
	conn, err := pg.Connect(ctx)
	if err != nil {
		st.Unavailable = fmt.Sprintf("connect to the review database: %v", err)
		return st
	}
	defer conn.Close(context.WithoutCancel(ctx))
	snap, err := catalog.Load(ctx, conn)
	if err != nil {
		st.Unavailable = err.Error()
		return st
	}
	st.Catalog = snap
	compareSchema(ctx, pg, r, plan, opts, &st)
	return st
}

// compareSchema compares the migrated schema with the ORM models
// (Alembic repos) and with a committed schema dump, concurrently. Both
// need a fully applied history: a partial schema would differ everywhere.
func compareSchema(ctx context.Context, pg *engine.Postgres, r *repo.Repo, plan *migrate.Plan, opts LiveOptions, st *LiveState) {
	if plan == nil || st.Applied == nil || st.Applied.Failed != nil {
		return
	}
	var wg sync.WaitGroup
	if modeldiff.Applies(r) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := time.Now()
			st.ModelDiff = modeldiff.Compare(ctx, r, pg.URL, modeldiff.Options{Python: opts.Python, Log: opts.Log})
			if opts.Log != nil {
				opts.Log("models: compared in %s", time.Since(start).Round(time.Millisecond))
			}
		}()
	}
	if f := schemadump.Find(r, plan); f != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st.SchemaDump = schemadump.Load(ctx, pg, f)
		}()
	}
	wg.Wait()
}

// phases says where the migrations' time went, for -v.
func phases(res *migrate.Result) string {
	if len(res.Phases) == 0 {
		return ""
	}
	names := make([]string, 0, len(res.Phases))
	for k := range res.Phases {
		names = append(names, k)
	}
	sort.Strings(names)
	var parts []string
	for _, k := range names {
		parts = append(parts, fmt.Sprintf("%s %s", k, res.Phases[k].Round(time.Millisecond)))
	}
	return " (" + strings.Join(parts, ", ") + ")"
}
