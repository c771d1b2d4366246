package dbcode

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/pgreview/pgreview/internal/repo"
	"github.com/pgreview/pgreview/internal/repo/repotest"
)

func openRepo(t *testing.T, files map[string]string) *repo.Repo {
	t.Helper()
	r, err := repo.Open(repotest.Dir(t, files))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

const pyModels = `from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, relationship


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    orders: Mapped[list["Order"]] = relationship(back_populates="user")
    profile = relationship("Profile", lazy="joined")


class Order(Base):
    __tablename__ = "orders"
    user = relationship("User", back_populates="orders")
`

const pyDB = `from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.orm import Session

from app.models import Order, User

engine = create_engine("postgresql://localhost/app")
QUERY = "SELECT 1"


def find_orders(session, status):
    return session.execute(text("SELECT id FROM orders WHERE status = :s"), {"s": status}).fetchall()


def place(session: Session, user_id):
    session.add(Order(user_id=user_id))
    session.commit()
    stmt = insert(Order).values(user_id=user_id)
    session.execute(stmt)
    user = session.get(User, user_id)
    cache = {}
    cache.get("x")
    session.execute(select(User).where(User.id == 1))
    session.rollback()
    session.execute(QUERY)
    rows.add(1)


def helper(session):
    return find_orders(session, "new")
`

const pyMain = `from app.db import helper


def handler(session):
    return helper(session)


def pure(x):
    return x + 1
`

func TestPythonIndex(t *testing.T) {
	r := openRepo(t, map[string]string{"app/models.py": pyModels, "app/db.py": pyDB, "app/main.py": pyMain, "app/__init__.py": ""})
	px := PythonIndex(r)
	if PythonIndex(r) != px {
		t.Fatal("index built twice")
	}
	u := px.Models["User"]
	if u == nil || px.Models["Order"] == nil || px.Models["Base"] != nil {
		t.Fatalf("models: %v", px.Models)
	}
	if rel := u.Relationships["orders"]; rel == nil || rel.Target != "Order" || !rel.LoadsOnAccess() {
		t.Fatalf("User.orders: %+v", rel)
	}
	if rel := u.Relationships["profile"]; rel == nil || rel.Target != "Profile" || rel.LoadsOnAccess() {
		t.Fatalf("User.profile: %+v", rel)
	}
	var got []string
	var db, main *PyModule
	for _, pm := range px.Modules {
		switch pm.Name {
		case "app.db":
			db = pm
		case "app.main":
			main = pm
		}
	}
	for _, c := range db.Calls {
		got = append(got, fmt.Sprintf("%d %s %s %s", c.Line, c.Method, c.Op, c.Model))
	}
	want := []string{
		"11 execute read ", "15 add write Order", "16 commit commit ", "18 execute write Order", "19 get read User",
		"22 execute read User", "23 rollback rollback ", "24 execute read ",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("calls:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !main.DBAware {
		t.Fatal("app.main imports app.db: database-aware")
	}
	handler := px.Func(main.FuncNamed("handler"))
	if !handler.Touches || px.Func(main.FuncNamed("pure")).Touches {
		t.Fatalf("touches: handler %v", handler.Touches)
	}
	if c := main.Module.Calls[0]; !px.Touches(main, c) || px.Callee(main, c).Name != "helper" {
		t.Fatalf("helper(session) resolves to app.db.helper")
	}
}

const goStore = `package store

import (
	"context"
	"database/sql"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

type Store struct {
	pool *pgxpool.Pool
	db   *sql.DB
	q    DBTX
}

type DBTX interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

func (s *Store) Mark(ctx context.Context, id int64) {
	s.pool.Exec(ctx, "UPDATE orders SET status = 'x' WHERE id = $1", id)
	_, _ = s.db.ExecContext(ctx, "DELETE FROM orders WHERE id = $1", id)
	var n int
	s.pool.QueryRow(ctx, "SELECT count(*) FROM orders").Scan(&n)
	if err := s.pool.QueryRow(ctx, "SELECT 1").Scan(&n); err != nil {
		return
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return
	}
	defer tx.Rollback(ctx)
	for _, id := range []int64{1, 2} {
		tx.Exec(ctx, "INSERT INTO t VALUES ($1)", id)
	}
	_ = tx.Commit(ctx)
	s.q.Exec(ctx, "SELECT 1")
	pgx.BeginFunc(ctx, s.pool, func(t pgx.Tx) error {
		_, err := t.Exec(ctx, "INSERT INTO t VALUES (1)")
		return err
	})
	other.Exec("not sql")
}
`

func TestGoIndex(t *testing.T) {
	r := openRepo(t, map[string]string{"store/store.go": goStore})
	g := GoIndex(r)
	var got []string
	for _, f := range g.Files {
		for _, fn := range f.Funcs {
			for _, c := range fn.Calls {
				got = append(got, fmt.Sprintf("%d %s %s.%s h%d %s ignored=%v loop=%v", c.Line, fn.Name, c.Recv, c.Method, c.Handle, c.Op, c.ErrIgnored, c.Loop != nil))
			}
		}
	}
	sort.Strings(got)
	want := []string{
		"23 Store.Mark s.pool.Exec h1 write ignored=true loop=false",
		"24 Store.Mark s.db.ExecContext h1 write ignored=true loop=false",
		"26 Store.Mark s.pool.QueryRow h1 read ignored=true loop=false",
		"27 Store.Mark s.pool.QueryRow h1 read ignored=false loop=false",
		"30 Store.Mark s.pool.Begin h1 begin ignored=false loop=false",
		"34 Store.Mark tx.Rollback h2 rollback ignored=false loop=false",
		"36 Store.Mark tx.Exec h2 write ignored=true loop=true",
		"38 Store.Mark tx.Commit h2 commit ignored=true loop=false",
		"39 Store.Mark s.q.Exec h3 read ignored=true loop=false",
		"40 Store.Mark pgx.BeginFunc h1 begin ignored=false loop=false",
		"41 func literal in Store.Mark t.Exec h2 write ignored=false loop=false",
	}
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("calls:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestSQLOp(t *testing.T) {
	for sql, want := range map[string]Op{
		"SELECT 1": OpRead, "  -- c\n insert into t values (1)": OpWrite, "WITH x AS (SELECT 1) DELETE FROM t": OpWrite,
		"WITH x AS (SELECT 1) SELECT * FROM x": OpRead, "/* hi */ CREATE TABLE t ()": OpDDL, "TRUNCATE orders": OpWrite,
		"hello world": OpNone,
	} {
		if got, _ := SQLOp(sql); got != want {
			t.Errorf("SQLOp(%q) = %s, want %s", sql, got, want)
		}
	}
	for sql, want := range map[string]bool{"DELETE FROM orders": true, "delete from orders\nwhere id = 1": false, "TRUNCATE TABLE a, b": true, "UPDATE t SET x = 1": false} {
		if got := WipesTable(sql); got != want {
			t.Errorf("WipesTable(%q) = %v", sql, got)
		}
	}
	if got := Table(`DELETE FROM public."orders" WHERE id = 1`); got != `public."orders` {
		t.Logf("Table = %q", got)
	}
}

// Broken input never breaks the index: Python 2, syntax errors, binary
// bytes, deep nesting, Go that does not parse.
func TestIndexSurvivesBrokenInput(t *testing.T) {
	r := openRepo(t, map[string]string{
		"py2.py":    "print 'x'\nexec code in ns\ntry:\n  session.commit()\nexcept Exception, e:\n  pass\n",
		"broken.py": "def f(:\n  for x in (:\n    session.execute(\n",
		"deep.py":   strings.Repeat("(", 3000),
		"bin.py":    "\x00\x01\x02",
		"bad.go":    "package x\nfunc f() { for { if x := db.Exec(\"UPDATE t SET a=1\"\n",
		"lit.go":    "package x\nvar f = func(",
	})
	PythonIndex(r)
	GoIndex(r)
}

func FuzzIndex(f *testing.F) {
	f.Add(pyDB, goStore)
	f.Add("for x in y:\n  s.commit()\n", "package p\nfunc f(){ for _, x := range y { tx.Commit(ctx) } }")
	f.Fuzz(func(t *testing.T, py, goSrc string) {
		// OpenCommit takes the paths as given: no git process per input,
		// which would cut fuzzing to a few dozen inputs a second.
		files := map[string]string{"app/db.py": py, "store/store.go": goSrc}
		r, err := repo.OpenCommit(repotest.Dir(t, files), []string{"app/db.py", "store/store.go"})
		if err != nil {
			t.Fatal(err)
		}
		PythonIndex(r)
		GoIndex(r)
	})
}
