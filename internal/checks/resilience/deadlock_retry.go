package resilience

import (
	"go/ast"
	"regexp"
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/dbcode"
	"github.com/pgreview/pgreview/internal/python"
)

// DeadlockRetry cites retries of deadlocks and serialization failures,
// and finds serializable transactions that nothing retries.
var DeadlockRetry = &check.Check{
	Name:     "deadlock-retry",
	Item:     "11.3",
	Severity: check.Good,
	Doc: `Retry transactions that fail with a deadlock or a serialization failure.

Postgres resolves a deadlock by aborting one of the transactions with
SQLSTATE 40P01, and under SERIALIZABLE or REPEATABLE READ it aborts
transactions that conflict with 40001. Both are safe to retry from the
start, and under those isolation levels retrying is part of the contract:
without it, ordinary concurrency surfaces as errors. Retry the whole
transaction a few times with jitter:

  @retry(retry=retry_if_exception_type((DeadlockDetected, SerializationFailure)),
         stop=stop_after_attempt(3), wait=wait_random_exponential(max=1))

  if pgErr, ok := errors.AsType[*pgconn.PgError](err); ok &&
      (pgErr.Code == pgerrcode.SerializationFailure || pgErr.Code == pgerrcode.DeadlockDetected) { retry }`,
	Run: runDeadlockRetry,
}

var retryableErrors = map[string]bool{
	"DeadlockDetected": true, "SerializationFailure": true, "TransactionRollbackError": true,
	"DeadlockDetectedError": true, "SerializationError": true, "TransactionRollback": true,
}

var (
	sqlstates   = regexp.MustCompile(`^(40P01|40001)$`)
	isoLevel    = regexp.MustCompile(`(?i)\b(SERIALIZABLE|REPEATABLE[ _]READ)\b`)
	goIsoLevels = map[string]bool{"Serializable": true, "RepeatableRead": true, "LevelSerializable": true, "LevelRepeatableRead": true}
)

func runDeadlockRetry(p *check.Pass) error {
	if dbcode.NoDatabase(p) {
		return nil
	}
	type strict struct {
		file, what string
		line       int
	}
	var isolated []strict
	px := dbcode.PythonIndex(p.Repo)
	for _, pm := range px.AppModules() {
		for _, t := range pm.Trys {
			for _, h := range t.Handlers {
				if caught := catches(h, retryableErrors); caught != "" && retriesAfter(h, t) {
					p.Evidence(at(pm.Path, h.Line), "%s (SQLSTATE %s) is caught and retried", shortType(caught), stateOf(caught))
				}
			}
		}
		for _, f := range pm.Funcs {
			for _, d := range f.Decorators {
				if d.Kind == python.CallExpr && retryDecorators[d.Call.Qualified] && retryableIn(d.Text) != "" {
					p.Evidence(at(pm.Path, d.Line), "%s() is retried on %s", f.Name, retryableIn(d.Text))
				}
			}
		}
		for _, s := range pm.Strings {
			if sqlstates.MatchString(s.Value) {
				p.Evidence(at(pm.Path, s.Line), "SQLSTATE %s is checked", s.Value)
			}
		}
		for _, c := range pm.Module.Calls {
			if v := c.Kwarg("isolation_level"); v != nil && v.Kind == python.Str && isoLevel.MatchString(v.Value) {
				isolated = append(isolated, strict{pm.Path, "isolation_level=" + v.Text, v.Line})
			}
		}
		for _, c := range pm.Calls {
			if c.SQL != "" && strings.Contains(strings.ToUpper(c.SQL), "ISOLATION LEVEL") && isoLevel.MatchString(c.SQL) {
				isolated = append(isolated, strict{pm.Path, strings.ToUpper(isoLevel.FindString(c.SQL)), c.Line})
			}
		}
	}
	g := dbcode.GoIndex(p.Repo)
	goSelectors(g, func(f *dbcode.GoFile, line int, pkg, name string) {
		switch {
		case strings.HasSuffix(pkg, "pgerrcode") && (name == "DeadlockDetected" || name == "SerializationFailure"):
			p.Evidence(at(f.Path, line), "pgerrcode.%s is checked", name)
		case strings.Contains(pkg, "cockroach-go") && strings.HasPrefix(name, "ExecuteTx"):
			p.Evidence(at(f.Path, line), "%s retries the transaction on 40001", name)
		}
	})
	// Isolation levels chosen for a transaction: pgx.TxOptions{IsoLevel:
	// pgx.Serializable}, sql.TxOptions{Isolation: sql.LevelSerializable}.
	// A driver mapping one level to another is not a choice.
	for _, f := range g.AppFiles() {
		ast.Inspect(f.AST, func(n ast.Node) bool {
			kv, ok := n.(*ast.KeyValueExpr)
			if !ok {
				return true
			}
			key, ok := kv.Key.(*ast.Ident)
			if !ok || key.Name != "IsoLevel" && key.Name != "Isolation" {
				return true
			}
			if sel, ok := kv.Value.(*ast.SelectorExpr); ok && goIsoLevels[sel.Sel.Name] {
				if id, ok := sel.X.(*ast.Ident); ok {
					if pkg := f.ImportPath(id.Name); pkg == "github.com/jackc/pgx" || pkg == "database/sql" {
						isolated = append(isolated, strict{f.Path, pkgName(pkg) + "." + sel.Sel.Name, f.Line(kv.Pos())})
					}
				}
			}
			return true
		})
		for _, fn := range f.Funcs {
			for _, c := range fn.Calls {
				if strings.Contains(strings.ToUpper(c.SQL), "ISOLATION LEVEL") && isoLevel.MatchString(c.SQL) {
					isolated = append(isolated, strict{f.Path, strings.ToUpper(isoLevel.FindString(c.SQL)), c.Line})
				}
			}
		}
	}
	goStrings(g, func(f *dbcode.GoFile, line int, s string) {
		if sqlstates.MatchString(s) {
			p.Evidence(at(f.Path, line), "SQLSTATE %s is checked", s)
		}
	})
	if p.Cited() {
		return nil
	}
	for _, s := range isolated {
		p.Reportf(at(s.file, s.line), "transactions run with %s, where Postgres aborts conflicting transactions with SQLSTATE 40001 by design, and nothing in the repository retries them: retry the whole transaction on 40001 (and 40P01 deadlocks)", s.what)
	}
	if len(isolated) == 0 {
		p.Manual("nothing retries deadlocks (40P01) or serialization failures (40001); decide whether concurrent writes to the same rows can happen, and retry the transaction where they can")
	}
	return nil
}

func stateOf(exc string) string {
	if strings.Contains(exc, "Deadlock") {
		return "40P01"
	}
	if strings.Contains(exc, "TransactionRollback") {
		return "40xxx"
	}
	return "40001"
}

func pkgName(p string) string {
	if i := strings.LastIndex(p, "/"); i >= 0 {
		return p[i+1:]
	}
	return p
}

var retryableName = regexp.MustCompile(`DeadlockDetected(Error)?|SerializationFailure|SerializationError|TransactionRollbackError`)

// retryableIn names the retryable errors a decorator's arguments mention.
func retryableIn(text string) string {
	return strings.Join(retryableName.FindAllString(text, -1), ", ")
}
