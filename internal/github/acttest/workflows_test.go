package acttest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDocsShowTheTestedWorkflows: docs/github-action.md contains every
// workflow file these tests run, verbatim, so what users copy is what
// was tested.
func TestDocsShowTheTestedWorkflows(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join(root(t), "docs", "github-action.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"pgreview.yml", "pgreview-fork-safe.yml", "pgreview-comment.yml"} {
		block := "```yaml\n" + readDoc(t, name) + "```\n"
		if !strings.Contains(string(doc), block) {
			t.Errorf("docs/github-action.md does not contain docs/workflows/%s verbatim in a ```yaml block", name)
		}
	}
}

// TestPullRequestWorkflow runs docs/workflows/pgreview.yml twice on a PR:
// the first run creates the comment, the second edits it in place.
func TestPullRequestWorkflow(t *testing.T) {
	f := fake(t)
	w := newWorkspace(t, map[string]string{"pgreview.yml": readDoc(t, "pgreview.yml")})
	f.AddPR(repoFull, 5, w.head)
	ev := w.prEvent(t, 5, repoFull)
	for i := 1; i <= 2; i++ {
		out, err := w.act(t, f, run{event: "pull_request", eventPath: ev, workflow: "pgreview.yml", token: writeToken})
		if err != nil {
			t.Fatalf("run %d: act: %v\n%s", i, err, out)
		}
		if !strings.Contains(out, "review posted: https://github.example/acme/shop/pull/5#issuecomment-") {
			t.Errorf("run %d: no 'review posted' line:\n%s", i, out)
		}
		if cs := ours(f, 5); len(cs) != 1 {
			t.Fatalf("run %d: %d pgreview comments, want 1", i, len(cs))
		}
	}
}

// TestForkSafePair runs the fork-safe pair from the docs: on a fork PR
// the review job cannot comment (read-only token, 403) but passes and
// saves its report; the workflow_run job posts it.
func TestForkSafePair(t *testing.T) {
	f := fake(t)
	w := newWorkspace(t, map[string]string{
		"pgreview.yml":         readDoc(t, "pgreview-fork-safe.yml"),
		"pgreview-comment.yml": readDoc(t, "pgreview-comment.yml"),
	})
	f.AddPR(repoFull, 6, w.head)

	out, err := w.act(t, f, run{event: "pull_request", eventPath: w.prEvent(t, 6, "mallory/shop"), workflow: "pgreview.yml", token: forkToken})
	if err != nil {
		t.Fatalf("review job: act: %v\n%s", err, out)
	}
	if !strings.Contains(out, "cannot comment on pull request #6: the token is read-only") {
		t.Errorf("no fork fallback message:\n%s", out)
	}
	if n := len(f.Comments(repoFull, 6)); n != 0 {
		t.Fatalf("%d comments after the read-only run", n)
	}
	if _, err := os.Stat(filepath.Join(artifacts, "pgreview-report", "pgreview-report.json")); err != nil {
		t.Fatalf("the report was not handed on: %v\n%s", err, out)
	}

	runEvent := writeJSON(t, map[string]any{
		"action": "completed",
		"workflow_run": map[string]any{
			"id": 4711, "event": "pull_request", "conclusion": "success", "head_sha": w.head,
			"head_repository": map[string]any{"full_name": "mallory/shop"},
			"pull_requests":   []any{},
		},
		"repository": map[string]any{"full_name": repoFull},
	})
	f.ResetCalls()
	out, err = w.act(t, f, run{event: "workflow_run", eventPath: runEvent, workflow: "pgreview-comment.yml", token: writeToken})
	if err != nil {
		t.Fatalf("comment job: act: %v\n%s", err, out)
	}
	cs := ours(f, 6)
	if len(cs) != 1 || cs[0].Author != "github-actions[bot]" {
		t.Fatalf("comments after workflow_run = %+v\n%s", cs, out)
	}
	if calls := f.Calls(); len(calls) != 3 {
		t.Errorf("workflow_run job: %d calls (%v), want 3: the PR head check, list, create", len(calls), calls)
	}
}

// TestLocalActionInputsAndOutputs runs a small workflow that uses ./ (the
// action at the repository root), passing inputs and printing outputs.
func TestLocalActionInputsAndOutputs(t *testing.T) {
	f := fake(t)
	w := newWorkspace(t, nil)
	copyTree(t, root(t), w.dir)
	write(t, filepath.Join(w.dir, "sample", "README.md"), "a sample service\n")
	wf, err := os.ReadFile(filepath.Join("testdata", "uses-local.yml"))
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(w.dir, ".github", "workflows", "uses-local.yml"), string(wf))
	f.AddPR(repoFull, 7, w.head)
	outDir := t.TempDir()
	out, err := w.act(t, f, run{event: "pull_request", eventPath: w.prEvent(t, 7, repoFull), workflow: "uses-local.yml", token: writeToken,
		env: map[string]string{"PGREVIEW_ACT_OUT": outDir}})
	if err != nil {
		t.Fatalf("act: %v\n%s", err, out)
	}
	got, err := os.ReadFile(filepath.Join(outDir, "outputs.txt"))
	if err != nil {
		t.Fatalf("outputs.txt: %v\n%s", err, out)
	}
	cs := ours(f, 7)
	if len(cs) != 1 {
		t.Fatalf("%d comments", len(cs))
	}
	want := "critical=0\nimportant=0\ngood=0\ninfo=0\nblocking=false\nreport-path=pgreview-report.json\ncomment-url=https://github.example/acme/shop/pull/7#issuecomment-" + itoa(cs[0].ID) + "\n"
	if string(got) != want {
		t.Errorf("outputs:\n%s\nwant:\n%s", got, want)
	}
	if !strings.Contains(cs[0].Body, "fail-on: important") {
		t.Errorf("the fail-on input did not reach pgreview")
	}
	if _, err := os.Stat(filepath.Join(outDir, "pgreview.sarif")); err != nil {
		t.Errorf("sarif-file input: %v", err)
	}
	if _, err := os.Stat(filepath.Join(outDir, "pgreview-report.json")); err != nil {
		t.Errorf("report file: %v", err)
	}
}
