package migrate

import (
	_ "embed"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/pgreview/pgreview/internal/repo"
)

//go:embed alembic_driver.py
var alembicDriver string

// alembicIni is an alembic.ini with the directory its revisions are in.
type alembicIni struct {
	File     string // repo-relative alembic.ini
	Text     string
	Versions string // repo-relative versions directory
	URL      string // sqlalchemy.url as written
}

var (
	iniSection = regexp.MustCompile(`(?m)^\s*\[([^\]]+)\]\s*$`)
	iniKey     = regexp.MustCompile(`(?m)^\s*([A-Za-z0-9_.]+)\s*[=:]\s*(.*?)\s*$`)
)

// iniValues returns the keys of section in an INI text.
func iniValues(text, section string) map[string]string {
	out := map[string]string{}
	in := false
	for _, line := range strings.Split(text, "\n") {
		if m := iniSection.FindStringSubmatch(line); m != nil {
			in = m[1] == section
			continue
		}
		if !in {
			continue
		}
		if m := iniKey.FindStringSubmatch(line); m != nil {
			out[m[1]] = m[2]
		}
	}
	return out
}

// alembicInis finds the alembic.ini files of the repo.
func alembicInis(r *repo.Repo) []alembicIni {
	var out []alembicIni
	for _, f := range r.FilesOf(repo.KindINI) {
		text := f.Text()
		if !strings.Contains(text, "[alembic]") {
			continue
		}
		v := iniValues(text, "alembic")
		loc := v["script_location"]
		if loc == "" {
			continue
		}
		dir := path.Dir(f.Path)
		loc = strings.ReplaceAll(loc, "%(here)s", ".")
		versions := path.Join(dir, loc, "versions")
		if vl := v["version_locations"]; vl != "" {
			first := strings.FieldsFunc(vl, func(r rune) bool { return r == ' ' || r == ',' })[0]
			versions = path.Join(dir, strings.ReplaceAll(first, "%(here)s", "."))
		}
		out = append(out, alembicIni{File: f.Path, Text: text, Versions: path.Clean(versions), URL: v["sqlalchemy.url"]})
	}
	return out
}

func alembicDirs(r *repo.Repo) []string {
	var dirs []string
	for _, ini := range alembicInis(r) {
		dirs = append(dirs, ini.Versions)
	}
	return dirs
}

func alembicScore(r *repo.Repo, dir string) int {
	for _, ini := range alembicInis(r) {
		if ini.Versions == dir {
			return 1 + len(filesIn(r, dir))
		}
	}
	return 0
}

// loadAlembic reads the revision files of dir and orders them as Alembic
// does: parents before children, following down_revision.
func loadAlembic(r *repo.Repo, dir string) (*Plan, error) {
	var ini alembicIni
	for _, i := range alembicInis(r) {
		if i.Versions == dir {
			ini = i
		}
	}
	plan := &Plan{Tool: "alembic", Dir: dir, Late: LateRule{NoOrder: true}, HasDowns: true, Bookkeeping: []string{"public.alembic_version"}}
	var sources []*PySource
	for _, f := range filesIn(r, dir) {
		if f.Kind != repo.KindPython {
			continue
		}
		if m := r.PythonModule(f.Path); m != nil {
			if src, ok := PySourceOf(m); ok {
				sources = append(sources, src)
			}
		}
	}
	order, problems := alembicOrder(sources)
	plan.Problems = problems
	for _, src := range order {
		name := strings.TrimSuffix(path.Base(src.File), ".py")
		name = strings.TrimPrefix(strings.TrimPrefix(name, src.Revision), "_")
		m := &Migration{Version: src.Revision, Name: name, Parents: src.DownRevisions, Source: src,
			Up: &Script{File: src.File, Line: src.UpgradeLine}}
		if src.DowngradeLine > 0 {
			m.Down = &Script{File: src.File, Line: src.DowngradeLine, Empty: src.DowngradeEmpty}
		}
		plan.Migrations = append(plan.Migrations, m)
	}
	plan.Runner = &alembic{repo: r, ini: ini, dir: dir}
	return plan, nil
}

