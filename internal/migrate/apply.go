package migrate

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/pgreview/pgreview/internal/engine"
)

// ApplyOptions control Apply.
type ApplyOptions struct {
	// Log reports progress ("migration 3/12: 0003_orders"); may be nil.
	Log func(format string, args ...any)
	// NoTrace skips the event-trigger trace.
	NoTrace bool
	// RoundTrip runs up, down, up for every migration with a down and
	// compares the schema after each down with the one before its up.
	RoundTrip bool
	// Env is the environment of processes the runner starts (nil: ours).
	Env []string
	// Template is the database the review database was created from, and
	// what a round trip that leaves it changed restores before replaying
	// this plan's ups: a snapshot of the base branch's schema when only a
	// pull request's migrations are applied on top of it. Empty means
	// template1 (an empty database).
	Template string

	// inOrder keeps a long round trip in one database (tests compare the
	// two parts of parallel.go with it).
	inOrder bool
}

// template is the database a rebuild starts from.
func (o ApplyOptions) template() string {
	if o.Template == "" {
		return "template1"
	}
	return o.Template
}

// Apply runs every migration of plan, in order, over one connection to
// the review database, tracing each one, after the init scripts the image
// runs first (plan.Setup). It stops at the first failure and records
// where it happened. The returned error is only for failures of the
// machinery (no connection); a migration that fails is reported in
// Result.Failed. The trace is removed before Apply returns.
func Apply(ctx context.Context, pg *engine.Postgres, plan *Plan, opts ApplyOptions) (*Result, error) {
	if opts.Log == nil {
		opts.Log = func(string, ...any) {}
	}
	res, err := apply(ctx, pg, plan, opts)
	if err != nil || !recreatesSetup(res) {
		return res, err
	}
	// The history creates again what the init scripts created (a schema
	// dump mounted for development, say): review it on an empty database,
	// as a database without those scripts would run it, and say so.
	opts.Log("%s fails on top of the init scripts (%s); applying the history without them", res.Failed.Migration, res.Failed.Error)
	if err := pg.Restore(ctx, opts.template()); err != nil {
		opts.Log("empty the review database: %v; keeping the failure", err)
		return res, nil
	}
	again, err := apply(ctx, pg, plan.like(plan.Migrations), opts)
	if err != nil {
		return again, err
	}
	if f := again.Failed; f == nil || f.File != res.Failed.File || f.Line != res.Failed.Line {
		again.SetupConflict = &SetupConflict{Failure: res.Failed, Scripts: res.Setup}
		again.SetupSkipped = fmt.Sprintf("the history was applied without the init scripts: on top of them, %s fails at %s:%d (%s)", res.Failed.Migration, res.Failed.File, res.Failed.Line, res.Failed.Error)
	}
	return again, nil
}

// duplicateObject are the SQLSTATEs of creating what exists: schema,
// table, column, object (type, index, constraint...), function.
var duplicateObject = map[string]bool{"42P06": true, "42P07": true, "42701": true, "42710": true, "42723": true}

// recreatesSetup reports whether a migration failed creating something
// that exists, after init scripts ran.
func recreatesSetup(res *Result) bool {
	return res.Failed != nil && !res.Failed.InitScript && len(res.Setup) > 0 && duplicateObject[res.Failed.SQLState]
}

func apply(ctx context.Context, pg *engine.Postgres, plan *Plan, opts ApplyOptions) (*Result, error) {
	res := &Result{Tool: plan.Tool, Dir: plan.Dir, Found: len(plan.Migrations), Phases: map[string]time.Duration{}}
	start := time.Now()
	defer func() { res.Duration = time.Since(start) }()
	a := &applyRun{ctx: ctx, pg: pg, plan: plan, opts: opts, res: res}
	defer a.close()
	if plan.Setup != nil {
		if err := a.runSetup(); err != nil || res.Failed != nil {
			return res, err // the image would not start: nothing more applies
		}
	}
	if err := a.open(); err != nil {
		return nil, err
	}
	if a.applier != nil {
		if err := a.run(); err != nil {
			return res, err
		}
	}
	if err := a.finish(); err != nil {
		return res, err
	}
	return res, nil
}

