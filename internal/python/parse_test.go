package python

import (
	"strings"
	"testing"
)

const sample = `import os
import sqlalchemy as sa
from sqlalchemy import create_engine as ce, text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import SQLModel, Field

URL = os.getenv("DATABASE_URL", "postgresql://localhost/app")
TABLE = "orders"

engine = ce(URL, pool_size=5)


class Order(SQLModel, table=True):
    __tablename__ = "orders"
    id: int = Field(primary_key=True)


def handler(session, status):
    try:
        rows = session.execute(text(f"SELECT * FROM {TABLE} WHERE s = '{status}'"))
    except Exception:
        pass
    for r in rows:
        session.add(r)
        session.commit()
    return [session.get(Order, i) for i in range(3)]


async def make():
    e = create_async_engine("postgresql+asyncpg://db/app")
    async with e.connect() as conn:
        await conn.execute(text("SELECT %s" % TABLE))


def later():
    pass
`

func TestParseModel(t *testing.T) {
	m := Parse("app/db.py", []byte(sample))
	if len(m.SyntaxErrors) > 0 {
		t.Fatalf("syntax errors at %v", m.SyntaxErrors)
	}
	for local, want := range map[string]string{"sa": "sqlalchemy", "ce": "sqlalchemy.create_engine", "text": "sqlalchemy.text", "create_async_engine": "sqlalchemy.ext.asyncio.create_async_engine", "os": "os"} {
		if got := m.Imports[local].Qualified; got != want {
			t.Errorf("import %s = %q, want %q", local, got, want)
		}
	}
	engines := m.CallsTo("sqlalchemy.create_engine", "sqlalchemy.ext.asyncio.create_async_engine")
	if len(engines) != 2 || engines[0].Line != 10 || engines[0].Func != nil || engines[1].Func.Name != "make" || !engines[1].Func.Async {
		t.Fatalf("engine calls: %+v", engines)
	}
	if ps := engines[0].Kwarg("pool_size"); ps == nil || ps.Value != "5" {
		t.Errorf("pool_size kwarg: %+v", ps)
	}

	var execute, commit, get *Call
	for _, c := range m.Calls {
		switch {
		case c.Callee == "session.execute":
			execute = c
		case c.Callee == "session.commit":
			commit = c
		case c.Callee == "session.get":
			get = c
		}
	}
	if execute == nil || execute.Try == nil || execute.Method != "execute" || execute.Receiver.Value != "session" {
		t.Fatalf("execute: %+v", execute)
	}
	arg := execute.Arg(0)
	if arg.Kind != CallExpr || arg.Call.Qualified != "sqlalchemy.text" {
		t.Fatalf("execute's argument: %+v", arg)
	}
	fs := arg.Call.Arg(0)
	if fs.Kind != FString || len(fs.Parts) != 2 || fs.Parts[0].Value != "TABLE" || fs.Parts[1].Value != "status" {
		t.Fatalf("f-string: %+v", fs)
	}
	if h := execute.Try.Handlers[0]; !h.Swallows || h.Types[0] != "Exception" {
		t.Errorf("handler: %+v", h)
	}
	if commit == nil || len(commit.Loops) != 1 || commit.Loops[0].Iter.Value != "rows" || commit.Loops[0].Targets[0] != "r" {
		t.Fatalf("commit in loop: %+v", commit)
	}
	if get == nil || len(get.Loops) != 1 || get.Loops[0].Kind != "comprehension" || get.Loops[0].Targets[0] != "i" {
		t.Fatalf("get in comprehension: %+v", get)
	}
	var await *Call
	for _, c := range m.Calls {
		if c.Callee == "conn.execute" {
			await = c
		}
	}
	if await == nil || !await.Await || len(await.With) != 1 {
		t.Fatalf("awaited call in async with: %+v", await)
	}
	pct := await.Arg(0).Call.Arg(0)
	if pct.Kind != BinOp || pct.Op != "%" || pct.Left.Value != "SELECT %s" || pct.Right.Value != "TABLE" {
		t.Fatalf("%% formatting: %+v", pct)
	}

	var order *Class
	for _, c := range m.Classes {
		if c.Name == "Order" {
			order = c
		}
	}
	if order == nil || len(order.Bases) != 1 || order.Keywords[0].Name != "table" || order.Keywords[0].Value.Value != "True" {
		t.Fatalf("class: %+v", order)
	}
	if len(order.Assigns) != 2 || order.Assigns[1].Annotation != "int" || order.Assigns[1].Value.Call.Qualified != "sqlmodel.Field" {
		t.Fatalf("class assigns: %+v", order.Assigns[1])
	}
	if v := m.ModuleConst("TABLE"); v == nil || v.Value != "orders" || !v.IsConstant() {
		t.Fatalf("TABLE const: %+v", v)
	}
	if f := m.FuncNamed("later"); f == nil || !f.BodyIsEmpty {
		t.Fatalf("later(): %+v", f)
	}
	if f := m.FuncNamed("handler"); f == nil || f.BodyIsEmpty || f.Line != 18 {
		t.Fatalf("handler(): %+v", f)
	}
}

func TestParseSurvivesBrokenInput(t *testing.T) {
	for _, src := range []string{
		"print 'python 2'\nexec code in ns\n",
		"def f(:\n    return (\n",
		"\x00\x01\xff\xfe binary",
		strings.Repeat("(", 5000),
		"",
	} {
		m := Parse("x.py", []byte(src))
		if m == nil || m.Imports == nil {
			t.Fatalf("nil model for %q", src[:min(len(src), 20)])
		}
	}
	if m := Parse("x.py", []byte("def f(:\n    pass\n")); len(m.SyntaxErrors) == 0 {
		t.Error("syntax error not recorded")
	}
}

