package github

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pgreview/pgreview/internal/check"
)

func TestChooseAnnotationsWorstAndChangedFirst(t *testing.T) {
	var fs []check.Finding
	for i := 0; i < 15; i++ {
		fs = append(fs, check.Finding{Check: "c", Item: "4.5", Severity: check.Critical, Message: fmt.Sprint("crit ", i),
			Location: check.Location{File: fmt.Sprintf("m/%02d.sql", i), Line: 3}, New: true})
	}
	fs = append(fs,
		check.Finding{Check: "c", Item: "5.2", Severity: check.Important, Message: "schema", Location: check.Location{Object: "public.t"},
			Related: []check.Location{{File: "m/14.sql", Line: 9, Note: "created by"}}},
		check.Finding{Check: "c", Item: "1.1", Severity: check.Info, Message: "info"},
		check.Finding{Check: "c", Item: "1.1", Severity: check.Good, Message: "good"},
	)
	changed := ChangedLines{"m/12.sql": {{1, 5}}, "m/13.sql": {{10, 20}}}
	got := ChooseAnnotations(fs, changed, MaxAnnotationsPerLevel)
	var errs, warns, notes []Annotation
	for _, a := range got {
		switch a.Level {
		case "error":
			errs = append(errs, a)
		case "warning":
			warns = append(warns, a)
		case "notice":
			notes = append(notes, a)
		}
	}
	if len(errs) != 10 {
		t.Fatalf("%d errors, want the 10 GitHub shows", len(errs))
	}
	// 12 is on a changed line, 13 in a changed file, then the rest in order.
	if errs[0].File != "m/12.sql" || errs[1].File != "m/13.sql" || errs[2].File != "m/00.sql" {
		t.Errorf("order = %s, %s, %s", errs[0].File, errs[1].File, errs[2].File)
	}
	if len(warns) != 1 || warns[0].File != "m/14.sql" || warns[0].Line != 9 || !strings.HasPrefix(warns[0].Message, "public.t: ") {
		t.Errorf("schema finding annotation = %+v, want it on the migration that created it", warns)
	}
	if len(notes) != 2 || notes[0].Message != "good" {
		t.Errorf("notices = %+v, want good before info", notes)
	}
}

func TestAnnotationCommands(t *testing.T) {
	var out bytes.Buffer
	w := NewWorkflow(func(string) string { return "" }, &out)
	w.Annotate(Annotation{Level: "error", File: "m/1.sql", Line: 4, Title: "pgreview critical: x (item 4.5)", Message: "line one\nFix: two"})
	w.Annotate(Annotation{Level: "notice", Message: "no file"})
	want := "::error file=m/1.sql,line=4,title=pgreview critical%3A x (item 4.5)::line one%0AFix: two\n::notice::no file\n"
	if out.String() != want {
		t.Errorf("got %q\nwant %q", out.String(), want)
	}
}

// TestWorkflowOutsideActions: with GITHUB_OUTPUT and GITHUB_STEP_SUMMARY
// unset, the same calls do nothing and do not panic.
func TestWorkflowOutsideActions(t *testing.T) {
	var out bytes.Buffer
	w := NewWorkflow(func(string) string { return "" }, &out)
	if err := w.SetOutput("critical", "1"); err != nil {
		t.Error(err)
	}
	if err := w.AddStepSummary("# hi"); err != nil {
		t.Error(err)
	}
	if out.Len() != 0 {
		t.Errorf("wrote %q outside Actions", out.String())
	}
	// A summary file that cannot be written is an error, not a panic.
	bad := NewWorkflow(func(k string) string {
		if k == "GITHUB_STEP_SUMMARY" {
			return filepath.Join(t.TempDir(), "missing", "dir", "summary.md")
		}
		return ""
	}, &out)
	if err := bad.AddStepSummary("# hi"); err == nil {
		t.Error("no error for an unwritable summary file")
	}
}

func TestChangedLinesFromGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("git is needed:", err)
	}
	dir := t.TempDir()
	git := func(args ...string) string {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	write := func(name, s string) {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git("init", "-q", "-b", "main")
	write("db/1.sql", "a\nb\nc\n")
	write("db/2.sql", "x\n")
	git("add", ".")
	git("commit", "-qm", "base")
	base := git("rev-parse", "HEAD")
	write("db/1.sql", "a\nB\nc\nd\n")
	write("db/3.sql", "new\nfile\n")
	git("add", ".")
	git("commit", "-qm", "pr")

	got, err := ChangedLinesFromGit(context.Background(), dir, base)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Has("db/1.sql", 2) || !got.Has("db/1.sql", 4) || got.Has("db/1.sql", 1) || got.Has("db/1.sql", 3) {
		t.Errorf("db/1.sql ranges = %v, want lines 2 and 4", got["db/1.sql"])
	}
	if !got.Has("db/3.sql", 2) || got.Has("db/2.sql", 0) {
		t.Errorf("changed = %v", got)
	}
	// A subdirectory under review sees paths relative to itself.
	sub, err := ChangedLinesFromGit(context.Background(), filepath.Join(dir, "db"), base)
	if err != nil || !sub.Has("3.sql", 1) {
		t.Errorf("from db/: %v %v", sub, err)
	}
	if _, err := ChangedLinesFromGit(context.Background(), dir, "0000000000000000000000000000000000000000"); err == nil || !strings.Contains(err.Error(), "fetch-depth: 0") {
		t.Errorf("unknown base: err = %v", err)
	}
}