// applyRun is one Apply: the connection, the runner's session, and the
// schema before the migration being applied (for the round trip).
type applyRun struct {
	ctx     context.Context
	pg      *engine.Postgres
	plan    *Plan
	opts    ApplyOptions
	res     *Result
	conn    *pgx.Conn
	applier Applier
	before  Schema
	log     traceLog
	// setupSnapshot is the database after the init scripts, dropped at
	// the end.
	setupSnapshot string
}

func (a *applyRun) open() error {
	conn, err := pgx.Connect(a.ctx, a.pg.URL)
	if err != nil {
		return fmt.Errorf("connect to the review database: %w", err)
	}
	a.conn = conn
	if !a.opts.NoTrace {
		if err := installTrace(a.ctx, conn); err != nil {
			a.res.TraceUnavailable = fmt.Sprintf("the trace needs a superuser to create event triggers: %s", postgresMessage(err))
			a.opts.Log("trace unavailable: %s", a.res.TraceUnavailable)
		} else {
			a.res.Traced = true
		}
	}
	sess := &Session{Conn: conn, URL: a.pg.URL, Env: a.opts.Env, Log: a.opts.Log}
	ap, err := a.plan.Runner.Open(a.ctx, sess)
	if err != nil {
		// The runner cannot start (no Python, no alembic): the first
		// migration is where the history stops.
		if len(a.plan.Migrations) > 0 {
			a.res.Failed = failureOf(a.plan.Migrations[0], err)
			a.res.Failed.Migration = "(" + a.plan.Tool + ")"
			return nil
		}
		return err
	}
	a.applier = ap
	if d, ok := ap.(interface{ Describe() string }); ok {
		a.res.Runner = d.Describe()
	}
	if a.opts.RoundTrip {
		a.before, err = LoadSchema(a.ctx, conn)
		if err != nil {
			return err
		}
	}
	return nil
}

// runSetup applies the init scripts the image runs at first start, before
// the trace: they make the database the history starts from (its roles,
// schemas, extensions), they are not migrations under review. A round
// trip that rebuilds the database starts again from a snapshot taken
// after them. On a server the review does not own (--engine dsn) they are
// skipped: what they create outside the database (roles) would collide
// with the last run's.
func (a *applyRun) runSetup() error {
	setup := a.plan.Setup
	if a.pg.Kind == engine.KindDSN {
		a.res.SetupSkipped = "init scripts are not run on a server pgreview does not own (engine dsn): roles they create would persist"
		a.opts.Log("setup: %s", a.res.SetupSkipped)
		return nil
	}
	// Its own connection: the snapshot needs the database to itself.
	conn, err := pgx.Connect(a.ctx, a.pg.URL)
	if err != nil {
		return fmt.Errorf("connect to the review database: %w", err)
	}
	defer conn.Close(context.WithoutCancel(a.ctx))
	ap, err := setup.Runner.Open(a.ctx, &Session{Conn: conn, URL: a.pg.URL, Env: a.opts.Env, Log: a.opts.Log})
	if err != nil {
		a.res.Failed = failureOf(setup.Migrations[0], err)
		a.res.Failed.InitScript = true
		return nil
	}
	defer ap.Close()
	for _, m := range setup.Migrations {
		a.opts.Log("init script %s (before the migrations, as the image runs it)", m.File())
		if _, err := ap.Up(a.ctx, m); err != nil {
			a.res.Failed = failureOf(m, err)
			a.res.Failed.InitScript = true
			return nil
		}
		a.res.Setup = append(a.res.Setup, m.File())
	}
	if !a.opts.RoundTrip {
		return nil
	}
	conn.Close(a.ctx)
	name := helperName(a.pg.Database, "setup")
	if err := a.pg.Snapshot(a.ctx, name); err != nil {
		return fmt.Errorf("snapshot the database after its init scripts: %w", err)
	}
	a.setupSnapshot, a.opts.Template = name, name
	return nil
}

