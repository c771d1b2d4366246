package checks

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/pgreview/pgreview/internal/catalog"
	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/engine/enginetest"
	"github.com/pgreview/pgreview/internal/migrate"
	"github.com/pgreview/pgreview/internal/repo"
)

const (
	benchTables          = 1000
	benchIndexesPerTable = 5 // the primary key and four more
)

// bigSchema is benchTables tables, each with a foreign key to the one
// before it and benchIndexesPerTable indexes, created in batches so one
// transaction does not run out of lock slots.
func bigSchema(b *testing.B, url string) {
	b.Helper()
	for start := 0; start < benchTables; start += 100 {
		var sql strings.Builder
		for i := start; i < start+100; i++ {
			parent := ""
			if i > 0 {
				parent = fmt.Sprintf(" REFERENCES t%d (id)", i-1)
			}
			// Every tenth table has defects, so findings are built too:
			// an unindexed foreign key and a timestamp without time zone.
			ts, fkIndex := "timestamptz", "(parent_id)"
			if i%10 == 9 {
				ts, fkIndex = "timestamp", "(name, parent_id)"
			}
			fmt.Fprintf(&sql, `CREATE TABLE t%[1]d (
				id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
				parent_id bigint%[2]s,
				name text NOT NULL,
				created_at %[3]s NOT NULL DEFAULT now(),
				payload jsonb);
			COMMENT ON TABLE t%[1]d IS 'Table %[1]d.';
			CREATE INDEX t%[1]d_parent_id_idx ON t%[1]d %[4]s;
			CREATE INDEX t%[1]d_name_idx ON t%[1]d (name);
			CREATE INDEX t%[1]d_created_at_idx ON t%[1]d (created_at DESC);
			CREATE INDEX t%[1]d_payload_idx ON t%[1]d USING gin (payload);
			`, i, parent, ts, fkIndex)
		}
		enginetest.Exec(b, url, sql.String())
	}
}

// BenchmarkLiveReview loads the catalog of a 1,000-table, 5,000-index
// schema and runs every live check on it: what a review does after the
// migrations. The number of catalog queries is reported; it does not
// depend on the schema's size (catalog's TestQueryCountIsFixed asserts it).
func BenchmarkLiveReview(b *testing.B) {
	pg := enginetest.Postgres(b)
	bigSchema(b, pg.URL)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, pg.URL)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	r, err := repo.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	var live []*check.Check
	for _, c := range All() {
		if c.Needs.Live() {
			live = append(live, c)
		}
	}
	var snap *catalog.Snapshot
	findings := 0
	for b.Loop() {
		snap, err = catalog.Load(ctx, conn)
		if err != nil {
			b.Fatal(err)
		}
		in := &check.Input{Repo: r, Catalog: snap, Applied: &migrate.Result{}}
		findings = 0
		for _, res := range check.Run(ctx, live, in) {
			if res.Status == check.StatusError {
				b.Fatalf("%s: %s", res.Check.Name, res.Reason)
			}
			findings += len(res.Findings)
		}
	}
	if len(snap.Tables) != benchTables || len(snap.Indexes) != benchTables*benchIndexesPerTable {
		b.Fatalf("schema has %d tables and %d indexes", len(snap.Tables), len(snap.Indexes))
	}
	b.ReportMetric(float64(snap.Queries), "catalog-queries")
	b.ReportMetric(float64(len(live)), "live-checks")
	b.ReportMetric(float64(findings), "findings")
}
