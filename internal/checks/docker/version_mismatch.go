package docker

import (
	"fmt"
	"go/ast"
	"go/token"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/dbsite"
	"github.com/pgreview/pgreview/internal/python"
	"github.com/pgreview/pgreview/internal/repo"
)

// PostgresVersionMismatch finds places that declare a different Postgres
// major version than the repo's database service.
var PostgresVersionMismatch = &check.Check{
	Name:     "postgres-version-mismatch",
	Item:     "7.1",
	Severity: check.Important,
	Doc: `Run one Postgres major version everywhere.

When compose runs PostgreSQL 16, the tests' container 14 and the README
promises 15, each environment tests something else: a query planner
change, a removed function or a new default (public schema privileges in
15, the data directory in 18) shows up only in production. pgreview takes
the compose database service's image as the reference (or, without one,
the first Postgres image it finds) and reports every image tag, CI service
and documentation mention with another major version.`,
	Run: runPostgresVersionMismatch,
}

// declaredMajor is one place that says which major version runs.
type declaredMajor struct {
	major int
	what  string // "service db's image postgres:15-alpine", "README.md"
	at    check.Location
	doc   bool
}

func runPostgresVersionMismatch(p *check.Pass) error {
	decls := imageDecls(p.Repo)
	decls = append(decls, codeImageDecls(p.Repo)...)
	var ref *declaredMajor
	if db := p.Repo.DBService(); db != nil && !dbsite.IsFixturePath(db.File) {
		if m := repo.MajorOfImage(db.Image); m > 0 {
			line := db.Service.Image.Line
			if line == 0 {
				line = db.Line
			}
			ref = &declaredMajor{major: m, what: "the compose service " + db.Name, at: loc(db.File, line)}
		}
	}
	if ref == nil {
		for i := range decls {
			if !decls[i].doc {
				ref = &decls[i]
				break
			}
		}
	}
	if ref == nil {
		p.NotApplicable("no Postgres image with a version tag in the repository")
		return nil
	}
	decls = append(decls, docDecls(p.Repo)...)
	agree := 0
	for _, d := range decls {
		if d.at == ref.at {
			continue
		}
		if d.major == ref.major {
			agree++
			continue
		}
		p.Reportf(d.at, "%s says PostgreSQL %d, but %s (%s) runs PostgreSQL %d; use one major version everywhere",
			d.what, d.major, ref.what, ref.at, ref.major)
	}
	if agree > 0 {
		p.Evidence(ref.at, "%s runs PostgreSQL %d, as %d other place(s) in the repository say", ref.what, ref.major, agree)
	}
	return nil
}

// imageDecls: Postgres images in compose files and Dockerfiles.
func imageDecls(r *repo.Repo) []declaredMajor {
	var out []declaredMajor
	for _, cf := range r.Compose() {
		if dbsite.IsFixturePath(cf.Path) {
			continue
		}
		for _, s := range cf.Services {
			ref := s.ImageRef()
			if s.Image.Raw == "" || !repo.IsPostgresImage(ref) {
				continue
			}
			if m := repo.MajorOfImage(ref); m > 0 {
				out = append(out, declaredMajor{major: m, what: fmt.Sprintf("service %s's image %s", s.Name, ref), at: loc(cf.Path, s.Image.Line)})
			}
		}
	}
	for _, w := range r.Workflows() {
		if dbsite.IsFixturePath(w.Path) {
			continue
		}
		for _, j := range w.Jobs {
			cs := j.Services
			if j.Container != nil {
				cs = append(cs, j.Container)
			}
			for _, c := range cs {
				img := c.Image.Raw
				if strings.Contains(img, "${{") || !repo.IsPostgresImage(img) {
					continue // a matrix of versions is a choice, not a drift
				}
				if m := repo.MajorOfImage(img); m > 0 {
					line := c.Image.Line
					if line == 0 {
						line = c.Line
					}
					out = append(out, declaredMajor{major: m, what: fmt.Sprintf("CI job %s's %s image %s", j.ID, serviceWord(c.Name), img), at: loc(w.Path, line)})
				}
			}
		}
	}
	for _, d := range r.Dockerfiles() {
		if dbsite.IsFixturePath(d.Path) {
			continue
		}
		for _, st := range d.Stages {
			if m := repo.MajorOfImage(st.Image); m > 0 && repo.IsPostgresImage(st.Image) {
				out = append(out, declaredMajor{major: m, what: "FROM " + st.Image, at: loc(d.Path, st.Line)})
			}
		}
	}
	return out
}

