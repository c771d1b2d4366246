package security

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/connections"
	"github.com/pgreview/pgreview/internal/checks/environment"
	"github.com/pgreview/pgreview/internal/repo"
	"github.com/pgreview/pgreview/internal/repo/repotest"
)

// The passwords written in the committed-credentials fixtures: no
// message, fix or evidence of any check may contain one.
var fixtureSecrets = []string{
	"Xk29-prod-pw", "hunter2-default", "Cmd-line-pw9", "Sh0p-Pr0d-Pass", "changethis", "Zq7-real-Prod-2024",
	"Pr0d-Secret-9", "Tr1cky-Pass-42", "supersecret1", "Baked-In-77", "Pyd4ntic-pw", "s3cr3t-Shop-2024",
	"Dec0uple-pw", "Zx81-hardcoded", "djang0-Pass", "K9-conn-pass", "G0-secret-pw", "hunter2-go", "fallback-Pw-1",
	"Pr0d-from-CI-7", "Depl0y-Secret", "Run-Step-Pw9",
}

func TestFindingsNeverQuoteSecrets(t *testing.T) {
	archives, _ := filepath.Glob("testdata/committed-credentials/*.txtar")
	checks := append(append(append([]*check.Check{}, Checks...), environment.Checks...), connections.Checks...)
	for _, a := range archives {
		ar, err := txtar.ParseFile(a)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		repotest.WriteArchive(t, dir, ar)
		r, err := repo.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		found := 0
		for _, res := range check.Run(context.Background(), checks, &check.Input{Repo: r}) {
			var texts []string
			for _, f := range res.Findings {
				texts = append(texts, f.Message, f.Fix)
				found++
			}
			for _, e := range res.Evidence {
				texts = append(texts, e.Message)
			}
			texts = append(texts, res.Reason)
			for _, text := range texts {
				for _, s := range fixtureSecrets {
					if strings.Contains(text, s) {
						t.Errorf("%s: %s prints a secret: %q", filepath.Base(a), res.Check.Name, text)
					}
				}
			}
		}
		if found == 0 && !strings.Contains(a, "ignored") {
			t.Errorf("%s: no findings at all; the test proves nothing", a)
		}
	}
}
