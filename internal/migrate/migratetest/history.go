// Package migratetest generates migration histories for benchmarks and
// tests: the same realistic DDL wherever a long history is needed, so
// that the figures of different benchmarks describe the same work.
package migratetest

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// Write generates a golang-migrate history of n migrations with
// realistic DDL: tables with identity keys and foreign keys to the
// previous table, seeded rows, added columns with backfills, indexes,
// validated constraints, views and functions; each with its down.
func Write(t testing.TB, dir string, n int) {
	t.Helper()
	mig := filepath.Join(dir, "db", "migrations")
	if err := os.MkdirAll(mig, 0o755); err != nil {
		t.Fatal(err)
	}
	table := 0
	for i := 1; i <= n; i++ {
		var up, down string
		tb := fmt.Sprintf("t%03d", table)
		switch i % 6 {
		case 1:
			table++
			tb = fmt.Sprintf("t%03d", table)
			fk := ""
			if table > 1 {
				fk = fmt.Sprintf(",\n    parent_id bigint REFERENCES t%03d (id)", table-1)
			}
			up = fmt.Sprintf("CREATE TABLE %s (\n    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n    name text NOT NULL,\n    created_at timestamptz NOT NULL DEFAULT now()%s\n);\nINSERT INTO %s (name) SELECT 'row ' || g FROM generate_series(1, 500) g;\n", tb, fk, tb)
			down = fmt.Sprintf("DROP TABLE %s;\n", tb)
		case 2:
			up = fmt.Sprintf("ALTER TABLE %s ADD COLUMN email text;\nUPDATE %s SET email = name || '@example.com';\n", tb, tb)
			down = fmt.Sprintf("ALTER TABLE %s DROP COLUMN email;\n", tb)
		case 3:
			up = fmt.Sprintf("CREATE INDEX %s_email_idx ON %s (email);\n", tb, tb)
			down = fmt.Sprintf("DROP INDEX %s_email_idx;\n", tb)
		case 4:
			up = fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s_name_len CHECK (length(name) < 200) NOT VALID;\nALTER TABLE %s VALIDATE CONSTRAINT %s_name_len;\n", tb, tb, tb, tb)
			down = fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT %s_name_len;\n", tb, tb)
		case 5:
			up = fmt.Sprintf("CREATE VIEW %s_recent AS SELECT id, name, email FROM %s WHERE created_at > now() - interval '1 day';\nCREATE FUNCTION %s_count() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM %s $$;\n", tb, tb, tb, tb)
			down = fmt.Sprintf("DROP FUNCTION %s_count();\nDROP VIEW %s_recent;\n", tb, tb)
		case 0:
			up = fmt.Sprintf("ALTER TABLE %s ADD COLUMN status text NOT NULL DEFAULT 'new';\nCREATE INDEX %s_status_idx ON %s (status);\n", tb, tb, tb)
			down = fmt.Sprintf("DROP INDEX %s_status_idx;\nALTER TABLE %s DROP COLUMN status;\n", tb, tb)
		}
		name := filepath.Join(mig, fmt.Sprintf("%04d_step", i))
		for file, sql := range map[string]string{name + ".up.sql": up, name + ".down.sql": down} {
			if err := os.WriteFile(file, []byte(sql), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