// imageLiteral matches a Postgres image reference written as a string in
// code: PostgresContainer("postgres:15-alpine"), postgres.Run(ctx, "postgres:16").
var imageLiteral = regexp.MustCompile(`^(?:docker\.io/)?(?:library/)?(?:postgres|postgis/postgis|pgvector/pgvector|timescale/timescaledb(?:-ha)?|bitnami/postgresql|supabase/postgres):[0-9][^\s"']*$`)

// codeImageDecls: images named in Python and Go code (test containers).
func codeImageDecls(r *repo.Repo) []declaredMajor {
	var out []declaredMajor
	add := func(file string, line int, s string) {
		if imageLiteral.MatchString(s) {
			if m := repo.MajorOfImage(s); m > 0 {
				out = append(out, declaredMajor{major: m, what: "the image " + s, at: loc(file, line)})
			}
		}
	}
	// Only images handed to something (a call's argument, a struct field):
	// a string compared in a test is not a container that runs.
	for _, m := range r.Python() {
		if dbsite.IsFixturePath(m.Path) {
			continue
		}
		for _, c := range m.Calls {
			args := append([]*python.Expr{}, c.Args...)
			for _, k := range c.Kwargs {
				args = append(args, k.Value)
			}
			for _, a := range args {
				if a != nil && a.Kind == python.Str {
					add(m.Path, a.Line, a.Value)
				}
			}
		}
	}
	for _, gf := range r.Go() {
		if dbsite.IsFixturePath(gf.Path) {
			continue
		}
		lit := func(e ast.Expr) {
			if l, ok := e.(*ast.BasicLit); ok && l.Kind == token.STRING {
				if s, err := strconv.Unquote(l.Value); err == nil {
					add(gf.Path, gf.Line(l.Pos()), s)
				}
			}
		}
		ast.Inspect(gf.AST, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.CallExpr:
				for _, a := range x.Args {
					lit(a)
				}
			case *ast.KeyValueExpr:
				lit(x.Value)
			case *ast.ValueSpec:
				for _, v := range x.Values {
					lit(v)
				}
			}
			return true
		})
	}
	return out
}

var (
	docVersion = regexp.MustCompile(`(?i)\bpostgres(?:ql)?\s+(?:version\s+)?v?([0-9]{1,2})(?:\.[0-9]+)?\b`)
	// A range is not a claim about what runs: "PostgreSQL 12+", "12 or later".
	docRange    = regexp.MustCompile(`(?i)^(\+|\.x\+|\s*(or|and)\s+(later|newer|above|higher|up)|\s*[-–]\s*[0-9])`)
	htmlComment = regexp.MustCompile(`<!--.*?(-->|$)`)
	docFloor    = regexp.MustCompile(`(?i)(>=|≥|at least|minimum|min\.|from|since|before|until|up to|older than|newer than|prior to|than)\s*$`)
)

// docDecls: "PostgreSQL 15" in the README and docs, except ranges,
// changelogs and code blocks.
func docDecls(r *repo.Repo) []declaredMajor {
	var out []declaredMajor
	for _, d := range r.Docs() {
		if dbsite.IsFixturePath(d.Path) {
			continue
		}
		base := strings.ToLower(path.Base(d.Path))
		if strings.HasPrefix(base, "changelog") || strings.HasPrefix(base, "history") || strings.HasPrefix(base, "news") || strings.HasPrefix(base, "release") {
			continue
		}
		for _, l := range d.Lines {
			if l.Code {
				continue
			}
			text := htmlComment.ReplaceAllString(l.Text, "")
			for _, idx := range docVersion.FindAllStringSubmatchIndex(text, -1) {
				major, _ := strconv.Atoi(text[idx[2]:idx[3]])
				if major < 9 || major > 30 || docRange.MatchString(text[idx[1]:]) || docFloor.MatchString(text[:idx[0]]) {
					continue
				}
				out = append(out, declaredMajor{major: major, what: path.Base(d.Path), at: loc(d.Path, l.N), doc: true})
			}
		}
	}
	return out
}

func serviceWord(name string) string {
	if name == "" {
		return "container"
	}
	return "service " + name + ""
}
