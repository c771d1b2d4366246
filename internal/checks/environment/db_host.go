package environment

import (
	"regexp"

	"strings"

	"github.com/compose-spec/compose-go/v2/template"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/dbsite"
	"github.com/pgreview/pgreview/internal/pgurl"
	"github.com/pgreview/pgreview/internal/python"
)

// DBHostLocalhost finds compose services that look for the database on
// localhost, and application code whose database host is fixed in the
// source.
var DBHostLocalhost = &check.Check{
	Name:     "db-host-localhost",
	Item:     "1.3",
	Severity: check.Important,
	Doc: `Reach the database by its service name inside compose, and take the host from the environment.

Inside a container, localhost is the container itself, not the database:
a service whose DATABASE_URL says localhost fails with "connection
refused" as soon as it runs in compose (it only worked on the host, where
the port was published). Use the database service's name (db:5432).
Likewise, a host written in the code (f"...@localhost:5432/app") cannot
change between a laptop, compose, CI and production: read it, or the
whole URL, from the environment. Test configuration that points at a
local throwaway database is not reported.`,
	Run: runDBHostLocalhost,
}

var hostKey = regexp.MustCompile(`(?i)^(pg_?host|postgres(ql)?_host|db_host|database_host|db_hostname|postgres_server|db_server)$`)

func runDBHostLocalhost(p *check.Pass) error {
	r := p.Repo
	db := r.DBService()
	for _, cf := range r.Compose() {
		if dbsite.IsTestPath(cf.Path) || db == nil {
			continue
		}
		for _, s := range cf.Services {
			if s.Name == db.Name || s.NetworkMode == "host" {
				continue
			}
			for _, e := range s.Environment {
				v := withHoles(e.Raw)
				if hostKey.MatchString(e.Key) && pgurl.IsLoopback(v) {
					p.Reportf(loc(cf.Path, e.Line), "service %s sets %s to %s, which inside its container is the container itself; use the database service's name, %s", s.Name, e.Key, v, db.Name)
					continue
				}
				if c, ok := pgurl.Parse(v); ok && pgurl.IsLoopback(c.Host()) {
					p.Reportf(loc(cf.Path, e.Line), "service %s reaches the database at %s through %s, but inside its container that is the container itself; use the service name: @%s:5432", s.Name, c.Host(), e.Key, db.Name)
				} else if ok && c.Host() == db.Name {
					p.Evidence(loc(cf.Path, e.Line), "service %s reaches the database by its service name %s", s.Name, db.Name)
				}
			}
		}
	}
	for _, s := range dbsite.AppSites(r) {
		switch {
		case s.URL != nil:
			pythonHost(p, s)
		case s.Go != nil && s.Go.URL.Known && !s.Go.URL.FromEnv:
			if c, ok := s.Conn(); ok && c.Host() != "" && !strings.Contains(c.Host(), pgurl.Hole) && !strings.HasPrefix(c.Host(), "/") {
				p.Reportf(loc(s.File, s.Line), "%s connects to host %s written in the code; read the connection string from the environment (os.Getenv(\"DATABASE_URL\"))", s.API, c.Host())
			}
		case s.Go != nil && s.Go.URL.FromEnv:
			p.Evidence(loc(s.File, s.Line), "%s takes its connection string from the environment", s.API)
		}
	}
	return nil
}

// pythonHost reports a URL whose host is written in the code with no way
// to override it from the environment.
func pythonHost(p *check.Pass, s *dbsite.Site) {
	v := s.URL
	switch v.Kind {
	case python.FromEnv:
		p.Evidence(loc(s.File, s.Line), "%s takes its URL from %s", s.API, v.Env)
		return
	case python.Literal, python.Joined:
	default:
		return
	}
	u, ok := dbsite.ParseValueURL(v)
	if !ok {
		return
	}
	host := u.Conn.Host()
	switch {
	case u.Written["host"] && !strings.HasPrefix(host, "/"):
		p.Reportf(loc(v.File, v.Line), "the database host %s is written in the code, used by %s at %s:%d, with no environment override; read it (or the whole URL) from the environment", host, s.API, s.File, s.Line)
	case len(u.Leaves["host"]) > 0:
		for _, l := range u.Leaves["host"] {
			if l.Kind == python.FromEnv {
				p.Evidence(loc(s.File, s.Line), "the database host comes from %s", l.Env)
			}
		}
	}
}

// withHoles interpolates a compose value with every variable standing as
// pgurl.Hole, so "postgresql://app:${PW:?}@localhost/app" still parses.
func withHoles(raw string) string {
	v, err := template.SubstituteWithOptions(raw, func(string) (string, bool) { return pgurl.Hole, true }, template.WithoutLogging)
	if err != nil {
		return raw
	}
	return v
}
