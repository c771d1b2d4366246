package repo

import (
	"path"
	"regexp"
	"sort"
	"strings"
)

// Dependency is a package the repo declares (requirements*.txt,
// pyproject.toml, go.mod).
type Dependency struct {
	Name string // normalised: lower case, "_" -> "-" for Python
	File string
	Line int
}

var (
	reqLine       = regexp.MustCompile(`^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?`)
	pyprojectDep  = regexp.MustCompile(`^\s*"([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*[<>=!~;,"\s]`)
	pyprojectPoet = regexp.MustCompile(`^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*=`)
	goRequire     = regexp.MustCompile(`^\s*(?:require\s+)?([a-z0-9.-]+\.[a-z]+/[^\s]+)\s+v`)
)

// Dependencies lists the declared Python and Go dependencies, parsed once.
func (r *Repo) Dependencies() []Dependency {
	return cached(r, "deps", func() []Dependency {
		var out []Dependency
		for _, f := range r.Files() {
			base := path.Base(f.Path)
			switch {
			case f.Kind == KindRequirements:
				out = append(out, scanLines(f, func(line string) string {
					if strings.HasPrefix(strings.TrimSpace(line), "-") || strings.HasPrefix(strings.TrimSpace(line), "#") {
						return ""
					}
					if m := reqLine.FindStringSubmatch(line); m != nil {
						return normPy(m[1])
					}
					return ""
				})...)
			case base == "pyproject.toml" || base == "Pipfile":
				inDeps := false
				out = append(out, scanLines(f, func(line string) string {
					t := strings.TrimSpace(line)
					if strings.HasPrefix(t, "[") && !strings.HasPrefix(t, "[\"") {
						inDeps = strings.Contains(t, "dependencies") || strings.Contains(t, "packages")
						return ""
					}
					if strings.HasPrefix(t, "dependencies") || strings.HasPrefix(t, "optional-dependencies") {
						inDeps = true
					}
					if m := pyprojectDep.FindStringSubmatch(line + " "); m != nil {
						return normPy(m[1])
					}
					if inDeps {
						if m := pyprojectPoet.FindStringSubmatch(line); m != nil && m[1] != "python" && m[1] != "dependencies" {
							return normPy(m[1])
						}
					}
					return ""
				})...)
			case f.Kind == KindGoMod:
				out = append(out, scanLines(f, func(line string) string {
					if m := goRequire.FindStringSubmatch(line); m != nil {
						return m[1]
					}
					return ""
				})...)
			}
		}
		sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
		return out
	})
}

func normPy(s string) string { return strings.ReplaceAll(strings.ToLower(s), "_", "-") }

func scanLines(f *File, name func(string) string) []Dependency {
	var out []Dependency
	for i, line := range strings.Split(f.Text(), "\n") {
		if n := name(line); n != "" {
			out = append(out, Dependency{Name: n, File: f.Path, Line: i + 1})
		}
	}
	return out
}

// HasDependency reports whether any declared dependency has one of the
// given names (Go module paths match by prefix).
func (r *Repo) HasDependency(names ...string) bool {
	_, ok := r.FindDependency(names...)
	return ok
}

// FindDependency returns the first declared dependency matching a name.
func (r *Repo) FindDependency(names ...string) (Dependency, bool) {
	for _, d := range r.Dependencies() {
		for _, n := range names {
			if d.Name == n || strings.Contains(n, "/") && strings.HasPrefix(d.Name, n) {
				return d, true
			}
		}
	}
	return Dependency{}, false
}
