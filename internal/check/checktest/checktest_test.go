package checktest

import (
	"strings"
	"testing"

	"github.com/pgreview/pgreview/internal/check"
)

// evidenceCheck cites pg_dump lines and restore notes, reports "x = 1",
// and asks for a human when it cites nothing: enough to exercise every
// kind of expectation.
var evidenceCheck = &check.Check{
	Name: "test-evidence", Item: "10.1", Severity: check.Important, Doc: "Test.",
	Run: func(p *check.Pass) error {
		for _, f := range p.Repo.Files() {
			for i, line := range strings.Split(f.Text(), "\n") {
				at := check.Location{File: f.Path, Line: i + 1}
				switch {
				case strings.HasPrefix(line, "pg_dump"):
					p.Evidence(at, "backup job: pg_dump")
				case strings.HasPrefix(line, "Restore with"):
					p.Evidence(at, "restore documented")
				case strings.HasPrefix(line, "x = 1"):
					p.Reportf(at, "x is set")
				}
			}
		}
		if len(p.Repo.Files()) == 1 {
			p.Manual("cite a backup job")
		}
		return nil
	},
}

func TestRunMatchesEvidenceAndStatus(t *testing.T) {
	Run(t, evidenceCheck, "testdata/evidence")
}

func TestExpectationsParse(t *testing.T) {
	cases := caseDirs(t, "testdata/evidence")
	var kinds []expectationKind
	var statuses []string
	for _, cd := range cases {
		exps, near := expectations(t, cd.dir)
		if near != 1 {
			t.Errorf("%s: %d near-misses, want 1", cd.dir, near)
		}
		for _, e := range exps {
			kinds = append(kinds, e.kind)
			if e.kind == wantStatus {
				statuses = append(statuses, e.status)
			}
		}
	}
	count := map[expectationKind]int{}
	for _, k := range kinds {
		count[k]++
	}
	if count[wantFinding] != 1 || count[wantEvidence] != 2 || count[wantStatus] != 2 {
		t.Fatalf("parsed %v", count)
	}
	if strings.Join(statuses, ",") != "fail,manual" {
		t.Fatalf("statuses %v", statuses)
	}
}
