package docs

import (
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/dbcode"
	"github.com/pgreview/pgreview/internal/python"
	"github.com/pgreview/pgreview/internal/repo"
)

// APIDocs cites docstrings on the functions that use the database, and an
// OpenAPI description of the service.
var APIDocs = &check.Check{
	Name:     "api-docs",
	Item:     "12.2",
	Severity: check.Info,
	Doc: `Document the functions that read and write the database.

A repository or controller function's docstring says what it reads and
writes, in which transaction, and what it raises when a row is missing or
a constraint fails: what a caller needs and cannot see from its name. An
OpenAPI description (FastAPI serves one by default) documents the same for
the service's clients. This check counts docstrings on the functions that
use the database and cites an OpenAPI description.`,
	Run: runAPIDocs,
}

var swagAnnotation = regexp.MustCompile(`^\s*//\s*@(Summary|Router|Success)\b`)

func runAPIDocs(p *check.Pass) error {
	if dbcode.NoDatabase(p) {
		return nil
	}
	documented, total := 0, 0
	var first check.Location
	var undocumented []string
	px := dbcode.PythonIndex(p.Repo)
	for _, pm := range px.AppModules() {
		for _, f := range pm.Funcs {
			pf := px.Func(f)
			if pf == nil || !pf.Touches || f.Parent != nil || strings.HasPrefix(f.Name, "_") {
				continue
			}
			total++
			if f.Doc != "" {
				documented++
				if first.File == "" {
					first = at(pm.Path, f.Line)
				}
			} else if len(undocumented) < 3 {
				undocumented = append(undocumented, pm.Path+":"+strconv.Itoa(f.Line)+" "+f.Name+"()")
			}
		}
	}
	for _, pm := range px.Modules {
		if pm.Test {
			continue
		}
		for _, c := range pm.Module.Calls {
			if c.Qualified == "fastapi.FastAPI" && !disablesOpenAPI(c.Kwarg("openapi_url")) {
				p.Evidence(at(pm.Path, c.Line), "FastAPI serves an OpenAPI description of the service at /openapi.json")
			}
		}
	}
	for _, f := range dbcode.GoIndex(p.Repo).AppFiles() {
		for _, fn := range f.Funcs {
			if fn.Decl == nil || len(fn.Calls) == 0 || !fn.Decl.Name.IsExported() {
				continue
			}
			total++
			if strings.TrimSpace(fn.Doc) != "" {
				documented++
				if first.File == "" {
					first = at(f.Path, fn.Line)
				}
			} else if len(undocumented) < 3 {
				undocumented = append(undocumented, f.Path+":"+strconv.Itoa(fn.Line)+" "+fn.Name)
			}
		}
	}
	for _, f := range p.Repo.Files() {
		base := strings.ToLower(path.Base(f.Path))
		if strings.HasPrefix(base, "openapi.") || strings.HasPrefix(base, "swagger.") {
			if ext := path.Ext(base); ext == ".yaml" || ext == ".yml" || ext == ".json" {
				p.Evidence(at(f.Path, 1), "OpenAPI description %s", f.Path)
			}
		}
		if f.Kind == repo.KindGo && !strings.HasSuffix(f.Path, "_test.go") {
			for i, line := range strings.Split(f.Text(), "\n") {
				if swagAnnotation.MatchString(line) {
					p.Evidence(at(f.Path, i+1), "swag annotations describe the HTTP API")
					break
				}
			}
		}
	}
	if total > 0 && documented*2 >= total {
		p.Evidence(first, "%d of %d functions that use the database have a docstring or doc comment", documented, total)
	}
	if p.Cited() {
		return nil
	}
	switch {
	case total == 0:
		p.Manual("no functions that use the database were found to document, and no OpenAPI description")
	default:
		p.Manual("%d of %d functions that use the database have a docstring (undocumented: %s), and no OpenAPI description was found", documented, total, strings.Join(undocumented, ", "))
	}
	return nil
}

// disablesOpenAPI: FastAPI(openapi_url=None) serves no description.
func disablesOpenAPI(v *python.Expr) bool {
	return v != nil && v.Kind == python.Const && v.Value == "None"
}
