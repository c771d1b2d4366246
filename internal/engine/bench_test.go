package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// benchEngines are the engines compared: the repo's image through
// testcontainers (present locally), and a throwaway local cluster.
func benchEngines(b *testing.B) []struct {
	name   string
	engine Engine
	opts   Options
} {
	return []struct {
		name   string
		engine Engine
		opts   Options
	}{
		{"testcontainers", Testcontainers{}, Options{Image: testImage(), Session: testSession(b), Database: "app"}},
		{"local", Local{}, Options{Database: "app"}},
	}
}

// BenchmarkStartToFirstQuery measures, per engine, the time from Start to
// the first answered query, median of 5 starts (stopping is not timed).
func BenchmarkStartToFirstQuery(b *testing.B) {
	ctx := context.Background()
	medians := map[string]time.Duration{}
	for _, e := range benchEngines(b) {
		var samples []time.Duration
		for i := 0; i < b.N; i++ {
			for run := 0; run < 5; run++ {
				start := time.Now()
				pg, err := e.engine.Start(ctx, e.opts)
				if err != nil {
					b.Fatalf("%s: %v", e.name, err)
				}
				err = firstQuery(ctx, pg.URL)
				elapsed := time.Since(start)
				b.StopTimer()
				pg.Stop(ctx)
				b.StartTimer()
				if err != nil {
					b.Fatalf("%s: first query: %v", e.name, err)
				}
				samples = append(samples, elapsed)
			}
		}
		medians[e.name] = median(samples)
		b.ReportMetric(medians[e.name].Seconds(), e.name+"-s")
		b.Logf("%s: start to first query %v (median of %d: %v)", e.name, medians[e.name].Round(time.Millisecond), len(samples), roundAll(samples))
	}
	tc, local := medians["testcontainers"], medians["local"]
	b.Logf("start to first query, median of 5: testcontainers %v, local %v; testcontainers takes %.1fx local (targets: < 3s, < 2s)",
		tc.Round(time.Millisecond), local.Round(time.Millisecond), float64(tc)/float64(local))
}

func firstQuery(ctx context.Context, url string) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	var one int
	return conn.QueryRow(ctx, "select 1").Scan(&one)
}

// BenchmarkSnapshotRestoreVsReplay measures what a template-database
// restore saves against replaying a history of 300 migrations, per
// engine, median of 5 each.
func BenchmarkSnapshotRestoreVsReplay(b *testing.B) {
	const count = 300
	history := generateHistory(count)
	ctx := context.Background()
	for _, e := range benchEngines(b) {
		b.Run(e.name, func(b *testing.B) {
			pg, err := e.engine.Start(ctx, e.opts)
			if err != nil {
				b.Fatal(err)
			}
			defer pg.Stop(ctx)
			var replays, restores []time.Duration
			for i := 0; i < b.N; i++ {
				for run := 0; run < 5; run++ {
					if err := pg.DropDatabase(ctx, pg.Database); err != nil {
						b.Fatal(err)
					}
					start := time.Now()
					if err := createDatabase(ctx, pg.adminURL, pg.Database, ""); err != nil {
						b.Fatal(err)
					}
					if err := replay(ctx, pg.URL, history); err != nil {
						b.Fatal(err)
					}
					replays = append(replays, time.Since(start))
				}
				if err := pg.Snapshot(ctx, "bench_snapshot"); err != nil {
					b.Fatal(err)
				}
				for run := 0; run < 5; run++ {
					start := time.Now()
					if err := pg.Restore(ctx, "bench_snapshot"); err != nil {
						b.Fatal(err)
					}
					restores = append(restores, time.Since(start))
				}
			}
			if err := checkHistoryApplied(ctx, pg.URL, count); err != nil {
				b.Fatalf("after restore: %v", err)
			}
			rep, res := median(replays), median(restores)
			b.ReportMetric(rep.Seconds(), "replay-s")
			b.ReportMetric(res.Seconds(), "restore-s")
			b.ReportMetric((rep - res).Seconds(), "saved-s")
			b.Logf("%s: replaying %d migrations %v, restoring the template %v: the restore saves %v (%.0fx faster)",
				e.name, count, rep.Round(time.Millisecond), res.Round(time.Millisecond), (rep - res).Round(time.Millisecond), float64(rep)/float64(res))
		})
	}
}

