package connections

import (
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/dbsite"
	"github.com/pgreview/pgreview/internal/repo"
)

// AsyncDriverMismatch finds URL schemes naming a driver that is not
// installed or that does not fit the engine, and blocking database calls
// in async functions.
var AsyncDriverMismatch = &check.Check{
	Name:     "async-driver-mismatch",
	Item:     "2.2",
	Severity: check.Good,
	Doc: `Use the driver the URL names, and an async one in async code.

SQLAlchemy picks the driver from the URL scheme: postgresql:// means
psycopg2, postgresql+psycopg:// psycopg 3, postgresql+asyncpg:// asyncpg.
A scheme whose driver is not among the dependencies fails at start-up
("No module named psycopg2"), and create_async_engine needs an async
driver (asyncpg or psycopg). In an async def, a synchronous Session, a
sync driver's connect() or time.sleep() blocks the event loop: every
other request waits. Use the async engine and AsyncSession there, or a
plain def that the framework runs in a thread pool.`,
	Run: runAsyncDriverMismatch,
}

// driverPackages maps a SQLAlchemy driver name to the packages that
// provide it.
var driverPackages = map[string][]string{
	"psycopg2":      {"psycopg2", "psycopg2-binary"},
	"psycopg":       {"psycopg", "psycopg-binary", "psycopg-c"},
	"psycopg_async": {"psycopg", "psycopg-binary", "psycopg-c"},
	"asyncpg":       {"asyncpg"},
	"pg8000":        {"pg8000"},
	"psycopgbinary": {"psycopg", "psycopg-binary"},
	"psycopg2cffi":  {"psycopg2cffi"},
}

var asyncDrivers = map[string]bool{"asyncpg": true, "psycopg": true, "psycopg_async": true, "aiopg": true}

func runAsyncDriverMismatch(p *check.Pass) error {
	r := p.Repo
	pyDeps := false
	for _, d := range r.Dependencies() {
		if !strings.Contains(d.Name, "/") {
			pyDeps = true
		}
	}
	sites := 0
	for _, s := range dbsite.AppSites(r) {
		if s.Call == nil || !strings.HasPrefix(s.API, "sqlalchemy") && !strings.HasPrefix(s.API, "sqlmodel") {
			continue
		}
		sites++
		u, ok := dbsite.ParseValueURL(s.URL)
		if s.URL == nil || !ok || strings.Contains(u.Conn.Scheme, "\x02") {
			continue
		}
		drv := u.Conn.Driver
		if drv == "" {
			drv = "psycopg2" // SQLAlchemy's default for postgresql://
		}
		at := loc(s.URL.File, s.URL.Line)
		if s.Async && !asyncDrivers[drv] {
			p.Reportf(at, "%s gets a %s:// URL, whose driver %s is synchronous; use postgresql+asyncpg:// or postgresql+psycopg://", s.API, u.Conn.Scheme, drv)
			continue
		}
		pkgs, known := driverPackages[drv]
		if !known || !pyDeps {
			continue
		}
		if d, ok := r.FindDependency(pkgs...); ok {
			p.Evidence(at, "the URL's driver %s is installed (%s:%d)", drv, d.File, d.Line)
			continue
		}
		what := "names the driver " + drv
		if u.Conn.Driver == "" {
			what = "has no driver, so SQLAlchemy uses psycopg2"
		}
		p.Reportf(at, "the URL scheme %s:// %s, which is not among the declared dependencies (%s); install it or change the scheme to the driver you have", u.Conn.Scheme, what, strings.Join(installed(r), ", "))
	}
	blocking(p)
	if sites == 0 && !anyAsync(r) {
		p.NotApplicable("no SQLAlchemy engine and no async code")
	}
	return nil
}

// installed lists the Postgres drivers that are declared.
func installed(r *repo.Repo) []string {
	var out []string
	for _, name := range []string{"psycopg2", "psycopg2-binary", "psycopg", "psycopg-binary", "asyncpg", "pg8000"} {
		if r.HasDependency(name) {
			out = append(out, name)
		}
	}
	if len(out) == 0 {
		return []string{"no Postgres driver"}
	}
	return out
}

// blockingCalls are synchronous database (or sleep) calls that stall an
// event loop.
var blockingCalls = map[string]string{
	"time.sleep":               "time.sleep() blocks the event loop; use await asyncio.sleep()",
	"psycopg2.connect":         "psycopg2.connect() is synchronous and blocks the event loop; use asyncpg or psycopg's AsyncConnection",
	"psycopg.connect":          "psycopg.connect() is synchronous and blocks the event loop; use await psycopg.AsyncConnection.connect()",
	"sqlalchemy.orm.Session":   "a synchronous Session blocks the event loop on every query; use AsyncSession with create_async_engine, or make the function a plain def",
	"sqlmodel.Session":         "a synchronous Session blocks the event loop on every query; use AsyncSession with create_async_engine, or make the function a plain def",
	"sqlalchemy.create_engine": "a synchronous engine blocks the event loop; use create_async_engine",
}

func blocking(p *check.Pass) {
	for _, m := range p.Repo.Python() {
		if dbsite.IsTestPath(m.Path) {
			continue
		}
		for _, c := range m.Calls {
			if c.Func == nil || !c.Func.Async {
				continue
			}
			if why, ok := blockingCalls[c.Qualified]; ok {
				p.Reportf(loc(m.Path, c.Line), "in async def %s(): %s", c.Func.Name, why)
			}
		}
	}
}

func anyAsync(r *repo.Repo) bool {
	for _, m := range r.Python() {
		for _, f := range m.Funcs {
			if f.Async {
				return true
			}
		}
	}
	return false
}
