package repo

import (
	"fmt"
	"strings"
	"testing"
)

func TestDependencies(t *testing.T) {
	root := t.TempDir()
	write(t, root, map[string]string{
		"requirements.txt": "# app\nSQLAlchemy[asyncio]==1.4.52 ; python_version >= '3.8'\n-r dev.txt\nalembic>=1.8,<2\npsycopg_binary\n",
		"pyproject.toml": `[project]
name = "app"
authors = [{name = "Someone Else"}]
classifiers = ["Programming Language :: Python"]
dependencies = ["fastapi>=0.110", "sqlmodel"]

[project.optional-dependencies]
pg = [
  "asyncpg~=0.29",  # async driver
  "psycopg[binary,pool] (>=3.1)",
]

[tool.poetry.dependencies]
python = "^3.11"
pydantic-settings = {version = "^2.2", extras = ["yaml"]}
testcontainers = "*"

[dependency-groups]
dev = ["pytest>=8", "py-pglite"]
`,
		"go.mod": "module x\n\nrequire (\n\tgithub.com/jackc/pgx/v5 v5.7.1\n\tgithub.com/lib/pq v1.10.9 // indirect\n)\nrequire github.com/pressly/goose/v3 v3.20.0\n",
	})
	r, _ := Open(root)
	var got []string
	for _, d := range r.Dependencies() {
		got = append(got, fmt.Sprintf("%s%s@%s:%d", d.Name, d.Spec, d.File, d.Line))
	}
	want := strings.Join([]string{
		"alembic>=1.8,<2@requirements.txt:4",
		"asyncpg~=0.29@pyproject.toml:9",
		"fastapi>=0.110@pyproject.toml:5",
		"github.com/jackc/pgx/v5v5.7.1@go.mod:4",
		"github.com/lib/pqv1.10.9@go.mod:5",
		"github.com/pressly/goose/v3v3.20.0@go.mod:7",
		"psycopg>=3.1@pyproject.toml:10",
		"psycopg-binary@requirements.txt:5",
		"py-pglite@pyproject.toml:19",
		"pydantic-settings^2.2@pyproject.toml:15",
		"pytest>=8@pyproject.toml:19",
		"sqlalchemy==1.4.52@requirements.txt:2",
		"sqlmodel@pyproject.toml:5",
		"testcontainers@pyproject.toml:16",
	}, "\n")
	if strings.Join(got, "\n") != want {
		t.Fatalf("dependencies:\n%s\nwant\n%s", strings.Join(got, "\n"), want)
	}
	for spec, want := range map[string]string{"==1.8.1": "1.8.1", ">=1.12,<2": "1.12.0", "^2.0": "2.0.0", "v5.7.1": "5.7.1", "<2": "none", "": "none"} {
		v, ok := Dependency{Spec: spec}.MinVersion()
		got := fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch)
		if !ok {
			got = "none"
		}
		if got != want {
			t.Errorf("MinVersion(%q) = %s, want %s", spec, got, want)
		}
	}
}

func FuzzDependencies(f *testing.F) {
	f.Add("[project]\ndependencies = [\"a>=1\",\n\"b\"]\n[tool.poetry.dependencies]\nx = {version=\"^1\"}\n", "a==1\n-e .\n", "require x.y/z v1\n")
	f.Fuzz(func(t *testing.T, pyproj, reqs, gomod string) {
		var deps []Dependency
		deps = append(deps, ParsePyproject("pyproject.toml", pyproj)...)
		deps = append(deps, ParseRequirements("requirements.txt", reqs)...)
		deps = append(deps, ParseGoMod("go.mod", gomod)...)
		for _, d := range deps {
			d.MinVersion()
		}
	})
}
