package migrate

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pgreview/pgreview/internal/engine/enginetest"
	"github.com/pgreview/pgreview/internal/repo"
)

// TestFailures checks that a history that stops applying is reported at
// the file and line of the failing statement, with Postgres' SQLSTATE and
// message, for SQL formats and for Alembic (read from its traceback).
func TestFailures(t *testing.T) {
	cases := []struct {
		archive string
		want    Failure
		applied int
		msg     string // must appear in the error
	}{
		{"alembic-sql", Failure{Migration: "b2_bad", File: "alembic/versions/b2_bad.py", Line: 10, SQLState: "42P01",
			Statement: "CREATE INDEX orders_user_idx ON orders (user_id)"}, 1, `relation "orders" does not exist`},
		{"alembic-module", Failure{Migration: "a1_users", File: "alembic/env.py", Line: 2}, 0,
			"Python module \"pgreview_missing_module\" cannot be imported by /usr/bin/python3 (No module named 'pgreview_missing_module'); add `pip install -r requirements.txt` before this step"},
		{"goose-bad", Failure{Migration: "00002_orders", File: "db/migrations/00002_orders.sql", Line: 4, SQLState: "42703",
			Statement: "ALTER TABLE orders ADD CONSTRAINT orders_user_fk …"}, 1, `column "user_id" referenced in foreign key constraint does not exist`},
		{"flyway-placeholder", Failure{Migration: "2_grants", File: "db/migration/V2__grants.sql", Line: 3}, 1,
			"no value for Flyway placeholder ${reader_role}"},
	}
	for _, c := range cases {
		t.Run(c.archive, func(t *testing.T) {
			dir := extract(t, filepath.Join("testdata", "failures", c.archive+".txtar"))
			r, _ := repo.Open(dir)
			plan, err := Detect(r, Config{})
			if err != nil || plan == nil {
				t.Fatalf("detect: %v %v", plan, err)
			}
			res, err := Apply(context.Background(), enginetest.Postgres(t), plan, ApplyOptions{Log: t.Logf, RoundTrip: true})
			if err != nil {
				t.Fatal(err)
			}
			f := res.Failed
			if f == nil {
				t.Fatalf("no failure; applied %d", res.Applied)
			}
			if !strings.Contains(f.Error, c.msg) {
				t.Errorf("error %q does not say %q", f.Error, c.msg)
			}
			f.Error = ""
			if *f != c.want || res.Applied != c.applied {
				t.Errorf("got %+v (applied %d)\nwant %+v (applied %d)", *f, res.Applied, c.want, c.applied)
			}
		})
	}
}