func (a *applyRun) close() {
	if a.applier != nil {
		a.applier.Close()
	}
	if a.setupSnapshot != "" {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(a.ctx), 30*time.Second)
		defer cancel()
		if err := a.pg.DropDatabase(ctx, a.setupSnapshot); err != nil {
			a.opts.Log("drop %s: %v", a.setupSnapshot, err)
		}
	}
	if a.conn != nil {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(a.ctx), 10*time.Second)
		defer cancel()
		if a.res.Traced {
			removeTrace(ctx, a.conn)
		}
		a.conn.Close(ctx)
	}
}

// finish removes the trace, so the catalog never sees it.
func (a *applyRun) finish() error {
	if !a.res.Traced {
		return nil
	}
	if err := removeTrace(a.ctx, a.conn); err != nil {
		return fmt.Errorf("remove the trace: %w", err)
	}
	return nil
}

// run applies the plan: in two parts at once when that is possible
// (parallel.go), otherwise in order.
func (a *applyRun) run() error {
	var err error
	if a.canSplit() {
		err = a.runSplit()
	} else {
		err = a.runRange(0, len(a.plan.Migrations))
	}
	if err == nil && a.opts.RoundTrip {
		a.res.summarizeRoundTrip()
	}
	return err
}

// runRange applies migrations [from, to) of the plan, in order, stopping
// at the first that fails.
func (a *applyRun) runRange(from, to int) error {
	plan, res := a.plan, a.res
	// Without a round trip, nothing needs a step's events before the end:
	// over our own connection they are read once, after the last step.
	_, ownSQL := a.applier.(sqlApplier)
	eventsAtEnd := ownSQL && !a.opts.RoundTrip
	firstStep := len(res.Steps)
	// Untraced and without a round trip (a base branch's history), nothing
	// reads per-statement timings: each script may go in one round trip.
	upCtx := a.ctx
	if !a.res.Traced && !a.opts.RoundTrip {
		upCtx = inOneRoundTrip(upCtx)
	}
	for i := from; i < to; i++ {
		m := plan.Migrations[i]
		a.opts.Log("migration %d/%d: %s", i+1, len(plan.Migrations), m.ID())
		stepStart := time.Now()
		done, err := a.applier.Up(upCtx, m)
		a.phase("up", stepStart)
		then := ""
		if a.opts.RoundTrip && m.Down != nil {
			then = lightTrace // the down and the second up need only scopes
		}
		var events []Event
		if !eventsAtEnd {
			t := time.Now()
			var terr error
			events, terr = a.eventsThen(then)
			a.phase("trace", t)
			if terr != nil {
				return terr
			}
		}
		if err != nil {
			if a.ctx.Err() != nil {
				return a.ctx.Err()
			}
			res.Failed = failureOf(m, err)
			break
		}
		step := &Step{Migration: m, Statements: done, Duration: time.Since(stepStart), Events: events}
		res.Steps = append(res.Steps, step)
		res.recordOrigins(done)
		res.Applied++
		if a.opts.RoundTrip {
			t := time.Now()
			err := a.roundTrip(i, m, events)
			a.phase("round trip", t)
			if err != nil {
				return err
			}
		}
	}
	if eventsAtEnd {
		return a.spreadEvents(res.Steps[firstStep:])
	}
	return nil
}

// spreadEvents reads the trace once and gives each step the events of its
// statements. An event carries the text of the statement that caused it
// and when that statement started, which tells one run of a statement
// from the next run of the same text.
func (a *applyRun) spreadEvents(steps []*Step) error {
	t := time.Now()
	defer a.phase("trace", t)
	events, err := a.events()
	if err != nil {
		return err
	}
	type place struct{ step, stmt int }
	var order []place
	for i, s := range steps {
		for j := range s.Statements {
			order = append(order, place{i, j})
		}
	}
	ran := func(k int, e Event) bool {
		p := order[k]
		return strings.TrimSpace(steps[p.step].Statements[p.stmt].SQL) == strings.TrimSpace(e.Query)
	}
	at, started := -1, ""
	for _, e := range events {
		if at < 0 || !ran(at, e) || e.started != started {
			k := at + 1
			for k < len(order) && !ran(k, e) {
				k++
			}
			if k == len(order) {
				continue // the tool's own bookkeeping, not a migration's statement
			}
			at, started = k, e.started
		}
		s := steps[order[at].step]
		s.Events = append(s.Events, e)
	}
	return nil
}

