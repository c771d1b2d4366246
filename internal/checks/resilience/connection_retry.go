package resilience

import (
	"go/ast"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/dbcode"
	"github.com/pgreview/pgreview/internal/python"
)

// ConnectionRetry cites how the code survives a database that is briefly
// unreachable.
var ConnectionRetry = &check.Check{
	Name:     "connection-retry",
	Item:     "11.1",
	Severity: check.Good,
	Doc: `Survive a database that is briefly unreachable.

Databases restart: upgrades, failovers, a container that comes up after the
app. Code that connects once at start-up and gives up, or keeps a pooled
connection the server has closed, turns a few seconds of downtime into a
crash loop or a burst of failed requests. Retry connecting with backoff at
start-up, and let the pool replace dead connections:

  @retry(retry=retry_if_exception_type(OperationalError),
         wait=wait_exponential(max=10), stop=stop_after_delay(60))
  def wait_for_db(): ...

  create_engine(url, pool_pre_ping=True)
  cfg.HealthCheckPeriod = 30 * time.Second   // pgxpool

This check cites what it finds; when it finds nothing, a human decides
whether the platform (restart policies, a proxy) covers it.`,
	Run: runConnectionRetry,
}

// connectionErrors are what a lost or refused connection raises.
var connectionErrors = map[string]bool{
	"OperationalError": true, "InterfaceError": true, "DisconnectionError": true,
	"ConnectionDoesNotExistError": true, "CannotConnectNowError": true, "ConnectionFailureError": true,
	"ConnectionRefusedError": true, "ConnectionError": true, "PostgresConnectionError": true,
	"TooManyConnectionsError": true, "AdminShutdown": true,
}

// retryDecorators retry the function they decorate.
var retryDecorators = map[string]bool{
	"tenacity.retry": true, "backoff.on_exception": true, "retrying.retry": true, "stamina.retry": true,
	"retry.retry": true, "tenacity.AsyncRetrying": true,
}

var goRetryLibraries = []string{
	"github.com/cenkalti/backoff", "github.com/avast/retry-go", "github.com/sethvargo/go-retry",
	"github.com/hashicorp/go-retryablehttp", "github.com/failsafe-go/failsafe-go",
}

func runConnectionRetry(p *check.Pass) error {
	if dbcode.NoDatabase(p) {
		return nil
	}
	px := dbcode.PythonIndex(p.Repo)
	for _, pm := range px.AppModules() {
		for _, t := range pm.Trys {
			for _, h := range t.Handlers {
				caught := catches(h, connectionErrors)
				if caught == "" || !retriesAfter(h, t) {
					continue
				}
				p.Evidence(at(pm.Path, h.Line), "%s is caught and retried", shortType(caught))
			}
		}
		for _, f := range pm.Funcs {
			pf := px.Func(f)
			if pf == nil || !pf.Touches && !connects(pm.Module, f) {
				continue
			}
			if d := decoratedWith(pm.Module, f, retryDecorators); d != "" {
				p.Evidence(at(pm.Path, f.Line), "%s() is retried with @%s", f.Name, d)
			}
		}
		for _, c := range pm.Module.Calls {
			if v := c.Kwarg("pool_pre_ping"); v != nil && v.Value == "True" {
				p.Evidence(at(pm.Path, v.Line), "pool_pre_ping=True replaces connections the server closed")
			}
		}
	}
	g := dbcode.GoIndex(p.Repo)
	for _, f := range g.AppFiles() {
		for _, fn := range f.Funcs {
			for _, c := range fn.Calls {
				if (c.Op == dbcode.OpPing || c.Method == "Connect") && c.Loop != nil && loopSleeps(c.Loop) {
					p.Evidence(at(f.Path, c.Line), "%s.%s is retried in a loop at start-up", c.Recv, c.Method)
				}
			}
		}
	}
	goSelectors(g, func(f *dbcode.GoFile, line int, pkg, name string) {
		if pkg == "github.com/jackc/pgx/pgconn" && (name == "SafeToRetry" || name == "Timeout") {
			p.Evidence(at(f.Path, line), "pgconn.%s decides which failures to retry", name)
		}
	})
	for _, f := range g.AppFiles() {
		ast.Inspect(f.AST, func(n ast.Node) bool {
			as, ok := n.(*ast.AssignStmt)
			if !ok || len(as.Lhs) != 1 {
				return true
			}
			if sel, ok := as.Lhs[0].(*ast.SelectorExpr); ok && sel.Sel.Name == "HealthCheckPeriod" {
				p.Evidence(at(f.Path, f.Line(as.Pos())), "pgxpool HealthCheckPeriod replaces broken connections")
			}
			return true
		})
	}
	if d, ok := p.Repo.FindDependency(goRetryLibraries...); ok {
		p.Evidence(at(d.File, d.Line), "retry library %s", d.Name)
	}
	p.ManualUnlessCited("nothing catches and retries connection errors (OperationalError, a failed Ping); retry with backoff at start-up and pre-ping pooled connections, or confirm the platform restarts the app")
	return nil
}

// retriesAfter: the handler is in a retry loop (the try sits in a loop
// that exits on success), or it sleeps or calls retry.
func retriesAfter(h *python.Except, t *python.Try) bool {
	for _, c := range h.Calls {
		switch c.Method {
		case "sleep", "retry", "wait":
			return true
		}
	}
	for _, c := range t.Calls {
		if len(c.Loops) > 0 {
			l := c.Loops[len(c.Loops)-1]
			if l.Exits || l.Kind == "while" {
				return true
			}
		}
	}
	return false
}

// connects: the function opens connections (create_engine, connect).
func connects(m *python.Module, f *python.Func) bool {
	for _, c := range f.Calls {
		switch c.Method {
		case "connect", "create_engine", "create_async_engine", "create_pool", "ping":
			return true
		}
	}
	return false
}

// loopSleeps: a Go loop that waits between attempts.
func loopSleeps(l ast.Stmt) bool {
	found := false
	ast.Inspect(l, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok && (sel.Sel.Name == "Sleep" || sel.Sel.Name == "After" || sel.Sel.Name == "NewTimer") {
				found = true
			}
		}
		return !found
	})
	return found
}
