package testing

import (
	"fmt"
	"go/ast"
	"go/token"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/dbcode"
	"github.com/pgreview/pgreview/internal/dbsite"
	"github.com/pgreview/pgreview/internal/python"
	"github.com/pgreview/pgreview/internal/repo"
)

// setup is what the repository's tests run against, read once for the
// checks of this area.
type setup struct {
	// Throwaway lists what gives tests their own Postgres: test
	// containers, pytest-postgresql, py-pglite, pgtestdb, a CI service, a
	// compose service for tests, a test database URL.
	Throwaway []citation
	// RealPostgres lists the throwaway setups that run a real Postgres
	// server (not PGlite, not SQLite).
	RealPostgres []citation
	// DBTests are the test files that use the database, with the first
	// line that does.
	DBTests []citation
	// Wipes are the statements in tests that empty or drop tables of
	// the application's schema (tables the tests create themselves are
	// theirs to drop).
	Wipes []citation
}

// citation is a file and line with what is there.
type citation struct {
	File, What string
	Line       int
}

// wipe is a statement that empties a table, before it is known whether
// the table is the application's.
type wipe struct {
	citation
	table string // "*" for metadata.drop_all()
}

func (c citation) at() check.Location { return check.Location{File: c.File, Line: c.Line} }

func testSetup(r *repo.Repo) *setup {
	return repo.Memo(r, "testing.setup", func() *setup { return readSetup(r) })
}

var throwawayDeps = map[string]string{
	"py-pglite": "py-pglite", "pytest-postgresql": "pytest-postgresql", "testcontainers": "testcontainers",
	"testcontainers-postgres": "testcontainers", "pytest-docker": "pytest-docker",
	"github.com/testcontainers/testcontainers-go": "testcontainers-go", "github.com/peterldowns/pgtestdb": "pgtestdb",
	"github.com/fergusstrange/embedded-postgres": "embedded-postgres", "github.com/ory/dockertest": "dockertest",
	"github.com/zombiezen/postgrestest": "postgrestest",
}

// realServer: these start a real Postgres server (a container or the
// server binaries); PGlite is Postgres compiled to WebAssembly.
var realServer = map[string]bool{
	"pytest-postgresql": true, "testcontainers": true, "testcontainers-go": true, "pgtestdb": true,
	"embedded-postgres": true, "dockertest": true, "postgrestest": true, "pytest-docker": true,
}

var (
	pgURL      = regexp.MustCompile(`^postgres(ql)?(\+\w+)?://`)
	testDBName = regexp.MustCompile(`(?i)/[\w-]*test[\w-]*(\?|$)`)
	sqliteURL  = regexp.MustCompile(`^sqlite(\+\w+)?://`)
)

var (
	testDBEnv        = regexp.MustCompile(`^[A-Z0-9_]*(TEST[A-Z0-9_]*(DATABASE|DB|DSN|PG|POSTGRES)|(DATABASE|DB|DSN|PG|POSTGRES)[A-Z0-9_]*TEST)[A-Z0-9_]*$`)
	setupPostgres    = regexp.MustCompile(`^(ankane/setup-postgres|harmon758/postgresql-action|ikalnytskyi/action-setup-postgres|nyurik/action-setup-postgis)\b`)
	installsPostgres = regexp.MustCompile(`(apt-get|apt|brew)\s+install\b[^\n]*\bpostgresql\b`)
)

