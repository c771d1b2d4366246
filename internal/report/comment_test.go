package report

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pgreview/pgreview/internal/check"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// golden compares got with testdata/comment/NAME, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "comment", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the rendering (go test -update rewrites it); got:\n%s", path, got)
	}
}

func readFixture(t *testing.T, name string) *Report {
	t.Helper()
	r, err := ReadJSON(filepath.Join("testdata", "comment", name))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestCommentGolden renders each JSON fixture in full.
func TestCommentGolden(t *testing.T) {
	for _, name := range []string{"findings", "all-manual"} {
		t.Run(name, func(t *testing.T) {
			got, err := RenderMarkdown(readFixture(t, name+".json"), MarkdownOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(got, Marker+"\n") {
				t.Errorf("the comment does not start with the marker")
			}
			golden(t, name+".md", got)
		})
	}
}

// TestCommentFoldedGolden renders the findings fixture under a small
// limit, so passing items collapse and findings fold into counts.
func TestCommentFoldedGolden(t *testing.T) {
	r := readFixture(t, "findings.json")
	got, err := RenderMarkdown(r, MarkdownOptions{Limit: 5200, FullReport: "[the job summary](https://github.example/run/1) and `pgreview-report.json`"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) > 5200 {
		t.Errorf("len = %d, over the limit", len(got))
	}
	golden(t, "findings-folded.md", got)
}

func TestTicksSurviveUntilEvidenceChanges(t *testing.T) {
	r := readFixture(t, "findings.json")
	first, err := RenderMarkdown(r, MarkdownOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// A human ticks 3.1 (manual) on GitHub, which flips its box only.
	ticked := strings.Replace(first, "- [ ] **3.1**", "- [x] **3.1**", 1)
	if ticked == first {
		t.Fatal("item 3.1 has no open box in the first comment")
	}
	ticks := TicksFrom(ticked)
	if len(ticks) != 1 || ticks["3.1"] == "" {
		t.Fatalf("TicksFrom = %v, want only 3.1", ticks)
	}

	again, _ := RenderMarkdown(r, MarkdownOptions{Ticks: ticks})
	if !strings.Contains(again, "- [x] **3.1**") {
		t.Errorf("the tick on 3.1 was lost on re-render")
	}
	if strings.Count(again, "- [x]") != strings.Count(first, "- [x]")+1 {
		t.Errorf("re-render changed other boxes")
	}

	// The item's evidence changes: the reviewer's tick no longer applies.
	for i := range r.Items {
		if r.Items[i].ID == "3.1" {
			r.Items[i].Notes = []string{"a different hint"}
		}
	}
	changed, _ := RenderMarkdown(r, MarkdownOptions{Ticks: ticks})
	if !strings.Contains(changed, "- [ ] **3.1**") {
		t.Errorf("the tick on 3.1 survived a change of its evidence")
	}
}

func TestTickOnlyKeptOnManualItems(t *testing.T) {
	r := readFixture(t, "findings.json")
	// 4.4 fails; a tick claimed for it (e.g. a forged mark) is ignored.
	got, _ := RenderMarkdown(r, MarkdownOptions{Ticks: map[string]string{"4.4": "000000000000"}})
	if !strings.Contains(got, "- [ ] 🟡 **4.4**") {
		t.Errorf("a failing item was rendered ticked")
	}
}

// manyFindings is a report with n findings of roughly 300 characters each,
// spread over every item.
func manyFindings(n int) *Report {
	r := &Report{SchemaVersion: SchemaVersion, Tool: Tool{Name: "pgreview", Version: "test"}, FailOn: "critical",
		Engine: Engine{Kind: "none", Reason: "test"}}
	var ids []string
	for _, a := range check.Areas {
		for _, it := range a.Items {
			ids = append(ids, it.ID)
			r.Items = append(r.Items, Item{ID: it.ID, Area: a.Name, Title: it.Title, Status: check.StatusPass, Findings: []check.Finding{}})
		}
	}
	for i := 0; i < n; i++ {
		it := &r.Items[i%len(r.Items)]
		sev := check.Severities()[i%4]
		it.Status, it.Severity = check.StatusFail, check.Critical.String()
		it.Findings = append(it.Findings, check.Finding{
			Check: "synthetic-check", Item: it.ID, Severity: sev,
			Message:  fmt.Sprintf("finding %d: %s", i, strings.Repeat("the table rewrite holds an ACCESS EXCLUSIVE lock ", 4)),
			Location: check.Location{File: fmt.Sprintf("migrations/%04d_step.sql", i), Line: i + 1},
			Fix:      "split it into steps",
		})
	}
	r.Finalize(func(f check.Finding) bool { return f.Severity == check.Critical })
	return r
}

var findingLine = regexp.MustCompile(`(?m)^  - (🔴|🟡|🟢|ℹ️) `)
var foldedCount = regexp.MustCompile(`(?m)^  - 📦 (\d+) (?:more )?finding`)

func TestCommentStaysUnderGitHubLimit(t *testing.T) {
	const limit = 65536
	for _, n := range []int{10, 300, 3000, 20000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			r := manyFindings(n)
			got, err := RenderMarkdown(r, MarkdownOptions{Limit: limit})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) > limit {
				t.Fatalf("%d findings: comment is %d characters, over %d", n, len(got), limit)
			}
			shown := len(findingLine.FindAllString(got, -1))
			folded := 0
			for _, m := range foldedCount.FindAllStringSubmatch(got, -1) {
				var k int
				fmt.Sscan(m[1], &k)
				folded += k
			}
			if shown+folded != n {
				t.Errorf("%d findings: %d listed + %d folded = %d; a finding went missing", n, shown, folded, shown+folded)
			}
			if folded > 0 && !strings.Contains(got, fmt.Sprintf("%d of %d findings are folded", folded, n)) {
				t.Errorf("%d findings: the note does not say %d were folded", n, folded)
			}
			t.Logf("%d findings: %d characters, %d listed, %d folded", n, len(got), shown, folded)
		})
	}
}

func TestCommentCutAsLastResort(t *testing.T) {
	// Folding cannot shrink one enormous note on a manual item.
	r := manyFindings(1)
	r.Items[1].Status = check.StatusManual
	r.Items[1].Notes = []string{strings.Repeat("x", 100000)}
	got, err := RenderMarkdown(r, MarkdownOptions{Limit: 65536})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) > 65536 || !strings.Contains(got, "This comment was cut at 65536 characters") {
		t.Errorf("len %d; the cut is not announced", len(got))
	}
	if !strings.HasPrefix(got, Marker) {
		t.Errorf("the cut lost the marker")
	}
}

