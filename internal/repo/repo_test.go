package repo

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pgreview/pgreview/internal/repo/repotest"
)

// write lays files out under root: the short name this package's tests
// use for repotest.Write.
func write(t *testing.T, root string, files map[string]string) {
	t.Helper()
	repotest.Write(t, root, files)
}

func paths(r *Repo) string {
	var ps []string
	for _, f := range r.Files() {
		ps = append(ps, f.Path)
	}
	return strings.Join(ps, " ")
}

func TestOpenWalksAndSkips(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	write(t, root, map[string]string{
		".gitignore":              "ignored.txt\nbuild/\n",
		"app/main.py":             "print(1)\n",
		"ignored.txt":             "x",
		"build/out.sql":           "select 1;",
		"node_modules/x/y.js":     "x",
		".venv/lib/site.py":       "x",
		"env/pyvenv.cfg":          "home = /usr",
		"env/lib/x.py":            "x",
		"db/schema.sql":           "create table t (id int primary key);",
		"docker-compose.yml":      "services: {}\n",
		".env":                    "A=1\n",
		".github/workflows/c.yml": "on: push\n",
	})
	write(t, outside, map[string]string{"secret.txt": "outside"})
	if err := os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(root, "link.txt")); err != nil {
		t.Fatal(err)
	}
	r, err := Open(root)
	if err != nil {
		t.Fatal(err)
	}
	got := paths(r)
	want := ".env .github/workflows/c.yml .gitignore app/main.py db/schema.sql docker-compose.yml"
	if got != want {
		t.Fatalf("files:\n got %s\nwant %s", got, want)
	}
	if len(r.Warnings()) != 1 || !strings.Contains(r.Warnings()[0].Message, "symlink points outside") {
		t.Fatalf("warnings: %v", r.Warnings())
	}
	for path, kind := range map[string]Kind{"app/main.py": KindPython, "db/schema.sql": KindSQL, "docker-compose.yml": KindCompose, ".env": KindEnv, ".github/workflows/c.yml": KindWorkflow} {
		if k := r.File(path).Kind; k != kind {
			t.Errorf("%s: kind %s, want %s", path, k, kind)
		}
	}
}

func TestOpenUsesGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("git is needed")
	}
	root := t.TempDir()
	write(t, root, map[string]string{
		".gitignore":   ".env\n",
		"tracked.py":   "x = 1\n",
		".env":         "SECRET=1\n",
		"untracked.py": "y = 2\n",
	})
	for _, args := range [][]string{{"init", "-q"}, {"add", "tracked.py", ".gitignore"}} {
		cmd := exec.Command("git", args...)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	r, err := Open(root)
	if err != nil {
		t.Fatal(err)
	}
	if got := paths(r); got != ".gitignore tracked.py untracked.py" {
		t.Fatalf("files: %s", got)
	}
	if !r.Git || !r.File("tracked.py").Tracked || r.File("untracked.py").Tracked {
		t.Fatal("tracked flags wrong")
	}
}

func TestLargeAndBinaryFilesAreSkipped(t *testing.T) {
	root := t.TempDir()
	write(t, root, map[string]string{
		"big.sql": strings.Repeat("select 1;\n", MaxFileSize/10+10),
		"blob.py": "x = 1\x00\x01\x02",
		"good.py": "x = 1\n",
	})
	r, _ := Open(root)
	if _, err := r.File("big.sql").Bytes(); err == nil {
		t.Fatal("big file read")
	}
	if _, err := r.File("blob.py").Bytes(); err == nil {
		t.Fatal("binary file read")
	}
	if len(r.Python()) != 1 {
		t.Fatalf("python modules: %d", len(r.Python()))
	}
	if !strings.Contains(r.Warnings()[0].Message, "over the 1024 KB limit") {
		t.Fatalf("warnings: %v", r.Warnings())
	}
}

