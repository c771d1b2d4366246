package migrate

import (
	"context"
	"os/exec"
	"strings"
	"testing"

	"github.com/pgreview/pgreview/internal/python"
	"github.com/pgreview/pgreview/internal/repo"
	"github.com/pgreview/pgreview/internal/repo/repotest"
)

// TestGitBase commits a history in a real git repository, edits one
// applied migration and adds a new one numbered before the last: both are
// found against the base commit.
func TestGitBase(t *testing.T) {
	dir := t.TempDir()
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=t", "-c", "user.email=t@example.com"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	write := func(name, content string) { repotest.Write(t, dir, map[string]string{name: content}) }
	git("init", "-q")
	write("db/migrations/0001_users.up.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\n")
	write("db/migrations/0001_users.down.sql", "DROP TABLE users;\n")
	write("db/migrations/0003_orders.up.sql", "CREATE TABLE orders (id bigint PRIMARY KEY);\n")
	git("add", ".")
	git("commit", "-q", "-m", "base")
	write("db/migrations/0001_users.up.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\nALTER TABLE users ADD COLUMN email text;\n")
	write("db/migrations/0002_items.up.sql", "CREATE TABLE items (id bigint PRIMARY KEY);\n")
	write("db/migrations/0004_tags.up.sql", "CREATE TABLE tags (id bigint PRIMARY KEY);\n")

	base, err := GitBase(context.Background(), dir, "HEAD", "db/migrations")
	if err != nil {
		t.Fatal(err)
	}
	if len(base.Paths("db/migrations")) != 3 {
		t.Fatalf("base files: %v", base.Paths(""))
	}
	r, err := repo.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := Detect(r, Config{Base: base})
	if err != nil {
		t.Fatal(err)
	}
	got := plan.BaseProblems(func(f string) []byte { b, _ := r.File(f).Bytes(); return b })
	var lines []string
	for _, p := range got {
		lines = append(lines, string(p.Kind)+" "+p.File+":"+itoa(p.Line))
	}
	want := "edited db/migrations/0001_users.up.sql:2\nout-of-order db/migrations/0002_items.up.sql:1"
	if strings.Join(lines, "\n") != want {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(lines, "\n"), want)
	}
	if _, err := GitBase(context.Background(), dir, "no-such-ref", "db"); err == nil || !strings.Contains(err.Error(), "no-such-ref") {
		t.Fatalf("a missing ref must say which: %v", err)
	}
}

func TestParseGoose(t *testing.T) {
	src := "-- +goose Up\nCREATE TABLE a (id int); -- trailing\n\n-- +goose StatementBegin\nCREATE FUNCTION f() RETURNS int AS $$\nSELECT 1;\n$$ LANGUAGE sql;\n-- +goose StatementEnd\n-- +GOOSE DOWN\nDROP FUNCTION f();\nDROP TABLE a;\n"
	m, err := parseGoose("x.sql", src)
	if err != nil {
		t.Fatal(err)
	}
	var up []string
	for _, s := range m.Up.Statements {
		up = append(up, itoa(s.Line)+":"+s.SQL)
	}
	want := "2:CREATE TABLE a (id int); -- trailing|5:CREATE FUNCTION f() RETURNS int AS $$\nSELECT 1;\n$$ LANGUAGE sql"
	if strings.Join(up, "|") != want {
		t.Fatalf("up:\n%q\nwant\n%q", strings.Join(up, "|"), want)
	}
	if m.Down == nil || len(m.Down.Statements) != 2 || m.Down.Statements[1].Line != 11 {
		t.Fatalf("down: %+v", m.Down)
	}
	if _, err := parseGoose("y.sql", "CREATE TABLE a (id int);\n"); err == nil {
		t.Fatal("a file without -- +goose Up must be refused, as goose does")
	}
}

func TestFlywayVersionOrder(t *testing.T) {
	for _, c := range [][2]string{{"1.9", "1.10"}, {"1", "1.1"}, {"2", "10"}, {"1_2", "1.3"}} {
		if compareVersions(c[0], c[1]) >= 0 {
			t.Errorf("%s should sort before %s", c[0], c[1])
		}
	}
	if compareVersions("1.0", "1") != 0 || normalVersion("1.0.0") != "1" {
		t.Error("1.0 and 1 are the same Flyway version")
	}
}

func TestAlembicOrder(t *testing.T) {
	src := func(file, body string) *PySource {
		s, ok := PySourceOf(python.Parse(file, []byte(body)))
		if !ok {
			t.Fatalf("%s: no revision", file)
		}
		return s
	}
	order, problems := alembicOrder([]*PySource{
		src("a_c.py", "revision = 'c'\ndown_revision = 'a'\ndepends_on = ('b',)\n"),
		src("b_b.py", "revision = 'b'\ndown_revision = 'a'\n"),
		src("c_a.py", "revision = 'a'\ndown_revision = None\n"),
		src("d_m.py", "revision = 'm'\ndown_revision = ('b', 'c')\n"),
	})
	var got []string
	for _, s := range order {
		got = append(got, s.Revision)
	}
	if strings.Join(got, ",") != "a,b,c,m" || len(problems) != 0 {
		t.Fatalf("order %v, problems %+v", got, problems)
	}
}

