// Package modeldiff compares the tables an Alembic repository's SQLAlchemy
// or SQLModel models declare with the migrated review database, using
// Alembic's own autogenerate comparison (compare_metadata). It runs an
// embedded Python script with an interpreter that can import the models,
// while the review database is up, and records the differences (or why
// the comparison could not run) for the drift check.
package modeldiff

import (
	"context"
	_ "embed"
	"path"
	"sort"
	"strings"

	"github.com/pgreview/pgreview/internal/catalog"
	"github.com/pgreview/pgreview/internal/orm"
	"github.com/pgreview/pgreview/internal/python"
	"github.com/pgreview/pgreview/internal/repo"
)

//go:embed compare.py
var script string

// Result is the outcome of one comparison.
type Result struct {
	// Python is the interpreter that ran the comparison.
	Python string
	// Metadata are the MetaData compared ("app.models:Base.metadata"), and
	// where they were found (env.py's target_metadata, or the models'
	// declarative bases).
	Metadata []string
	From     string
	// Diffs are Alembic's differences; empty when the schema matches.
	Diffs []Diff
	// Skipped says why the comparison did not run; "" when it ran.
	Skipped string
}

// Diff is one of Alembic's autogenerate differences. "add_*" means the
// models have something the database lacks; "remove_*" the reverse;
// "modify_*" that both have it, differently (Detail: "database -> models").
type Diff struct {
	Op     string `json:"op"`
	Schema string `json:"schema"`
	Table  string `json:"table"`
	Column string `json:"column"`
	Name   string `json:"name"`
	Detail string `json:"detail"`
}

// QualifiedTable is schema.table, public when the schema is empty.
func (d Diff) QualifiedTable() string {
	if d.Schema == "" {
		return "public." + d.Table
	}
	return d.Schema + "." + d.Table
}

// Options configure Compare.
type Options struct {
	// Python is the interpreter to use (PGREVIEW_PYTHON); empty means
	// try the repo's virtualenv, python3 on PATH, then /usr/bin/python3.
	Python string
	Log    func(format string, args ...any)
}

// Applies reports whether the repository is an Alembic project with
// SQLAlchemy or SQLModel models, the case Compare is for.
func Applies(r *repo.Repo) bool {
	return envPy(r) != nil && len(orm.Of(r).Tables()) > 0
}

// Compare runs Alembic's compare_metadata for the repo's models against
// the database at url (a postgres:// URL).
func Compare(ctx context.Context, r *repo.Repo, url string, opts Options) *Result {
	refs, from := targets(r)
	res := &Result{From: from}
	for _, ref := range refs {
		res.Metadata = append(res.Metadata, ref.String())
	}
	if len(refs) == 0 {
		res.Skipped = "no SQLAlchemy MetaData found to compare (env.py's target_metadata is None and no declarative base was found)"
		return res
	}
	req := request{URL: url, Paths: pythonPaths(r), Modules: modulesToImport(r, refs), Metadata: res.Metadata, ExcludeTables: toolTables()}
	run(ctx, r, req, opts, res)
	return res
}

type request struct {
	URL           string   `json:"url"`
	Paths         []string `json:"paths"`
	Modules       []string `json:"modules"`
	Metadata      []string `json:"metadata"`
	ExcludeTables []string `json:"exclude_tables"`
}

func toolTables() []string {
	var out []string
	for t := range catalog.ToolTables {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// envPy finds Alembic's env.py: the script_location of alembic.ini, or an
// env.py next to a versions directory.
func envPy(r *repo.Repo) *python.Module {
	for _, f := range r.Files() {
		if path.Base(f.Path) != "alembic.ini" {
			continue
		}
		for _, line := range strings.Split(f.Text(), "\n") {
			k, v, ok := strings.Cut(line, "=")
			if !ok || strings.TrimSpace(k) != "script_location" {
				continue
			}
			loc := strings.TrimPrefix(strings.TrimSpace(v), "%(here)s/")
			if m := r.PythonModule(path.Join(path.Dir(f.Path), loc, "env.py")); m != nil {
				return m
			}
		}
	}
	for _, m := range r.Python() {
		if path.Base(m.Path) != "env.py" {
			continue
		}
		for _, f := range r.Files() {
			if strings.HasPrefix(f.Path, path.Join(path.Dir(m.Path), "versions")+"/") {
				return m
			}
		}
	}
	return nil
}

// targets reads env.py's target_metadata, falling back to the models'
// declarative bases when it is None or cannot be resolved statically.
func targets(r *repo.Repo) ([]orm.MetadataRef, string) {
	modules := repoModules(r)
	if env := envPy(r); env != nil {
		var refs []orm.MetadataRef
		v := env.ModuleConst("target_metadata")
		var exprs []*python.Expr
		if v != nil && v.Kind == python.Tuple {
			exprs = v.Parts
		} else if v != nil {
			exprs = []*python.Expr{v}
		}
		for _, e := range exprs {
			if e.Kind != python.Attr && e.Kind != python.Name {
				refs = nil
				break
			}
			if ref, ok := splitRef(env.Resolve(e.Text), modules); ok {
				refs = append(refs, ref)
			}
		}
		if len(refs) > 0 {
			return refs, env.Path + " target_metadata"
		}
	}
	return orm.Of(r).Bases, "the models' declarative bases"
}

// splitRef splits "app.models.Base.metadata" into the longest prefix that
// is a module of the repo and the attribute path; a name from outside the
// repo ("sqlmodel.SQLModel.metadata") splits after its first part.
func splitRef(q string, modules map[string]bool) (orm.MetadataRef, bool) {
	parts := strings.Split(q, ".")
	for i := len(parts) - 1; i > 0; i-- {
		if modules[strings.Join(parts[:i], ".")] {
			return orm.MetadataRef{Module: strings.Join(parts[:i], "."), Attr: strings.Join(parts[i:], ".")}, true
		}
	}
	if len(parts) < 2 || strings.HasPrefix(q, ".") {
		return orm.MetadataRef{}, false
	}
	return orm.MetadataRef{Module: parts[0], Attr: strings.Join(parts[1:], ".")}, true
}

// repoModules are the dotted names of the repo's Python modules.
func repoModules(r *repo.Repo) map[string]bool {
	out := map[string]bool{}
	for _, m := range r.Python() {
		out[orm.ModuleName(m.Path)] = true
	}
	return out
}

// modulesToImport are the modules that declare models (importing them
// registers their tables on the MetaData) and those the MetaData live in.
func modulesToImport(r *repo.Repo, refs []orm.MetadataRef) []string {
	seen := map[string]bool{}
	var out []string
	add := func(m string) {
		if m != "" && !seen[m] {
			seen[m] = true
			out = append(out, m)
		}
	}
	for _, ref := range refs {
		add(ref.Module)
	}
	for _, m := range orm.Of(r).Models {
		add(m.Module)
	}
	return out
}

// pythonPaths are the import roots: the repo, and src/ for a src layout.
func pythonPaths(r *repo.Repo) []string {
	paths := []string{r.Root}
	for _, f := range r.Files() {
		if strings.HasPrefix(f.Path, "src/") && strings.HasSuffix(f.Path, ".py") {
			paths = append(paths, path.Join(r.Root, "src"))
			break
		}
	}
	return paths
}
