package check

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func testCheck(name, item string, run func(*Pass) error) *Check {
	return &Check{Name: name, Item: item, Severity: Important, Doc: "Test check.", Run: run}
}

func TestValidateRejectsBadChecks(t *testing.T) {
	ok := testCheck("good-name", "5.2", func(*Pass) error { return nil })
	bad := []*Check{
		ok, ok, // duplicate
		testCheck("Bad_Name", "5.2", ok.Run),
		testCheck("no-item", "13.1", ok.Run),
		{Name: "no-doc", Item: "5.2", Severity: Good, Run: ok.Run},
		{Name: "no-run", Item: "5.2", Severity: Good, Doc: "x"},
		{Name: "no-severity", Item: "5.2", Doc: "x", Run: ok.Run},
	}
	err := Validate(bad)
	if err == nil {
		t.Fatal("expected errors")
	}
	for _, want := range []string{"duplicate name", "not kebab-case", `unknown item "13.1"`, "empty doc", "nil Run", "no default severity"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in %v", want, err)
		}
	}
}

func TestRunAndAggregate(t *testing.T) {
	checks := []*Check{
		testCheck("finds", "5.2", func(p *Pass) error {
			p.Reportf(Location{Object: "public.a"}, "one")
			p.Report(Finding{Location: Location{File: "x.sql", Line: 3}, Message: "two", Severity: Critical})
			return nil
		}),
		testCheck("passes", "5.2", func(p *Pass) error { return nil }),
		testCheck("breaks", "5.3", func(p *Pass) error { return errors.New("boom") }),
		testCheck("panics", "5.4", func(p *Pass) error { panic("oops") }),
		testCheck("manual", "10.2", func(p *Pass) error { p.Manual("look for replicas"); return nil }),
		testCheck("live", "5.1", func(p *Pass) error { return nil }),
		testCheck("na", "7.1", func(p *Pass) error { p.NotApplicable("no docker"); return nil }),
		testCheck("evidence", "10.1", func(p *Pass) error { p.Evidence(Location{File: "backup.sh", Line: 2}, "pg_dump"); return nil }),
	}
	checks[5].Needs = NeedsCatalog
	results := Run(context.Background(), checks, &Input{LiveUnavailable: "engine none"})
	items := map[string]ItemResult{}
	for _, ir := range Aggregate(results) {
		items[ir.Item.ID] = ir
	}
	if len(items) != 60 {
		t.Fatalf("%d items", len(items))
	}
	expect := map[string]Status{"5.2": StatusFail, "5.3": StatusError, "5.4": StatusError, "10.2": StatusManual,
		"5.1": StatusSkipped, "7.1": StatusNA, "10.1": StatusPass, "12.5": StatusManual}
	for id, want := range expect {
		if got := items[id].Status; got != want {
			t.Errorf("item %s: status %s, want %s (notes %v)", id, got, want, items[id].Notes)
		}
	}
	if it := items["5.2"]; it.Severity != Critical || len(it.Findings) != 2 || it.Findings[0].Message != "two" {
		t.Errorf("5.2 aggregated wrong: %+v", it)
	}
	if f := items["5.2"].Findings[1]; f.Check != "finds" || f.Item != "5.2" || f.Severity != Important {
		t.Errorf("finding not stamped: %+v", f)
	}
	if !strings.Contains(strings.Join(items["5.4"].Notes, " "), "panicked: oops") {
		t.Errorf("panic not reported: %v", items["5.4"].Notes)
	}
	if !strings.Contains(strings.Join(items["5.1"].Notes, " "), "engine none") {
		t.Errorf("skip reason missing: %v", items["5.1"].Notes)
	}
}

// An item that one check settles with evidence passes even when another
// check of the item found nothing and asked for a human; a pass without
// evidence settles nothing.
func TestEvidenceSettlesManual(t *testing.T) {
	cited := testCheck("cited", "9.1", func(p *Pass) error {
		p.Evidence(Location{File: "compose.yaml", Line: 8}, "pg_stat_statements")
		return nil
	})
	asks := testCheck("asks", "9.1", func(p *Pass) error { p.Manual("add instrumentation"); return nil })
	silent := testCheck("silent", "9.2", func(p *Pass) error { return nil })
	asks2 := testCheck("asks2", "9.2", func(p *Pass) error { p.Manual("export pool metrics"); return nil })
	items := map[string]ItemResult{}
	for _, ir := range Aggregate(Run(context.Background(), []*Check{cited, asks, silent, asks2}, &Input{})) {
		items[ir.Item.ID] = ir
	}
	if it := items["9.1"]; it.Status != StatusPass || len(it.Evidence) != 1 {
		t.Errorf("9.1 = %s with %d evidence, want pass with the citation", it.Status, len(it.Evidence))
	}
	if it := items["9.2"]; it.Status != StatusManual {
		t.Errorf("9.2 = %s, want manual: a silent pass cites nothing", it.Status)
	}
}

