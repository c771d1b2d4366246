package dbsite

import (
	"github.com/pgreview/pgreview/internal/python"
	"github.com/pgreview/pgreview/internal/repo"
)

// pyAPI describes one Python function that connects.
type pyAPI struct {
	pool, async bool
	// urlArg is the positional index of the URL; urlKw its keyword names.
	urlArg int
	urlKw  []string
}

var pyAPIs = map[string]pyAPI{
	"sqlalchemy.create_engine":                        {pool: true, urlKw: []string{"url"}},
	"sqlalchemy.engine.create_engine":                 {pool: true, urlKw: []string{"url"}},
	"sqlmodel.create_engine":                          {pool: true, urlKw: []string{"url"}},
	"sqlalchemy.ext.asyncio.create_async_engine":      {pool: true, async: true, urlKw: []string{"url"}},
	"sqlmodel.ext.asyncio.create_async_engine":        {pool: true, async: true, urlKw: []string{"url"}},
	"sqlalchemy.engine_from_config":                   {pool: true, urlArg: -1},
	"sqlalchemy.ext.asyncio.async_engine_from_config": {pool: true, async: true, urlArg: -1},
	"psycopg_pool.ConnectionPool":                     {pool: true, urlKw: []string{"conninfo"}},
	"psycopg_pool.AsyncConnectionPool":                {pool: true, async: true, urlKw: []string{"conninfo"}},
	"psycopg2.pool.SimpleConnectionPool":              {pool: true, urlArg: 2, urlKw: []string{"dsn"}},
	"psycopg2.pool.ThreadedConnectionPool":            {pool: true, urlArg: 2, urlKw: []string{"dsn"}},
	"asyncpg.create_pool":                             {pool: true, async: true, urlKw: []string{"dsn"}},
	"databases.Database":                              {pool: true, async: true, urlKw: []string{"url"}},
	"psycopg.connect":                                 {urlKw: []string{"conninfo"}},
	"psycopg.Connection.connect":                      {urlKw: []string{"conninfo"}},
	"psycopg.AsyncConnection.connect":                 {async: true, urlKw: []string{"conninfo"}},
	"psycopg2.connect":                                {urlKw: []string{"dsn"}},
	"asyncpg.connect":                                 {async: true, urlKw: []string{"dsn"}},
}

func pythonSites(r *repo.Repo) []*Site {
	proj := r.PythonProject()
	var out []*Site
	for _, m := range r.Python() {
		test, migr := IsTestPath(m.Path), IsMigrationPath(m.Path) || m.ImportsAny("alembic")
		for _, c := range m.Calls {
			api, ok := pyAPIs[c.Qualified]
			if !ok {
				continue
			}
			s := &Site{
				File: m.Path, Line: c.Line, API: c.Qualified, Pool: api.pool, Async: api.async,
				Test: test, Migrations: migr, Module: m, Call: c,
			}
			if arg := urlArg(c, api); arg != nil {
				s.URL = proj.Eval(m, c.Func, arg)
			}
			out = append(out, s)
		}
	}
	return out
}

func urlArg(c *python.Call, api pyAPI) *python.Expr {
	for _, k := range api.urlKw {
		if e := c.Kwarg(k); e != nil {
			return e
		}
	}
	if api.urlArg < 0 {
		return nil
	}
	return c.Arg(api.urlArg)
}