func readSetup(r *repo.Repo) *setup {
	s := &setup{}
	var wipes []wipe
	testCreated := map[string]bool{}
	add := func(c citation, real bool) {
		s.Throwaway = append(s.Throwaway, c)
		if real {
			s.RealPostgres = append(s.RealPostgres, c)
		}
	}
	px := dbcode.PythonIndex(r)
	for _, pm := range px.Modules {
		if !pm.Test {
			continue
		}
		for local, imp := range pm.Imports {
			switch {
			case strings.HasPrefix(imp.Qualified, "testcontainers"):
				add(citation{pm.Path, "testcontainers (" + local + ")", imp.Line}, true)
			case strings.HasPrefix(imp.Qualified, "pytest_postgresql"):
				add(citation{pm.Path, "pytest-postgresql (" + local + ")", imp.Line}, true)
			case strings.HasPrefix(imp.Qualified, "py_pglite"):
				add(citation{pm.Path, "py-pglite (" + local + ")", imp.Line}, false)
			}
		}
		for _, str := range pm.Strings {
			switch {
			case pgURL.MatchString(str.Value) && testDBName.MatchString(str.Value):
				add(citation{pm.Path, "a test database URL", str.Line}, true)
			case testDBEnv.MatchString(str.Value):
				add(citation{pm.Path, "a dedicated test database from $" + str.Value, str.Line}, true)
			}
			for _, t := range dbcode.CreatedTables(str.Value) {
				testCreated[t] = true
			}
		}
		if line := touchesDB(px, pm); line > 0 {
			s.DBTests = append(s.DBTests, citation{pm.Path, "", line})
		}
		for _, c := range pm.Calls {
			if c.SQL != "" && dbcode.WipesTable(c.SQL) {
				wipes = append(wipes, wipe{citation{pm.Path, dbcode.SQLHead(c.SQL), c.Line}, dbcode.BareTable(dbcode.Table(c.SQL))})
			}
		}
		for _, c := range pm.Module.Calls {
			if c.Method == "drop_all" && strings.Contains(c.Callee, "metadata") {
				wipes = append(wipes, wipe{citation{pm.Path, c.Callee + "()", c.Line}, "*"})
			}
		}
	}
	for _, f := range dbcode.GoIndex(r).Files {
		if !f.Test {
			continue
		}
		first := 0
		for _, fn := range f.Funcs {
			for _, c := range fn.Calls {
				if first == 0 || c.Line < first {
					first = c.Line
				}
				if c.SQL != "" && dbcode.WipesTable(c.SQL) {
					wipes = append(wipes, wipe{citation{f.Path, dbcode.SQLHead(c.SQL), c.Line}, dbcode.BareTable(dbcode.Table(c.SQL))})
				}
			}
		}
		ast.Inspect(f.AST, func(n ast.Node) bool {
			if bl, ok := n.(*ast.BasicLit); ok && bl.Kind == token.STRING {
				if v, err := strconv.Unquote(bl.Value); err == nil {
					for _, t := range dbcode.CreatedTables(v) {
						testCreated[t] = true
					}
					if testDBEnv.MatchString(v) {
						add(citation{f.Path, "a dedicated test database from $" + v, f.Line(bl.Pos())}, true)
					}
				}
				return true
			}
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			id, ok := sel.X.(*ast.Ident)
			if !ok {
				return true
			}
			pkg := f.ImportPath(id.Name)
			switch {
			case strings.Contains(pkg, "testcontainers-go/modules/postgres") && (sel.Sel.Name == "Run" || sel.Sel.Name == "RunContainer"):
				add(citation{f.Path, "testcontainers-go postgres." + sel.Sel.Name, f.Line(sel.Pos())}, true)
			case pkg == "github.com/peterldowns/pgtestdb" && sel.Sel.Name == "New":
				add(citation{f.Path, "pgtestdb.New (a fresh database per test)", f.Line(sel.Pos())}, true)
			case strings.Contains(pkg, "embedded-postgres") && sel.Sel.Name == "NewDatabase":
				add(citation{f.Path, "embedded-postgres", f.Line(sel.Pos())}, true)
			case strings.Contains(pkg, "dockertest") && sel.Sel.Name == "NewPool":
				add(citation{f.Path, "dockertest", f.Line(sel.Pos())}, true)
			}
			if first == 0 && (strings.Contains(pkg, "pgx") || pkg == "database/sql" || strings.Contains(pkg, "pgtestdb")) {
				first = f.Line(sel.Pos())
			}
			return true
		})
		if first > 0 {
			s.DBTests = append(s.DBTests, citation{f.Path, "", first})
		}
	}
	if len(s.Throwaway) == 0 {
		for _, d := range r.Dependencies() {
			if name, ok := throwawayDeps[d.Name]; ok {
				add(citation{d.File, name + " declared", d.Line}, realServer[name])
			}
		}
	}
	for _, cf := range r.Compose() {
		testFile := strings.Contains(strings.ToLower(cf.Path), "test") || strings.Contains(strings.ToLower(cf.Path), ".ci.")
		for _, svc := range cf.Services {
			if !repo.IsPostgresImage(svc.ImageRef()) {
				continue
			}
			if testFile || strings.Contains(strings.ToLower(svc.Name), "test") {
				add(citation{cf.Path, fmt.Sprintf("compose service %s for tests (%s)", svc.Name, svc.ImageRef()), svc.Line}, true)
			}
		}
	}
	for _, c := range ciServices(r) {
		add(c, true)
	}
	for _, f := range r.FilesOf(repo.KindSQL) {
		if dbsite.IsTestPath(f.Path) {
			for _, t := range dbcode.CreatedTables(f.Text()) {
				testCreated[t] = true
			}
		}
	}
	app := appTables(r)
	for _, w := range wipes {
		if w.table == "*" || app[w.table] && !testCreated[w.table] {
			s.Wipes = append(s.Wipes, w.citation)
		}
	}
	defer func() {
		for _, cs := range [][]citation{s.Throwaway, s.RealPostgres, s.DBTests, s.Wipes} {
			sort.SliceStable(cs, func(i, j int) bool {
				if cs[i].File != cs[j].File {
					return cs[i].File < cs[j].File
				}
				return cs[i].Line < cs[j].Line
			})
		}
	}()
	for _, ef := range r.EnvFiles() {
		if !strings.Contains(strings.ToLower(ef.Path), "test") {
			continue
		}
		for _, v := range ef.Vars {
			if pgURL.MatchString(v.Raw) {
				add(citation{ef.Path, "a test database URL (" + v.Key + ")", v.Line}, true)
			}
		}
	}
	return s
}

