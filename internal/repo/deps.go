package repo

import (
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Dependency is a package the repo declares (requirements*.txt,
// pyproject.toml, Pipfile, go.mod).
type Dependency struct {
	Name string // normalised: lower case, "_" and "." -> "-" for Python
	// Spec is the version constraint as written: "==1.8.1", ">=2.0,<3",
	// "^2.0" (Poetry), "v5.7.1" (Go); "" when unconstrained.
	Spec string
	File string
	Line int
}

var (
	reqLine    = regexp.MustCompile(`^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*([<>=!~^][^;#]*)?`)
	pep508     = regexp.MustCompile(`^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(\(?[<>=!~][^;]*)?`)
	quotedStr  = regexp.MustCompile(`"([^"\\]*)"|'([^'\\]*)'`)
	tomlKey    = regexp.MustCompile(`^\s*"?([A-Za-z0-9][A-Za-z0-9._-]*)"?\s*=\s*(.*)$`)
	tomlVer    = regexp.MustCompile(`version\s*=\s*["']([^"']*)["']`)
	goRequire  = regexp.MustCompile(`^\s*(?:require\s+)?([a-z0-9.-]+\.[a-z]+/[^\s]+)\s+(v[^\s]+)`)
	leadingVer = regexp.MustCompile(`(==|>=|~=|===|\^|~|>)?\s*v?([0-9]+)(?:\.([0-9]+))?(?:\.([0-9]+))?`)
)

// Dependencies lists the declared Python and Go dependencies, parsed once.
func (r *Repo) Dependencies() []Dependency {
	return cached(r, "deps", func() []Dependency {
		var out []Dependency
		for _, f := range r.Files() {
			base := path.Base(f.Path)
			switch {
			case f.Kind == KindRequirements:
				out = append(out, ParseRequirements(f.Path, f.Text())...)
			case base == "pyproject.toml" || base == "Pipfile":
				out = append(out, ParsePyproject(f.Path, f.Text())...)
			case f.Kind == KindGoMod:
				out = append(out, ParseGoMod(f.Path, f.Text())...)
			}
		}
		sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
		return out
	})
}

// ParseGoMod reads the requirements of a go.mod.
func ParseGoMod(path, text string) []Dependency {
	var out []Dependency
	for i, line := range strings.Split(text, "\n") {
		if m := goRequire.FindStringSubmatch(line); m != nil {
			out = append(out, Dependency{Name: m[1], Spec: m[2], File: path, Line: i + 1})
		}
	}
	return out
}

// ParseRequirements reads a pip requirements file.
func ParseRequirements(path, text string) []Dependency {
	var out []Dependency
	for i, line := range strings.Split(text, "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "-") || strings.HasPrefix(t, "#") || strings.Contains(t, "://") && !strings.Contains(t, "@") {
			continue
		}
		if m := reqLine.FindStringSubmatch(t); m != nil {
			out = append(out, Dependency{Name: normPy(m[1]), Spec: cleanSpec(m[3]), File: path, Line: i + 1})
		}
	}
	return out
}

// ParsePyproject reads PEP 621 arrays ([project] dependencies,
// optional-dependencies, [dependency-groups], uv/pdm dev dependencies) and
// Poetry/Pipfile tables, line by line so each dependency keeps its line.
func ParsePyproject(path, text string) []Dependency {
	var out []Dependency
	table := ""      // the current [table]
	inArray := false // inside a dependency array
	for i, line := range strings.Split(text, "\n") {
		t := strings.TrimSpace(line)
		if j := strings.Index(t, " #"); j >= 0 && !strings.Contains(t[:j], `"`) {
			t = strings.TrimSpace(t[:j])
		}
		if strings.HasPrefix(t, "#") || t == "" {
			continue
		}
		if strings.HasPrefix(t, "[") && !strings.HasPrefix(t, `["`) && !inArray {
			table = strings.Trim(t, "[] ")
			continue
		}
		add := func(spec string) {
			if m := pep508.FindStringSubmatch(spec); m != nil {
				out = append(out, Dependency{Name: normPy(m[1]), Spec: cleanSpec(m[3]), File: path, Line: i + 1})
			}
		}
		if inArray {
			for _, q := range quotedStr.FindAllStringSubmatch(t, -1) {
				add(q[1] + q[2])
			}
			if strings.Contains(t, "]") && !strings.Contains(t, "[") {
				inArray = false
			}
			continue
		}
		m := tomlKey.FindStringSubmatch(t)
		if m == nil {
			continue
		}
		key, value := m[1], strings.TrimSpace(m[2])
		switch {
		case strings.HasPrefix(value, "["):
			// dependencies = [...], dev = [...] in [dependency-groups] or
			// an optional-dependencies table, dev-dependencies = [...].
			if isDependencyArray(table, key) {
				body := strings.TrimPrefix(value, "[")
				for _, q := range quotedStr.FindAllStringSubmatch(body, -1) {
					add(q[1] + q[2])
				}
				inArray = !strings.Contains(body, "]")
			}
		case isDependencyTable(table) && key != "python":
			// Poetry / Pipfile: name = "^2.0" or name = {version = "^2.0"}.
			spec := ""
			if v := tomlVer.FindStringSubmatch(value); strings.HasPrefix(value, "{") && v != nil {
				spec = v[1]
			} else if q := quotedStr.FindStringSubmatch(value); q != nil {
				spec = q[1] + q[2]
			}
			if spec == "*" {
				spec = ""
			}
			out = append(out, Dependency{Name: normPy(key), Spec: spec, File: path, Line: i + 1})
		}
	}
	return out
}

func isDependencyArray(table, key string) bool {
	switch {
	case table == "project" && key == "dependencies",
		table == "project.optional-dependencies",
		table == "dependency-groups",
		strings.HasPrefix(table, "tool.") && (key == "dev-dependencies" || key == "dependencies"),
		strings.HasPrefix(table, "tool.pdm.dev-dependencies"):
		return true
	}
	return false
}

func isDependencyTable(table string) bool {
	return table == "tool.poetry.dependencies" || table == "tool.poetry.dev-dependencies" ||
		strings.HasPrefix(table, "tool.poetry.group.") && strings.HasSuffix(table, ".dependencies") ||
		table == "packages" || table == "dev-packages"
}

func cleanSpec(s string) string {
	s = strings.TrimSpace(s)
	s = strings.Trim(s, "()")
	return strings.ReplaceAll(s, " ", "")
}

func normPy(s string) string {
	s = strings.ToLower(s)
	return strings.NewReplacer("_", "-", ".", "-").Replace(s)
}

// Version is a dotted version number.
type Version struct{ Major, Minor, Patch int }

// Less reports whether v is older than o.
func (v Version) Less(o Version) bool {
	if v.Major != o.Major {
		return v.Major < o.Major
	}
	if v.Minor != o.Minor {
		return v.Minor < o.Minor
	}
	return v.Patch < o.Patch
}

// MinVersion is the lowest version the constraint allows: 1.8.1 for
// "==1.8.1", ">=1.8" or "^1.8"; ok is false when there is no lower bound.
func (d Dependency) MinVersion() (Version, bool) {
	for _, part := range strings.Split(d.Spec, ",") {
		m := leadingVer.FindStringSubmatch(strings.TrimSpace(part))
		if m == nil || strings.HasPrefix(strings.TrimSpace(part), "<") || strings.HasPrefix(strings.TrimSpace(part), "!=") {
			continue
		}
		if m[1] == ">" {
			continue // strictly greater: no exact lower bound
		}
		v := Version{}
		v.Major, _ = strconv.Atoi(m[2])
		v.Minor, _ = strconv.Atoi(m[3])
		v.Patch, _ = strconv.Atoi(m[4])
		return v, true
	}
	return Version{}, false
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
