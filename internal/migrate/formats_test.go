package migrate

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/rogpeppe/go-internal/txtar"

	"github.com/pgreview/pgreview/internal/config"
	"github.com/pgreview/pgreview/internal/engine/enginetest"
	"github.com/pgreview/pgreview/internal/repo"
)

// extract writes a txtar archive into a temporary directory.
func extract(t *testing.T, archive string) string {
	t.Helper()
	ar, err := txtar.ParseFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range ar.Files {
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// configOf reads the migrations section of dir/.pgreview.yml.
func configOf(t *testing.T, dir string) Config {
	p := filepath.Join(dir, ".pgreview.yml")
	if _, err := os.Stat(p); err != nil {
		return Config{}
	}
	c, err := config.Load(p)
	if err != nil {
		t.Fatal(err)
	}
	return Config{Tool: c.Migrations.Tool, Dir: c.Migrations.Dir, Command: c.Migrations.Command, Placeholders: c.Migrations.Placeholders}
}

func query(t *testing.T, url, sql string) string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var s string
	if err := conn.QueryRow(ctx, sql).Scan(&s); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return s
}

// TestFormats applies each format's fixture on a real Postgres with the
// trace and the round trip, and checks what the tool itself would leave:
// its bookkeeping table, the order it applied things in, the schema; and
// that no trace object is left behind.
func TestFormats(t *testing.T) {
	cases := []struct {
		archive, tool, dir string
		applied            int
		trips              int
		query, want        string
	}{
		{"golang-migrate", "golang-migrate", "db/migrations", 3, 3,
			`SELECT version || ':' || dirty FROM schema_migrations`, "10:false"},
		{"goose", "goose", "db/migrations", 2, 2,
			`SELECT string_agg(version_id::text, ',' ORDER BY version_id) FROM goose_db_version WHERE is_applied`, "0,1,2"},
		{"dbmate", "dbmate", "db/migrations", 2, 2,
			`SELECT string_agg(version, ',' ORDER BY version) || ' ' || (SELECT count(*) FROM users) FROM schema_migrations`, "20240101000000,20240102000000 1"},
		{"flyway", "flyway", "sql", 4, 3,
			`SELECT string_agg(v, ',' ORDER BY r) FROM (SELECT coalesce(version, 'R') AS v, min(installed_rank) AS r FROM flyway_schema_history WHERE type = 'SQL' GROUP BY 1) s`,
			"1,1.9,1.10,R"},
		{"sqitch", "sqitch", ".", 2, 2,
			`SELECT string_agg(change, ',' ORDER BY committed_at) FROM sqitch.changes`, "users,orders"},
		{"prisma", "prisma", "prisma/migrations", 2, 0,
			`SELECT string_agg(migration_name, ',' ORDER BY migration_name) FROM _prisma_migrations WHERE finished_at IS NOT NULL`, "20240101000000_init,20240102000000_post"},
		{"initdb", "docker-entrypoint-initdb.d", "initdb", 3, 0,
			`SELECT string_agg(key || '=' || value, ',' ORDER BY key) FROM settings`, "a=1,b=2,c=3"},
		{"plain", "plain", "migrations", 2, 0,
			`SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute WHERE attrelid = 'users'::regclass AND attnum > 0`, "id,email"},
		{"alembic", "alembic", "alembic/versions", 2, 2,
			`SELECT version_num || ' ' || (SELECT string_agg(enumlabel, ',') FROM pg_enum) FROM alembic_version`, "b2 new,active"},
	}
	for _, c := range cases {
		t.Run(c.archive, func(t *testing.T) {
			dir := extract(t, filepath.Join("testdata", "formats", c.archive+".txtar"))
			r, err := repo.Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			plan, err := Detect(r, configOf(t, dir))
			if err != nil || plan == nil {
				t.Fatalf("detect: %v, %v", plan, err)
			}
			if plan.Tool != c.tool || plan.Dir != c.dir {
				t.Fatalf("detected %s in %s, want %s in %s", plan.Tool, plan.Dir, c.tool, c.dir)
			}
			pg := enginetest.Postgres(t)
			res, err := Apply(context.Background(), pg, plan, ApplyOptions{Log: t.Logf, RoundTrip: true})
			if err != nil {
				t.Fatal(err)
			}
			if res.Failed != nil {
				t.Fatalf("failed: %+v", res.Failed)
			}
			if res.Applied != c.applied || !res.Traced {
				t.Errorf("applied %d (traced %v), want %d traced", res.Applied, res.Traced, c.applied)
			}
			if len(res.Trips) != c.trips || !res.Roundtrip.OK {
				t.Errorf("round trips %d ok=%v %v, want %d ok", len(res.Trips), res.Roundtrip.OK, res.Roundtrip.Problems, c.trips)
			}
			if got := query(t, pg.URL, c.query); got != c.want {
				t.Errorf("%s\n got %q\nwant %q", c.query, got, c.want)
			}
			left := query(t, pg.URL, `SELECT (SELECT count(*) FROM pg_event_trigger) || ' ' || (SELECT count(*) FROM pg_namespace WHERE nspname = '_pgreview_trace')`)
			if left != "0 0" {
				t.Errorf("trace objects left behind (event triggers, schema): %s", left)
			}
			events := 0
			for _, s := range res.Steps {
				events += len(s.Events)
			}
			if events == 0 {
				t.Errorf("the trace recorded nothing")
			}
		})
	}
}

// TestCommandRunner runs a custom migrate command that creates a table
// through psql: the URL is in its environment and the trace sees it.
func TestCommandRunner(t *testing.T) {
	dir := t.TempDir()
	r, _ := repo.Open(dir)
	plan, err := Detect(r, Config{Command: `psql -v ON_ERROR_STOP=1 -q "$DATABASE_URL" -c 'CREATE TABLE from_command (id int)' && test -n "$PGHOST"`})
	if err != nil {
		t.Fatal(err)
	}
	pg := enginetest.Postgres(t)
	res, err := Apply(context.Background(), pg, plan, ApplyOptions{Log: t.Logf})
	if err != nil || res.Failed != nil {
		t.Fatalf("apply: %v %+v", err, res.Failed)
	}
	if got := query(t, pg.URL, `SELECT count(*)::text FROM from_command`); got != "0" {
		t.Fatal(got)
	}
	if len(res.Steps) != 1 || len(res.Steps[0].Events) == 0 || res.Steps[0].Events[0].Tag != "CREATE TABLE" {
		t.Fatalf("trace did not see the command's DDL: %+v", res.Steps)
	}
	// A failing command is a failure with its output, never a bare exit status.
	plan, _ = Detect(r, Config{Command: `echo "relation users does not exist" >&2; exit 3`})
	res, err = Apply(context.Background(), enginetest.Postgres(t), plan, ApplyOptions{})
	if err != nil || res.Failed == nil || !strings.Contains(res.Failed.Error, "relation users does not exist") {
		t.Fatalf("got %v %+v", err, res.Failed)
	}
}
