package checks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pgreview/pgreview/internal/check"
)

func TestRegistryIsValid(t *testing.T) {
	if err := check.Validate(All()); err != nil {
		t.Fatal(err)
	}
}

// Every one of the 60 items is backed by a check or declared manual, never
// both, so the checklist is complete and the manual list never goes stale.
func TestEveryItemIsBackedOrManual(t *testing.T) {
	backed := map[string][]string{}
	for _, c := range All() {
		backed[c.Item] = append(backed[c.Item], c.Name)
	}
	n := 0
	for _, a := range check.Areas {
		for _, it := range a.Items {
			n++
			switch {
			case len(backed[it.ID]) > 0 && Manual[it.ID]:
				t.Errorf("item %s is declared manual but backed by %s; remove it from Manual", it.ID, strings.Join(backed[it.ID], ", "))
			case len(backed[it.ID]) == 0 && !Manual[it.ID]:
				t.Errorf("item %s has no check and is not declared manual", it.ID)
			}
		}
	}
	if n != 60 {
		t.Errorf("the checklist has %d items, want 60", n)
	}
	for id := range Manual {
		if _, ok := check.LookupItem(id); !ok {
			t.Errorf("Manual lists unknown item %s", id)
		}
	}
}

// Every check has fixtures next to its area package, named after it; the
// area's TestChecks runs them with checktest.
func TestEveryCheckHasFixtures(t *testing.T) {
	for _, c := range All() {
		area := check.AreaOf(c.Item)
		dir := filepath.Join(area.Slug, "testdata", c.Name)
		if _, err := os.Stat(dir); err != nil {
			t.Errorf("%s: no fixtures at internal/checks/%s", c.Name, dir)
		}
		test := filepath.Join(area.Slug, "checks_test.go")
		b, err := os.ReadFile(test)
		if err != nil || !strings.Contains(string(b), "checktest.Run(") {
			t.Errorf("%s: %s must run the fixtures with checktest.Run", c.Name, test)
		}
	}
}
