package migrate

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pgreview/pgreview/internal/engine"
	"github.com/pgreview/pgreview/internal/engine/enginetest"
	"github.com/pgreview/pgreview/internal/migrate/migratetest"
)

// benchMigrations is the size of the generated history.
const benchMigrations = 320

// psqlScript replays files in one psql session, each in its own
// transaction: the baseline.
func psqlScript(t testing.TB, pg *engine.Postgres, dir string, files []string) time.Duration {
	t.Helper()
	var b strings.Builder
	b.WriteString("\\set ON_ERROR_STOP 1\n")
	for _, f := range files {
		fmt.Fprintf(&b, "BEGIN;\n\\i %s\nCOMMIT;\n", filepath.Join(dir, f))
	}
	script := filepath.Join(t.(interface{ TempDir() string }).TempDir(), "replay.sql")
	os.WriteFile(script, []byte(b.String()), 0o644)
	start := time.Now()
	out, err := exec.Command("psql", "-X", "-q", "-d", pg.URL, "-f", script).CombinedOutput()
	if err != nil {
		t.Fatalf("psql baseline: %v\n%s", err, out)
	}
	return time.Since(start)
}

// BenchmarkApply compares applying a generated 320-migration history
// with pgreview (trace on; then trace and round trip on, in two parts at
// once and in one database) against psql replaying the same files, each
// in its own transaction, in the same run. It prints ratios, never
// asserts timings.
func BenchmarkApply(b *testing.B) {
	dir := b.TempDir()
	migratetest.Write(b, dir, benchMigrations)
	plan := planOf(b, dir)
	if len(plan.Migrations) != benchMigrations {
		b.Fatalf("detected %d migrations", len(plan.Migrations))
	}
	var ups, trip []string
	for _, m := range plan.Migrations {
		ups = append(ups, m.Up.File)
		trip = append(trip, m.Up.File, m.Down.File, m.Up.File)
	}
	ctx := context.Background()
	// The machine may be shared, and its speed drifts: each pgreview run
	// is divided by the psql run just before it, and the median of the
	// five ratios is the figure held against the target. The ratio of the
	// best times is printed too.
	const reps = 5
	best := func(d *time.Duration, v time.Duration) {
		if *d == 0 || v < *d {
			*d = v
		}
	}
	// run applies the plan with opts on a fresh database, created before
	// the clock starts, as the baseline's is.
	run := func(opts ApplyOptions) (time.Duration, *Result) {
		pg := enginetest.Postgres(b)
		start := time.Now()
		res, err := Apply(ctx, pg, plan, opts)
		d := time.Since(start)
		if err != nil || res.Failed != nil || !res.Traced {
			b.Fatalf("apply: %v %+v", err, res.Failed)
		}
		if opts.RoundTrip && (!res.Roundtrip.OK || len(res.Trips) != benchMigrations) {
			b.Fatalf("round trip: %v", res.Roundtrip.Problems)
		}
		return d, res
	}
	var applyRatios, tripRatios, inOrderRatios []float64
	for i := 0; i < b.N; i++ {
		var baseUp, traced, baseTrip, roundTrip, inOrder time.Duration
		var phases map[string]time.Duration
		for r := 0; r < reps; r++ {
			bu := psqlScript(b, enginetest.Postgres(b), dir, ups)
			best(&baseUp, bu)
			d, _ := run(ApplyOptions{})
			best(&traced, d)
			applyRatios = append(applyRatios, d.Seconds()/bu.Seconds())

			bt := psqlScript(b, enginetest.Postgres(b), dir, trip)
			best(&baseTrip, bt)
			d, res := run(ApplyOptions{RoundTrip: true})
			if roundTrip == 0 || d < roundTrip {
				phases = res.Phases
			}
			best(&roundTrip, d)
			tripRatios = append(tripRatios, d.Seconds()/bt.Seconds())
			// The same round trip kept in one database, for the record
			// (one CPU, or a tool's own process, runs it that way).
			d, _ = run(ApplyOptions{RoundTrip: true, inOrder: true})
			best(&inOrder, d)
			inOrderRatios = append(inOrderRatios, d.Seconds()/bt.Seconds())
		}
		hwm := peakRSS()
		fmt.Printf("migrate bench: %d migrations, %d runs, each against the psql run just before it\n", benchMigrations, reps)
		fmt.Printf("  %-16s %-10s %-10s %-22s %s\n", "", "best", "psql best", "median ratio (target)", "ratio of best times")
		line := func(name string, ours, base time.Duration, ratios []float64, target, note string) {
			fmt.Printf("  %-16s %-10s %-10s %-22s %.2f  %s\n", name, ours.Round(time.Millisecond), base.Round(time.Millisecond),
				fmt.Sprintf("%.2f (%s)", median(ratios), target), ours.Seconds()/base.Seconds(), note)
		}
		line("apply+trace", traced, baseUp, applyRatios, "<= 1.5", "psql: each file in its own transaction")
		line("round trip", roundTrip, baseTrip, tripRatios, "<= 1.5", "psql: up, down, up; pgreview: two parts at once")
		line("in one database", inOrder, baseTrip, inOrderRatios, "none", "the round trip with one CPU, Alembic or a command")
		fmt.Printf("  peak RSS      %d MB (target < 200)\n", hwm>>20)
		var names []string
		for k := range phases {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			fmt.Printf("    round trip phase %-22s %8s (both databases)\n", k, phases[k].Round(time.Millisecond))
		}
		b.ReportMetric(median(applyRatios), "apply-ratio")
		b.ReportMetric(median(tripRatios), "roundtrip-ratio")
		b.ReportMetric(median(inOrderRatios), "one-db-roundtrip-ratio")
		b.ReportMetric(float64(hwm>>20), "peak-MB")
	}
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s[len(s)/2]
}

// peakRSS is this process's peak resident set (VmHWM), in bytes.
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb int64
			fmt.Sscanf(strings.TrimSpace(v), "%d", &kb)
			return kb << 10
		}
	}
	return 0
}
