package migrate

import (
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pgreview/pgreview/internal/engine/enginetest"
	"github.com/pgreview/pgreview/internal/repo"
	"github.com/pgreview/pgreview/internal/repo/repotest"
)

// TestInitdbScripts runs init scripts as the official image does: gzip
// and xz dumps, an executable script, a sourced one using the entrypoint's
// docker_process_sql, and a file the image ignores. A dump that does not
// decompress, then a failing script, stop the run at their file, with
// the decompressor's or psql's message.
func TestInitdbScripts(t *testing.T) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("CREATE TABLE dumped (id int);\nINSERT INTO dumped VALUES (1);\n"))
	zw.Close()
	dir := repotest.Dir(t, map[string]string{
		"docker-compose.yml":    "services:\n  db:\n    image: postgres:15\n    environment:\n      APP_DB_PASSWORD: s3cr3t-from-compose\n    volumes:\n      - ./initdb:/docker-entrypoint-initdb.d\n",
		"initdb/01_dump.sql.gz": gz.String(),
		"initdb/02_exec.sh": "#!/bin/sh\nset -e\n" +
			`psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" -c 'CREATE TABLE executed (id int)'` + "\n" +
			`echo "shared_preload_libraries = 'pg_stat_statements'" >> "$PGDATA/postgresql.conf"` + "\n",
		"initdb/03_sourced.sh": "docker_process_sql <<<'CREATE TABLE sourced (id int)'\n",
		"initdb/04_notes.txt":  "ignored by the image\n",
		"initdb/05_fail.sh":    "echo \"using $APP_DB_PASSWORD\"\ndocker_process_sql -c 'SELECT * FROM missing'\necho never\n",
	})
	if err := os.Chmod(filepath.Join(dir, "initdb", "02_exec.sh"), 0o755); err != nil {
		t.Fatal(err)
	}
	xz := exec.Command("xz", "-c")
	xz.Stdin = strings.NewReader("CREATE TABLE xz_dumped (id int);\n")
	packed, err := xz.Output()
	if err != nil {
		t.Fatalf("xz (scripts/deps.sh installs xz-utils): %v", err)
	}
	repotest.Write(t, dir, map[string]string{"initdb/04_more.sql.xz": string(packed), "initdb/04_broken.sql.zst": "not zstd"})
	r, err := repo.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := Detect(r, Config{})
	if err != nil || plan == nil || plan.Tool != "docker-entrypoint-initdb.d" {
		t.Fatalf("detect: %+v, %v", plan, err)
	}
	var ids []string
	for _, m := range plan.Migrations {
		ids = append(ids, m.ID())
	}
	if got := strings.Join(ids, " "); got != "01_dump 02_exec 03_sourced 04_broken 04_more 05_fail" {
		t.Fatalf("init scripts %q, want the image's order without the .txt", got)
	}
	pg := enginetest.Postgres(t)
	res, err := Apply(context.Background(), pg, plan, ApplyOptions{Log: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Skipped) != 0 {
		t.Errorf("skipped %+v, want none", plan.Skipped)
	}
	if res.Applied != 3 || res.Failed == nil || res.Failed.File != "initdb/04_broken.sql.zst" || !strings.Contains(res.Failed.Error, "zstd -dc") {
		t.Fatalf("applied %d, failed %+v; want 3 applied and the broken zstd dump failed", res.Applied, res.Failed)
	}

	// Without the broken dump, the review goes on to the failing script.
	os.Remove(filepath.Join(dir, "initdb", "04_broken.sql.zst"))
	r, err = repo.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if plan, err = Detect(r, Config{}); err != nil {
		t.Fatal(err)
	}
	pg = enginetest.Postgres(t)
	if res, err = Apply(context.Background(), pg, plan, ApplyOptions{Log: t.Logf}); err != nil {
		t.Fatal(err)
	}
	if res.Applied != 4 || res.Failed == nil {
		t.Fatalf("applied %d, failed %+v; want 4 applied and 05_fail.sh failed", res.Applied, res.Failed)
	}
	if res.Failed.File != "initdb/05_fail.sh" || !strings.Contains(res.Failed.Error, `relation "missing" does not exist`) || strings.Contains(res.Failed.Error, "never") {
		t.Errorf("failure %+v, want 05_fail.sh with psql's error, stopped by set -e", res.Failed)
	}
	if !strings.Contains(res.Failed.Error, "using ***") || strings.Contains(res.Failed.Error, "s3cr3t") {
		t.Errorf("the service's secret must be redacted from the script's output: %s", res.Failed.Error)
	}
	if got := query(t, pg.URL, `SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class WHERE relname IN ('dumped', 'executed', 'sourced', 'xz_dumped')`); got != "dumped,executed,sourced,xz_dumped" {
		t.Errorf("tables %q, want dumped,executed,sourced,xz_dumped", got)
	}
	for _, s := range res.Steps {
		if s.Migration.ID() == "02_exec" && len(s.Events) == 0 {
			t.Errorf("the trace saw nothing of the executable script's psql")
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "initdb", "postgresql.conf")); err == nil {
		t.Errorf("the script wrote into the repository")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("the repository gained files: %v", entries)
	}
}

