// Package checktest runs a check on fixture repositories and compares its
// findings with expectations written next to the code they are about, in
// the style of go/analysis/analysistest:
//
//	image: postgres            # want "not pinned"
//	CREATE TABLE events (      -- want "no primary key"
//	-- want public.events "no primary key"   (object-anchored, any line)
//	password = os.environ["DB_PASSWORD"]   # near-miss: read from the environment
//
// A `want "re"` expects one finding on that line whose message matches
// the regexp; `want OBJECT "re"` expects one finding on that object. Every
// finding must be expected. Every fixture must hold at least one want and
// at least one near-miss, the realistic case that must NOT trigger.
//
// Checks that cite evidence (a backup job, a runbook) are held to the same
// standard for what they cite:
//
//	pg_dump -Fc "$DATABASE_URL" > "$out"   # want-evidence "pg_dump"
//	<!-- want-evidence "restore" -->        (Markdown: an HTML comment)
//	# want-status manual                    (the case's status: any file, any
//	                                         line, or a txtar archive's comment)
//
// A `want-evidence "re"` expects one evidence on that line whose message
// matches. In a case with at least one want-evidence, every evidence must
// be expected, so a check never cites what it should not. A want-evidence
// counts as a want for the rule above; for an evidence-only check the
// near-miss is the realistic text that must not be cited. `want-status S`
// expects the check's status (pass, fail, manual, skipped, n/a) in that
// case.
//
// Live checks get a fresh database on a real Postgres started by our own
// local engine; the fixture's migrations are applied exactly as a review
// applies them (with the migrations section of the fixture's .pgreview.yml).
// A fixture with a NO_DATABASE file runs as a review without a database
// would; a sibling directory <fixture>.base is the base branch's tree.
package checktest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/config"
	"github.com/pgreview/pgreview/internal/engine/enginetest"
	"github.com/pgreview/pgreview/internal/migrate"
	"github.com/pgreview/pgreview/internal/repo"
	"github.com/pgreview/pgreview/internal/repo/repotest"
	"github.com/pgreview/pgreview/internal/review"
)

// Run checks c against the fixture at dir: a repository, or, when dir
// holds *.txtar files, one repository per archive (a "case"), extracted
// into a temporary directory.
func Run(t *testing.T, c *check.Check, dir string) {
	t.Helper()
	cases := caseDirs(t, dir)
	var wants, nearMisses int
	for _, cd := range cases {
		name := filepath.Base(cd.dir)
		if len(cases) == 1 {
			name = c.Name
		}
		t.Run(name, func(t *testing.T) {
			w, n := runCase(t, c, cd)
			wants += w
			nearMisses += n
		})
	}
	if wants == 0 {
		t.Errorf("%s: the fixtures in %s expect no finding; add a case that must be found (want)", c.Name, dir)
	}
	if nearMisses == 0 {
		t.Errorf("%s: the fixtures in %s have no near-miss; add the realistic case that must not trigger (near-miss)", c.Name, dir)
	}
}

// fixtureCase is one repository to run a check on. An archive's comment
// (the text before its first file) may hold a want-status line.
type fixtureCase struct {
	dir     string
	comment string
}

