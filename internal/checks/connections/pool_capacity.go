package connections

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/dbsite"
	"github.com/pgreview/pgreview/internal/python"
	"github.com/pgreview/pgreview/internal/repo"
)

// PoolExceedsMaxConnections compares what the application's pools may
// open with what the server accepts.
var PoolExceedsMaxConnections = &check.Check{
	Name:     "pool-exceeds-max-connections",
	Item:     "2.3",
	Severity: check.Good,
	Doc: `Keep pool size times workers under max_connections.

Each worker process has its own pool. With SQLAlchemy's defaults (5 + 10
overflow) and 8 uvicorn or gunicorn workers, one service alone may open
120 connections, above Postgres' default max_connections of 100 (3 of
which are reserved for superusers): under load, requests fail with "too
many clients already". Size pool_size + max_overflow so that, times the
workers (and replicas), it stays under the server's max_connections with
room for migrations and admin sessions; or put PgBouncer in front.
NullPool in application code opens a connection per checkout: fine behind
PgBouncer, slow without it.`,
	Run: runPoolExceedsMaxConnections,
}

var workersFlag = regexp.MustCompile(`(?:--workers|-w)[= ]\s*([0-9]+)`)

func runPoolExceedsMaxConnections(p *check.Pass) error {
	r := p.Repo
	maxConn, maxAt := 100, "Postgres' default"
	if db := r.DBService(); db != nil {
		if v, err := strconv.Atoi(db.ServerSettings()["max_connections"]); err == nil && v > 0 {
			maxConn, maxAt = v, "max_connections of "+db.Name
		}
	}
	available := maxConn - 3
	workers, workersAt := processWorkers(r)
	proj := r.PythonProject()
	pools := 0
	for _, s := range dbsite.AppSites(r) {
		if s.Call == nil || !s.Pool {
			continue
		}
		if pc := s.Call.Kwarg("poolclass"); pc != nil && strings.HasSuffix(pc.Text, "NullPool") {
			if !hasPgBouncer(r) {
				p.Reportf(loc(s.File, s.Line), "%s uses NullPool in application code: every checkout opens a new connection (TCP, TLS and authentication); use the default pool, or keep NullPool only behind PgBouncer", s.API)
			}
			continue
		}
		size, ok := poolMax(proj, s)
		if !ok {
			continue
		}
		pools++
		total := size * workers
		if total > available {
			how := "1 process"
			if workers > 1 {
				how = strconv.Itoa(workers) + " workers (" + workersAt + ")"
			}
			p.Reportf(loc(s.File, s.Line), "%s may open %d connections per process; with %s that is %d, above the %d that %s (%d) leaves for clients; lower pool_size/max_overflow or raise max_connections",
				s.API, size, how, total, available, maxAt, maxConn)
		} else {
			p.Evidence(loc(s.File, s.Line), "%s opens at most %d connections per process × %d worker(s) = %d of %d", s.API, size, workers, total, available)
		}
	}
	if pools == 0 {
		p.NotApplicable("no Python connection pool whose size pgreview can read")
	}
	return nil
}

// poolMax is the most connections a Python pool opens.
func poolMax(proj *python.Project, s *dbsite.Site) (int, bool) {
	intArg := func(name string, def int) (int, bool) {
		e := s.Call.Kwarg(name)
		if e == nil {
			return def, true
		}
		v := proj.Eval(s.Module, s.Call.Func, e)
		text, ok := v.WithDefaults()
		if !ok {
			return 0, false
		}
		n, err := strconv.Atoi(strings.TrimSpace(text))
		return n, err == nil
	}
	switch {
	case strings.HasPrefix(s.API, "sqlalchemy") || strings.HasPrefix(s.API, "sqlmodel"):
		size, ok1 := intArg("pool_size", 5)
		over, ok2 := intArg("max_overflow", 10)
		if over < 0 {
			over = 0
		}
		return size + over, ok1 && ok2
	case s.API == "asyncpg.create_pool":
		return intArg("max_size", 10)
	case strings.HasPrefix(s.API, "psycopg_pool."):
		min, ok := intArg("min_size", 4)
		if !ok {
			return 0, false
		}
		return intArg("max_size", min)
	}
	return 0, false
}

// processWorkers reads the number of server processes from uvicorn or
// gunicorn options in Dockerfiles, compose commands, a Procfile or
// WEB_CONCURRENCY; 1 when none is given.
func processWorkers(r *repo.Repo) (int, string) {
	for _, d := range r.Dockerfiles() {
		for _, in := range d.Instructions {
			if in.Cmd == "CMD" || in.Cmd == "ENTRYPOINT" || in.Cmd == "ENV" {
				text := strings.Join(in.Words(), " ")
				if m := workersFlag.FindStringSubmatch(text); m != nil {
					n, _ := strconv.Atoi(m[1])
					return n, d.Path + ":" + strconv.Itoa(in.Line)
				}
				for _, kv := range in.KeyValues() {
					if kv.Key == "WEB_CONCURRENCY" {
						if n, err := strconv.Atoi(kv.Raw); err == nil {
							return n, d.Path + ":" + strconv.Itoa(in.Line)
						}
					}
				}
			}
		}
	}
	for _, cf := range r.Compose() {
		for _, s := range cf.Services {
			if m := workersFlag.FindStringSubmatch(strings.Join(s.Command, " ")); m != nil {
				n, _ := strconv.Atoi(m[1])
				return n, cf.Path + ":" + strconv.Itoa(s.CommandLine)
			}
			if v := s.EnvValue("WEB_CONCURRENCY"); v != "" {
				if n, err := strconv.Atoi(v); err == nil {
					e, _ := s.Env("WEB_CONCURRENCY")
					return n, cf.Path + ":" + strconv.Itoa(e.Line)
				}
			}
		}
	}
	if f := r.File("Procfile"); f != nil {
		if m := workersFlag.FindStringSubmatch(f.Text()); m != nil {
			n, _ := strconv.Atoi(m[1])
			return n, "Procfile"
		}
	}
	return 1, ""
}

func hasPgBouncer(r *repo.Repo) bool {
	for _, cf := range r.Compose() {
		for _, s := range cf.Services {
			if strings.Contains(strings.ToLower(s.ImageRef()+" "+s.Name), "pgbouncer") || strings.Contains(strings.ToLower(s.ImageRef()), "pgcat") {
				return true
			}
		}
	}
	return false
}
