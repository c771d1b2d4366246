package serverconf

import (
	"testing"

	"github.com/pgreview/pgreview/internal/repo"
	"github.com/pgreview/pgreview/internal/repo/repotest"
)

func TestRead(t *testing.T) {
	dir := repotest.Dir(t, map[string]string{
		"docker-compose.yml": `services:
  db:
    image: postgres:15
    command: ["postgres", "-c", "shared_preload_libraries=pg_stat_statements,auto_explain", "-c", "log_min_duration_statement=500"]
    volumes:
      - ./config/pg.conf:/etc/postgresql/postgresql.conf:ro
`,
		"config/pg.conf":            "# tuned\nlog_statement = 'ddl'   # audit DDL\nwork_mem 64MB\ninclude 'other.conf'\n",
		"ops/postgresql.conf":       "autovacuum = off\n",
		"db/Dockerfile":             "FROM postgres:15\nCMD [\"postgres\", \"-c\", \"log_connections=on\", \"-config_file=/x\"]\n",
		"app/Dockerfile":            "FROM python:3.12\nCMD [\"python\", \"-c\", \"x=1\"]\n",
		"db/migrations/0002.up.sql": "SELECT 1;\nALTER SYSTEM SET pgaudit.log = 'write, ddl';\nALTER DATABASE shop SET statement_timeout TO '30s';\n",
		"alembic/versions/a1_x.py":  "op.execute(\"ALTER ROLE app SET log_min_duration_statement = 250\")\n",
	})
	r, err := repo.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	s := Read(r)
	want := map[string]string{
		"shared_preload_libraries=pg_stat_statements,auto_explain": "docker-compose.yml:4 compose command",
		"log_min_duration_statement=500":                           "docker-compose.yml:4 compose command",
		"log_statement=ddl":                                        "config/pg.conf:2 postgresql.conf",
		"work_mem=64MB":                                            "config/pg.conf:3 postgresql.conf",
		"autovacuum=off":                                           "ops/postgresql.conf:1 postgresql.conf",
		"log_connections=on":                                       "db/Dockerfile:2 Dockerfile CMD",
		"pgaudit.log=write, ddl":                                   "db/migrations/0002.up.sql:2 ALTER SYSTEM",
		"statement_timeout=30s":                                    "db/migrations/0002.up.sql:3 ALTER DATABASE",
		"log_min_duration_statement=250":                           "alembic/versions/a1_x.py:1 ALTER ROLE",
	}
	got := map[string]string{}
	for _, st := range s {
		got[st.Name+"="+st.Value] = st.At.String() + " " + st.Source
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: got %q, want %q", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d settings, want %d: %v", len(got), len(want), got)
	}
	if len(s.Libraries("shared_preload_libraries", "auto_explain")) != 1 || len(s.Libraries("shared_preload_libraries", "pgaudit")) != 0 {
		t.Error("Libraries")
	}
}
