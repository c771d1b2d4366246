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
		"docker-compose.yml":    "services:\n  db:\n    image: postgres:15\n    volumes:\n      - ./initdb:/docker-entrypoint-initdb.d\n",
		"initdb/01_dump.sql.gz": gz.String(),
		"initdb/02_exec.sh": "#!/bin/sh\nset -e\n" +
			`psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" -c 'CREATE TABLE executed (id int)'` + "\n" +
			`echo "shared_preload_libraries = 'pg_stat_statements'" >> "$PGDATA/postgresql.conf"` + "\n",
		"initdb/03_sourced.sh": "docker_process_sql <<<'CREATE TABLE sourced (id int)'\n",
		"initdb/04_notes.txt":  "ignored by the image\n",
		"initdb/05_fail.sh":    "docker_process_sql -c 'SELECT * FROM missing'\necho never\n",
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