func TestDisabledChecksDoNotDecideStatus(t *testing.T) {
	on := testCheck("on", "7.4", func(p *Pass) error { return nil })
	off := testCheck("off", "7.4", nil)
	results := append(Run(context.Background(), []*Check{on}, &Input{}), DisabledResult(off))
	for _, ir := range Aggregate(results) {
		if ir.Item.ID == "7.4" && ir.Status != StatusPass {
			t.Fatalf("7.4 = %s, want pass", ir.Status)
		}
	}
	for _, ir := range Aggregate([]Result{DisabledResult(off)}) {
		if ir.Item.ID == "7.4" && ir.Status != StatusSkipped {
			t.Fatalf("all disabled: 7.4 = %s, want skipped", ir.Status)
		}
	}
}

func TestSuppressions(t *testing.T) {
	c := testCheck("fk-without-index", "5.2", nil)
	results := []Result{{Check: c, Status: StatusFail, Findings: []Finding{
		{Check: c.Name, Item: "5.2", Message: "a", Location: Location{File: "db/1.sql", Line: 4}},
		{Check: c.Name, Item: "5.2", Message: "b", Location: Location{Object: "public.audit_log"}},
		{Check: c.Name, Item: "5.2", Message: "c", Location: Location{Object: "public.orders", File: "legacy/x.sql", Line: 9}},
		{Check: c.Name, Item: "5.2", Message: "d", Location: Location{Object: "public.kept"},
			Related: []Location{{File: "models.py", Line: 20}}},
		{Check: c.Name, Item: "5.2", Message: "e", Location: Location{Object: "public.kept2"}},
	}}}
	sups := []*Suppression{
		{Checks: []string{"fk-without-index"}, File: "db/1.sql", Line: 3, Reason: "small", Source: "db/1.sql:3"},
		{Objects: []string{"public.audit_*"}, Reason: "append-only", Source: ".pgreview.yml:4"},
		{Checks: []string{"5.2"}, Paths: []string{"legacy/**"}, Reason: "frozen", Source: ".pgreview.yml:8"},
		{Checks: []string{"5.2"}, File: "models.py", Line: 20, Reason: "on the model line", Source: "models.py:20"},
		{Checks: []string{"no-primary-key"}, File: "db/1.sql", Line: 3, Reason: "other check", Source: "db/1.sql:3"},
	}
	suppressed := ApplySuppressions(results, sups)
	if len(suppressed) != 4 || len(results[0].Findings) != 1 || results[0].Findings[0].Message != "e" {
		t.Fatalf("suppressed %d, kept %+v", len(suppressed), results[0].Findings)
	}
	unused := Unused(sups)
	if len(unused) != 1 || !strings.Contains(unused[0], "db/1.sql:3: suppression of no-primary-key matches no finding") {
		t.Fatalf("unused: %v", unused)
	}
}

func TestGlob(t *testing.T) {
	for _, tc := range []struct {
		pattern, s string
		want       bool
	}{
		{"legacy/**", "legacy/a/b.sql", true},
		{"legacy/**", "legacyx/a.sql", false},
		{"public.audit_*", "public.audit_log", true},
		{"*.orders", "public.orders", true},
		{"db/*/**", "db/v1/x/y.sql", true},
		{"**", "anything/at/all", true},
	} {
		if got := Glob(tc.pattern, tc.s); got != tc.want {
			t.Errorf("Glob(%q, %q) = %v", tc.pattern, tc.s, got)
		}
	}
}

func TestFingerprintIgnoresLineNumbers(t *testing.T) {
	a := Finding{Check: "x", Message: "migration 0003 locks orders at line 12", Location: Location{File: "a.sql", Line: 12}}
	b := a
	b.Line, b.Message = 40, "migration 0003 locks orders at line 40"
	a.ComputeFingerprint()
	b.ComputeFingerprint()
	if a.Fingerprint != b.Fingerprint {
		t.Fatal("fingerprints differ by line only")
	}
}
