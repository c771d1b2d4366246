package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/github/githubtest"
	"github.com/pgreview/pgreview/internal/report"
	"github.com/pgreview/pgreview/internal/review"
)

// blockingReport has 12 critical findings (more than GitHub shows) and
// one important one.
func blockingReport() *report.Report {
	r := &report.Report{SchemaVersion: 1, Tool: report.Tool{Name: "pgreview", Version: "test"}, FailOn: "critical",
		Engine: report.Engine{Kind: "none", Reason: "test"}}
	it := report.Item{ID: "4.5", Area: "Schema & Migrations", Title: "Migration testing", Status: check.StatusFail, Severity: "critical"}
	for i := 0; i < 12; i++ {
		it.Findings = append(it.Findings, check.Finding{Check: "table-rewrite", Item: "4.5", Severity: check.Critical, New: true,
			Message: "ALTER TABLE orders rewrites the table", Location: check.Location{File: "migrations/00" + string(rune('a'+i)) + ".sql", Line: 3}})
	}
	it.Findings = append(it.Findings, check.Finding{Check: "fk-without-index", Item: "4.5", Severity: check.Important, New: true,
		Message: "no index", Location: check.Location{Object: "public.lines"}})
	r.Items = []report.Item{it}
	r.Finalize(func(f check.Finding) bool { return f.Severity >= check.Critical })
	r.BlockingReasons = []string{"12 critical finding(s) at or above fail-on critical"}
	return r
}

// TestPublishBlockingReview drives the Actions publishing of a blocking
// review in-process against the fake GitHub: the report file, the
// summary, the outputs, 10 error annotations, the comment, exit 1 and
// the one line that says why.
func TestPublishBlockingReview(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	f := githubtest.New("")
	defer f.Close()
	f.AddToken("ghs_tok", githubtest.Token{Login: "github-actions[bot]", Installation: true})
	f.AddPR("acme/shop", 3, "abc")
	event := filepath.Join(dir, "event.json")
	os.WriteFile(event, []byte(`{"number":3,"pull_request":{"number":3,"base":{"sha":"b","repo":{"full_name":"acme/shop"}},"head":{"sha":"abc","repo":{"full_name":"acme/shop"}}}}`), 0o644)
	vars := map[string]string{
		"GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": "acme/shop", "GITHUB_EVENT_NAME": "pull_request",
		"GITHUB_EVENT_PATH": event, "GITHUB_API_URL": f.URL(), "INPUT_GITHUB-TOKEN": "ghs_tok",
		"GITHUB_OUTPUT": filepath.Join(dir, "out"), "GITHUB_STEP_SUMMARY": filepath.Join(dir, "summary.md"),
		"INPUT_COMMENT": "on-failure",
	}
	var stdout, stderr bytes.Buffer
	env := &Env{Getenv: func(k string) string { return vars[k] }, Stdout: &stdout, Stderr: &stderr}
	fl, _, err := parseReviewFlags(env, []string{"."})
	if err != nil {
		t.Fatal(err)
	}
	if fl.comment != "on-failure" {
		t.Errorf("INPUT_COMMENT not read: %q", fl.comment)
	}
	r := blockingReport()
	if err := publishToActions(context.Background(), env, fl, dir, r); err != nil {
		t.Fatal(err)
	}
	code := exitCode(env, context.Background(), &review.Outcome{Report: r})
	if code != ExitBlocking {
		t.Errorf("exit %d, want %d", code, ExitBlocking)
	}
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	last := lines[len(lines)-1]
	if want := "pgreview: blocking the merge: 12 critical finding(s) at or above fail-on critical; worst: table-rewrite at migrations/00a.sql:3: ALTER TABLE orders rewrites the table"; last != want {
		t.Errorf("last line = %q\nwant        %q", last, want)
	}
	if n := strings.Count(stdout.String(), "::error "); n != 10 {
		t.Errorf("%d error annotations, want 10:\n%s", n, stdout.String())
	}
	if !strings.Contains(stdout.String(), "::warning title=pgreview important%3A fk-without-index (item 4.5)::public.lines: no index") {
		t.Errorf("no warning annotation for the important finding:\n%s", stdout.String())
	}
	out, _ := os.ReadFile(filepath.Join(dir, "out"))
	for _, want := range []string{"critical<<", "\n12\n", "blocking<<", "\ntrue\n", "comment-url<<"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("outputs lack %q:\n%s", want, out)
		}
	}
	if c := f.Comments("acme/shop", 3); len(c) != 1 || !strings.Contains(c[0].Body, "⛔ **merge blocked**") {
		t.Errorf("comments = %+v", c)
	}
	if _, err := report.ReadJSON(filepath.Join(dir, "pgreview-report.json")); err != nil {
		t.Errorf("report file: %v", err)
	}
	if p := f.Problems(); len(p) > 0 {
		t.Errorf("fake GitHub: %v", p)
	}
}

// TestOnFailureCreatesNoCommentWhenPassing: comment: on-failure posts
// nothing on a passing PR, but updates a comment an earlier failing run
// left, so it says the PR now passes.
func TestOnFailureUpdatesButDoesNotCreate(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	f := githubtest.New("")
	defer f.Close()
	f.AddToken("ghs_tok", githubtest.Token{Login: "github-actions[bot]", Installation: true})
	f.AddPR("acme/shop", 3, "abc")
	event := filepath.Join(dir, "event.json")
	os.WriteFile(event, []byte(`{"pull_request":{"number":3,"head":{"repo":{"full_name":"acme/shop"}},"base":{"repo":{"full_name":"acme/shop"}}}}`), 0o644)
	vars := map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": "acme/shop", "GITHUB_EVENT_PATH": event,
		"GITHUB_API_URL": f.URL(), "GITHUB_TOKEN": "ghs_tok", "PGREVIEW_TOKEN_IS_ACTIONS": "true"}
	env := &Env{Getenv: func(k string) string { return vars[k] }, Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}}
	fl, _, err := parseReviewFlags(env, []string{"--comment", "on-failure", "."})
	if err != nil {
		t.Fatal(err)
	}
	passing := &report.Report{SchemaVersion: 1, FailOn: "critical"}
	passing.Finalize(func(check.Finding) bool { return false })
	publishToActions(context.Background(), env, fl, dir, passing)
	if n := len(f.Comments("acme/shop", 3)); n != 0 {
		t.Fatalf("on-failure created a comment on a passing PR")
	}
	f.AddComment("acme/shop", 3, "github-actions[bot]", report.Marker+"\n⛔ **merge blocked**")
	publishToActions(context.Background(), env, fl, dir, passing)
	if c := f.Comments("acme/shop", 3); len(c) != 1 || !strings.Contains(c[0].Body, "✅ **merge not blocked**") {
		t.Errorf("the old failing comment was not updated: %+v", c)
	}
}

// TestPublishOutsideActions: the same publishing code with no Actions
// environment at all neither panics nor writes workflow files.
func TestPublishOutsideActions(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	env := &Env{Getenv: func(string) string { return "" }, Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}}
	fl, _, err := parseReviewFlags(env, []string{"."})
	if err != nil {
		t.Fatal(err)
	}
	if err := publishToActions(context.Background(), env, fl, dir, blockingReport()); err != nil {
		t.Fatal(err)
	}
}
