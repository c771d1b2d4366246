package testing

import (
	"path"
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/dbcode"
	"github.com/pgreview/pgreview/internal/python"
	"github.com/pgreview/pgreview/internal/repo"
)

// TestDataFactories cites factories and fixtures that build test data, and
// finds rows written inline, test after test.
var TestDataFactories = &check.Check{
	Name:     "test-data-factories",
	Item:     "3.4",
	Severity: check.Good,
	Doc: `Build test data with factories or fixtures.

Rows written out by hand in every test (an INSERT here, a User(...) with
ten literal fields there) drift from the schema, hide what each test is
about and break together when a column is added. Build them in one place:
factory_boy / polyfactory factories, pytest fixtures, or Go helpers, with
defaults for everything the test does not care about:

  class UserFactory(SQLAlchemyModelFactory):
      class Meta:
          model = User
          sqlalchemy_session_persistence = "flush"
      email = factory.Sequence(lambda n: f"user{n}@example.com")`,
	Run: runTestDataFactories,
}

var factoryLibraries = map[string]bool{
	"factory-boy": true, "polyfactory": true, "model-bakery": true, "pytest-factoryboy": true, "mixer": true,
	"github.com/bluele/factory-go": true, "github.com/go-testfixtures/testfixtures": true,
}

// inlineThreshold is how many tests must write their rows by hand, in at
// least two files, before that is a pattern worth a finding.
const inlineThreshold = 4

func runTestDataFactories(p *check.Pass) error {
	if dbcode.NoDatabase(p) {
		return nil
	}
	s := testSetup(p.Repo)
	if len(s.DBTests) == 0 {
		p.NotApplicable("no test uses the database")
		return nil
	}
	for _, d := range p.Repo.Dependencies() {
		if factoryLibraries[d.Name] || factoryLibraries[strings.TrimSuffix(d.Name, "/v3")] {
			p.Evidence(at(d.File, d.Line), "factory library %s", d.Name)
		}
	}
	px := dbcode.PythonIndex(p.Repo)
	type inline struct {
		file string
		line int
	}
	var inlines []inline
	files := map[string]bool{}
	for _, pm := range px.Modules {
		if !pm.Test {
			continue
		}
		for _, c := range pm.Classes {
			for _, b := range c.Bases {
				if name := pm.Resolve(b.Text); strings.HasPrefix(name, "factory.") || strings.HasPrefix(name, "polyfactory.") || strings.HasSuffix(name, "ModelFactory") {
					p.Evidence(at(pm.Path, c.Line), "factory %s", c.Name)
				}
			}
		}
		for _, f := range pm.Funcs {
			pf := px.Func(f)
			if pf == nil {
				continue
			}
			w := firstWrite(pf)
			switch {
			case w == nil:
			case fixture(pm.Module, f):
				p.Evidence(at(pm.Path, f.Line), "fixture %s() builds test rows", f.Name)
			case strings.HasPrefix(f.Name, "test") && literalRow(w):
				inlines = append(inlines, inline{pm.Path, w.Line})
				files[pm.Path] = true
			}
		}
	}
	for _, f := range p.Repo.Files() {
		if f.Kind == repo.KindSQL && isTestDataPath(f.Path) && strings.Contains(strings.ToUpper(f.Text()), "INSERT INTO") {
			p.Evidence(at(f.Path, 1), "seed rows for tests in %s", path.Base(f.Path))
		}
	}
	if p.Cited() {
		return nil
	}
	if len(inlines) >= inlineThreshold && len(files) >= 2 {
		p.Reportf(at(inlines[0].file, inlines[0].line), "%d tests in %d files write their rows by hand, with literal values (this is the first); build test data with factories (factory_boy, polyfactory) or fixtures, so a schema change is fixed in one place", len(inlines), len(files))
		return nil
	}
	p.Manual("no factories or data fixtures found; check how tests build their data")
	return nil
}

// firstWrite is the first call of a function that writes rows.
func firstWrite(pf *dbcode.PyFunc) *dbcode.PyCall {
	for _, c := range pf.Calls {
		if c.Op == dbcode.OpWrite || c.Op == dbcode.OpBulkWrite {
			return c
		}
	}
	return nil
}

// literalRow: the write spells out a row: INSERT ... VALUES, or add() of
// a model built from literals.
func literalRow(c *dbcode.PyCall) bool {
	if c.SQL != "" {
		return strings.Contains(strings.ToUpper(c.SQL), "VALUES")
	}
	a := c.Arg(0)
	if a == nil || a.Kind != python.CallExpr {
		return false
	}
	literals := 0
	for _, k := range a.Call.Kwargs {
		if k.Value.IsConstant() {
			literals++
		}
	}
	return literals >= 2
}

func isTestDataPath(p string) bool {
	l := strings.ToLower(p)
	return strings.Contains(l, "fixture") || strings.Contains(l, "testdata/") || strings.Contains(l, "tests/") && strings.Contains(l, "seed")
}
