package report

import (
	"strings"
	"testing"
)

// TestTextPullRequest: the terminal rendering of a pull request review
// names the base, marks the base's findings, lists the schema changes
// and counts only the new findings.
func TestTextPullRequest(t *testing.T) {
	var b strings.Builder
	if err := WriteText(&b, readFixture(t, "pull-request.json"), TextOptions{}); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	for _, want := range []string{
		"Base:        Compared with the base branch main (111111111111): 📋 3 findings already there",
		"POSTGRES_PASSWORD is set in plain text  (secret-in-compose) [on the base branch]",
		"This PR changes the schema\n  + CREATE TABLE public.audit_log",
		"-- ⚠️ add-column-default-rewrite alembic/versions/c3d4e5f6a7b8_total.py:12",
		"New: 1 critical  1 important  0 good  0 info  · blocking (fail-on critical, new findings only)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the text report lacks %q:\n%s", want, got)
		}
	}
}

// TestSARIFBaselineState: in a pull request review each SARIF result says
// whether the base branch has it (code scanning shows new alerts apart).
func TestSARIFBaselineState(t *testing.T) {
	var b strings.Builder
	if err := WriteSARIF(&b, readFixture(t, "pull-request.json"), nil); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	if strings.Count(got, `"baselineState": "new"`) != 2 || strings.Count(got, `"baselineState": "unchanged"`) != 3 {
		t.Errorf("baseline states:\n%s", got)
	}
	b.Reset()
	WriteSARIF(&b, readFixture(t, "findings.json"), nil)
	if strings.Contains(b.String(), "baselineState") {
		t.Error("a review without a base has no baseline state")
	}
}
