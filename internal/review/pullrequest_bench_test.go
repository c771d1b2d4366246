package review_test

import (
	"context"
	"fmt"
	"os/exec"
	"sort"
	"testing"
	"time"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks"
	"github.com/pgreview/pgreview/internal/engine"
	"github.com/pgreview/pgreview/internal/engine/enginetest"
	"github.com/pgreview/pgreview/internal/migrate/migratetest"
	"github.com/pgreview/pgreview/internal/repo/repotest"
	"github.com/pgreview/pgreview/internal/review"
)

// benchHistory is the base branch's history in BenchmarkPullRequestReview.
const benchHistory = 300

// generatePullRequest writes a git repository: a small Python service with
// a history of n migrations committed on main, then, on the checked-out
// branch feature, a pull request that adds one migration.
func generatePullRequest(b *testing.B, n int) string {
	b.Helper()
	root := b.TempDir()
	write := func(name, content string) { repotest.Write(b, root, map[string]string{name: content}) }
	git := func(args ...string) {
		cmd := exec.Command("git", append([]string{"-C", root, "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	migratetest.Write(b, root, n)
	for i := 0; i < 40; i++ {
		write(fmt.Sprintf("app/api/items_%d.py", i), fmt.Sprintf(pyModule, i))
	}
	write("app/core/config.py", pySettings)
	write("app/db.py", pyDB)
	write("app/__init__.py", "")
	write("requirements.txt", "fastapi==0.110.0\nSQLAlchemy==2.0.29\npsycopg[binary]==3.1.18\npydantic-settings==2.2.1\n")
	write("docker-compose.yml", "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?}\n")
	git("init", "-q", "-b", "main")
	git("add", "-A")
	git("commit", "-q", "-m", "base")
	git("checkout", "-q", "-b", "feature")
	write(fmt.Sprintf("db/migrations/%04d_archived_at.up.sql", n+1), "ALTER TABLE t001 ADD COLUMN archived_at timestamptz;\nCREATE INDEX t001_archived_at_idx ON t001 (archived_at);\n")
	write(fmt.Sprintf("db/migrations/%04d_archived_at.down.sql", n+1), "DROP INDEX t001_archived_at_idx;\nALTER TABLE t001 DROP COLUMN archived_at;\n")
	git("add", "-A")
	git("commit", "-q", "-m", "archived_at")
	return root
}

// BenchmarkPullRequestReview compares a pull request review (the base's
// 300 migrations applied untraced and snapshotted, the base reviewed
// beside the head, the one new migration traced and round-tripped) with a
// plain review of the same checkout (all 301 migrations traced and
// round-tripped), interleaved in the same run on the same server. It
// prints the ratio (target: at most 1.3) and asserts no timing.
func BenchmarkPullRequestReview(b *testing.B) {
	dir := generatePullRequest(b, benchHistory)
	url := enginetest.Server(b).URL
	run := func(base string) (time.Duration, *review.Outcome) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		start := time.Now()
		out, err := review.Run(ctx, review.Options{Dir: dir, Checks: checks.All(), Engine: engine.KindDSN,
			DatabaseURL: url, FailOn: review.FailOn(check.Critical), Base: base, Version: "bench"})
		d := time.Since(start)
		if err != nil || out.EngineErr != nil {
			b.Fatalf("review (base %q): %v %v", base, err, out.EngineErr)
		}
		if m := out.Report.Migrations; m == nil || m.Applied != benchHistory+1 || m.Failed != nil {
			b.Fatalf("review (base %q): migrations %+v", base, m)
		}
		return d, out
	}
	// The machine may be shared: best of three, interleaved; the median of
	// the per-run ratios too.
	const reps = 3
	for i := 0; i < b.N; i++ {
		var head, pr time.Duration
		var ratios []float64
		for r := 0; r < reps; r++ {
			h, _ := run("")
			p, out := run("main")
			if m := out.Report.Migrations; len(m.New) != 1 || m.BaseApplied != benchHistory {
				b.Fatalf("pull request review: new %v, base applied %d", m.New, m.BaseApplied)
			}
			if head == 0 || h < head {
				head = h
			}
			if pr == 0 || p < pr {
				pr = p
			}
			ratios = append(ratios, p.Seconds()/h.Seconds())
		}
		sort.Float64s(ratios)
		ratio := pr.Seconds() / head.Seconds()
		fmt.Printf("BenchmarkPullRequestReview: %d base migrations + 1 new, best of %d: pull request review %s, head-only review %s, ratio %.2f (median %.2f; target <= 1.3)\n",
			benchHistory, reps, pr.Round(time.Millisecond), head.Round(time.Millisecond), ratio, ratios[len(ratios)/2])
		b.ReportMetric(ratio, "x-head-only")
	}
}