func TestComposeParsing(t *testing.T) {
	root := t.TempDir()
	write(t, root, map[string]string{
		"docker-compose.yml": `x-env: &env
  POSTGRES_USER: app
  POSTGRES_DB: ${DB_NAME:-appdb}
services:
  db:
    image: postgres:${PG:-15}-alpine
    environment:
      <<: *env
      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?required}
    command: postgres -c max_connections=200 -c 'shared_preload_libraries=pg_stat_statements'
    ports: ["127.0.0.1:5433:5432", "5432"]
    volumes:
      - pgdata:/var/lib/postgresql/data
      - ./init:/docker-entrypoint-initdb.d
    healthcheck:
      test: pg_isready
  api:
    build: {context: ./api}
    depends_on:
      db: {condition: service_healthy}
volumes:
  pgdata: {}
`,
		"docker-compose.override.yml": "services:\n  db:\n    image: postgres:16\n",
		".env":                        "PG=14\n",
	})
	r, _ := Open(root)
	cfs := r.Compose()
	if len(cfs) != 2 || cfs[0].Path != "docker-compose.yml" {
		t.Fatalf("compose files: %d", len(cfs))
	}
	db := cfs[0].Services[0]
	if db.ImageRef() != "postgres:14-alpine" || db.Image.Line != 6 {
		t.Errorf("image %q line %d", db.ImageRef(), db.Image.Line)
	}
	if db.EnvValue("POSTGRES_USER") != "app" || db.EnvValue("POSTGRES_DB") != "appdb" {
		t.Errorf("env through anchor: %+v", db.Environment)
	}
	if e, _ := db.Env("POSTGRES_PASSWORD"); e.Line != 9 {
		t.Errorf("password line %d", e.Line)
	}
	if v, ok := db.Interpolate("${POSTGRES_PASSWORD:?required}"); ok || v != "" {
		t.Errorf("required variable interpolated to %q", v)
	}
	s := db.ServerSettings()
	if s["max_connections"] != "200" || s["shared_preload_libraries"] != "pg_stat_statements" {
		t.Errorf("settings %v", s)
	}
	if db.Ports[0].HostIP != "127.0.0.1" || db.Ports[0].Published != "5433" || db.Ports[1].Target != "5432" || db.Ports[1].HostIP != "" {
		t.Errorf("ports %+v", db.Ports)
	}
	if db.Volumes[0].Type != "volume" || db.Volumes[1].Type != "bind" {
		t.Errorf("volumes %+v", db.Volumes)
	}
	api := cfs[0].Services[1]
	if api.Build == nil || api.Build.Context != "./api" || api.DependsOn[0].Condition != "service_healthy" {
		t.Errorf("api %+v", api)
	}
	if d := r.DBService(); d == nil || d.Name != "db" || d.Image != "postgres:16" {
		t.Errorf("db service: %+v", d)
	}
}

func TestBrokenComposeIsAWarning(t *testing.T) {
	root := t.TempDir()
	write(t, root, map[string]string{"compose.yaml": "services:\n  db:\n    image: [unclosed\n"})
	r, _ := Open(root)
	if len(r.Compose()) != 0 {
		t.Fatal("broken file parsed")
	}
	w := r.Warnings()
	if len(w) != 1 || w[0].File != "compose.yaml" || w[0].Line == 0 || !strings.Contains(w[0].Message, "invalid YAML") {
		t.Fatalf("warnings: %+v", w)
	}
}

func TestIgnores(t *testing.T) {
	root := t.TempDir()
	write(t, root, map[string]string{
		"db/1.sql":    "create table t (x int); -- pgreview:ignore no-primary-key,5.2 staging only\n",
		"compose.yml": "services:\n  db:  # pgreview:ignore db-healthcheck\n    image: postgres\n",
	})
	r, _ := Open(root)
	igs := r.Ignores()
	if len(igs) != 1 || igs[0].File != "db/1.sql" || igs[0].Line != 1 || strings.Join(igs[0].Checks, ",") != "no-primary-key,5.2" || igs[0].Reason != "staging only" {
		t.Fatalf("ignores: %+v", igs)
	}
	if w := r.Warnings(); len(w) != 1 || w[0].File != "compose.yml" || w[0].Line != 2 {
		t.Fatalf("ignore without a reason: %+v", w)
	}
}

func FuzzCompose(f *testing.F) {
	f.Add("services:\n  db:\n    image: postgres\n")
	f.Add("a: &a\n  b: *a\n")
	f.Add("services: {db: {<<: [*x]}}")
	f.Fuzz(func(t *testing.T, src string) {
		root, err := parseYAML([]byte(src))
		if err != nil || root == nil {
			return
		}
		(&ComposeFile{}).parse(root)
	})
}

func TestYAMLAliasBombIsFast(t *testing.T) {
	src := "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	prev := "a"
	for i := 0; i < 20; i++ {
		name := string(rune('b' + i))
		src += name + ": &" + name + " [*" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + "]\n"
		prev = name
	}
	if _, err := parseYAML([]byte(src)); err != nil {
		t.Logf("rejected: %v", err)
	}
}

func TestSQLThatDoesNotParseIsAWarning(t *testing.T) {
	root := t.TempDir()
	write(t, root, map[string]string{
		"db/1.sql":      "CREATE TABLE t (id int PRIMARY KEY);\n-- é\nCREATE TABLE broken (id int,, x);\n",
		"db/ok.sql":     "\\connect app\nSELECT 1;\n",
		"db/flyway.sql": "CREATE TABLE ${schema}.t (id int);\n",
	})
	r, _ := Open(root)
	r.CheckSQLSyntax()
	w := r.Warnings()
	if len(w) != 1 || w[0].File != "db/1.sql" || w[0].Line != 3 || !strings.Contains(w[0].Message, "does not parse as PostgreSQL") {
		t.Fatalf("warnings: %+v", w)
	}
}