func FuzzParse(f *testing.F) {
	f.Add(sample)
	f.Add("x = f'{a!r:>{w}}' % b + c.format(d)\n")
	f.Add("try:\n  pass\nexcept (A, b.C) as e:\n  raise\n")
	f.Fuzz(func(t *testing.T, src string) {
		Parse("fuzz.py", []byte(src))
	})
}

const contextSample = `from sqlalchemy.orm import Session


def get_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()


def orders_report(session: Session, limit: int = 10):
    """Totals per user."""
    out = []
    for order, user in session.execute(q):
        out.append(order.user.email)
    names = [u.profile.name for u in users]
    for attempt in range(5):
        try:
            session.execute(ping)
            break
        except OperationalError:
            continue
    return out


async def write(engine):
    async with Session(engine) as s, s.begin():
        await s.execute(stmt)
`

func TestParseContext(t *testing.T) {
	m := Parse("app/ctx.py", []byte(contextSample))
	if len(m.SyntaxErrors) > 0 {
		t.Fatalf("syntax errors at %v", m.SyntaxErrors)
	}
	getDB := m.FuncNamed("get_db")
	if len(getDB.Yields) != 1 || getDB.Yields[0].Value != "db" {
		t.Fatalf("get_db yields: %+v", getDB.Yields)
	}
	if len(m.Trys) == 0 || len(m.Trys[0].FinallyCalls) != 1 || m.Trys[0].FinallyCalls[0].Callee != "db.close" {
		t.Fatalf("finally calls: %+v", m.Trys[0])
	}
	rep := m.FuncNamed("orders_report")
	if rep.Doc != "Totals per user." || len(rep.Returns) != 1 || rep.Returns[0].Value != "out" {
		t.Fatalf("orders_report doc/returns: %q %+v", rep.Doc, rep.Returns)
	}
	if strings.Join(rep.Params, ",") != "session,limit" || strings.Join(rep.ParamTypes, ",") != "Session,int" {
		t.Fatalf("params %v types %v", rep.Params, rep.ParamTypes)
	}
	var loops []*Loop
	for _, l := range m.Loops {
		if l.Func == rep {
			loops = append(loops, l)
		}
	}
	if len(loops) != 3 {
		t.Fatalf("%d loops in orders_report", len(loops))
	}
	if got := strings.Join(loops[0].Targets, ","); got != "order,user" || loops[0].Exits {
		t.Fatalf("first loop targets %q exits %v", got, loops[0].Exits)
	}
	var attrs []string
	for _, a := range loops[0].Attrs {
		attrs = append(attrs, a.Value)
	}
	if !strings.Contains(strings.Join(attrs, " "), "order.user.email") {
		t.Fatalf("attribute reads in the loop: %v", attrs)
	}
	if loops[1].Kind != "comprehension" || strings.Join(loops[1].Targets, ",") != "u" || len(loops[1].Attrs) == 0 {
		t.Fatalf("comprehension: %+v", loops[1])
	}
	if !loops[2].Exits {
		t.Fatal("the retry loop breaks")
	}
	if len(m.Withs) != 1 {
		t.Fatalf("withs: %+v", m.Withs)
	}
	w := m.Withs[0]
	if !w.Async || len(w.Items) != 2 || w.Items[0].As != "s" || w.Items[0].Value.Kind != CallExpr || w.Items[1].Value.Text != "s.begin()" {
		t.Fatalf("with: %+v", w)
	}
	for _, c := range m.Calls {
		if c.Callee == "s.execute" && (len(c.With) != 2 || c.With[0].Call == nil || c.With[0].Call.Callee != "Session") {
			t.Fatalf("call's with context: %+v", c.With)
		}
	}
}

func TestConditionalCalls(t *testing.T) {
	m := Parse("x.py", []byte(`def load(session, rows):
    for i, row in enumerate(rows):
        session.add(row)
        if i % 1000 == 0:
            session.commit()
        for x in row.children:
            session.flush()
    session.commit()
`))
	cond := map[int]bool{}
	for _, c := range m.Calls {
		cond[c.Line] = c.Conditional
	}
	if cond[3] || !cond[5] || cond[7] || cond[8] {
		t.Fatalf("conditional by line: %v", cond)
	}
}
func TestFromDotImportQualifiesOnce(t *testing.T) {
	m := Parse("app/models.py", []byte("from . import db\nfrom .base import Base as B\nfrom .. import settings\n"))
	for local, want := range map[string]string{"db": ".db", "B": ".base.Base", "settings": "..settings"} {
		if got := m.Imports[local].Qualified; got != want {
			t.Errorf("import %s = %q, want %q", local, got, want)
		}
	}
}

func TestDecoratorName(t *testing.T) {
	m := Parse("app/jobs.py", []byte(`import pytest
from tenacity import retry as again


@pytest.fixture
def session():
    pass


@again(stop=3)
def sync():
    pass


@cached(ttl=60)
def hot():
    pass
`))
	want := map[string]string{"session": "pytest.fixture", "sync": "tenacity.retry", "hot": "cached"}
	for _, f := range m.Funcs {
		if got := m.DecoratorName(f.Decorators[0]); got != want[f.Name] {
			t.Errorf("%s: DecoratorName = %q, want %q", f.Name, got, want[f.Name])
		}
	}
}
