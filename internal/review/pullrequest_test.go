package review_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks"
	"github.com/pgreview/pgreview/internal/engine"
	"github.com/pgreview/pgreview/internal/engine/enginetest"
	"github.com/pgreview/pgreview/internal/report"
	"github.com/pgreview/pgreview/internal/review"
)

func TestMain(m *testing.M) { enginetest.Main(m) }

// gitFixture builds a git repository from a txtar archive of
// testdata/pullrequest: the files under base/ are the first commit on
// main; each section's files (pr/, quiet/) are then written on top and
// committed on the branch feature, which stays checked out.
func gitFixture(t testing.TB, archive string, sections ...string) string {
	t.Helper()
	return gitFixtureIn(t, archive, "", sections...)
}

// gitFixtureIn is gitFixture with the archive's files under sub, a
// subdirectory of the repository.
func gitFixtureIn(t testing.TB, archive, sub string, sections ...string) string {
	t.Helper()
	a, err := txtar.ParseFile(filepath.Join("testdata", "pullrequest", archive))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	writeSection := func(prefix string) {
		for _, f := range a.Files {
			name, ok := strings.CutPrefix(f.Name, prefix+"/")
			if !ok {
				continue
			}
			p := filepath.Join(dir, sub, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	git("init", "-q", "-b", "main")
	writeSection("base")
	git("add", "-A")
	git("commit", "-q", "-m", "base")
	git("checkout", "-q", "-b", "feature")
	for _, s := range sections {
		writeSection(s)
		git("add", "-A")
		git("commit", "-q", "-m", s)
	}
	return dir
}

// reviewPR runs a pull request review of dir against main, on the tests'
// shared Postgres.
func reviewPR(t testing.TB, dir string, failOn review.FailOn, scope string) *report.Report {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	out, err := review.Run(ctx, review.Options{
		Dir: dir, Checks: checks.All(), Engine: engine.KindDSN, DatabaseURL: enginetest.Server(t).URL,
		FailOn: failOn, FailScope: scope, Base: "main", Version: "test",
	})
	if err != nil {
		t.Fatal(err)
	}
	if out.EngineErr != nil {
		t.Fatal(out.EngineErr)
	}
	return out.Report
}

type key struct{ check, where string }

func keyOf(f check.Finding) key {
	where := f.File
	if f.Object != "" && f.File == "" {
		where = f.Object
	}
	return key{f.Check, where}
}

func keys(fs []check.Finding, keep func(check.Finding) bool) []string {
	var out []string
	for _, f := range fs {
		if keep(f) {
			k := keyOf(f)
			out = append(out, k.check+" "+k.where)
		}
	}
	sort.Strings(out)
	return out
}

// TestPullRequestReview: the pull request adds a migration with lock
// hazards and a password in the code, and fixes the base's password in
// docker-compose.yml. Only what it adds is new; the fixed finding is gone;
// the schema diff lists the added column and index with their hazards;
// the verdict follows the new findings.
func TestPullRequestReview(t *testing.T) {
	dir := gitFixture(t, "orders.txtar", "pr")
	rep := reviewPR(t, dir, review.FailOn(check.Important), "")

	gotNew := keys(rep.Findings, func(f check.Finding) bool { return f.New })
	wantNew := []string{
		"committed-credentials app/settings.py",
		"exclusive-lock-held db/migrations/0003_orders_status.up.sql",
		"index-not-concurrent db/migrations/0003_orders_status.up.sql",
		"lock-timeout-missing db/migrations/0003_orders_status.up.sql",
		// The new URL connects as the compose file's POSTGRES_USER.
		"superuser-role app/settings.py",
	}
	if strings.Join(gotNew, "\n") != strings.Join(wantNew, "\n") {
		t.Errorf("new findings:\n  %s\nwant:\n  %s", strings.Join(gotNew, "\n  "), strings.Join(wantNew, "\n  "))
	}
	old := keys(rep.Findings, func(f check.Finding) bool { return !f.New })
	if !contains(old, "fk-without-index db/migrations/0002_orders.up.sql") {
		t.Errorf("the base's unindexed foreign key is not marked as the base's: %v", old)
	}
	for _, f := range rep.Findings {
		if f.Check == "committed-credentials" && f.File == "docker-compose.yml" {
			t.Errorf("the password the pull request removed is still reported: %s", f.Message)
		}
	}
	// Fixed is the compose password alone: the base's old lock hazard is
	// history on both sides, neither reported nor fixed.
	if rep.Base == nil || rep.Base.Fixed != 1 || rep.Base.Existing != len(old) || rep.Base.Ref != "main" {
		t.Errorf("base = %+v, want main with %d existing and the compose password fixed", rep.Base, len(old))
	}

	// The base's two migrations ran untraced; only 0003 was traced and
	// round-tripped.
	m := rep.Migrations
	if m.Found != 3 || m.Applied != 3 || m.BaseApplied != 2 || strings.Join(m.New, ",") != "0003_orders_status" || !m.Roundtrip.Checked || !m.Roundtrip.OK {
		t.Errorf("migrations = %+v", m)
	}

	var changes []string
	hazards := map[string][]string{}
	for _, c := range rep.SchemaDiff.Changes {
		changes = append(changes, c.Action+" "+c.Kind+" "+c.SQL)
		for _, h := range c.Hazards {
			hazards[c.Kind] = append(hazards[c.Kind], h.Check)
		}
	}
	wantChanges := []string{
		"added column ALTER TABLE public.orders ADD COLUMN status text DEFAULT 'new'::text NOT NULL",
		"added index CREATE INDEX orders_status_idx ON public.orders USING btree (status)",
	}
	if strings.Join(changes, "\n") != strings.Join(wantChanges, "\n") || rep.SchemaDiff.Unavailable != "" {
		t.Errorf("schema diff:\n  %s\nwant:\n  %s (%s)", strings.Join(changes, "\n  "), strings.Join(wantChanges, "\n  "), rep.SchemaDiff.Unavailable)
	}
	if !contains(hazards["index"], "index-not-concurrent") {
		t.Errorf("the index change does not link its hazard: %v", hazards)
	}

	if !rep.Summary.Blocking || rep.Summary.New.Critical != 1 || rep.Summary.New.Important != 4 {
		t.Errorf("summary = %+v, new %+v", rep.Summary, rep.Summary.New)
	}
}

// TestPullRequestOldFindingsDoNotBlock: a pull request that only edits
// the README passes --fail-on important although the base has important
// findings; --fail-scope all blocks on them.
func TestPullRequestOldFindingsDoNotBlock(t *testing.T) {
	dir := gitFixture(t, "orders.txtar", "quiet")
	rep := reviewPR(t, dir, review.FailOn(check.Important), report.FailScopeNew)
	if rep.Summary.Blocking || rep.Summary.New.Total() != 0 || rep.Base.Existing == 0 {
		t.Errorf("a README change blocks: summary %+v, new %+v, base %+v, reasons %v", rep.Summary, rep.Summary.New, rep.Base, rep.BlockingReasons)
	}
	if len(rep.SchemaDiff.Changes) != 0 || len(rep.Migrations.New) != 0 {
		t.Errorf("schema diff %+v, new migrations %v", rep.SchemaDiff, rep.Migrations.New)
	}
	all := reviewPR(t, dir, review.FailOn(check.Important), report.FailScopeAll)
	if !all.Summary.Blocking || len(all.BlockingReasons) == 0 || !strings.Contains(all.BlockingReasons[0], "fail-scope all") {
		t.Errorf("fail-scope all does not block on the base's findings: %+v %v", all.Summary, all.BlockingReasons)
	}
}

// TestPullRequestEditedMigration: an edit to a migration the base has is
// critical and is not applied (databases migrated from the base keep its
// base version); a new migration numbered before the base's last is
// important, and applied on top.
func TestPullRequestEditedMigration(t *testing.T) {
	dir := gitFixture(t, "edited.txtar", "pr")
	rep := reviewPR(t, dir, review.FailOn(check.Critical), "")
	var edited, outOfOrder *check.Finding
	for i, f := range rep.Findings {
		if f.Check == "migration-edited" {
			switch f.File {
			case "db/migrations/0003_orders.up.sql":
				edited = &rep.Findings[i]
			case "db/migrations/0002_tags.up.sql":
				outOfOrder = &rep.Findings[i]
			}
		}
	}
	if edited == nil || edited.Severity != check.Critical || !edited.New || edited.Line != 2 {
		t.Errorf("edited migration: %+v", edited)
	}
	if outOfOrder == nil || outOfOrder.Severity != check.Important {
		t.Errorf("out-of-order migration: %+v", outOfOrder)
	}
	if !rep.Summary.Blocking {
		t.Error("an edited migration does not block")
	}
	m := rep.Migrations
	if strings.Join(m.New, ",") != "0002_tags" || strings.Join(m.Edited, ",") != "0003_orders" {
		t.Errorf("new %v, edited %v", m.New, m.Edited)
	}
	var changes []string
	for _, c := range rep.SchemaDiff.Changes {
		changes = append(changes, c.Action+" "+c.Object)
	}
	// tags is new; orders.note exists only in the edited file.
	if got := strings.Join(changes, ", "); !strings.Contains(got, "added public.tags") || strings.Contains(got, "note") {
		t.Errorf("schema diff: %s", got)
	}
}

// TestPullRequestSubdirectory: the reviewed directory is a subdirectory
// of the repository; the base is read from the same subdirectory.
func TestPullRequestSubdirectory(t *testing.T) {
	dir := gitFixtureIn(t, "orders.txtar", "services/orders", "pr")
	rep := reviewPR(t, filepath.Join(dir, "services", "orders"), review.FailOn(check.Critical), "")
	gotNew := keys(rep.Findings, func(f check.Finding) bool { return f.New })
	if !contains(gotNew, "index-not-concurrent db/migrations/0003_orders_status.up.sql") || !contains(gotNew, "committed-credentials app/settings.py") {
		t.Errorf("new findings: %v", gotNew)
	}
	if old := keys(rep.Findings, func(f check.Finding) bool { return !f.New }); !contains(old, "fk-without-index db/migrations/0002_orders.up.sql") {
		t.Errorf("base findings: %v", old)
	}
	if rep.Migrations.BaseApplied != 2 || len(rep.SchemaDiff.Changes) != 2 {
		t.Errorf("base applied %d, schema diff %+v", rep.Migrations.BaseApplied, rep.SchemaDiff)
	}
}

// TestPullRequestBaseDoesNotApply: when the base's history fails, the
// pull request's is applied from an empty database, and the report says
// why the schema was not diffed.
func TestPullRequestBaseDoesNotApply(t *testing.T) {
	dir := gitFixture(t, "broken-base.txtar", "pr")
	rep := reviewPR(t, dir, review.FailOn(check.Critical), "")
	m := rep.Migrations
	if m.Failed != nil || m.Applied != 3 || !m.Roundtrip.OK {
		t.Errorf("migrations: %+v (failed %+v)", m, m.Failed)
	}
	if len(rep.Base.Notes) == 0 || !strings.Contains(rep.Base.Notes[0], "0002_users_email fails at db/migrations/0002_users_email.up.sql:1") {
		t.Errorf("notes: %v", rep.Base.Notes)
	}
	if rep.SchemaDiff.Unavailable == "" || len(rep.SchemaDiff.Changes) != 0 {
		t.Errorf("schema diff: %+v", rep.SchemaDiff)
	}
	if rep.Base.Fixed == 0 {
		t.Error("the base's failing migration is not counted as fixed")
	}
	for _, f := range rep.Findings {
		if f.Check == "migration-fails" {
			t.Errorf("the head's history applies: %s", f.Message)
		}
	}
}

// TestPullRequestRoundTripRebuild: a round trip that leaves the database
// changed restores the base's snapshot and replays the pull request's ups.
func TestPullRequestRoundTripRebuild(t *testing.T) {
	dir := gitFixture(t, "rebuild.txtar", "pr")
	rep := reviewPR(t, dir, review.FailOn(check.Critical), "")
	m := rep.Migrations
	if m.Failed != nil || m.Applied != 3 || m.Roundtrip.OK || len(m.Roundtrip.Problems) != 1 || !strings.HasPrefix(m.Roundtrip.Problems[0], "0002_audit: down leaves table public.audit") {
		t.Errorf("migrations: %+v, failed %+v", m, m.Failed)
	}
	var changes []string
	for _, c := range rep.SchemaDiff.Changes {
		changes = append(changes, c.Action+" "+c.Kind+" "+c.Object)
	}
	if got := strings.Join(changes, ", "); !strings.Contains(got, "added table public.audit") || !strings.Contains(got, "added column public.orders.audit_id") {
		t.Errorf("schema diff: %s", got)
	}
}

// TestPullRequestMissingBase: a base the clone does not have stops the
// review with what to do.
func TestPullRequestMissingBase(t *testing.T) {
	dir := gitFixture(t, "orders.txtar", "quiet")
	_, err := review.Run(context.Background(), review.Options{Dir: dir, Checks: checks.All(), Engine: engine.KindNone, Base: "origin/main"})
	var be *review.BaseError
	if !errors.As(err, &be) || !strings.Contains(err.Error(), "fetch-depth: 0") || !strings.Contains(err.Error(), "git fetch origin main`") {
		t.Fatalf("err = %v", err)
	}
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