// appTables are the tables of the application's schema: created by its
// migrations and SQL files, or mapped by its ORM models.
func appTables(r *repo.Repo) map[string]bool {
	out := map[string]bool{}
	px := dbcode.PythonIndex(r)
	for _, m := range px.Models {
		if m.Table != "" {
			out[strings.ToLower(m.Table)] = true
		}
	}
	for _, pm := range px.Modules {
		if !pm.Migration {
			continue
		}
		for _, c := range pm.Module.Calls {
			if c.Method == "create_table" && c.Arg(0) != nil && c.Arg(0).Kind == python.Str {
				out[strings.ToLower(c.Arg(0).Value)] = true
			}
		}
	}
	for _, f := range r.FilesOf(repo.KindSQL) {
		if dbsite.IsTestPath(f.Path) {
			continue
		}
		for _, t := range dbcode.CreatedTables(f.Text()) {
			out[t] = true
		}
	}
	return out
}

// ciServices finds what gives CI jobs a Postgres: service containers of
// a Postgres image, and steps that install one.
func ciServices(r *repo.Repo) []citation {
	var out []citation
	for _, w := range r.Workflows() {
		for _, job := range w.Jobs {
			for _, svc := range job.Services {
				if repo.IsPostgresImage(svc.Image.Raw) {
					out = append(out, citation{w.Path, "CI service container " + svc.Image.Raw, svc.Image.Line})
				}
			}
			for _, st := range job.Steps {
				if m := setupPostgres.FindString(st.Uses.Raw); m != "" {
					out = append(out, citation{w.Path, "CI installs Postgres (" + m + ")", st.Uses.Line})
				} else if m := installsPostgres.FindString(st.Run.Raw); m != "" {
					out = append(out, citation{w.Path, "CI installs Postgres (" + m + ")", st.Run.Line})
				}
			}
		}
	}
	return out
}

// touchesDB is the first line where a test module uses the database:
// a database call, or a call to the repository's database code.
func touchesDB(px *dbcode.Python, pm *dbcode.PyModule) int {
	if !pm.DBAware {
		return 0
	}
	for _, c := range pm.Module.Calls {
		if px.Touches(pm, c) {
			return c.Line
		}
	}
	return 0
}

var dbAccessor = regexp.MustCompile(`(?i)session|engine|conn|db|database|pool`)

// appSessionSource reports where a test module first takes a session,
// engine or connection from the application's own modules (or calls the
// application's database code), and the line it does.
func appSessionSource(px *dbcode.Python, pm *dbcode.PyModule) (string, int) {
	for _, c := range pm.Module.Calls {
		if c.Receiver != nil {
			continue
		}
		imp, ok := pm.Imports[c.Callee]
		if !ok {
			continue
		}
		if dep, _, ok := px.Resolve(imp.Qualified); !ok || dep.Test {
			continue
		}
		if dbAccessor.MatchString(c.Callee) || px.Touches(pm, c) {
			return imp.Qualified, c.Line
		}
	}
	return "", 0
}

// firstDBCode is where the application connects to the database (or,
// failing that, its first database call): where a "no tests" finding
// points.
func firstDBCode(r *repo.Repo) (string, int, bool) {
	if sites := dbsite.AppSites(r); len(sites) > 0 {
		return sites[0].File, sites[0].Line, true
	}
	px := dbcode.PythonIndex(r)
	for _, pm := range px.Modules {
		if pm.Test || pm.Migration || len(pm.Calls) == 0 {
			continue
		}
		for _, c := range pm.Calls {
			if c.Op.Work() {
				return pm.Path, c.Line, true
			}
		}
	}
	for _, f := range dbcode.GoIndex(r).AppFiles() {
		for _, fn := range f.Funcs {
			for _, c := range fn.Calls {
				if c.Op.Work() {
					return f.Path, c.Line, true
				}
			}
		}
	}
	return "", 0, false
}

// appDatabaseFromCode reports whether the application's connection string
// is in its code or environment (a literal, an os.getenv), so that tests
// using the application's own database access reach that very database.
// When it comes from a configuration system the tests may swap (a test
// layer, a settings override), nothing can be said.
func appDatabaseFromCode(r *repo.Repo) bool {
	for _, s := range dbsite.AppSites(r) {
		switch {
		case s.URL != nil && s.URL.Kind != python.Unknown:
			return true
		case s.Go != nil && (s.Go.URL.Known || s.Go.URL.FromEnv):
			return true
		}
	}
	return false
}
