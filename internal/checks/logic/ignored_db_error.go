package logic

import (
	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/dbcode"
)

// IgnoredDBError finds Go database calls whose error is dropped.
var IgnoredDBError = &check.Check{
	Name:     "ignored-db-error",
	Item:     "6.1",
	Severity: check.Important,
	Doc: `Check the error of every database call.

pool.Exec(ctx, "UPDATE ...") on a line of its own, "_, _ = db.Exec(...)",
"_ = tx.Commit(ctx)" or "row.Scan(&v)" without looking at the result drop
the only signal that the statement failed: the write is lost, the commit did
not happen, the value was never read, and the caller carries on. Check it:

  if _, err := pool.Exec(ctx, q, id); err != nil {
      return fmt.Errorf("mark order %d shipped: %w", id, err)
  }

Deferred rollbacks ("defer tx.Rollback(ctx)") are fine: after a commit
they are no-ops by design.`,
	Run: runIgnoredDBError,
}

func runIgnoredDBError(p *check.Pass) error {
	if dbcode.NoDatabase(p) {
		return nil
	}
	for _, f := range dbcode.GoIndex(p.Repo).AppFiles() {
		for _, fn := range f.Funcs {
			for _, c := range fn.Calls {
				if !c.ErrIgnored || c.Op == dbcode.OpRollback || c.Op == dbcode.OpClose || c.Op == dbcode.OpPing {
					continue
				}
				if isQuery(c.Method) && !c.Dropped && !c.DatabaseSQL {
					continue // pgx: rows, _ := conn.Query(...); the error surfaces in rows.Err()
				}
				switch {
				case isQuery(c.Method) && !c.Dropped:
					p.Reportf(at(f.Path, c.Line), "the error of %s is ignored: database/sql returns nil rows when the query fails, so using them panics; check the error before using the rows", describeGo(c))
				case c.Method == "QueryRow" || c.Method == "QueryRowContext" || c.Method == "QueryRowx" || c.Method == "QueryRowxContext":
					p.Reportf(at(f.Path, c.Line), "the error of %s(...).Scan is ignored: a failed query or no row (pgx.ErrNoRows / sql.ErrNoRows) leaves the destination unset and the caller carries on; check Scan's error", c.Recv+"."+c.Method)
				case c.Op == dbcode.OpCommit:
					p.Reportf(at(f.Path, c.Line), "the error of %s.Commit is ignored: when the commit fails nothing was written, yet the caller reports success; return the error", c.Recv)
				default:
					p.Reportf(at(f.Path, c.Line), "the error of %s is ignored: if the statement fails nothing notices; check it and return it (with context)", describeGo(c))
				}
			}
		}
	}
	return nil
}

func isQuery(method string) bool {
	switch method {
	case "Query", "QueryContext", "Queryx", "QueryxContext":
		return true
	}
	return false
}
