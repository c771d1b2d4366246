package migrate

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/pgreview/pgreview/internal/engine/enginetest"
	"github.com/pgreview/pgreview/internal/repo"
)

func TestMain(m *testing.M) { enginetest.Main(m) }

// applyRepo detects and applies the history of the repo at dir on a fresh
// database, with the trace and the round trip, as a review does.
func applyRepo(t *testing.T, dir string, cfg Config) (*Plan, *Result) {
	t.Helper()
	r, err := repo.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := Detect(r, cfg)
	if err != nil {
		t.Fatalf("detect: %v", err)
	}
	if plan == nil {
		t.Fatalf("no migrations found in %s", dir)
	}
	res, err := Apply(context.Background(), enginetest.Postgres(t), plan, ApplyOptions{Log: t.Logf, RoundTrip: true})
	if err != nil {
		t.Fatalf("apply: %v", err)
	}
	return plan, res
}

func bundled(name string) string { return filepath.Join("..", "..", "testdata", "repos", name) }

func TestDebugHazards(t *testing.T) {
	for _, name := range []string{"go-flawed", "python-flawed", "go-clean", "python-clean"} {
		plan, res := applyRepo(t, bundled(name), Config{})
		for _, s := range res.Steps {
			for _, e := range s.Events {
				t.Logf("%s event %s %s %s %q locks=%v to=%s rr=%d xid=%s", name, e.Kind, e.Tag, e.Identity, firstLine(e.Query), e.Locks, e.LockTimeout, e.RewriteReason, e.Xid)
			}
		}
		for _, h := range HazardsOf(plan, res) {
			t.Logf("%s HAZARD %s %s:%d %s: %s", name, h.Kind, h.File, h.Line, h.Table, h.What)
		}
	}
}
