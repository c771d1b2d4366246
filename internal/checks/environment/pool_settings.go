package environment

import (
	"go/ast"
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/dbsite"
)

// PoolSettingsImplicit finds engines and pools created without any
// explicit size or lifetime setting.
var PoolSettingsImplicit = &check.Check{
	Name:     "pool-settings-implicit",
	Item:     "1.4",
	Severity: check.Good,
	Doc: `Set the pool's size and lifetimes explicitly.

Defaults are sized for nobody in particular: SQLAlchemy keeps 5
connections plus 10 overflow per process and never recycles them,
asyncpg 10, psycopg_pool 4, pgxpool max(4, CPUs), and database/sql opens
as many as are asked for. Multiplied by workers and replicas they exhaust
max_connections, and connections that live forever are cut by firewalls
and proxies. Set them where the pool is created: pool_size, max_overflow,
pool_recycle and pool_timeout (SQLAlchemy); min_size/max_size (asyncpg,
psycopg_pool); MaxConns and MaxConnLifetime (pgxpool);
SetMaxOpenConns and SetConnMaxLifetime (database/sql).`,
	Run: runPoolSettingsImplicit,
}

// pySizing lists, per API, the keyword arguments that size a pool.
var pySizing = map[string][]string{
	"sqlalchemy.create_engine":                   {"pool_size", "max_overflow", "pool_recycle", "pool_timeout"},
	"sqlalchemy.engine.create_engine":            {"pool_size", "max_overflow", "pool_recycle", "pool_timeout"},
	"sqlmodel.create_engine":                     {"pool_size", "max_overflow", "pool_recycle", "pool_timeout"},
	"sqlalchemy.ext.asyncio.create_async_engine": {"pool_size", "max_overflow", "pool_recycle", "pool_timeout"},
	"sqlmodel.ext.asyncio.create_async_engine":   {"pool_size", "max_overflow", "pool_recycle", "pool_timeout"},
	"psycopg_pool.ConnectionPool":                {"min_size", "max_size", "max_lifetime"},
	"psycopg_pool.AsyncConnectionPool":           {"min_size", "max_size", "max_lifetime"},
	"asyncpg.create_pool":                        {"min_size", "max_size", "max_inactive_connection_lifetime"},
}

var pyDefaults = map[string]string{
	"sqlalchemy":   "5 connections + 10 overflow per process, never recycled",
	"psycopg_pool": "4 connections",
	"asyncpg":      "10 connections",
}

func runPoolSettingsImplicit(p *check.Pass) error {
	sites := dbsite.AppSites(p.Repo)
	pools := 0
	for _, s := range sites {
		if !s.Pool {
			continue
		}
		pools++
		switch {
		case s.Call != nil:
			keys, ok := pySizing[s.API]
			if !ok {
				continue
			}
			if pc := s.Call.Kwarg("poolclass"); pc != nil && strings.HasSuffix(pc.Text, "NullPool") {
				continue // no pool to size
			}
			var set []string
			for _, k := range keys {
				if s.Call.Kwarg(k) != nil {
					set = append(set, k)
				}
			}
			if len(set) > 0 {
				p.Evidence(loc(s.File, s.Line), "%s sets %s", s.API, strings.Join(set, ", "))
				continue
			}
			lib, _, _ := strings.Cut(s.API, ".")
			if lib == "sqlmodel" {
				lib = "sqlalchemy"
			}
			p.Reportf(loc(s.File, s.Line), "%s uses the default pool (%s); set %s explicitly", s.API, pyDefaults[lib], strings.Join(keys, ", "))
		case s.Go != nil:
			goPoolSettings(p, s)
		}
	}
	if pools == 0 {
		p.NotApplicable("no connection pool in application code")
	}
	return nil
}

// goPoolSettings: a pgxpool config or *sql.DB sized in the function that
// creates it, or pool_max_conns in the connection string.
func goPoolSettings(p *check.Pass, s *dbsite.Site) {
	if c, ok := s.Conn(); ok {
		if _, set := c.Param("pool_max_conns"); set {
			p.Evidence(loc(s.File, s.Line), "the connection string sets pool_max_conns")
			return
		}
	}
	// The pool may be sized elsewhere (a config built in another
	// function, SetMaxOpenConns in main): look through all non-test code.
	fields := map[string]bool{}
	for _, gf := range p.Repo.Go() {
		if gf.Test {
			continue
		}
		ast.Inspect(gf.AST, func(n ast.Node) bool {
			if x, ok := n.(*ast.SelectorExpr); ok {
				switch x.Sel.Name {
				case "MaxConns", "MinConns", "MaxConnLifetime", "MaxConnIdleTime", "SetMaxOpenConns", "SetMaxIdleConns", "SetConnMaxLifetime", "SetConnMaxIdleTime":
					fields[x.Sel.Name] = true
				}
			}
			return true
		})
	}
	if len(fields) > 0 {
		p.Evidence(loc(s.File, s.Line), "the pool created by %s is sized explicitly", s.API)
		return
	}
	switch {
	case strings.HasPrefix(s.API, "pgxpool."):
		p.Reportf(loc(s.File, s.Line), "%s uses pgxpool's defaults (max(4, CPUs) connections, 1 hour lifetime); create it from pgxpool.ParseConfig and set MaxConns and MaxConnLifetime, or add pool_max_conns to the URL", s.API)
	case s.API == "sql.Open" || strings.HasPrefix(s.API, "sqlx."):
		p.Reportf(loc(s.File, s.Line), "%s returns a pool with no limit on open connections; call SetMaxOpenConns, SetMaxIdleConns and SetConnMaxLifetime", s.API)
	}
}
