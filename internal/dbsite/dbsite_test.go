package dbsite

import (
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/pgreview/pgreview/internal/pgurl"
	"github.com/pgreview/pgreview/internal/repo"
	"github.com/pgreview/pgreview/internal/repo/repotest"
)

func bundled(t *testing.T, name string) *repo.Repo {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	r, err := repo.Open(filepath.Join(filepath.Dir(file), "..", "..", "testdata", "repos", name))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func describe(sites []*Site) string {
	var out []string
	for _, s := range sites {
		d := fmt.Sprintf("%s:%d %s pool=%v test=%v migr=%v", s.File, s.Line, s.API, s.Pool, s.Test, s.Migrations)
		if c, ok := s.Conn(); ok {
			d += fmt.Sprintf(" host=%s", strings.ReplaceAll(c.Host(), pgurl.Hole, "?"))
		}
		out = append(out, d)
	}
	return strings.Join(out, "\n")
}

func TestSitesOfBundledRepos(t *testing.T) {
	for name, want := range map[string]string{
		"python-flawed": "alembic/env.py:23 sqlalchemy.engine_from_config pool=true test=false migr=true\n" +
			"app/db.py:12 sqlalchemy.create_engine pool=true test=false migr=false host=localhost",
		"python-clean": "alembic/env.py:30 sqlalchemy.engine_from_config pool=true test=false migr=true\n" +
			"app/db.py:9 sqlalchemy.create_engine pool=true test=false migr=false\n" +
			"tests/conftest.py:10 sqlalchemy.create_engine pool=true test=true migr=false",
		"go-flawed": "cmd/api/main.go:17 pgxpool.New pool=true test=false migr=false",
		"go-clean":  "cmd/api/main.go:27 pgxpool.NewWithConfig pool=true test=false migr=false",
	} {
		if got := describe(Sites(bundled(t, name))); got != want {
			t.Errorf("%s:\n%s\nwant\n%s", name, got, want)
		}
	}
}

func TestGoEval(t *testing.T) {
	root := t.TempDir()
	src := `package db

import (
	"database/sql"
	"fmt"
	"os"

	_ "github.com/lib/pq"
	"github.com/jackc/pgx/v5"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
)

const base = "postgres://app:"

func open() {
	pw := os.Getenv("DB_PASSWORD")
	dsn := fmt.Sprintf("%s%s@db.example.com:5432/app?sslmode=%s", base, pw, "disable")
	db, _ := sql.Open("postgres", dsn)
	_, _ = sql.Open("mysql", "x")
	conn, _ := pgx.Connect(nil, "host=localhost user=app")
	g, _ := gorm.Open(postgres.Open(base+"x@h/db"), nil)
	_, _, _ = db, conn, g
}
`
	repotest.Write(t, root, map[string]string{"db.go": src})
	r, _ := repo.Open(root)
	sites := Sites(r)
	if len(sites) != 3 {
		t.Fatalf("sites: %s", describe(sites))
	}
	c, ok := sites[0].Conn()
	if !ok || c.Host() != "db.example.com" || !c.PasswordIsHole() || c.Params["sslmode"] != "disable" || !sites[0].Go.URL.FromEnv {
		t.Errorf("sql.Open: %+v", c)
	}
	if c, ok := sites[1].Conn(); !ok || !c.KeyValue || c.Host() != "localhost" || sites[1].API != "pgx.Connect" || sites[1].Pool {
		t.Errorf("pgx.Connect: %+v %s", c, sites[1].API)
	}
	if c, ok := sites[2].Conn(); !ok || c.Host() != "h" || sites[2].API != "gorm.Open" {
		t.Errorf("gorm: %+v", c)
	}
}
