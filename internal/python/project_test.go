package python

import (
	"testing"
)

func project(files map[string]string) *Project {
	var mods []*Module
	for path, src := range files {
		mods = append(mods, Parse(path, []byte(src)))
	}
	return NewProject(mods)
}

// firstCall returns the first call to callee in the module at path.
func firstCall(t *testing.T, p *Project, path, callee string) (*Module, *Call) {
	t.Helper()
	for _, m := range p.Modules {
		if m.Path != path {
			continue
		}
		for _, c := range m.Calls {
			if c.Callee == callee {
				return m, c
			}
		}
	}
	t.Fatalf("no call to %s in %s", callee, path)
	return nil, nil
}

func hole(v *Value) string {
	if v != nil && v.Kind == FromEnv {
		return "$" + v.Env
	}
	return "?"
}

func TestEvalFollowsSettingsAcrossModules(t *testing.T) {
	p := project(map[string]string{
		"src/app/core/config.py": `from pydantic_settings import BaseSettings, SettingsConfigDict
from pydantic import Field


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APP_")
    DB_HOST: str = "localhost"
    DB_PASSWORD: str = Field("changethis", alias="POSTGRES_PASSWORD")
    DB_NAME: str

    @property
    def DATABASE_URL(self) -> str:
        return f"postgresql+psycopg://app:{self.DB_PASSWORD}@{self.DB_HOST}/{self.DB_NAME}"


settings = Settings()
`,
		"src/app/db.py": `from sqlalchemy import create_engine
from .core.config import settings
from app.core import config

engine = create_engine(settings.DATABASE_URL)
other = create_engine(config.settings.DB_HOST)
`,
	})
	m, c := firstCall(t, p, "src/app/db.py", "create_engine")
	v := p.Eval(m, c.Func, c.Arg(0))
	if got := v.Render(hole); got != "postgresql+psycopg://app:$POSTGRES_PASSWORD@$APP_DB_HOST/$APP_DB_NAME" {
		t.Fatalf("rendered %q", got)
	}
	if v.File != "src/app/core/config.py" || v.Line != 13 || v.Op != "f" {
		t.Errorf("located at %s:%d op %q", v.File, v.Line, v.Op)
	}
	if _, ok := v.WithDefaults(); ok {
		t.Error("DB_NAME is required, yet the URL has a default")
	}
	pw := v.Parts[1]
	if pw.Kind != FromEnv || pw.Default == nil || pw.Default.Str != "changethis" || pw.Default.Line != 8 {
		t.Errorf("password part: %+v", pw)
	}
	c2 := m.Calls[len(m.Calls)-1]
	if v := p.Eval(m, nil, c2.Arg(0)); v.Kind != FromEnv || v.Env != "APP_DB_HOST" || v.Default.Str != "localhost" {
		t.Errorf("module attribute chain: %+v", v)
	}
}

func TestEvalEnvReadsAndFormatting(t *testing.T) {
	p := project(map[string]string{
		"app/settings.py": `import os
from os import environ, getenv
from urllib.parse import quote_plus

USER = environ["DB_USER"]
PASSWORD = getenv("DB_PASSWORD", "s3cret")
HOST = os.environ.get("DB_HOST", "db")
URL = "postgresql://%s:%s@%s/app?sslmode=%s" % (USER, quote_plus(PASSWORD), HOST, "require")
URL2 = "postgresql://{u}:{}@{h}/app".format(PASSWORD, u=USER, h=HOST)
URL3 = "postgresql://" + USER + "@" + HOST + "/app"
POOL = int(os.getenv("POOL", "5"))


def get_url():
    scheme = "postgresql"
    return f"{scheme}://{HOST}/app"
`,
		"app/db.py": `from app import settings
from app.settings import get_url, URL
import sqlalchemy as sa

sa.create_engine(settings.URL)
sa.create_engine(settings.URL2)
sa.create_engine(settings.URL3, pool_size=settings.POOL)
sa.create_engine(get_url())
sa.create_engine(URL)


def handler(url):
    sa.create_engine(url)
`,
	})
	var m *Module
	for _, x := range p.Modules {
		if x.Path == "app/db.py" {
			m = x
		}
	}
	calls := m.CallsTo("sqlalchemy.create_engine")
	want := []string{
		"postgresql://$DB_USER:$DB_PASSWORD@$DB_HOST/app?sslmode=require",
		"postgresql://$DB_USER:$DB_PASSWORD@$DB_HOST/app",
		"postgresql://$DB_USER@$DB_HOST/app",
		"postgresql://$DB_HOST/app",
		"postgresql://$DB_USER:$DB_PASSWORD@$DB_HOST/app?sslmode=require",
		"?",
	}
	for i, c := range calls {
		if got := p.Eval(m, c.Func, c.Arg(0)).Render(hole); got != want[i] {
			t.Errorf("call %d (line %d): %q, want %q", i, c.Line, got, want[i])
		}
	}
	v := p.Eval(m, nil, calls[0].Arg(0))
	if !v.Parts[3].Escaped || v.Parts[1].Escaped {
		t.Errorf("escaping: %+v / %+v", v.Parts[3], v.Parts[1])
	}
	if s, ok := v.WithDefaults(); ok || s != "postgresql://:s3cret@db/app?sslmode=require" {
		t.Errorf("with defaults: %q %v", s, ok)
	}
	if pool := p.Eval(m, nil, calls[2].Kwarg("pool_size")); pool.Kind != FromEnv || pool.Default.Str != "5" {
		t.Errorf("pool size: %+v", pool)
	}
}

func TestEvalStopsOnCycles(t *testing.T) {
	p := project(map[string]string{
		"a.py": "from b import X\nY = X\n",
		"b.py": "from a import Y\nX = Y\n",
		"c.py": "from a import Y\nprint(Y)\nclass A(B): pass\nclass B(A): pass\nz = A.x\n",
	})
	for _, m := range p.Modules {
		for _, c := range m.Calls {
			p.Eval(m, c.Func, c.Arg(0))
		}
		for _, a := range m.Assigns {
			p.Eval(m, a.Func, a.Value)
		}
	}
}

func TestRelativeImports(t *testing.T) {
	for _, tc := range []struct{ rel, from, want string }{
		{".config", "app/db.py", "app.config"},
		{"..models", "app/api/routes.py", "app.models"},
		{".", "app/api/__init__.py", "app.api"},
		{".x", "top.py", "x"},
		{"...", "a.py", ""},
	} {
		if got := absoluteName(tc.rel, tc.from); got != tc.want {
			t.Errorf("absoluteName(%q, %q) = %q, want %q", tc.rel, tc.from, got, tc.want)
		}
	}
}

func FuzzEval(f *testing.F) {
	f.Add("import os\nfrom .a import b\nX = '%s%(y)s%' % (os.getenv('A', 'b'),)\nY = '{}{0}{x!r:>{w}}'.format(X)\nclass S(S): z = S.z\ns = S()\nprint(s.z, f'{X}')\n")
	f.Fuzz(func(t *testing.T, src string) {
		m := Parse("pkg/mod.py", []byte(src))
		p := NewProject([]*Module{m, Parse("pkg/__init__.py", []byte(src))})
		for _, a := range m.Assigns {
			v := p.Eval(m, a.Func, a.Value)
			v.Render(hole)
			v.WithDefaults()
		}
		for _, c := range m.Calls {
			for _, a := range c.Args {
				p.Eval(m, c.Func, a)
			}
		}
	})
}
