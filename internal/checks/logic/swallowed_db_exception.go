package logic

import (
	"fmt"
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/dbcode"
	"github.com/pgreview/pgreview/internal/python"
)

// SwallowedDBException finds except clauses that silently swallow the
// errors of database work.
var SwallowedDBException = &check.Check{
	Name:     "swallowed-db-exception",
	Item:     "6.1",
	Severity: check.Important,
	Doc: `Do not swallow database errors.

"except Exception: pass" (or a bare "except:") around a query, a write or a
commit hides every failure: a lost connection, a constraint violation, a
deadlock. The request looks successful, the data is not written, and with
SQLAlchemy the session is left in a failed transaction that breaks the next
use. Catch the specific error you expect (IntegrityError for a duplicate),
roll back, and log or re-raise the rest:

  try:
      session.commit()
  except IntegrityError:
      session.rollback()
      raise DuplicateOrder(order_id)`,
	Run: runSwallowedDBException,
}

// broadErrors are the exception types that catch any database failure.
var broadErrors = map[string]bool{
	"Exception": true, "BaseException": true,
	"sqlalchemy.exc.SQLAlchemyError": true, "sqlalchemy.exc.DBAPIError": true, "sqlalchemy.exc.DatabaseError": true,
	"sqlalchemy.exc.StatementError": true, "sqlalchemy.exc.OperationalError": true,
	"psycopg.Error": true, "psycopg.DatabaseError": true, "psycopg.OperationalError": true,
	"psycopg2.Error": true, "psycopg2.DatabaseError": true, "psycopg2.OperationalError": true,
	"asyncpg.PostgresError": true, "asyncpg.exceptions.PostgresError": true,
	"asyncpg.exceptions._base.PostgresError": true, "asyncpg.InterfaceError": true,
}

// connectionErrors are retried by retry loops that swallow them on purpose.
var connectionErrors = map[string]bool{
	"sqlalchemy.exc.OperationalError": true, "psycopg.OperationalError": true, "psycopg2.OperationalError": true,
	"asyncpg.InterfaceError": true, "ConnectionError": true, "OSError": true,
}

func runSwallowedDBException(p *check.Pass) error {
	if dbcode.NoDatabase(p) {
		return nil
	}
	px := dbcode.PythonIndex(p.Repo)
	for _, pm := range px.Modules {
		if !pm.DBAware || pm.Test {
			continue
		}
		for _, t := range pm.Trys {
			work := firstWork(px, pm, t.Calls)
			if work == nil {
				continue
			}
			for _, h := range t.Handlers {
				caught, broad := caughtBroadly(h)
				bare := len(h.Types) == 0
				if !broad || h.Reraises || !(h.Swallows || bare) {
					continue
				}
				if retries(work, h) {
					continue
				}
				what := describeWork(px, pm, work)
				if bare && !h.Swallows {
					p.Reportf(at(pm.Path, h.Line), "a bare except: around %s at line %d catches every error, including KeyboardInterrupt and SystemExit, and does not re-raise; catch the specific errors you handle and re-raise the rest", what, work.Line)
					continue
				}
				p.Reportf(at(pm.Path, h.Line), "%q swallows any failure of %s at line %d: the handler does nothing, so the error vanishes and the transaction is left failed; catch the specific error you expect, roll back, and log or re-raise", exceptText(h, caught), what, work.Line)
			}
		}
	}
	return nil
}

// firstWork is the first call of a try body that does database work.
func firstWork(px *dbcode.Python, pm *dbcode.PyModule, calls []*python.Call) *python.Call {
	for _, c := range calls {
		if dc := px.CallOf(pm, c); dc != nil {
			if dc.Op.Work() {
				return c
			}
			continue
		}
		if callee := px.Callee(pm, c); callee != nil && callee.Touches {
			return c
		}
	}
	return nil
}

func describeWork(px *dbcode.Python, pm *dbcode.PyModule, c *python.Call) string {
	if dc := px.CallOf(pm, c); dc != nil {
		return describe(dc)
	}
	return fmt.Sprintf("%s() (which uses the database)", c.Callee)
}

func caughtBroadly(h *python.Except) (string, bool) {
	if len(h.Types) == 0 {
		return "", true
	}
	for _, t := range h.Types {
		if broadErrors[t] {
			return t, true
		}
	}
	return "", false
}

// retries: a handler that only swallows connection errors inside a loop
// that stops on success is a retry loop, not a swallow.
func retries(work *python.Call, h *python.Except) bool {
	l := innerLoop(work)
	if l == nil || !l.Exits || overData(l) {
		return false
	}
	for _, t := range h.Types {
		if !connectionErrors[t] && t != "Exception" {
			return false
		}
	}
	return true
}

func exceptText(h *python.Except, caught string) string {
	if len(h.Types) == 0 {
		return "except:"
	}
	short := caught
	if i := strings.LastIndex(short, "."); i >= 0 {
		short = short[i+1:]
	}
	return "except " + short + ":"
}
