package migrate

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/pgreview/pgreview/internal/engine"
)

// ApplyOptions control Apply.
type ApplyOptions struct {
	// Log reports progress ("migration 3/12: 0003_orders"); may be nil.
	Log func(format string, args ...any)
}

// Apply runs every migration of plan, in order, over one connection to
// the review database. It stops at the first failure and records where it happened. The
// returned error is only for failures of the machinery (no connection);
// a migration that fails is reported in Result.Failed.
func Apply(ctx context.Context, pg *engine.Postgres, plan *Plan, opts ApplyOptions) (*Result, error) {
	res := &Result{Tool: plan.Tool, Dir: plan.Dir, Found: len(plan.Migrations)}
	start := time.Now()
	defer func() { res.Duration = time.Since(start) }()
	conn, err := pgx.Connect(ctx, pg.URL)
	if err != nil {
		return nil, err
	}
	defer conn.Close(context.Background())
	for i, m := range plan.Migrations {
		if opts.Log != nil {
			opts.Log("migration %d/%d: %s", i+1, len(plan.Migrations), m.ID())
		}
		stepStart := time.Now()
		done, err := plan.Runner.Up(ctx, conn, m)
		if err != nil {
			if ctx.Err() != nil {
				return res, ctx.Err()
			}
			res.Failed = failureOf(m, err)
			return res, nil
		}
		res.Steps = append(res.Steps, &Step{Migration: m, Statements: done, Duration: time.Since(stepStart)})
		res.recordOrigins(done)
		res.Applied++
	}
	return res, nil
}

func failureOf(m *Migration, err error) *Failure {
	f := &Failure{Migration: m.ID(), File: m.File(), Error: err.Error()}
	var se *StatementError
	if errors.As(err, &se) {
		f.File, f.Line, f.Statement, f.SQLState = se.File, se.Statement.Line, firstLine(se.Statement.SQL), se.SQLState()
		f.Error = postgresMessage(se.Err)
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
