package resilience

import (
	"fmt"
	"go/ast"
	"regexp"
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/dbcode"
	"github.com/pgreview/pgreview/internal/python"
)

// GracefulDegradation cites a health endpoint that reports the database's
// state instead of failing with it.
var GracefulDegradation = &check.Check{
	Name:     "graceful-degradation",
	Item:     "11.5",
	Severity: check.Info,
	Doc: `Report a database outage; do not crash with it.

A health or readiness endpoint that checks the database and answers 503
(or "degraded") when it is unreachable lets the orchestrator take the
instance out of rotation and bring it back, and lets the parts of the
service that do not need the database keep working. One that raises turns
the outage into stack traces, and one that does not check the database
reports healthy while every request fails.

  @app.get("/readyz")
  def readyz(response: Response):
      try:
          with engine.connect() as conn:
              conn.execute(text("SELECT 1"))
      except OperationalError:
          response.status_code = 503
          return {"database": "unavailable"}
      return {"database": "ok"}`,
	Run: runGracefulDegradation,
}

var healthPath = regexp.MustCompile(`(?i)health|ready|readiness|live|status|ping`)

var healthLibraries = []string{
	"fastapi-health", "django-health-check", "flask-healthz", "healthcheck", "py-healthcheck",
	"github.com/hellofresh/health-go", "github.com/alexliesenfeld/health", "github.com/heptiolabs/healthcheck",
	"github.com/InVisionApp/go-health", "github.com/etherlabsio/healthcheck",
}

func runGracefulDegradation(p *check.Pass) error {
	if dbcode.NoDatabase(p) {
		return nil
	}
	var crashing []string
	px := dbcode.PythonIndex(p.Repo)
	for _, pm := range px.AppModules() {
		for _, f := range pm.Funcs {
			route := routeOf(f)
			pf := px.Func(f)
			if route == "" || !healthPath.MatchString(route) || pf == nil || !pf.Touches {
				continue
			}
			if reportsFailure(pm, f) {
				p.Evidence(at(pm.Path, f.Line), "%s checks the database and reports its failure as a status", route)
			} else {
				crashing = append(crashing, fmt.Sprintf("%s at %s:%d checks the database but lets its errors escape", route, pm.Path, f.Line))
			}
		}
	}
	for _, f := range dbcode.GoIndex(p.Repo).AppFiles() {
		for _, fn := range f.Funcs {
			ping := false
			for _, c := range fn.Calls {
				if c.Op == dbcode.OpPing || c.Op == dbcode.OpRead {
					ping = true
				}
			}
			if ping && writes503(fn) {
				p.Evidence(at(f.Path, fn.Line), "a handler answers 503 when the database does not respond")
			}
		}
	}
	if d, ok := p.Repo.FindDependency(healthLibraries...); ok {
		p.Evidence(at(d.File, d.Line), "health check library %s", d.Name)
	}
	if !p.Cited() {
		hint := "no health endpoint that checks the database and reports 503/degraded was found"
		if len(crashing) > 0 {
			hint = strings.Join(crashing, "; ") + " (a 500 instead of 503/degraded)"
		}
		p.Manual("%s; add a readiness endpoint that answers 503 when the database is unreachable", hint)
	}
	return nil
}

// routeOf is the path of a route decorator (@app.get("/healthz"),
// @router.route("/status"), @bp.get(...)), "" when f is not a route.
func routeOf(f *python.Func) string {
	for _, d := range f.Decorators {
		if d.Kind != python.CallExpr {
			continue
		}
		switch d.Call.Method {
		case "get", "route", "api_route", "head":
			if a := d.Call.Arg(0); a != nil && a.Kind == python.Str && strings.HasPrefix(a.Value, "/") {
				return a.Value
			}
		}
	}
	return ""
}

// reportsFailure: the endpoint catches the failure, or sets a 503.
func reportsFailure(pm *dbcode.PyModule, f *python.Func) bool {
	for _, t := range pm.Trys {
		if t.Line >= f.Line && t.Line <= f.EndLine && len(t.Handlers) > 0 {
			for _, h := range t.Handlers {
				if !h.Reraises {
					return true
				}
			}
		}
	}
	for _, c := range f.Calls {
		if v := c.Kwarg("status_code"); v != nil && (v.Value == "503" || strings.Contains(v.Text, "503") || strings.Contains(v.Text, "SERVICE_UNAVAILABLE")) {
			return true
		}
	}
	return false
}

// writes503: a Go function (or handler literal) answers 503.
func writes503(fn *dbcode.GoFunc) bool {
	var body ast.Node = fn.Lit
	if fn.Decl != nil {
		body = fn.Decl
	}
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			if n.Sel.Name == "StatusServiceUnavailable" {
				found = true
			}
		case *ast.BasicLit:
			if n.Value == "503" {
				found = true
			}
		}
		return !found
	})
	return found
}
