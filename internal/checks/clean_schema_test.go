package checks

import (
	"context"
	"testing"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/engine/enginetest"
	"github.com/pgreview/pgreview/internal/migrate"
	"github.com/pgreview/pgreview/internal/repo"
	"github.com/pgreview/pgreview/internal/review"
)

func TestMain(m *testing.M) { enginetest.Main(m) }

// A clean, well-designed schema (identity keys, timestamptz, composite
// foreign keys covered by composite indexes, a partial unique index,
// NOT VALID then validated, a SECURITY DEFINER function with its own
// search_path, extensions in their own schema, comments) gets no finding
// above GOOD from any live check, all run at once on one database.
func TestCleanSchemaPassesEveryLiveCheck(t *testing.T) {
	r, err := repo.Open("testdata/clean-schema")
	if err != nil {
		t.Fatal(err)
	}
	plan, err := migrate.Detect(r, migrate.Config{})
	if err != nil || plan == nil {
		t.Fatalf("detect migrations: %v", err)
	}
	in := &check.Input{Repo: r, Migrations: plan}
	st := review.Live(context.Background(), enginetest.Postgres(t), r, plan, t.Logf)
	if st.Unavailable != "" || st.Applied.Failed != nil {
		t.Fatalf("live phase: %s %+v", st.Unavailable, st.Applied.Failed)
	}
	st.Fill(in)
	var live []*check.Check
	for _, c := range All() {
		if c.Needs.Live() {
			live = append(live, c)
		}
	}
	if len(live) < 25 {
		t.Fatalf("only %d live checks", len(live))
	}
	for _, res := range check.Run(context.Background(), live, in) {
		switch res.Status {
		case check.StatusError, check.StatusSkipped:
			t.Errorf("%s: %s: %s", res.Check.Name, res.Status, res.Reason)
		}
		for _, f := range res.Findings {
			if f.Severity > check.Good {
				t.Errorf("%s: %s finding at %s: %s", f.Check, f.Severity, f.Location, f.Message)
			} else {
				t.Logf("%s: %s finding at %s: %s", f.Check, f.Severity, f.Location, f.Message)
			}
		}
	}
}
