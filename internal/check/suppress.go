package check

import (
	"fmt"
	"path"
	"strings"
)

// Suppression silences findings. It comes from an inline comment
// (`-- pgreview:ignore fk-without-index <reason>`) or from the exclusions
// in .pgreview.yml. A reason is always required, and a suppression that
// matches nothing is reported so stale ones get cleaned up.
type Suppression struct {
	// Checks are check names or item IDs ("5.2"); empty matches every check.
	Checks []string
	// Inline: the file and line of the comment. It covers findings on that
	// line and on the next one.
	File string
	Line int
	// Config: path and object globs (path.Match syntax, plus "dir/**").
	Paths   []string
	Objects []string
	Reason  string
	// Source says where the suppression is written, e.g. ".pgreview.yml:14".
	Source string

	used int
}

// Suppressed is a finding that a suppression silenced.
type Suppressed struct {
	Finding
	Reason string `json:"reason"`
	Source string `json:"source"`
}

// Used reports whether the suppression matched a finding.
func (s *Suppression) Used() bool { return s.used > 0 }

func (s *Suppression) matchesCheck(f *Finding) bool {
	if len(s.Checks) == 0 {
		return true
	}
	for _, c := range s.Checks {
		if c == f.Check || c == f.Item {
			return true
		}
	}
	return false
}

func (s *Suppression) matches(f *Finding) bool {
	if !s.matchesCheck(f) {
		return false
	}
	if s.File != "" {
		locs := append([]Location{f.Location}, f.Related...)
		for _, l := range locs {
			if l.File == s.File && (l.Line == s.Line || l.Line == s.Line+1) {
				return true
			}
		}
		return false
	}
	if len(s.Paths) > 0 && !anyGlob(s.Paths, f.File) {
		return false
	}
	if len(s.Objects) > 0 && !anyGlob(s.Objects, f.Object) {
		return false
	}
	return len(s.Paths) > 0 || len(s.Objects) > 0 || len(s.Checks) > 0
}

func anyGlob(globs []string, s string) bool {
	if s == "" {
		return false
	}
	for _, g := range globs {
		if Glob(g, s) {
			return true
		}
	}
	return false
}

// Glob matches s against a path.Match pattern, where a trailing "/**"
// also matches everything below a directory and a bare "**" matches all.
func Glob(pattern, s string) bool {
	if pattern == "**" {
		return true
	}
	if dir, ok := strings.CutSuffix(pattern, "/**"); ok {
		if s == dir || strings.HasPrefix(s, dir+"/") {
			return true
		}
		if m, _ := path.Match(dir, s); m {
			return true
		}
		// "a/*/**": match the directory part against the pattern.
		parts := strings.Split(s, "/")
		for i := 1; i < len(parts); i++ {
			if m, _ := path.Match(dir, strings.Join(parts[:i], "/")); m {
				return true
			}
		}
		return false
	}
	m, _ := path.Match(pattern, s)
	return m
}

// ApplySuppressions splits results' findings into kept and suppressed,
// in place, and returns the suppressed ones.
func ApplySuppressions(results []Result, sups []*Suppression) []Suppressed {
	var out []Suppressed
	for i := range results {
		kept := results[i].Findings[:0]
		for _, f := range results[i].Findings {
			if s := firstMatch(sups, &f); s != nil {
				s.used++
				out = append(out, Suppressed{Finding: f, Reason: s.Reason, Source: s.Source})
				continue
			}
			kept = append(kept, f)
		}
		results[i].Findings = kept
	}
	return out
}

func firstMatch(sups []*Suppression, f *Finding) *Suppression {
	for _, s := range sups {
		if s.matches(f) {
			return s
		}
	}
	return nil
}

// Unused describes the suppressions that matched nothing.
func Unused(sups []*Suppression) []string {
	var out []string
	for _, s := range sups {
		if !s.Used() {
			what := "everything"
			if len(s.Checks) > 0 {
				what = strings.Join(s.Checks, ", ")
			}
			out = append(out, fmt.Sprintf("%s: suppression of %s matches no finding; remove it", s.Source, what))
		}
	}
	return out
}
