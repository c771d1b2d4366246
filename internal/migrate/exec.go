package migrate

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// StatementError is a statement that Postgres refused.
type StatementError struct {
	File      string
	Statement Statement
	Err       error
}

func (e *StatementError) Error() string {
	return fmt.Sprintf("%s:%d: %v", e.File, e.Statement.Line, e.Err)
}

func (e *StatementError) Unwrap() error { return e.Err }

// SQLState returns the Postgres error code, or "".
func (e *StatementError) SQLState() string {
	var pgErr *pgconn.PgError
	if errors.As(e.Err, &pgErr) {
		return pgErr.Code
	}
	return ""
}

// ExecScript runs a script's statements one by one over conn, inside one
// transaction unless the script says otherwise, and times each statement.
// before, when not nil, runs inside the transaction before the first
// statement (bookkeeping), after runs after the last (in a transaction of
// its own for scripts that run outside one).
func ExecScript(ctx context.Context, conn *pgx.Conn, s *Script, before, after func(pgx.Tx) error) ([]ExecutedStatement, error) {
	if s.Err != nil {
		return nil, s.Err
	}
	var done []ExecutedStatement
	run := func(exec func(string) error, inTx func() bool) error {
		for _, st := range s.Statements {
			tx := inTx()
			start := time.Now()
			if err := exec(st.SQL); err != nil {
				return &StatementError{File: s.File, Statement: st, Err: err}
			}
			done = append(done, ExecutedStatement{Statement: st, File: s.File, Duration: time.Since(start), InTransaction: tx})
		}
		return nil
	}
	direct := func(q string) error { _, err := conn.Exec(ctx, q, pgx.QueryExecModeSimpleProtocol); return err }
	if s.NoTransaction || s.Autocommit {
		inTx := func() bool { return conn.PgConn().TxStatus() != 'I' }
		if err := run(direct, inTx); err != nil {
			// A script that opened its own transaction (BEGIN; ...) and
			// failed in it leaves the session aborted, as psql would not.
			if conn.PgConn().TxStatus() != 'I' {
				conn.Exec(context.WithoutCancel(ctx), "ROLLBACK")
			}
			return done, err
		}
		if conn.PgConn().TxStatus() != 'I' {
			conn.Exec(context.WithoutCancel(ctx), "ROLLBACK")
			return done, &StatementError{File: s.File, Statement: lastStatement(s), Err: errors.New("the script opens a transaction (BEGIN) and never commits it; add COMMIT at its end")}
		}
		if after != nil {
			return done, pgx.BeginFunc(ctx, conn, after)
		}
		return done, nil
	}
	err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		if before != nil {
			if err := before(tx); err != nil {
				return err
			}
		}
		inTx := func() bool { return true }
		if err := run(func(q string) error { _, err := tx.Exec(ctx, q, pgx.QueryExecModeSimpleProtocol); return err }, inTx); err != nil {
			return err
		}
		if after != nil {
			return after(tx)
		}
		return nil
	})
	if err != nil {
		done = nil // rolled back
	}
	return done, err
}

func lastStatement(s *Script) Statement {
	if len(s.Statements) == 0 {
		return Statement{Line: s.Line}
	}
	return s.Statements[len(s.Statements)-1]
}

func errNoDown(m *Migration) error {
	return fmt.Errorf("%s has no down migration", m.ID())
}

// firstLine returns the first line of s, shortened for messages.
func firstLine(s string) string {
	s = strings.TrimSpace(s)
	more := false
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s, more = s[:i], true
	}
	if i := strings.Index(s, "--"); i > 0 && !strings.ContainsAny(s[:i], "'\"$") {
		s = strings.TrimSpace(s[:i])
	}
	if more {
		s += " …"
	}
	if len(s) > 200 {
		s = s[:200] + " …"
	}
	return s
}