func caseDirs(t *testing.T, dir string) []fixtureCase {
	archives, err := filepath.Glob(filepath.Join(dir, "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("fixtures for the check: %v", err)
	}
	if len(archives) == 0 {
		return []fixtureCase{{dir: dir}}
	}
	var dirs []fixtureCase
	for _, a := range archives {
		ar, err := txtar.ParseFile(a)
		if err != nil {
			t.Fatal(err)
		}
		caseDir := filepath.Join(t.TempDir(), strings.TrimSuffix(filepath.Base(a), ".txtar"))
		repotest.WriteArchive(t, caseDir, ar)
		dirs = append(dirs, fixtureCase{dir: caseDir, comment: string(ar.Comment)})
	}
	return dirs
}

// Result runs c on the fixture repository at dir and returns its result,
// for tests that assert more than findings (status, evidence).
func Result(t *testing.T, c *check.Check, dir string) check.Result {
	t.Helper()
	r, err := repo.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	mcfg := migrationsConfigFrom(t, dir)
	mcfg.Base = baseFrom(t, dir)
	plan, err := migrate.Detect(r, mcfg)
	if err != nil {
		t.Fatalf("detect migrations: %v", err)
	}
	in := &check.Input{Repo: r, Migrations: plan, Settings: settingsFrom(dir)}
	if c.Needs.AfterApply() && !staticOnly(dir) {
		pg := enginetest.Postgres(t)
		st := review.Live(context.Background(), pg, r, plan, t.Logf)
		st.Fill(in)
		if st.Unavailable != "" {
			t.Fatalf("live input unavailable: %s", st.Unavailable)
		}
	}
	res := check.Run(context.Background(), []*check.Check{c}, in)[0]
	for _, w := range r.Warnings() {
		t.Logf("warning: %s", w)
	}
	return res
}

// EvidenceText is a result's evidence, one "file:line message" a line,
// for tests that look for what a check cites.
func EvidenceText(r check.Result) string {
	var lines []string
	for _, e := range r.Evidence {
		lines = append(lines, e.Location.String()+" "+e.Message)
	}
	return strings.Join(lines, "\n")
}

func runCase(t *testing.T, c *check.Check, fc fixtureCase) (wants, nearMisses int) {
	t.Helper()
	exps, nearMisses := expectations(t, fc.dir)
	for i, line := range strings.Split(fc.comment, "\n") {
		if m := commentStatusRe.FindStringSubmatch(line); m != nil {
			exps = append(exps, &expectation{kind: wantStatus, file: "(archive comment)", line: i + 1, status: m[1]})
		}
	}
	res := Result(t, c, fc.dir)
	if res.Status == check.StatusError {
		t.Fatalf("check broke: %s", res.Reason)
	}
	var findingExps, evidenceExps []*expectation
	var status []*expectation
	for _, e := range exps {
		switch e.kind {
		case wantEvidence:
			evidenceExps = append(evidenceExps, e)
		case wantStatus:
			status = append(status, e)
		default:
			findingExps = append(findingExps, e)
		}
	}
	checkEvidence(t, res, evidenceExps)
	for _, e := range status {
		if string(res.Status) != e.status {
			t.Errorf("%s:%d: status %s, want %s (reason: %s)", e.file, e.line, res.Status, e.status, res.Reason)
		}
	}
	exps = findingExps
	for _, f := range res.Findings {
		if f.Check != c.Name || f.Item != c.Item || !f.Severity.Valid() {
			t.Errorf("finding not stamped with its check: %+v", f)
		}
		if f.File == "" && f.Object == "" {
			t.Errorf("finding has neither a file nor an object: %q", f.Message)
		}
		if e := match(exps, f); e != nil {
			e.matched = true
			continue
		}
		t.Errorf("unexpected finding %s: %s", f.Location, f.Message)
	}
	for _, e := range exps {
		if !e.matched {
			t.Errorf("%s:%d: missing finding %s matching %q", e.file, e.line, e.object, e.re)
		}
	}
	return len(exps) + len(evidenceExps), nearMisses
}

// checkEvidence matches the evidence a check cited against want-evidence
// expectations; with none, evidence is not checked.
func checkEvidence(t *testing.T, res check.Result, exps []*expectation) {
	t.Helper()
	if len(exps) == 0 {
		return
	}
	for _, ev := range res.Evidence {
		if e := match(exps, check.Finding{Location: ev.Location, Message: ev.Message}); e != nil {
			e.matched = true
			continue
		}
		t.Errorf("unexpected evidence %s: %s", ev.Location, ev.Message)
	}
	for _, e := range exps {
		if !e.matched {
			t.Errorf("%s:%d: missing evidence %s matching %q", e.file, e.line, e.object, e.re)
		}
	}
}

type expectationKind int

const (
	wantFinding expectationKind = iota
	wantEvidence
	wantStatus
)

type expectation struct {
	kind    expectationKind
	file    string
	line    int
	object  string // set for object-anchored wants
	re      *regexp.Regexp
	status  string // for want-status
	matched bool
}

func match(exps []*expectation, f check.Finding) *expectation {
	for _, e := range exps {
		if e.matched || !e.re.MatchString(f.Message) {
			continue
		}
		if e.object != "" && e.object == f.Object {
			return e
		}
		if e.object == "" && e.file == f.File && e.line == f.Line {
			return e
		}
	}
	return nil
}

// A want is followed by an optional object and one or more Go string
// literals, "interpreted" or `raw`.
var (
	wantRe = regexp.MustCompile("(?:#|--|//)\\s*want(-evidence)?\\s+([^\\s\"`]+\\s+)?((?:(?:" + literal + ")\\s*)+)")
	quoted = regexp.MustCompile(literal)
	nearRe = regexp.MustCompile(`(?:#|--|//)\s*near-miss\b`)
	// In a txtar archive's comment the opener is optional.
	commentStatusRe = regexp.MustCompile(`^\s*(?:(?:#|--|//)\s*)?want-status\s+(pass|fail|manual|skipped|n/a)\b`)
	statusRe        = regexp.MustCompile(`(?:#|--|//)\s*want-status\s+(pass|fail|manual|skipped|n/a)\b`)
)

const literal = `"(?:[^"\\]|\\.)*"|` + "`[^`]*`"

func expectations(t *testing.T, dir string) ([]*expectation, int) {
	var exps []*expectation
	near := 0
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		for i, line := range strings.Split(string(b), "\n") {
			if nearRe.MatchString(line) {
				near++
			}
			if m := statusRe.FindStringSubmatch(line); m != nil {
				exps = append(exps, &expectation{kind: wantStatus, file: rel, line: i + 1, status: m[1]})
				continue
			}
			m := wantRe.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			kind := wantFinding
			if m[1] != "" {
				kind = wantEvidence
			}
			object := strings.TrimSpace(m[2])
			for _, q := range quoted.FindAllString(m[3], -1) {
				s, err := strconv.Unquote(q)
				if err != nil {
					return fmt.Errorf("%s:%d: bad want string %s", rel, i+1, q)
				}
				re, err := regexp.Compile(s)
				if err != nil {
					return fmt.Errorf("%s:%d: bad want regexp: %v", rel, i+1, err)
				}
				exps = append(exps, &expectation{kind: kind, file: rel, line: i + 1, object: object, re: re})
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.SliceStable(exps, func(i, j int) bool { return exps[i].object > exps[j].object })
	return exps, near
}

// migrationsConfigFrom reads the migrations section of a fixture's
// .pgreview.yml, so fixtures can set migrations.tool, dir and placeholders.
func migrationsConfigFrom(t *testing.T, dir string) migrate.Config {
	p := filepath.Join(dir, ".pgreview.yml")
	if _, err := os.Stat(p); err != nil {
		return migrate.Config{}
	}
	cfg, err := config.Load(p)
	if err != nil {
		t.Fatal(err)
	}
	m := cfg.Migrations
	return migrate.Config{Tool: m.Tool, Dir: m.Dir, Command: m.Command, Placeholders: m.Placeholders}
}

// baseFrom reads a fixture's base branch from the sibling directory
// <fixture>.base (outside the fixture, so it is not part of the reviewed
// repository), or nil.
func baseFrom(t *testing.T, dir string) *migrate.Base {
	root := filepath.Clean(dir) + ".base"
	if _, err := os.Stat(root); err != nil {
		return nil
	}
	files := map[string][]byte{}
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(root, p)
		files[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return migrate.NewBase("base", files)
}

// staticOnly reports whether a fixture asks to be run without a database
// (a file named NO_DATABASE at its root), as a review with engine none
// would, to test a check's fallback to the files alone.
func staticOnly(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "NO_DATABASE"))
	return err == nil
}

// settingsFrom reads check settings from a .pgreview.yml in the fixture.
func settingsFrom(dir string) func(string, any) error {
	p := filepath.Join(dir, ".pgreview.yml")
	if _, err := os.Stat(p); err != nil {
		return nil
	}
	return func(name string, v any) error {
		cfg, err := config.Load(p)
		if err != nil {
			return err
		}
		return cfg.DecodeSettings(name, v)
	}
}
