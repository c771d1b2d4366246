package migrations

import (
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/repo"
)

// PostgresVersionMismatch finds Postgres major versions that disagree
// between compose, CI workflow services, Dockerfiles and docs.
var PostgresVersionMismatch = &check.Check{
	Name:     "postgres-version-mismatch",
	Item:     "4.3",
	Severity: check.Important,
	Doc: `Development, CI and docs should run the same PostgreSQL major version.

Major versions differ in behaviour that migrations and queries depend on:
defaults (CREATE on schema public before 15), syntax (MERGE, NULLS NOT
DISTINCT), planner choices and removed features. When compose runs 15, CI
tests against 16 and the README promises 14, a migration can pass CI and
fail in production. The versions are read from the compose Postgres
services' images, GitHub Actions services, job containers and setup-postgres
steps, Postgres Dockerfiles' FROM, and docs ("PostgreSQL 15"; minimums such
as "14 or later" are not counted). Each declaration that disagrees with the
compose database service (else with the most common version) is reported.
Unpinned images are left to unpinned-postgres-image, and matrix builds
that test several versions on purpose are not judged.`,
	Run: runPostgresVersionMismatch,
}

// declaration is one place that names a Postgres major version.
type declaration struct {
	major int
	what  string // "compose service db", "CI service postgres", ...
	verb  string // "runs", or "names" for docs
	at    check.Location
	// primary: the compose database service, the reference when present.
	primary bool
}

func runPostgresVersionMismatch(p *check.Pass) error {
	decls := versionDeclarations(p.Repo)
	majors := map[int]int{}
	for _, d := range decls {
		majors[d.major]++
	}
	if len(decls) == 0 {
		p.NotApplicable("no Postgres version is declared in compose, CI, Dockerfiles or docs")
		return nil
	}
	ref := reference(decls, majors)
	for _, d := range decls {
		if d.major == ref.major {
			p.Evidence(d.at, "%s: PostgreSQL %d", d.what, d.major)
			continue
		}
		p.Report(check.Finding{
			Location: d.at,
			Message:  sprintf("%s %s PostgreSQL %d, but %s %s %d", d.what, d.verbOr(), d.major, ref.what, ref.verbOr(), ref.major),
			Fix:      sprintf("use the major version production runs everywhere (%s says %d)", ref.what, ref.major),
			Related:  []check.Location{withNote(ref.at, ref.what)},
		})
	}
	return nil
}

// reference is the compose database service when there is one, else the
// most common major (the first declared on a tie).
func reference(decls []declaration, majors map[int]int) declaration {
	for _, d := range decls {
		if d.primary {
			return d
		}
	}
	best := decls[0]
	for _, d := range decls {
		if majors[d.major] > majors[best.major] {
			best = d
		}
	}
	return best
}

func (d declaration) verbOr() string {
	if d.verb == "" {
		return "runs"
	}
	return d.verb
}

func versionDeclarations(r *repo.Repo) []declaration {
	var out []declaration
	db := r.DBService()
	for _, cf := range r.Compose() {
		for _, s := range cf.Services {
			img := s.ImageRef()
			if !repo.IsPostgresImage(img) {
				continue
			}
			if m := repo.MajorOfImage(img); m > 0 {
				out = append(out, declaration{major: m, what: "compose service " + s.Name + " (" + img + ")",
					at: check.Location{File: s.File, Line: s.Image.Line}, primary: db != nil && s == db.Service})
			}
		}
	}
	for _, w := range r.Workflows() {
		for _, j := range w.Jobs {
			containers := append([]*repo.JobContainer(nil), j.Services...)
			if j.Container != nil {
				containers = append(containers, j.Container)
			}
			for _, c := range containers {
				img := c.Image.Raw
				if strings.Contains(img, "${{") || !repo.IsPostgresImage(img) {
					continue
				}
				if m := repo.MajorOfImage(img); m > 0 {
					name := "CI job " + j.ID + " service " + c.Name
					if c.Name == "" {
						name = "CI job " + j.ID + " container"
					}
					out = append(out, declaration{major: m, what: name + " (" + img + ")", at: check.Location{File: w.Path, Line: c.Image.Line}})
				}
			}
			for _, st := range j.Steps {
				if !strings.Contains(st.Uses.Raw, "postgres") {
					continue
				}
				for _, key := range []string{"postgres-version", "postgresql version", "postgresql-version"} {
					v, ok := st.With[key]
					if !ok || strings.Contains(v.Raw, "${{") {
						continue
					}
					if m := leadingMajor(v.Raw); m > 0 {
						out = append(out, declaration{major: m, what: "CI job " + j.ID + " step " + st.Uses.Raw, at: check.Location{File: w.Path, Line: v.Line}})
					}
				}
			}
		}
	}
	for _, f := range r.FilesOf(repo.KindDockerfile) {
		for i, line := range strings.Split(f.Text(), "\n") {
			fields := strings.Fields(line)
			if len(fields) < 2 || !strings.EqualFold(fields[0], "FROM") {
				continue
			}
			img := fields[1]
			if strings.HasPrefix(img, "--") && len(fields) > 2 {
				img = fields[2]
			}
			if m := repo.MajorOfImage(img); m > 0 && repo.IsPostgresImage(img) {
				out = append(out, declaration{major: m, what: "Dockerfile FROM " + img, at: check.Location{File: f.Path, Line: i + 1}})
			}
		}
	}
	out = append(out, docDeclarations(r)...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].primary && !out[j].primary })
	return out
}

var (
	// docVersion: "PostgreSQL 15", "Postgres 16.2", "postgres:15-alpine".
	docVersion = regexp.MustCompile(`(?i)\bpostgres(?:ql)?(?:\s+|:)(\d{1,2})(?:\.\d+)?(\+|\s+or\s+(?:later|newer|higher|above)|\s+and\s+(?:later|newer|above))?`)
	// minimumBefore: "at least PostgreSQL 14", ">= Postgres 13".
	minimumBefore = regexp.MustCompile(`(?i)(at\s+least|minimum|>=|newer\s+than|or\s+later)\s*$`)
)

// docDeclarations reads versions from docs. A document that names several
// majors (an upgrade guide, a support matrix) is not counted.
func docDeclarations(r *repo.Repo) []declaration {
	var out []declaration
	for _, f := range r.FilesOf(repo.KindMarkdown) {
		text := f.Text()
		var found []declaration
		majors := map[int]bool{}
		for _, m := range docVersion.FindAllStringSubmatchIndex(text, -1) {
			if m[4] >= 0 || minimumBefore.MatchString(text[max(0, m[0]-20):m[0]]) {
				continue // a minimum, not the version used
			}
			n, _ := strconv.Atoi(text[m[2]:m[3]])
			if n < 9 || n > 40 {
				continue
			}
			majors[n] = true
			found = append(found, declaration{major: n, what: f.Path, verb: "names",
				at: check.Location{File: f.Path, Line: strings.Count(text[:m[0]], "\n") + 1}})
		}
		if len(majors) == 1 {
			out = append(out, found[0])
		}
	}
	return out
}

func leadingMajor(s string) int {
	s = strings.Trim(strings.TrimSpace(s), `"'`)
	end := 0
	for end < len(s) && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	n, err := strconv.Atoi(s[:end])
	if err != nil || n < 9 || n > 40 {
		return 0
	}
	return n
}
