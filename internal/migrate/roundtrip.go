package migrate

import (
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Trip is the round trip of one migration: up, down, up, with the schema
// after the down compared with the schema before the up.
type Trip struct {
	Migration *Migration
	// DownFailed: the down migration did not apply.
	DownFailed *Failure
	// Diff is the schema after the down against the one before the up:
	// Added are leftovers, Removed were dropped by the down although the
	// up did not create them, Changed differ.
	Diff SchemaDiff
	// ReupFailed: the up did not apply again after the down.
	ReupFailed *Failure
}

// OK reports whether the down undid the up exactly.
func (t *Trip) OK() bool { return t.DownFailed == nil && t.Diff.Empty() && t.ReupFailed == nil }

// Problem is one line for the report's roundtrip.problems, "" when OK.
func (t *Trip) Problem() string {
	id := t.Migration.ID()
	var parts []string
	if f := t.DownFailed; f != nil {
		parts = append(parts, fmt.Sprintf("down fails at %s:%d: %s", f.File, f.Line, f.Error))
	}
	if objs := Summarize(t.Diff.Added); len(objs) > 0 {
		parts = append(parts, "down leaves "+strings.Join(objs, ", "))
	}
	if objs := Summarize(t.Diff.Removed); len(objs) > 0 {
		parts = append(parts, "down drops "+strings.Join(objs, ", ")+", which existed before the up")
	}
	if objs := Summarize(t.Diff.Changed); len(objs) > 0 {
		parts = append(parts, "down does not restore "+strings.Join(objs, ", "))
	}
	if f := t.ReupFailed; f != nil {
		parts = append(parts, fmt.Sprintf("up fails after the down at %s:%d: %s", f.File, f.Line, f.Error))
	}
	if len(parts) == 0 {
		return ""
	}
	return id + ": " + strings.Join(parts, "; ")
}

// roundTrip runs down and up again for plan.Migrations[i], which has just
// been applied (the trace saw upEvents), and leaves a.before as the schema
// after it. With the trace, only the relations that the up, the down and
// the second up touched are described again: the rest cannot have changed.
func (a *applyRun) roundTrip(i int, m *Migration, upEvents []Event) error {
	if !a.res.Traced {
		return a.roundTripFull(i, m)
	}
	ctx := a.ctx
	before := a.before
	sc := scopeOf(upEvents)
	if m.Down == nil {
		part, err := describe(ctx, a.conn, sc, "")
		if err != nil {
			return err
		}
		before.patch(sc, part)
		return nil
	}
	trip := &Trip{Migration: m}
	a.res.Trips = append(a.res.Trips, trip)
	t := time.Now()
	// Neither the down nor the second up needs per-statement timing.
	whole := inOneRoundTrip(ctx)
	_, downErr := a.applier.Down(whole, m)
	a.phase("round trip: down", t)
	t = time.Now()
	downEvents, down, err := takeEventsAndSchema(ctx, a.conn, &a.log, sc, "")
	a.phase("round trip: schema", t)
	if err != nil {
		return err
	}
	if downErr != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		trip.DownFailed = downFailure(m, downErr)
		if _, err := a.conn.Exec(ctx, fullTrace); err != nil {
			return err
		}
		if len(downEvents) == 0 { // rolled back: the database is as the up left it
			before.patch(sc, down)
			return nil
		}
		return a.rebuild(i, nil)
	}
	trip.Diff = DiffSchemas(before.restrict(sc), down, a.plan.Bookkeeping)
	t = time.Now()
	_, upErr := a.applier.Up(whole, m)
	a.phase("round trip: up again", t)
	t = time.Now()
	_, part, err := takeEventsAndSchema(ctx, a.conn, &a.log, sc, fullTrace)
	a.phase("round trip: schema", t)
	if err != nil {
		return err
	}
	if upErr != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if trip.Diff.Empty() {
			trip.ReupFailed = failureOf(m, upErr)
		}
		return a.rebuild(i, nil)
	}
	before.patch(sc, part)
	return nil
}

func downFailure(m *Migration, err error) *Failure {
	f := failureOf(m, err)
	if f.File == m.File() && m.Down.File != "" {
		f.File = m.Down.File
	}
	return f
}

// roundTripFull is roundTrip without the trace: the whole schema is
// described after the up and after the down.
func (a *applyRun) roundTripFull(i int, m *Migration) error {
	ctx := a.ctx
	up, err := LoadSchema(ctx, a.conn)
	if err != nil {
		return err
	}
	if m.Down == nil {
		a.before = up
		return nil
	}
	trip := &Trip{Migration: m}
	a.res.Trips = append(a.res.Trips, trip)
	_, downErr := a.applier.Down(ctx, m)
	if _, err := a.events(); err != nil {
		return err
	}
	if downErr != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		trip.DownFailed = downFailure(m, downErr)
		now, err := LoadSchema(ctx, a.conn)
		if err != nil {
			return err
		}
		if DiffSchemas(up, now, nil).Empty() { // the down rolled back
			a.before = up
			return nil
		}
		return a.rebuild(i, up)
	}
	down, err := LoadSchema(ctx, a.conn)
	if err != nil {
		return err
	}
	trip.Diff = DiffSchemas(a.before, down, a.plan.Bookkeeping)
	_, upErr := a.applier.Up(ctx, m)
	if _, err := a.events(); err != nil {
		return err
	}
	if upErr != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		// Leftovers usually make the second up fail ("already exists"):
		// that is the leftover's fault, said once.
		if trip.Diff.Empty() {
			trip.ReupFailed = failureOf(m, upErr)
		}
		return a.rebuild(i, up)
	}
	if trip.Diff.Empty() {
		a.before = up
		return nil
	}
	a.before, err = LoadSchema(ctx, a.conn)
	return err
}

// rebuild brings the database back to "migrations 0..i applied" after a
// round trip left it in another state.
func (a *applyRun) rebuild(i int, want Schema) error {
	a.opts.Log("round trip of %s left the database changed; rebuilding it", a.plan.Migrations[i].ID())
	return a.restore(i+1, want)
}

// restore brings the database to "the first n migrations applied": a
// fresh database from the template (template1, or the base branch's
// snapshot), the trace, and the ups replayed; want, when known, is the
// schema that leaves.
func (a *applyRun) restore(n int, want Schema) error {
	ctx := a.ctx
	a.applier.Close()
	a.applier = nil
	a.conn.Close(ctx)
	a.conn = nil
	if err := a.pg.Restore(ctx, a.opts.template()); err != nil {
		return fmt.Errorf("rebuild the review database after a failed round trip: %w", err)
	}
	conn, err := pgx.Connect(ctx, a.pg.URL)
	if err != nil {
		return fmt.Errorf("reconnect after rebuilding the review database: %w", err)
	}
	a.conn = conn
	if a.res.Traced {
		a.log = traceLog{}
		if err := installTrace(ctx, conn); err != nil {
			return fmt.Errorf("reinstall the trace: %w", err)
		}
	}
	ap, err := a.plan.Runner.Open(ctx, &Session{Conn: conn, URL: a.pg.URL, Env: a.opts.Env, Log: a.opts.Log})
	if err != nil {
		return err
	}
	a.applier = ap
	for _, m := range a.plan.Migrations[:n] {
		if _, err := ap.Up(inOneRoundTrip(ctx), m); err != nil {
			return fmt.Errorf("rebuild the review database: %s no longer applies: %w", m.ID(), err)
		}
	}
	if _, err := a.events(); err != nil {
		return err
	}
	if want == nil {
		want, err = LoadSchema(ctx, conn)
		if err != nil {
			return err
		}
	}
	a.before = want
	return nil
}
