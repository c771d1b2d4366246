package migrate

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/pgreview/pgreview/internal/engine/enginetest"
	"github.com/pgreview/pgreview/internal/migrate/migratetest"
	"github.com/pgreview/pgreview/internal/repo"
	"github.com/pgreview/pgreview/internal/repo/repotest"
)

// outcome is what a test compares between two runs of the same history.
type outcome struct {
	Applied  int
	Failed   *Failure
	Problems []string
	Steps    []string // migration: events (kind, tag, identity, statement)
	Schema   Schema   // what the review database holds afterwards
}

func applyOutcome(t *testing.T, plan *Plan, opts ApplyOptions) outcome {
	t.Helper()
	ctx := context.Background()
	pg := enginetest.Postgres(t)
	res, err := Apply(ctx, pg, plan, opts)
	if err != nil {
		t.Fatal(err)
	}
	o := outcome{Applied: res.Applied, Failed: res.Failed, Problems: res.Roundtrip.Problems}
	for _, s := range res.Steps {
		line := s.Migration.ID() + ":"
		ran := map[string]bool{}
		for _, st := range s.Statements {
			ran[strings.TrimSpace(st.SQL)] = true
		}
		for _, e := range s.Events {
			if ran[strings.TrimSpace(e.Query)] { // not the tool's bookkeeping, which the hazards ignore
				line += fmt.Sprintf(" [%s %s %s %q]", e.Kind, e.Tag, e.Identity, e.Query)
			}
		}
		o.Steps = append(o.Steps, line)
	}
	conn, err := pg.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if o.Schema, err = LoadSchema(ctx, conn); err != nil {
		t.Fatal(err)
	}
	for k, obj := range o.Schema { // OIDs differ between databases
		obj.owner, obj.self, obj.proc = 0, 0, 0
		o.Schema[k] = obj
	}
	return o
}

// generatedPlan writes a generated history of n migrations, with files
// replaced or added (names inside db/migrations), and detects its plan.
func generatedPlan(t testing.TB, n int, files map[string]string) *Plan {
	t.Helper()
	dir := t.TempDir()
	migratetest.Write(t, dir, n)
	for name, sql := range files {
		repotest.Write(t, dir, map[string]string{"db/migrations/" + name: sql})
	}
	return planOf(t, dir)
}

// planOf detects the plan of the repository in dir.
func planOf(t testing.TB, dir string) *Plan {
	t.Helper()
	r, err := repo.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := Detect(r, Config{})
	if err != nil {
		t.Fatal(err)
	}
	return plan
}

// TestSplitRoundTrip round-trips a long history in two parts at once and
// in order, with a migration that fails in the first part, in the second,
// or none, and expects the same outcome: the same failure, the same trips
// and events, and the review database left in the same state.
func TestSplitRoundTrip(t *testing.T) {
	for _, failAt := range []int{0, 9, 50} {
		t.Run(fmt.Sprint("fail at ", failAt), func(t *testing.T) {
			files := map[string]string{}
			if failAt > 0 {
				files[fmt.Sprintf("%04d_step.up.sql", failAt)] = "CREATE TABLE late (id int);\nALTER TABLE missing ADD COLUMN x int;\n"
			}
			plan := generatedPlan(t, 64, files)
			split := applyOutcome(t, plan, ApplyOptions{RoundTrip: true, Log: t.Logf})
			inOrder := applyOutcome(t, plan, ApplyOptions{RoundTrip: true, inOrder: true})
			if !reflect.DeepEqual(split, inOrder) {
				t.Errorf("two parts at once differ from in order:\n%+v\n%+v", summary(split), summary(inOrder))
			}
			if failAt > 0 && (split.Failed == nil || split.Failed.Line != 2 || split.Applied != failAt-1) {
				t.Errorf("failure: %+v after %d applied", split.Failed, split.Applied)
			}
		})
	}
}

// TestSplitRoundTripHelperOnlyFailure: a migration that fails only in
// the helper database (a history that depends on more than its files)
// still stops the history there, and the review database, which caught
// up past it, is brought back to the failure.
func TestSplitRoundTripHelperOnlyFailure(t *testing.T) {
	onlyInHelper := generatedPlan(t, 64, map[string]string{
		"0009_step.up.sql": "DO $$ BEGIN IF current_database() LIKE '%\\_part\\_%' THEN RAISE EXCEPTION 'helper only'; END IF; END $$;\n"})
	always := generatedPlan(t, 64, map[string]string{"0009_step.up.sql": "DO $$ BEGIN RAISE EXCEPTION 'always'; END $$;\n"})
	split := applyOutcome(t, onlyInHelper, ApplyOptions{RoundTrip: true, Log: t.Logf})
	want := applyOutcome(t, always, ApplyOptions{RoundTrip: true, inOrder: true})
	if split.Failed == nil || split.Failed.Error != "helper only" || split.Applied != 8 {
		t.Fatalf("failure: %+v after %d applied", split.Failed, split.Applied)
	}
	if !reflect.DeepEqual(split.Schema, want.Schema) || !reflect.DeepEqual(split.Steps, want.Steps) {
		t.Errorf("review database after the failure:\n%s\nwant\n%s", summary(split), summary(want))
	}
}

func summary(o outcome) string {
	return fmt.Sprintf("applied %d, failed %+v, problems %v, %d steps, %d objects", o.Applied, o.Failed, o.Problems, len(o.Steps), len(o.Schema))
}

// TestEventsAtEnd: without a round trip, the trace is read once at the
// end and its events spread over the steps; each step must get exactly
// the events it gets when the trace is read after every step.
func TestEventsAtEnd(t *testing.T) {
	// The same statement text in two migrations, and twice in one.
	plan := generatedPlan(t, 24, map[string]string{
		"0025_again.up.sql": "ALTER TABLE t001 ADD COLUMN twice int;\nALTER TABLE t001 DROP COLUMN twice;\nALTER TABLE t001 ADD COLUMN twice int;\n",
		"0026_again.up.sql": "ALTER TABLE t001 DROP COLUMN twice;\n",
		"0027_again.up.sql": "ALTER TABLE t001 ADD COLUMN twice int;\n",
	})
	atEnd := applyOutcome(t, plan, ApplyOptions{})
	// A round trip reads the trace after every step.
	perStep := applyOutcome(t, plan, ApplyOptions{RoundTrip: true, inOrder: true})
	if len(atEnd.Steps) != 27 || len(perStep.Steps) != 27 {
		t.Fatalf("%d and %d steps", len(atEnd.Steps), len(perStep.Steps))
	}
	for i := range atEnd.Steps {
		if atEnd.Steps[i] != perStep.Steps[i] {
			t.Errorf("events read at the end:\n%s\nread after each step:\n%s", atEnd.Steps[i], perStep.Steps[i])
		}
	}
}