// summarizeRoundTrip fills in Roundtrip from the trips.
func (r *Result) summarizeRoundTrip() {
	r.Roundtrip = Roundtrip{Checked: len(r.Trips) > 0, OK: true}
	for _, t := range r.Trips {
		if p := t.Problem(); p != "" {
			r.Roundtrip.OK = false
			r.Roundtrip.Problems = append(r.Roundtrip.Problems, p)
		}
	}
}

// phase adds the time since start to a phase of Result.Phases.
func (a *applyRun) phase(name string, start time.Time) { a.res.Phases[name] += time.Since(start) }

// events takes what the trace logged during the last step.
func (a *applyRun) events() ([]Event, error) { return a.eventsThen("") }

// eventsThen takes the trace's events and runs then (a SET) in the same
// round trip.
func (a *applyRun) eventsThen(then string) ([]Event, error) {
	if !a.res.Traced {
		return nil, nil
	}
	if then == "" {
		return a.log.take(a.ctx, a.conn)
	}
	b := &pgx.Batch{}
	a.log.queue(b)
	b.Queue(then)
	br := a.conn.SendBatch(a.ctx, b)
	defer br.Close()
	rows, err := br.Query()
	if err != nil {
		return nil, fmt.Errorf("read the trace: %w", err)
	}
	events, err := a.log.scan(rows)
	if err != nil {
		return nil, err
	}
	return events, br.Close()
}

// The trace records only relations, not locks and queries, while our
// session runs round-trip downs and second ups.
const (
	lightTrace = "SET pgreview.trace_light = on"
	fullTrace  = "RESET pgreview.trace_light"
)

func failureOf(m *Migration, err error) *Failure {
	f := &Failure{Migration: m.ID(), File: m.File(), Error: err.Error()}
	var se *StatementError
	var pe *ProcessError
	var sce *ScriptError
	switch {
	case errors.As(err, &sce):
		f.File, f.Line, f.Error = sce.File, sce.Line, sce.Message
	case errors.As(err, &se):
		f.File, f.Line, f.Statement, f.SQLState = se.File, se.Statement.Line, firstLine(se.Statement.SQL), se.SQLState()
		f.Error = postgresMessage(se.Err)
	case errors.As(err, &pe):
		if pe.File != "" {
			f.File, f.Line = pe.File, pe.Line
		}
		f.Statement, f.SQLState, f.Error = firstLine(pe.Statement), pe.SQLState, pe.Message
	}
	return f
}

// postgresMessage is Postgres' own message with its detail and hint,
// without pgx's "(SQLSTATE ...)" suffix, which the report shows apart.
func postgresMessage(err error) string {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return err.Error()
	}
	msg := pgErr.Message
	if pgErr.Detail != "" {
		msg += ". " + pgErr.Detail
	}
	if pgErr.Hint != "" {
		msg += " Hint: " + pgErr.Hint
	}
	return msg
}

// ProcessError is a migration that failed in a tool's process (Alembic,
// a custom command), with what could be read from its output.
type ProcessError struct {
	File, Statement, SQLState, Message string
	Line                               int
}

func (e *ProcessError) Error() string {
	var b strings.Builder
	if e.File != "" {
		fmt.Fprintf(&b, "%s:%d: ", e.File, e.Line)
	}
	b.WriteString(e.Message)
	if e.SQLState != "" {
		fmt.Fprintf(&b, " (SQLSTATE %s)", e.SQLState)
	}
	return b.String()
}