// alembicOrder sorts revisions parents first and reports what stops
// Alembic: duplicate revision IDs, parents that do not exist, cycles and
// several heads.
func alembicOrder(sources []*PySource) ([]*PySource, []HistoryProblem) {
	sort.Slice(sources, func(i, j int) bool { return sources[i].File < sources[j].File })
	var problems []HistoryProblem
	byRev := map[string]*PySource{}
	for _, s := range sources {
		if other, dup := byRev[s.Revision]; dup {
			problems = append(problems, HistoryProblem{Kind: ProblemDuplicateVersion, File: s.File, Line: s.RevisionLine, Object: s.Revision,
				Message: fmt.Sprintf("revision %s is declared twice, here and in %s; Alembic cannot tell them apart: give one a new revision ID", s.Revision, other.File)})
			continue
		}
		byRev[s.Revision] = s
	}
	children := map[string][]*PySource{}
	after := map[string][]*PySource{} // depends_on edges
	indeg := map[string]int{}
	for _, s := range byRev {
		for _, p := range s.DownRevisions {
			if _, ok := byRev[p]; !ok {
				problems = append(problems, HistoryProblem{Kind: ProblemMissingParent, File: s.File, Line: s.DownLine, Object: s.Revision,
					Message: fmt.Sprintf("down_revision %s of revision %s does not exist; Alembic stops with \"Revision %s referenced from %s is not present\": point down_revision at an existing revision", p, s.Revision, p, s.Revision)})
				continue
			}
			children[p] = append(children[p], s)
			indeg[s.Revision]++
		}
		// depends_on orders like a parent but does not make a head.
		for _, d := range s.DependsOn {
			if _, ok := byRev[d]; ok && d != s.Revision {
				after[d] = append(after[d], s)
				indeg[s.Revision]++
			}
		}
	}
	var queue, order []*PySource
	for _, s := range sources {
		if byRev[s.Revision] == s && indeg[s.Revision] == 0 {
			queue = append(queue, s)
		}
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		order = append(order, s)
		for _, c := range append(children[s.Revision], after[s.Revision]...) {
			if indeg[c.Revision]--; indeg[c.Revision] == 0 {
				queue = append(queue, c)
			}
		}
	}
	if len(order) < len(byRev) {
		for _, s := range sources {
			if byRev[s.Revision] == s && indeg[s.Revision] > 0 {
				problems = append(problems, HistoryProblem{Kind: ProblemCycle, File: s.File, Line: s.DownLine, Object: s.Revision,
					Message: fmt.Sprintf("revision %s is part of a down_revision cycle; Alembic cannot order it", s.Revision)})
			}
		}
	}
	// Heads are the revisions nothing revises; a revision whose parent is
	// missing is reported as such, not as one more head.
	orphan := map[string]bool{}
	for _, p := range problems {
		if p.Kind == ProblemMissingParent {
			orphan[p.Object] = true
		}
	}
	var heads []*PySource
	for _, s := range order {
		if len(children[s.Revision]) == 0 && !orphan[s.Revision] {
			heads = append(heads, s)
		}
	}
	sort.Slice(heads, func(i, j int) bool { return heads[i].File < heads[j].File })
	if len(heads) > 1 {
		var ids []string
		for _, h := range heads {
			ids = append(ids, h.Revision)
		}
		for _, h := range heads[1:] {
			problems = append(problems, HistoryProblem{Kind: ProblemMultipleHeads, File: h.File, Line: h.DownLine, Object: h.Revision,
				Message: fmt.Sprintf("the history has %d heads (%s): `alembic upgrade head` stops with \"Multiple head revisions are present\"; merge them with `alembic merge heads` or rebase this revision's down_revision onto %s", len(heads), strings.Join(ids, ", "), heads[0].Revision)})
		}
	}
	return order, problems
}