// TestLateMigration: a new migration ordered before one the base branch
// already has is judged by what its tool does on migrated databases.
func TestLateMigration(t *testing.T) {
	cases := []struct {
		name  string
		files map[string]string // the base has everything but the "new" file
		new   string
		kind  ProblemKind // "" for none
		says  string
	}{
		{"golang-migrate", map[string]string{"db/migrations/1_a.up.sql": "SELECT 1;", "db/migrations/3_c.up.sql": "SELECT 1;", "db/migrations/2_b.up.sql": "SELECT 1;"},
			"db/migrations/2_b.up.sql", ProblemOutOfOrder, "golang-migrate applies only versions above a database's current one, so databases already at 3 never get it"},
		{"goose", map[string]string{"db/migrations/1_a.sql": "-- +goose Up\nSELECT 1;", "db/migrations/3_c.sql": "-- +goose Up\nSELECT 1;", "db/migrations/2_b.sql": "-- +goose Up\nSELECT 1;"},
			"db/migrations/2_b.sql", ProblemOutOfOrder, "goose stops on databases already at 3"},
		{"flyway", map[string]string{"sql/V1__a.sql": "SELECT 1;", "sql/V3__c.sql": "SELECT 1;", "sql/V2__b.sql": "SELECT 1;"},
			"sql/V2__b.sql", ProblemOutOfOrder, "Flyway's validation fails on databases already at 3"},
		{"flyway-outOfOrder", map[string]string{"sql/V1__a.sql": "SELECT 1;", "sql/V3__c.sql": "SELECT 1;", "sql/V2__b.sql": "SELECT 1;", "flyway.conf": "flyway.outOfOrder=true\n"},
			"sql/V2__b.sql", ProblemReordered, "Flyway (outOfOrder=true) applies it after 3 on databases that already ran 3, and before it on new ones; make sure both orders give the same schema"},
		{"dbmate", map[string]string{"db/migrations/20240101_a.sql": "-- migrate:up\nSELECT 1;", "db/migrations/20240301_c.sql": "-- migrate:up\nSELECT 1;", "db/migrations/20240201_b.sql": "-- migrate:up\nSELECT 1;"},
			"db/migrations/20240201_b.sql", ProblemReordered, "dbmate applies it after 20240301"},
		{"initdb", map[string]string{"docker-entrypoint-initdb.d/1.sql": "SELECT 1;", "docker-entrypoint-initdb.d/3.sql": "SELECT 1;", "docker-entrypoint-initdb.d/2.sql": "SELECT 1;"},
			"docker-entrypoint-initdb.d/2.sql", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			base := map[string][]byte{}
			for f, s := range c.files {
				if f != c.new {
					base[f] = []byte(s)
				}
			}
			r, err := repo.Open(repotest.Dir(t, c.files))
			if err != nil {
				t.Fatal(err)
			}
			plan, err := Detect(r, Config{Base: NewBase("main", base)})
			if err != nil || plan == nil {
				t.Fatalf("detect: %v %v", plan, err)
			}
			got := plan.BaseProblems(func(f string) []byte { b, _ := r.File(f).Bytes(); return b })
			if c.kind == "" {
				if len(got) != 0 {
					t.Fatalf("%s: want no problem, got %+v", plan.Tool, got)
				}
				return
			}
			if len(got) != 1 || got[0].Kind != c.kind || got[0].File != c.new || !strings.Contains(got[0].Message, c.says) {
				t.Fatalf("%s: got %+v\nwant %s at %s saying %q", plan.Tool, got, c.kind, c.new, c.says)
			}
		})
	}
}

// TestHazardsOnTablesNewInThePullRequest: with a base branch, a table that
// an earlier migration of the pull request creates is empty in production
// when the later ones run; the same statement on a table of the base is a
// hazard. Without a base, the history ran over time and both are.
func TestHazardsOnTablesNewInThePullRequest(t *testing.T) {
	files := map[string]string{
		"db/migrations/1_users.up.sql":  "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n",
		"db/migrations/2_orders.up.sql": "CREATE TABLE orders (id bigint PRIMARY KEY, status text);\n",
		"db/migrations/3_indexes.up.sql": "CREATE INDEX orders_status ON orders (status);\n" +
			"CREATE INDEX users_email ON users (email);\n",
	}
	r, err := repo.Open(repotest.Dir(t, files))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		base *Base
		want string
	}{
		{NewBase("main", map[string][]byte{"db/migrations/1_users.up.sql": []byte(files["db/migrations/1_users.up.sql"])}),
			"db/migrations/3_indexes.up.sql:2 public.users"},
		{nil, "db/migrations/3_indexes.up.sql:1 public.orders\ndb/migrations/3_indexes.up.sql:2 public.users"},
	} {
		plan, err := Detect(r, Config{Base: c.base})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, h := range HazardsOf(plan, nil) {
			if h.Kind == HazardIndexNotConcurrent {
				got = append(got, h.File+":"+itoa(h.Line)+" "+h.Table)
			}
		}
		if strings.Join(got, "\n") != c.want {
			t.Errorf("base %v: index hazards\n%s\nwant\n%s", c.base != nil, strings.Join(got, "\n"), c.want)
		}
	}
}
