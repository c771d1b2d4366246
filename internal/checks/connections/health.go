package connections

import (
	"go/ast"
	"go/token"
	"regexp"
	"strconv"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/dbsite"
	"github.com/pgreview/pgreview/internal/python"
)

// NoConnectionHealthCheck finds pools whose connections are never
// checked.
var NoConnectionHealthCheck = &check.Check{
	Name:     "no-connection-health-check",
	Item:     "2.5",
	Severity: check.Good,
	Doc: `Check connections before use, and expose a database health check.

After a database restart, a failover or an idle timeout in a proxy, the
pool still holds dead connections: the next request on each one fails.
SQLAlchemy's pool_pre_ping=True tests each connection on checkout;
pgxpool checks idle connections every HealthCheckPeriod; psycopg_pool
takes check=ConnectionPool.check_connection. A /healthz endpoint that
runs SELECT 1 (or pool.Ping) lets the orchestrator see the database is
reachable.`,
	Run: runNoConnectionHealthCheck,
}

var selectOne = regexp.MustCompile(`(?i)^\s*select\s+1\s*;?\s*$`)

func runNoConnectionHealthCheck(p *check.Pass) error {
	r := p.Repo
	var pools []*dbsite.Site
	for _, s := range dbsite.AppSites(r) {
		if s.Pool {
			pools = append(pools, s)
		}
	}
	if len(pools) == 0 {
		p.NotApplicable("no connection pool in application code")
		return nil
	}
	found := false
	for _, s := range pools {
		if s.Call != nil {
			if e := s.Call.Kwarg("pool_pre_ping"); e != nil && e.Value == "True" {
				p.Evidence(loc(s.File, s.Line), "%s checks connections on checkout (pool_pre_ping)", s.API)
				found = true
			}
			if e := s.Call.Kwarg("check"); e != nil {
				p.Evidence(loc(s.File, s.Line), "%s checks connections (check=)", s.API)
				found = true
			}
		}
	}
	for _, m := range r.Python() {
		if dbsite.IsTestPath(m.Path) {
			continue
		}
		for _, str := range m.Strings {
			if selectOne.MatchString(str.Value) {
				p.Evidence(loc(m.Path, str.Line), "a SELECT 1 health query")
				found = true
			}
		}
		for _, c := range m.Calls {
			if c.Qualified == "" && c.Method == "ping" && c.Receiver != nil && c.Receiver.Kind != python.Str {
				p.Evidence(loc(m.Path, c.Line), "the database is pinged (%s)", c.Callee)
				found = true
			}
		}
	}
	for _, gf := range r.Go() {
		if gf.Test {
			continue
		}
		ast.Inspect(gf.AST, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.SelectorExpr:
				switch x.Sel.Name {
				case "HealthCheckPeriod", "Ping", "PingContext":
					p.Evidence(loc(gf.Path, gf.Line(x.Pos())), "%s", x.Sel.Name)
					found = true
				}
			case *ast.BasicLit:
				if x.Kind == token.STRING {
					if s, err := strconv.Unquote(x.Value); err == nil && selectOne.MatchString(s) {
						p.Evidence(loc(gf.Path, gf.Line(x.Pos())), "a SELECT 1 health query")
						found = true
					}
				}
			}
			return true
		})
	}
	if !found {
		s := pools[0]
		fix := "set pool_pre_ping=True and add a /healthz endpoint that runs SELECT 1"
		if s.Go != nil {
			fix = "set HealthCheckPeriod (pgxpool) and add a /healthz endpoint that calls pool.Ping"
		}
		p.Reportf(loc(s.File, s.Line), "connections from %s are never checked: after a database restart the pool hands out dead connections; %s", s.API, fix)
	}
	return nil
}
