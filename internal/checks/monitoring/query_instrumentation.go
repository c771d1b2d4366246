package monitoring

import (
	"go/ast"
	"regexp"
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/dbcode"
	"github.com/pgreview/pgreview/internal/dbsite"
	"github.com/pgreview/pgreview/internal/python"
	"github.com/pgreview/pgreview/internal/repo"
)

// QueryInstrumentation cites tracing of the application's queries in its
// code: OpenTelemetry instrumentors, pgx tracers, APM agents.
var QueryInstrumentation = &check.Check{
	Name:     "query-instrumentation",
	Item:     "9.1",
	Severity: check.Info,
	Doc: `Trace the application's queries.

Query traces tie a slow request to the statement that made it slow, with
its duration and the code that sent it, which the server-side statistics
of pg_stat_statements cannot. Instrument the driver or ORM once, where the
engine or pool is created:

  SQLAlchemyInstrumentor().instrument(engine=engine)        # OpenTelemetry
  cfg.ConnConfig.Tracer = otelpgx.NewTracer()               // pgx

or run the service under an auto-instrumentation agent (opentelemetry-
instrument, ddtrace-run). This check cites instrumentation set up in the
code; pg-stat-statements covers the server side of the item.`,
	Run: runQueryInstrumentation,
}

var (
	instrumentors = regexp.MustCompile(`^(SQLAlchemyInstrumentor|PsycopgInstrumentor|Psycopg2Instrumentor|AsyncPGInstrumentor|AiopgInstrumentor)$`)
	agents        = regexp.MustCompile(`\b(opentelemetry-instrument|ddtrace-run|newrelic-admin\s+run-program|elastic-apm)\b`)
)

func runQueryInstrumentation(p *check.Pass) error {
	if dbcode.NoDatabase(p) {
		return nil
	}
	for _, m := range p.Repo.Python() {
		if dbsite.IsTestPath(m.Path) {
			continue
		}
		for _, c := range m.Calls {
			switch {
			case c.Method == "instrument" && c.Receiver != nil && c.Receiver.Kind == python.CallExpr && instrumentors.MatchString(c.Receiver.Call.Method):
				p.Evidence(at(m.Path, c.Line), "%s traces the queries (OpenTelemetry)", c.Receiver.Call.Method)
			case c.Method == "SqlalchemyIntegration" || c.Method == "AsyncPGIntegration":
				p.Evidence(at(m.Path, c.Line), "Sentry's %s traces the queries", c.Method)
			case c.Qualified == "ddtrace.patch" && (c.Kwarg("sqlalchemy") != nil || c.Kwarg("psycopg") != nil || c.Kwarg("asyncpg") != nil),
				c.Qualified == "ddtrace.patch_all":
				p.Evidence(at(m.Path, c.Line), "Datadog's ddtrace traces the queries")
			}
		}
	}
	g := dbcode.GoIndex(p.Repo)
	for _, f := range g.AppFiles() {
		ast.Inspect(f.AST, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.AssignStmt:
				if sel, ok := n.Lhs[0].(*ast.SelectorExpr); ok && sel.Sel.Name == "Tracer" && len(n.Rhs) == 1 {
					if tracer := goCallName(f, n.Rhs[0]); tracer != "" && !strings.Contains(tracer, "tracelog") {
						p.Evidence(at(f.Path, f.Line(n.Pos())), "the pgx connection traces queries with %s", tracer)
					}
				}
			case *ast.CallExpr:
				if name := goCallName(f, n); strings.Contains(name, "otelsql.") && (strings.HasSuffix(name, ".Open") || strings.HasSuffix(name, ".Register") || strings.HasSuffix(name, ".OpenDB")) {
					p.Evidence(at(f.Path, f.Line(n.Pos())), "%s traces database/sql queries", name)
				}
			}
			return true
		})
	}
	for _, f := range p.Repo.FilesOf(repo.KindDockerfile, repo.KindCompose, repo.KindOther) {
		if f.Kind == repo.KindOther && !strings.EqualFold(f.Path, "Procfile") {
			continue
		}
		for i, line := range strings.Split(f.Text(), "\n") {
			if m := agents.FindString(line); m != "" && !strings.HasPrefix(strings.TrimSpace(line), "#") {
				p.Evidence(at(f.Path, i+1), "the service runs under %s, which traces database calls", m)
			}
		}
	}
	p.ManualUnlessCited("no query tracing set up in the code (OpenTelemetry SQLAlchemy/psycopg/asyncpg instrumentors, otelpgx, an APM agent)")
	return nil
}

// goCallName names a call pkg.Func by its import path's last element:
// "otelpgx.NewTracer", "otelsql.Open". "" when it is not such a call.
func goCallName(f *dbcode.GoFile, e ast.Expr) string {
	call, ok := e.(*ast.CallExpr)
	if !ok {
		if u, ok := e.(*ast.UnaryExpr); ok {
			if cl, ok := u.X.(*ast.CompositeLit); ok {
				return typeName(f, cl.Type)
			}
		}
		if cl, ok := e.(*ast.CompositeLit); ok {
			return typeName(f, cl.Type)
		}
		return ""
	}
	return typeName(f, call.Fun)
}

func typeName(f *dbcode.GoFile, e ast.Expr) string {
	sel, ok := e.(*ast.SelectorExpr)
	if !ok {
		return ""
	}
	id, ok := sel.X.(*ast.Ident)
	if !ok {
		return ""
	}
	p := f.ImportPath(id.Name)
	if p == "" {
		return ""
	}
	return p[strings.LastIndex(p, "/")+1:] + "." + sel.Sel.Name
}