// TestCommentPullRequestGolden renders a pull request review: the new
// findings in the checklist, the schema diff, and the findings the base
// branch has too folded under their own heading.
func TestCommentPullRequestGolden(t *testing.T) {
	r := readFixture(t, "pull-request.json")
	got, err := RenderMarkdown(r, MarkdownOptions{})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "pull-request.md", got)
	newAt := strings.Index(got, "<sub>`add-column-default-rewrite`</sub>")
	diffAt := strings.Index(got, "### 🧬 This PR changes the schema")
	baseAt := strings.Index(got, "<summary>📋 <b>Already on the base branch</b>")
	if newAt < 0 || diffAt < 0 || baseAt < 0 || !(newAt < diffAt && diffAt < baseAt) {
		t.Errorf("want the new findings, then the schema diff, then the base's findings: at %d, %d, %d", newAt, diffAt, baseAt)
	}
	// A finding the base has is listed once, in the folded section.
	if n := strings.Count(got, "secret-in-compose"); n != 1 {
		t.Errorf("secret-in-compose listed %d times", n)
	}

	folded, err := RenderMarkdown(r, MarkdownOptions{Limit: 11600, FullReport: "`pgreview-report.json`"})
	if err != nil {
		t.Fatal(err)
	}
	if len(folded) > 11600 {
		t.Errorf("len = %d, over the limit", len(folded))
	}
	golden(t, "pull-request-folded.md", folded)
}

// TestCommentPullRequestTicksAndLimit: folding a pull request review keeps
// every finding accounted for, and human ticks survive it.
func TestCommentPullRequestTicksAndLimit(t *testing.T) {
	r := manyFindings(3000)
	r.Base = &Base{Ref: "main", SHA: strings.Repeat("a", 40)}
	for i := range r.Items {
		for j := range r.Items[i].Findings {
			f := &r.Items[i].Findings[j]
			f.New = j%3 == 0
		}
	}
	r.SchemaDiff = &SchemaDiff{}
	for i := 0; i < 500; i++ {
		r.SchemaDiff.Changes = append(r.SchemaDiff.Changes, SchemaChange{Action: "added", Kind: "table", Object: fmt.Sprintf("public.t%d", i), SQL: fmt.Sprintf("CREATE TABLE public.t%d (id bigint NOT NULL)", i)})
	}
	r.Items[1].Status, r.Items[1].Severity, r.Items[1].Findings = check.StatusManual, "", nil
	r.Finalize(func(f check.Finding) bool { return f.New && f.Severity == check.Critical })
	total := len(r.Findings)
	for _, f := range r.Findings {
		if !f.New {
			r.Base.Existing++
		}
	}
	first, err := RenderMarkdown(r, MarkdownOptions{Limit: 65536})
	if err != nil {
		t.Fatal(err)
	}
	if len(first) > 65536 {
		t.Fatalf("comment is %d characters", len(first))
	}
	shown := len(findingLine.FindAllString(first, -1))
	folded := 0
	for _, m := range foldedCount.FindAllStringSubmatch(first, -1) {
		var k int
		fmt.Sscan(m[1], &k)
		folded += k
	}
	if shown+folded != total {
		t.Errorf("%d listed + %d folded != %d", shown, folded, total)
	}
	if !strings.Contains(first, "schema_diff") {
		t.Errorf("the folded schema diff does not say where the rest is")
	}
	id := r.Items[1].ID
	ticked := strings.Replace(first, "- [ ] **"+id+"**", "- [x] **"+id+"**", 1)
	if ticked == first {
		t.Fatalf("no open box for %s", id)
	}
	again, _ := RenderMarkdown(r, MarkdownOptions{Limit: 65536, Ticks: TicksFrom(ticked)})
	if !strings.Contains(again, "- [x] **"+id+"**") {
		t.Errorf("the tick on %s was lost", id)
	}
}
