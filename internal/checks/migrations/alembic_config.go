package migrations

import (
	"path"
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/dbsite"
	"github.com/pgreview/pgreview/internal/pgurl"
	"github.com/pgreview/pgreview/internal/python"
	"github.com/pgreview/pgreview/internal/repo"
)

// alembicSetup is an alembic.ini and the env.py of its script_location.
type alembicSetup struct {
	ini    *repo.INIFile
	url    repo.INIKey // sqlalchemy.url; Line 0 when absent
	env    *python.Module
	envDir string
}

// alembicSetups finds every Alembic configuration of the repository;
// when there is none, the check is n/a.
func alembicSetups(p *check.Pass) []alembicSetup {
	r := p.Repo
	var out []alembicSetup
	for _, f := range r.INIFiles() {
		sec := f.Section("alembic")
		if sec == nil || dbsite.IsFixturePath(f.Path) {
			continue
		}
		s := alembicSetup{ini: f}
		s.url, _ = f.Get("alembic", "sqlalchemy.url")
		loc, _ := f.Get("alembic", "script_location")
		dir := strings.TrimSpace(loc.Value)
		dir = strings.TrimPrefix(strings.ReplaceAll(dir, "%(here)s", "."), "./")
		if dir == "" {
			dir = "alembic"
		}
		if strings.Contains(dir, ":") {
			dir = strings.ReplaceAll(strings.SplitN(dir, ":", 2)[1], ".", "/") // package:resource
		}
		// Relative to where alembic runs: usually the ini's directory,
		// sometimes the repository root.
		for _, base := range []string{path.Dir(f.Path), "."} {
			s.envDir = path.Clean(path.Join(base, dir))
			if s.env = r.PythonModule(path.Join(s.envDir, "env.py")); s.env != nil {
				break
			}
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		p.NotApplicable("no alembic.ini")
	}
	return out
}

// AlembicURLHardcoded finds Alembic set-ups whose database URL is written
// in alembic.ini rather than taken from the environment.
var AlembicURLHardcoded = &check.Check{
	Name:     "alembic-url-hardcoded",
	Item:     "4.1",
	Severity: check.Important,
	Doc: `Take Alembic's database URL from the environment.

sqlalchemy.url in alembic.ini is one fixed database: every developer, CI
and production run migrations against whatever is written there (often
localhost with a committed password), or edit the file and forget to put
it back. Leave a placeholder in alembic.ini and set the URL in env.py
from the environment, the same setting the application uses:

  config.set_main_option("sqlalchemy.url", os.environ["DATABASE_URL"])

(or build the engine in env.py from the application's settings).`,
	Run: runAlembicURLHardcoded,
}

func runAlembicURLHardcoded(p *check.Pass) error {
	for _, s := range alembicSetups(p) {
		fromEnv, at := envPySetsURL(p.Repo, s.env)
		concrete := false
		if c, ok := pgurl.Parse(s.url.Value); ok && s.url.Line > 0 && !strings.Contains(s.url.Value, "%(") {
			concrete = c.Host() != "" && !pgurl.IsPlaceholder(c.Host()) || c.Database != ""
		}
		switch {
		case fromEnv:
			p.Evidence(at, "env.py sets the database URL from the environment")
		case concrete:
			p.Reportf(check.Location{File: s.ini.Path, Line: s.url.Line}, "Alembic migrates the database written in %s (sqlalchemy.url) and env.py does not take it from the environment; set it in env.py: config.set_main_option(\"sqlalchemy.url\", os.environ[\"DATABASE_URL\"])", path.Base(s.ini.Path))
		case s.env != nil:
			p.Reportf(check.Location{File: s.env.Path, Line: 1}, "env.py never sets the database URL from the environment and %s holds no usable URL; set it: config.set_main_option(\"sqlalchemy.url\", os.environ[\"DATABASE_URL\"])", path.Base(s.ini.Path))
		}
	}
	return nil
}

// envPySetsURL reports whether env.py takes the URL from the environment:
// config.set_main_option("sqlalchemy.url", <env>), context.configure(url=<env>),
// create_engine(<env>) / async_engine_from_config with url=<env>, or
// engine_from_config(..., url=...). A value that comes from the
// application's settings counts when those read the environment.
func envPySetsURL(r *repo.Repo, env *python.Module) (bool, check.Location) {
	if env == nil {
		return false, check.Location{}
	}
	proj := r.PythonProject()
	readsEnv := func(c *python.Call, e *python.Expr) bool {
		if e == nil {
			return false
		}
		v := proj.Eval(env, c.Func, e)
		if v.ReadsEnv() {
			return true
		}
		// settings.DATABASE_URL of a class or object pgreview cannot
		// follow: trust a name that says it is the URL setting.
		t := strings.ToLower(e.Text)
		return v.Kind == python.Unknown && (strings.Contains(t, "settings") || strings.Contains(t, "config.")) && (strings.Contains(t, "url") || strings.Contains(t, "dsn") || strings.Contains(t, "uri"))
	}
	for _, c := range env.Calls {
		var e *python.Expr
		switch {
		case c.Method == "set_main_option" || c.Method == "set_section_option":
			if a := c.Arg(0); a != nil && a.Value == "sqlalchemy.url" {
				e = c.Arg(1)
			} else if a := c.Arg(1); a != nil && a.Value == "sqlalchemy.url" {
				e = c.Arg(2)
			}
		case c.Method == "configure":
			e = c.Kwarg("url")
		case strings.HasSuffix(c.Qualified, "create_engine") || strings.HasSuffix(c.Qualified, "create_async_engine"):
			e = c.Arg(0)
			if u := c.Kwarg("url"); u != nil {
				e = u
			}
		case strings.HasSuffix(c.Qualified, "engine_from_config"):
			e = c.Kwarg("url")
		}
		if readsEnv(c, e) {
			return true, check.Location{File: env.Path, Line: c.Line}
		}
	}
	// A dict passed as the config section with the URL in it.
	for _, a := range env.Assigns {
		if a.Value != nil && a.Value.Kind == python.Subscript {
			continue
		}
		for _, t := range a.Targets {
			if strings.Contains(t, `["sqlalchemy.url"]`) && readsEnv(&python.Call{Func: a.Func}, a.Value) {
				return true, check.Location{File: env.Path, Line: a.Line}
			}
		}
	}
	return false, check.Location{}
}

// AlembicMetadataNone finds env.py files that leave target_metadata None.
var AlembicMetadataNone = &check.Check{
	Name:     "alembic-metadata-none",
	Item:     "4.1",
	Severity: check.Important,
	Doc: `Point Alembic's target_metadata at the models.

With target_metadata = None, "alembic revision --autogenerate" compares
the database with nothing: it produces empty migrations, or migrations
that drop every table, and "alembic check" cannot tell whether the models
and the schema agree. Import the models' metadata in env.py:
"from app.models import Base; target_metadata = Base.metadata"
(SQLModel.metadata for SQLModel).`,
	Run: runAlembicMetadataNone,
}

func runAlembicMetadataNone(p *check.Pass) error {
	for _, s := range alembicSetups(p) {
		if s.env == nil {
			continue
		}
		var last *python.Assign
		for _, a := range s.env.Assigns {
			if a.Func == nil && len(a.Targets) == 1 && a.Targets[0] == "target_metadata" {
				last = a
			}
		}
		switch {
		case last == nil:
			p.Reportf(check.Location{File: s.env.Path, Line: 1}, "env.py does not define target_metadata; autogenerate cannot see the models: target_metadata = Base.metadata")
		case last.Value != nil && last.Value.Kind == python.Const && last.Value.Value == "None":
			p.Reportf(check.Location{File: s.env.Path, Line: last.Line}, "target_metadata is None: autogenerate compares the database with nothing; import the models and set target_metadata = Base.metadata")
		default:
			p.Evidence(check.Location{File: s.env.Path, Line: last.Line}, "target_metadata is %s", last.Value.Text)
		}
	}
	return nil
}

// AlembicCompareType finds autogenerate set-ups that ignore column type
// changes.
var AlembicCompareType = &check.Check{
	Name:     "alembic-compare-type",
	Item:     "4.1",
	Severity: check.Good,
	Doc: `Let autogenerate see column type changes.

Before Alembic 1.12, context.configure() defaults to compare_type=False:
changing String(50) to String(255) or Integer to BigInteger in a model
produces no migration, and the schema silently drifts from the models.
Pass compare_type=True to context.configure() in env.py (or upgrade to
Alembic 1.12+, where it is the default), and never set it to False.`,
	Run: runAlembicCompareType,
}

func runAlembicCompareType(p *check.Pass) error {
	setups := alembicSetups(p)
	d, declared := p.Repo.FindDependency("alembic")
	v, versioned := d.MinVersion()
	oldDefault := declared && versioned && v.Less(repo.Version{Major: 1, Minor: 12})
	for _, s := range setups {
		if s.env == nil {
			continue
		}
		for _, c := range s.env.Calls {
			if c.Method != "configure" || c.Receiver == nil || c.Receiver.Value != "context" {
				continue
			}
			ct := c.Kwarg("compare_type")
			switch {
			case ct != nil && ct.Kind == python.Const && ct.Value == "False":
				p.Reportf(check.Location{File: s.env.Path, Line: ct.Line}, "compare_type=False: autogenerate ignores column type changes; set compare_type=True")
			case ct != nil:
				p.Evidence(check.Location{File: s.env.Path, Line: ct.Line}, "compare_type is set")
			case oldDefault && c.Kwarg("connection") != nil:
				p.Reportf(check.Location{File: s.env.Path, Line: c.Line}, "context.configure() has no compare_type, and alembic %s (%s:%d) defaults it to False: type changes are not autogenerated; pass compare_type=True", d.Spec, d.File, d.Line)
			}
		}
	}
	return nil
}
