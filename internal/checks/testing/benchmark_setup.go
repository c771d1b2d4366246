package testing

import (
	"path"
	"regexp"
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/dbcode"
	"github.com/pgreview/pgreview/internal/repo"
)

// BenchmarkSetup cites database benchmarks: pgbench, pytest-benchmark,
// Go benchmarks that touch the database.
var BenchmarkSetup = &check.Check{
	Name:     "benchmark-setup",
	Item:     "3.5",
	Severity: check.Info,
	Doc: `Keep a benchmark for the queries that matter.

A benchmark of the hot queries (pgbench with a custom script, a
pytest-benchmark or Go benchmark that runs them against a test database)
turns "it got slower" into a number you can compare between commits,
before production shows it. This check cites the benchmarks it finds; when
it finds none, a human decides whether the service needs them.`,
	Run: runBenchmarkSetup,
}

var pgbenchRun = regexp.MustCompile(`(^|[\s"'/])pgbench(\s|$)`)

func runBenchmarkSetup(p *check.Pass) error {
	if dbcode.NoDatabase(p) {
		return nil
	}
	if d, ok := p.Repo.FindDependency("pytest-benchmark", "asv"); ok {
		p.Evidence(at(d.File, d.Line), "%s declared", d.Name)
	}
	for _, f := range p.Repo.FilesOf(repo.KindShell, repo.KindWorkflow, repo.KindOther, repo.KindCompose, repo.KindYAML) {
		if f.Kind == repo.KindOther && !strings.EqualFold(f.Path, "Makefile") && !strings.HasSuffix(f.Path, ".pgbench") && !strings.HasSuffix(strings.ToLower(f.Path), "justfile") {
			continue
		}
		if strings.HasSuffix(f.Path, ".pgbench") {
			p.Evidence(at(f.Path, 1), "pgbench script %s", f.Path)
			continue
		}
		for i, line := range strings.Split(f.Text(), "\n") {
			t := strings.TrimSpace(line)
			if strings.HasPrefix(t, "#") || !pgbenchRun.MatchString(line) {
				continue
			}
			p.Evidence(at(f.Path, i+1), "runs pgbench")
			break
		}
	}
	px := dbcode.PythonIndex(p.Repo)
	for _, pm := range px.Modules {
		if !pm.Test {
			continue
		}
		for _, f := range pm.Funcs {
			pf := px.Func(f)
			if pf == nil || !pf.Touches {
				continue
			}
			for _, param := range f.Params {
				if param == "benchmark" {
					p.Evidence(at(pm.Path, f.Line), "pytest-benchmark test %s() runs queries", f.Name)
				}
			}
		}
	}
	g := dbcode.GoIndex(p.Repo)
	dbDirs := map[string]bool{}
	for _, f := range g.Files {
		for _, fn := range f.Funcs {
			if !f.Test && len(fn.Calls) > 0 {
				dbDirs[path.Dir(f.Path)] = true
			}
		}
	}
	for _, f := range g.Files {
		if !f.Test {
			continue
		}
		for _, fn := range f.Funcs {
			if fn.Decl == nil || !strings.HasPrefix(fn.Decl.Name.Name, "Benchmark") {
				continue
			}
			switch {
			case touchesGo(f, fn):
				p.Evidence(at(f.Path, fn.Line), "Go benchmark %s runs queries", fn.Decl.Name.Name)
			case dbDirs[path.Dir(f.Path)]:
				p.Evidence(at(f.Path, fn.Line), "Go benchmark %s of a package that queries the database", fn.Decl.Name.Name)
			}
		}
	}
	p.ManualUnlessCited("no database benchmark found (pgbench scripts, pytest-benchmark, Go benchmarks of the queries)")
	return nil
}

// touchesGo: the function, or a literal inside it, makes database calls.
func touchesGo(f *dbcode.GoFile, fn *dbcode.GoFunc) bool {
	for _, g := range f.Funcs {
		for o := g; o != nil; o = o.Outer {
			if o == fn && len(g.Calls) > 0 {
				return true
			}
		}
	}
	return false
}
