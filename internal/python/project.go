package python

import (
	"path"
	"strings"
)

// Project is a repository's modules indexed by import name, so a name can
// be followed across files to the value it holds: settings.DATABASE_URL
// through "from app import settings" to os.environ["DATABASE_URL"], or to
// a pydantic-settings field and its default.
type Project struct {
	Modules []*Module
	// byName maps every dotted suffix of a module's path to the modules
	// with that suffix: app/core/config.py is "app.core.config",
	// "core.config" and "config", so imports resolve whatever the source
	// root (., src/, backend/) is.
	byName map[string][]*Module
}

// NewProject indexes modules.
func NewProject(mods []*Module) *Project {
	p := &Project{Modules: mods, byName: map[string][]*Module{}}
	for _, m := range mods {
		parts := modulePath(m.Path)
		for i := range parts {
			name := strings.Join(parts[i:], ".")
			p.byName[name] = append(p.byName[name], m)
		}
	}
	return p
}

// modulePath splits a file path into its module name's parts:
// app/db.py -> [app db], app/__init__.py -> [app].
func modulePath(p string) []string {
	p = strings.TrimSuffix(strings.TrimSuffix(p, ".py"), ".pyi")
	parts := strings.Split(p, "/")
	if len(parts) > 1 && parts[len(parts)-1] == "__init__" {
		parts = parts[:len(parts)-1]
	}
	return parts
}

// Module returns the module an import name refers to, seen from module
// from (which breaks ties: the candidate sharing the longest directory
// prefix with from wins). Relative names (".config") resolve against
// from's package. Nil when the name is not a module of the repository.
func (p *Project) Module(name string, from *Module) *Module {
	if strings.HasPrefix(name, ".") && from != nil {
		name = absoluteName(name, from.Path)
	}
	cands := p.byName[name]
	switch len(cands) {
	case 0:
		return nil
	case 1:
		return cands[0]
	}
	best, bestLen := cands[0], -1
	for _, c := range cands {
		if n := commonPrefix(c.Path, pathOf(from)); n > bestLen {
			best, bestLen = c, n
		}
	}
	return best
}

func pathOf(m *Module) string {
	if m == nil {
		return ""
	}
	return m.Path
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// absoluteName turns "..models" seen from app/api/routes.py into
// "app.models".
func absoluteName(rel, fromPath string) string {
	dots := len(rel) - len(strings.TrimLeft(rel, "."))
	rest := strings.TrimLeft(rel, ".")
	var pkg []string
	switch dir := path.Dir(fromPath); {
	case strings.HasSuffix(fromPath, "__init__.py"):
		pkg = modulePath(fromPath)
	case dir != ".":
		pkg = strings.Split(dir, "/")
	}
	if dots-1 >= len(pkg) {
		return rest
	}
	pkg = pkg[:len(pkg)-(dots-1)]
	if rest == "" {
		return strings.Join(pkg, ".")
	}
	return strings.Join(pkg, ".") + "." + rest
}

// splitQualified finds the repository module a qualified name starts with:
// "app.settings.DATABASE_URL" -> the module app.settings, "DATABASE_URL".
func (p *Project) splitQualified(q string, from *Module) (*Module, string) {
	if strings.HasPrefix(q, ".") && from != nil {
		q = absoluteName(q, from.Path)
	}
	parts := strings.Split(q, ".")
	for i := len(parts); i > 0; i-- {
		if m := p.Module(strings.Join(parts[:i], "."), from); m != nil {
			return m, strings.Join(parts[i:], ".")
		}
	}
	return nil, ""
}

// ClassNamed returns the module-level class called name.
func (m *Module) ClassNamed(name string) *Class {
	for _, c := range m.Classes {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Definition finds what a name used in m refers to, following imports into
// the project: the module that defines it and the name there. For a name
// that is not imported, it is m itself.
func (p *Project) Definition(m *Module, name string) (*Module, string) {
	root, rest, _ := strings.Cut(name, ".")
	imp, ok := m.Imports[root]
	if !ok {
		return m, name
	}
	q := imp.Qualified
	if rest != "" {
		q += "." + rest
	}
	if dm, attr := p.splitQualified(q, m); dm != nil {
		return dm, attr
	}
	return nil, q
}

// FuncOf resolves a call to the repository function it calls, or nil:
// get_session() defined in app/db.py, called from app/main.py.
func (p *Project) FuncOf(m *Module, c *Call) (*Module, *Func) {
	if c.Receiver != nil && c.Receiver.Kind == Name && c.Receiver.Value == "self" && c.Class != nil {
		for _, f := range c.Class.Methods {
			if f.Name == c.Method {
				return m, f
			}
		}
		return nil, nil
	}
	dm, name := p.Definition(m, c.Callee)
	if dm == nil || name == "" || strings.Contains(name, ".") {
		return nil, nil
	}
	for _, f := range dm.Funcs {
		if f.Name == name && f.Class == nil && f.Parent == nil {
			return dm, f
		}
	}
	return nil, nil
}
