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
// prologue and epilogue are the tool's bookkeeping SQL (literal, no
// parameters): in a transactional script they travel with BEGIN and
// COMMIT, so bookkeeping costs no extra round trip; otherwise the
// epilogue runs after the last statement as one implicit transaction.
func ExecScript(ctx context.Context, conn *pgx.Conn, s *Script, prologue, epilogue string) ([]ExecutedStatement, error) {
	if s.Err != nil {
		return nil, s.Err
	}
	var done []ExecutedStatement
	exec := func(q string) error { _, err := conn.Exec(ctx, q, pgx.QueryExecModeSimpleProtocol); return err }
	inTx := func() bool { return conn.PgConn().TxStatus() != 'I' }
	rollback := func() {
		if inTx() {
			conn.Exec(context.WithoutCancel(ctx), "ROLLBACK")
		}
	}
	transactional := !s.NoTransaction && !s.Autocommit
	if transactional {
		if err := exec(join("BEGIN", prologue)); err != nil {
			rollback()
			return nil, fmt.Errorf("bookkeeping before %s: %w", s.File, err)
		}
	} else if prologue != "" {
		if err := exec(prologue); err != nil {
			return nil, fmt.Errorf("bookkeeping before %s: %w", s.File, err)
		}
	}
	for _, st := range s.Statements {
		tx := inTx()
		start := time.Now()
		if err := exec(st.SQL); err != nil {
			// A script that opened its own transaction (BEGIN; ...) and
			// failed in it would leave the session aborted.
			rollback()
			if transactional {
				done = nil // rolled back
			}
			return done, &StatementError{File: s.File, Statement: st, Err: err}
		}
		done = append(done, ExecutedStatement{Statement: st, File: s.File, Duration: time.Since(start), InTransaction: tx})
	}
	if !transactional && inTx() {
		rollback()
		return done, &StatementError{File: s.File, Statement: lastStatement(s), Err: errors.New("the script opens a transaction (BEGIN) and never commits it; add COMMIT at its end")}
	}
	end := epilogue
	if transactional {
		end = join(epilogue, "COMMIT")
	}
	if end != "" {
		if err := exec(end); err != nil {
			rollback()
			if transactional {
				done = nil
			}
			return done, fmt.Errorf("bookkeeping after %s: %w", s.File, err)
		}
	}
	return done, nil
}

// join joins SQL statements with semicolons, skipping empty ones.
func join(stmts ...string) string {
	var out []string
	for _, s := range stmts {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return strings.Join(out, "; ")
}

// literal quotes s as an SQL string literal, safe whatever
// standard_conforming_strings is set to.
func literal(s string) string {
	return "E'" + strings.NewReplacer(`\`, `\\`, `'`, `''`).Replace(s) + "'"
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
