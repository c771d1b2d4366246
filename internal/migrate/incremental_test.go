package migrate

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pgreview/pgreview/internal/engine/enginetest"
)

// TestIncrementalSchema round-trips a generated history (tables, foreign
// keys, backfills, indexes, constraints, views, functions) and checks
// that the schema pgreview kept up to date from the trace, one touched
// relation at a time, is exactly the schema Postgres has at the end; and
// that no round trip reported a problem that is not there.
func TestIncrementalSchema(t *testing.T) {
	plan := generatedPlan(t, 60, nil)
	ctx := context.Background()
	a := &applyRun{ctx: ctx, pg: enginetest.Postgres(t), plan: plan, opts: ApplyOptions{Log: t.Logf, RoundTrip: true},
		res: &Result{Phases: map[string]time.Duration{}}}
	defer a.close()
	if err := a.open(); err != nil {
		t.Fatal(err)
	}
	if err := a.run(); err != nil {
		t.Fatal(err)
	}
	if a.res.Failed != nil || !a.res.Roundtrip.OK || len(a.res.Trips) != 60 {
		t.Fatalf("failed %+v, round trip ok=%v %v, %d trips", a.res.Failed, a.res.Roundtrip.OK, a.res.Roundtrip.Problems, len(a.res.Trips))
	}
	full, err := LoadSchema(ctx, a.conn)
	if err != nil {
		t.Fatal(err)
	}
	if d := DiffSchemas(full, a.before, nil); !d.Empty() || len(full) != len(a.before) {
		t.Fatalf("incremental schema differs from the database: added %v removed %v changed %v", d.Added, d.Removed, d.Changed)
	}
}

// TestRoundTripScope round-trips a history whose downs leave, drop and
// change functions, types and relations, or fail: the traced round trip,
// which describes only what each step touched and sends each down whole,
// reports exactly what the untraced one, which describes the whole schema
// each time and runs statement by statement, reports.
func TestRoundTripScope(t *testing.T) {
	plan := planOf(t, extract(t, "testdata/roundtrip/scope.txtar"))
	want := []string{
		"2_replace: down does not restore function public.f()",
		"3_leftover: down leaves function public.g(integer)",
		"4_enum: down does not restore type public.mood",
		"6_view: down leaves function public.h()",
		"7_drop: down drops function public.h(), which existed before the up",
		`9_faildown: down fails at db/migrations/9_faildown.down.sql:2: table "nope" does not exist`,
	}
	for _, noTrace := range []bool{false, true} {
		res, err := Apply(context.Background(), enginetest.Postgres(t), plan, ApplyOptions{Log: t.Logf, RoundTrip: true, NoTrace: noTrace})
		if err != nil || res.Failed != nil || res.Traced == noTrace {
			t.Fatalf("no trace %v: %v, failed %+v, traced %v", noTrace, err, res.Failed, res.Traced)
		}
		if got := strings.Join(res.Roundtrip.Problems, "\n"); got != strings.Join(want, "\n") {
			t.Errorf("no trace %v: round trip problems\n%s\nwant\n%s", noTrace, got, strings.Join(want, "\n"))
		}
	}
}
