package monitoring

import (
	"go/ast"
	"go/token"
	"regexp"
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/dbcode"
	"github.com/pgreview/pgreview/internal/dbsite"
	"github.com/pgreview/pgreview/internal/python"
)

// PoolMetrics cites where the connection pool's state is observed.
var PoolMetrics = &check.Check{
	Name:     "pool-metrics",
	Item:     "9.2",
	Severity: check.Info,
	Doc: `Export the connection pool's metrics.

Pool exhaustion looks like a slow database from the outside: requests wait
for a connection, not for a query. Only the pool's own numbers (in use,
idle, waiting, wait time) tell the two apart. Export them:

  @event.listens_for(engine, "checkout") ...      # SQLAlchemy pool events
  engine.pool.status()                            # or poll the status
  pool.get_stats()                                # psycopg_pool
  stat := pool.Stat(); stat.AcquiredConns() ...   // pgxpool
  prometheus.MustRegister(collectors.NewDBStatsCollector(db, "app"))  // database/sql`,
	Run: runPoolMetrics,
}

// poolEvents are the events that track connections in and out of the
// pool; "connect" is usually a per-connection setup hook, not a metric.
var poolEvents = map[string]bool{"checkout": true, "checkin": true}

// metricsFunc names a function that gathers or reports metrics; reading
// the pool's state elsewhere (to size it, say) is not monitoring.
var metricsFunc = regexp.MustCompile(`(?i)metric|monitor|stats|report|collect|export|gauge|observe`)

// poolCalls are the method names the Python side looks at.
var poolCalls = map[string]bool{
	"listens_for": true, "listen": true, "status": true, "checkedout": true, "checkedin": true, "overflow": true,
	"get_stats": true, "pop_stats": true, "get_idle_size": true, "get_size": true, "instrument": true,
}

var pyMetricsLibs = []string{"prometheus_client", "opentelemetry", "statsd", "datadog", "aioprometheus", "starlette_exporter", "prometheus_fastapi_instrumentator"}

var goMetricsLibs = []string{"github.com/prometheus/", "go.opentelemetry.io/otel", "expvar", "github.com/DataDog/", "github.com/cactus/go-statsd", "github.com/armon/go-metrics", "github.com/hashicorp/go-metrics", "github.com/rcrowley/go-metrics"}

func runPoolMetrics(p *check.Pass) error {
	if dbcode.NoDatabase(p) {
		return nil
	}
	for _, m := range p.Repo.Python() {
		if dbsite.IsTestPath(m.Path) {
			continue
		}
		metricsModule := m.ImportsAny(pyMetricsLibs...)
		for _, c := range m.Calls {
			if !poolCalls[c.Method] {
				continue
			}
			reports := metricsModule || c.Func != nil && metricsFunc.MatchString(c.Func.Name)
			switch {
			case (c.Qualified == "sqlalchemy.event.listens_for" || c.Qualified == "sqlalchemy.event.listen") && poolEvent(c) && reports:
				p.Evidence(at(m.Path, c.Line), "SQLAlchemy pool %q events are observed", c.Arg(1).Value)
			case !reports:
			case c.Receiver != nil && strings.HasSuffix(c.Receiver.Text, "pool") && (c.Method == "status" || c.Method == "checkedout" || c.Method == "checkedin" || c.Method == "overflow"):
				p.Evidence(at(m.Path, c.Line), "the pool's state is read (%s)", c.Callee)
			case c.Receiver != nil && (c.Method == "get_stats" || c.Method == "pop_stats") && strings.Contains(strings.ToLower(c.Receiver.Text), "pool"):
				p.Evidence(at(m.Path, c.Line), "psycopg_pool statistics are read (%s)", c.Callee)
			case c.Receiver != nil && (c.Method == "get_idle_size" || c.Method == "get_size") && strings.Contains(strings.ToLower(c.Receiver.Text), "pool"):
				p.Evidence(at(m.Path, c.Line), "asyncpg pool size is read (%s)", c.Callee)
			case c.Method == "instrument" && c.Receiver != nil && c.Receiver.Kind == python.CallExpr && c.Receiver.Call.Method == "SQLAlchemyInstrumentor":
				p.Evidence(at(m.Path, c.Line), "OpenTelemetry's SQLAlchemy instrumentation records pool usage (db.client.connections.usage)")
			}
		}
	}
	for _, f := range dbcode.GoIndex(p.Repo).AppFiles() {
		metricsFile := false
		for _, imp := range f.AST.Imports {
			for _, lib := range goMetricsLibs {
				if strings.HasPrefix(strings.Trim(imp.Path.Value, `"`), lib) {
					metricsFile = true
				}
			}
		}
		handles := map[string]bool{}
		for _, fn := range f.Funcs {
			for _, c := range fn.Calls {
				if c.Handle == dbcode.HandlePool {
					handles[c.Recv] = true
				}
			}
		}
		ast.Inspect(f.AST, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if name := typeName(f, sel); name != "" {
				switch {
				case strings.HasSuffix(name, "collectors.NewDBStatsCollector"), strings.HasPrefix(name, "otelpgx.RecordStats"),
					strings.HasPrefix(name, "otelsql.RegisterDBStatsMetrics"), strings.HasPrefix(name, "pgxpoolprometheus.NewCollector"):
					p.Evidence(at(f.Path, f.Line(call.Pos())), "%s exports the pool's metrics", name)
				}
				return true
			}
			if (sel.Sel.Name == "Stat" || sel.Sel.Name == "Stats") && len(call.Args) == 0 && (handles[exprString(sel.X)] || poolName(exprString(sel.X))) &&
				(metricsFile || metricsFunc.MatchString(enclosingFunc(f, call.Pos()))) {
				p.Evidence(at(f.Path, f.Line(call.Pos())), "the pool's statistics are read (%s.%s())", exprString(sel.X), sel.Sel.Name)
			}
			return true
		})
	}
	p.ManualUnlessCited("no pool metrics found (SQLAlchemy pool events or pool.status(), psycopg_pool get_stats(), pgxpool Stat(), sql.DB Stats())")
	return nil
}

func poolEvent(c *python.Call) bool {
	e := c.Arg(1)
	return e != nil && e.Kind == python.Str && poolEvents[e.Value]
}

func poolName(s string) bool {
	l := strings.ToLower(s)
	return strings.HasSuffix(l, "pool") || strings.HasSuffix(l, "db")
}

func exprString(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return exprString(e.X) + "." + e.Sel.Name
	}
	return ""
}

// enclosingFunc names the declared function that contains pos.
func enclosingFunc(f *dbcode.GoFile, pos token.Pos) string {
	for _, d := range f.AST.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Pos() <= pos && pos < fd.End() {
			return fd.Name.Name
		}
	}
	return ""
}
