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
//
// Under a context from inOneRoundTrip, a transactional script is sent
// whole, as one multi-statement query; if anything in it fails, nothing
// was committed, and it runs again statement by statement so that the
// error names its statement.
func ExecScript(ctx context.Context, conn *pgx.Conn, s *Script, prologue, epilogue string) ([]ExecutedStatement, error) {
	if s.Err != nil {
		return nil, s.Err
	}
	if oneRoundTrip(ctx) && sendableWhole(s) {
		if done, ok := execWhole(ctx, conn, s, prologue, epilogue); ok {
			return done, nil
		}
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

type oneRoundTripKey struct{}

// inOneRoundTrip marks ctx for callers that need no per-statement timing
// (the round trip's down and second up): ExecScript may then send a
// transactional script in one round trip instead of one per statement.
func inOneRoundTrip(ctx context.Context) context.Context {
	return context.WithValue(ctx, oneRoundTripKey{}, true)
}

func oneRoundTrip(ctx context.Context) bool { return ctx.Value(oneRoundTripKey{}) != nil }

// sendableWhole reports whether s can travel as one query with the same
// effect as statement by statement: it runs in one transaction that it
// does not end itself. (A statement that merely starts with such a word
// sends the script the slow way; that costs time, not correctness.)
func sendableWhole(s *Script) bool {
	if s.NoTransaction || s.Autocommit {
		return false
	}
	for _, st := range s.Statements {
		switch strings.ToUpper(firstWord(st.SQL)) {
		case "BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT", "PREPARE":
			return false
		}
	}
	return true
}

// firstWord is the run of letters that opens sql, after any comments.
func firstWord(sql string) string {
	sql = sql[leadingComments(sql):]
	end := strings.IndexFunc(sql, func(r rune) bool { return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z') })
	if end < 0 {
		return sql
	}
	return sql[:end]
}

// execWhole sends BEGIN, the bookkeeping, the statements and COMMIT as one
// simple-protocol query. It reports false when anything failed: the
// transaction is then rolled back and the database is as it was.
func execWhole(ctx context.Context, conn *pgx.Conn, s *Script, prologue, epilogue string) ([]ExecutedStatement, bool) {
	parts := []string{"BEGIN", prologue}
	for _, st := range s.Statements {
		parts = append(parts, st.SQL)
	}
	parts = append(parts, epilogue, "COMMIT")
	if _, err := conn.Exec(ctx, join(parts...), pgx.QueryExecModeSimpleProtocol); err != nil {
		if conn.PgConn().TxStatus() != 'I' {
			conn.Exec(context.WithoutCancel(ctx), "ROLLBACK")
		}
		return nil, false
	}
	done := make([]ExecutedStatement, len(s.Statements))
	for i, st := range s.Statements {
		done[i] = ExecutedStatement{Statement: st, File: s.File, InTransaction: true} // untimed
	}
	return done, true
}

// join joins SQL statements with semicolons on lines of their own,
// skipping empty ones: a statement may end in a comment, which would
// swallow a semicolon on its last line.
func join(stmts ...string) string {
	var b strings.Builder
	for _, s := range stmts {
		if strings.TrimSpace(s) != "" {
			b.WriteString(s)
			b.WriteString("\n;\n")
		}
	}
	return b.String()
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
