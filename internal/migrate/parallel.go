package migrate

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"runtime"
	"sync"
	"time"
)

// A round trip runs every migration three times and describes the schema
// twice per migration, all on the server, one statement at a time. With
// two or more CPUs, a long history is round-tripped in two parts at once:
// a helper database, copied from the same template, takes the first part,
// while the review database catches up to the cut without tracing and
// takes the second part. The review database ends where a run in order
// would leave it, and the result is the same.

// splitMin is the shortest history worth a second database.
const splitMin = 40

// cutAt is where the history is cut: catching up costs the review
// database about one up per migration, against about three ups and two
// descriptions for a round trip, so the helper takes three fifths.
func cutAt(n int) int { return n * 3 / 5 }

// canSplit reports whether this run may take the two parts at once: a
// traced round trip of a long history, applied over our own connection
// (a tool's own process may not run twice at once), on a machine with
// CPUs for both.
func (a *applyRun) canSplit() bool {
	_, ownSQL := a.applier.(sqlApplier)
	return a.opts.RoundTrip && a.res.Traced && ownSQL && !a.opts.inOrder &&
		len(a.plan.Migrations) >= splitMin && runtime.NumCPU() >= 2
}

// runSplit round-trips the first part in a helper database and the
// second part in the review database, at the same time, and merges the
// two results in order. If the helper database cannot be made (a server
// where we may not create databases), it runs in order.
func (a *applyRun) runSplit() error {
	n := len(a.plan.Migrations)
	cut := cutAt(n)
	var mu sync.Mutex
	logf := a.opts.Log
	a.opts.Log = func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		logf(format, args...)
	}
	h, err := a.openHelper()
	if err != nil {
		a.opts.Log("round trip in one database: %v", err)
		return a.runRange(0, n)
	}
	defer h.discard()
	ctx, cancel := context.WithCancel(a.ctx)
	defer cancel()
	h.ctx = ctx
	helperDone := make(chan error, 1)
	go func() { helperDone <- h.runRange(0, cut) }()

	caughtUp, err := a.catchUp(cut)
	if err == nil && caughtUp == cut {
		err = a.runRange(cut, n)
	}
	if err != nil {
		cancel()
	}
	if herr := <-helperDone; err == nil {
		err = herr
	}
	if err != nil {
		return err
	}
	return a.merge(h, cut, caughtUp)
}

// helperName names a database of this review's: <db>_<what>_<random>,
// within Postgres' 63 bytes.
func helperName(db, what string) string {
	suffix := make([]byte, 4)
	rand.Read(suffix)
	if len(db) > 40 {
		db = db[:40]
	}
	return db + "_" + what + "_" + hex.EncodeToString(suffix)
}

// openHelper creates the helper database from the review database's
// template and opens a traced session on it.
func (a *applyRun) openHelper() (*applyRun, error) {
	name := helperName(a.pg.Database, "part")
	if err := a.pg.CreateDatabase(a.ctx, name, a.opts.template()); err != nil {
		return nil, fmt.Errorf("create a helper database: %w", err)
	}
	h := &applyRun{ctx: a.ctx, pg: a.pg.WithDatabase(name), plan: a.plan, opts: a.opts,
		res: &Result{Tool: a.res.Tool, Dir: a.res.Dir, Phases: map[string]time.Duration{}}}
	logf := a.opts.Log
	h.opts.Log = func(format string, args ...any) { logf("first part: "+format, args...) }
	if err := h.open(); err != nil || h.applier == nil || !h.res.Traced {
		h.discard()
		if err == nil {
			err = fmt.Errorf("the helper database could not start a traced session")
		}
		return nil, err
	}
	return h, nil
}

// discard closes the helper's session and drops its database.
func (h *applyRun) discard() {
	h.close()
	h.applier, h.conn = nil, nil
	ctx, cancel := context.WithTimeout(context.WithoutCancel(h.ctx), 30*time.Second)
	defer cancel()
	if err := h.pg.DropDatabase(ctx, h.pg.Database); err != nil {
		h.opts.Log("drop the helper database: %v", err)
	}
}

// catchUp applies migrations [0, n) to the review database without the
// trace and without per-statement timing, and reports how many applied;
// on a failure, Result.Failed says where. The trace is then reinstalled
// and the schema described, for the round trips that follow.
func (a *applyRun) catchUp(n int) (int, error) {
	ctx := a.ctx
	start := time.Now()
	defer a.phase("catch up", start)
	if err := removeTrace(ctx, a.conn); err != nil {
		return 0, fmt.Errorf("remove the trace: %w", err)
	}
	applied := 0
	for ; applied < n; applied++ {
		m := a.plan.Migrations[applied]
		if _, err := a.applier.Up(inOneRoundTrip(ctx), m); err != nil {
			if ctx.Err() != nil {
				return applied, ctx.Err()
			}
			a.res.Failed = failureOf(m, err)
			break
		}
	}
	a.log = traceLog{}
	if err := installTrace(ctx, a.conn); err != nil {
		return applied, fmt.Errorf("reinstall the trace: %w", err)
	}
	var err error
	a.before, err = LoadSchema(ctx, a.conn)
	return applied, err
}

// merge puts the helper's first part before the review database's second
// part. A history stops at its first failure: when the first part failed
// (in the helper, or while the review database caught up), the second
// part is dropped, and the review database is brought back to where the
// failure left it, if it went further.
func (a *applyRun) merge(h *applyRun, cut, caughtUp int) error {
	first, second := h.res, a.res
	for k, d := range first.Phases {
		second.Phases[k] += d
	}
	stop := cut // where the history stops, if it fails in the first part
	failed := first.Failed
	if failed != nil {
		stop = len(first.Steps)
	}
	if caughtUp < stop {
		stop, failed = caughtUp, second.Failed
	}
	if failed == nil {
		if first.origins == nil {
			first.origins = map[string]origin{}
		}
		second.Steps = append(first.Steps, second.Steps...)
		second.Trips = append(first.Trips, second.Trips...)
		second.Applied += first.Applied
		for k, o := range second.origins {
			if _, seen := first.origins[k]; !seen {
				first.origins[k] = o
			}
		}
		second.origins = first.origins
		return nil
	}
	kept := map[*Migration]bool{}
	second.Steps, second.origins = nil, nil
	for _, st := range first.Steps[:stop] {
		kept[st.Migration] = true
		second.Steps = append(second.Steps, st)
		second.recordOrigins(st.Statements)
	}
	second.Trips = nil
	for _, t := range first.Trips {
		if kept[t.Migration] {
			second.Trips = append(second.Trips, t)
		}
	}
	second.Applied, second.Failed = stop, failed
	if caughtUp == stop {
		return nil
	}
	a.opts.Log("the first part stopped at %s; bringing the review database back to it", a.plan.Migrations[stop].ID())
	return a.restore(stop, nil)
}