// replay applies each migration in its own transaction, recording it in
// schema_migrations, as golang-migrate does.
func replay(ctx context.Context, url string, history []string) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE TABLE schema_migrations (version bigint PRIMARY KEY, dirty boolean NOT NULL)"); err != nil {
		return err
	}
	for i, sql := range history {
		tx, err := conn.Begin(ctx)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, sql); err != nil {
			tx.Rollback(ctx)
			return fmt.Errorf("migration %d: %w\n%s", i+1, err, sql)
		}
		if _, err := tx.Exec(ctx, "INSERT INTO schema_migrations VALUES ($1, false)", i+1); err != nil {
			tx.Rollback(ctx)
			return err
		}
		if err := tx.Commit(ctx); err != nil {
			return err
		}
	}
	return nil
}

func checkHistoryApplied(ctx context.Context, url string, count int) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, "select count(*) from schema_migrations").Scan(&n); err != nil {
		return err
	}
	if n != count {
		return fmt.Errorf("%d migrations recorded, want %d", n, count)
	}
	return nil
}

// generateHistory writes n migrations of the kind an application grows
// over a few years: tables every tenth step, then columns, indexes,
// foreign keys, constraints, type changes (rewrites), views, functions
// and triggers, seed data and comments on them.
func generateHistory(n int) []string {
	var out []string
	tables := 0
	table := func(i int) string { return fmt.Sprintf("entity_%03d", i) }
	for step := 0; len(out) < n; step++ {
		if step%10 == 0 {
			tables++
			out = append(out, fmt.Sprintf(`CREATE TABLE %s (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL,
    status text NOT NULL DEFAULT 'new',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz
);`, table(tables)))
			continue
		}
		t := table(tables)
		col := fmt.Sprintf("attr_%d", step)
		switch step % 10 {
		case 1:
			out = append(out, fmt.Sprintf("ALTER TABLE %s ADD COLUMN %s integer;", t, col))
		case 2:
			out = append(out, fmt.Sprintf("INSERT INTO %s (name, status) SELECT 'seed ' || g, CASE WHEN g %% 3 = 0 THEN 'done' ELSE 'new' END FROM generate_series(1, 200) g;", t))
		case 3:
			out = append(out, fmt.Sprintf("CREATE INDEX %s_status_created_idx ON %s (status, created_at);", t, t))
		case 4:
			if tables > 1 {
				prev := table(tables - 1)
				out = append(out, fmt.Sprintf("ALTER TABLE %s ADD COLUMN %s_id bigint REFERENCES %s (id);\nCREATE INDEX ON %s (%s_id);", t, prev, prev, t, prev))
			} else {
				out = append(out, fmt.Sprintf("ALTER TABLE %s ADD COLUMN parent_id bigint REFERENCES %s (id);", t, t))
			}
		case 5:
			out = append(out, fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s_status_check CHECK (status IN ('new', 'done', 'archived'));", t, t))
		case 6:
			out = append(out, fmt.Sprintf("ALTER TABLE %s ALTER COLUMN name TYPE varchar(200);", t))
		case 7:
			out = append(out, fmt.Sprintf(`CREATE FUNCTION %s_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END $$;
CREATE TRIGGER %s_touch BEFORE UPDATE ON %s FOR EACH ROW EXECUTE FUNCTION %s_touch();`, t, t, t, t))
		case 8:
			out = append(out, fmt.Sprintf("CREATE VIEW %s_open AS SELECT id, name, created_at FROM %s WHERE status <> 'archived';", t, t))
		case 9:
			out = append(out, fmt.Sprintf("UPDATE %s SET status = 'archived' WHERE id %% 10 = 0;\nCOMMENT ON TABLE %s IS 'step %d';", t, t, step))
		}
	}
	return out
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func roundAll(ds []time.Duration) string {
	var parts []string
	for _, d := range ds {
		parts = append(parts, d.Round(time.Millisecond).String())
	}
	return strings.Join(parts, " ")
}