// TestInitdbSetup: a history that depends on what the compose db
// service's init scripts create (a schema here) applies and round-trips,
// because the scripts run first, in the order of their names inside
// /docker-entrypoint-initdb.d (a mounted file, then a mounted directory's),
// with the service's environment; a required variable gets a stand-in.
func TestInitdbSetup(t *testing.T) {
	dir := repotest.Dir(t, map[string]string{
		"docker-compose.yml": `services:
  db:
    image: postgres:15
    environment:
      POSTGRES_USER: someone-else
      APP_SCHEMA: ${APP_SCHEMA:-app}
      APP_PASSWORD: ${APP_PASSWORD:?set it in .env}
    volumes:
      - pgdata:/var/lib/postgresql/data
      - ./sql/first.sql:/docker-entrypoint-initdb.d/00-first.sql:ro
      - ./initdb:/docker-entrypoint-initdb.d
volumes:
  pgdata:
`,
		"sql/first.sql": "CREATE TABLE setup_order (step text);\nINSERT INTO setup_order VALUES ('first');\n",
		"initdb/10-schema.sh": "set -u\ntest -n \"$APP_PASSWORD\"\n" +
			`docker_process_sql <<<"CREATE SCHEMA $APP_SCHEMA; INSERT INTO setup_order VALUES ('$POSTGRES_USER')"` + "\n",
		"db/migrations/1_users.up.sql":   "CREATE TABLE app.users (id bigint PRIMARY KEY);\n",
		"db/migrations/1_users.down.sql": "DROP TABLE app.users;\n",
		"db/migrations/2_email.up.sql":   "ALTER TABLE app.users ADD COLUMN email text;\n",
		"db/migrations/2_email.down.sql": "ALTER TABLE app.users DROP COLUMN email;\n",
		// A down that leaves its index behind: the review rebuilds the
		// database from the snapshot taken after the init scripts.
		"db/migrations/3_idx.up.sql":   "CREATE INDEX users_email ON app.users (email);\n",
		"db/migrations/3_idx.down.sql": "SELECT 1;\n",
		"db/migrations/4_name.up.sql":  "ALTER TABLE app.users ADD COLUMN name text;\n",
	})
	r, err := repo.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := Detect(r, Config{})
	if err != nil || plan == nil || plan.Tool != "golang-migrate" || plan.Setup == nil {
		t.Fatalf("detect: %+v, %v; want golang-migrate with init scripts first", plan, err)
	}
	pg := enginetest.Postgres(t)
	res, err := Apply(context.Background(), pg, plan, ApplyOptions{Log: t.Logf, RoundTrip: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Failed != nil || res.Applied != 4 {
		t.Fatalf("failed %+v, applied %d; want 4 applied", res.Failed, res.Applied)
	}
	if p := strings.Join(res.Roundtrip.Problems, "\n"); res.Roundtrip.OK || !strings.Contains(p, "users_email") || strings.Count(p, "\n") != 0 {
		t.Errorf("round trip problems:\n%s\nwant only 3_idx's leftover index", p)
	}
	if got := query(t, pg.URL, `SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute WHERE attrelid = 'app.users'::regclass AND attnum > 0 AND NOT attisdropped`); got != "id,email,name" {
		t.Errorf("app.users has %q after the rebuild, want id,email,name", got)
	}
	if got := strings.Join(res.Setup, " "); got != "sql/first.sql initdb/10-schema.sh" {
		t.Errorf("setup %q, want the mounted file (00-first.sql) before the directory's 10-schema.sh", got)
	}
	user := query(t, pg.URL, `SELECT current_user`)
	if got := query(t, pg.URL, `SELECT string_agg(step, ',') FROM setup_order`); got != "first,"+user {
		t.Errorf("setup ran %q, want first then the script with the review database's POSTGRES_USER %q", got, user)
	}
	if left := query(t, pg.URL, `SELECT count(*)::text FROM pg_database WHERE datname LIKE '%\_setup\_%'`); left != "0" {
		t.Errorf("%s snapshot(s) of the setup left behind", left)
	}
	for _, s := range res.Steps {
		for _, e := range s.Events {
			if strings.Contains(e.Identity, "setup_order") {
				t.Errorf("the setup was traced as part of %s: %+v", s.Migration.ID(), e)
			}
		}
	}
}

// TestInitdbDumpWithoutDecompressor: a dump whose decompressor is not on
// this machine is listed as not replayed, with the package to install; the
// image could run it, so it is no failure of the repository's.
func TestInitdbDumpWithoutDecompressor(t *testing.T) {
	r, err := repo.Open(repotest.Dir(t, map[string]string{
		"docker-entrypoint-initdb.d/01.sql":     "CREATE TABLE a (id int);\n",
		"docker-entrypoint-initdb.d/02.sql.zst": "(compressed)",
	}))
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", t.TempDir())
	plan, err := Detect(r, Config{})
	if err != nil || plan == nil {
		t.Fatalf("detect: %v %v", plan, err)
	}
	if len(plan.Migrations) != 1 || len(plan.Skipped) != 1 || !strings.Contains(plan.Skipped[0].Reason, "apt-get install zstd") {
		t.Fatalf("migrations %d, skipped %+v; want 01.sql applied and the zstd dump skipped with the package to install", len(plan.Migrations), plan.Skipped)
	}
}
