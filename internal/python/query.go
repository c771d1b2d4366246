package python

import "strings"

// Resolve maps a dotted name through the module's imports:
// "sa.Column" -> "sqlalchemy.Column". Names not imported stay as written.
func (m *Module) Resolve(dotted string) string {
	root, rest, hasRest := strings.Cut(dotted, ".")
	imp, ok := m.Imports[root]
	if !ok {
		return dotted
	}
	if hasRest {
		return imp.Qualified + "." + rest
	}
	return imp.Qualified
}

// DecoratorName is what a decorator names, resolved through the imports:
// the function a @retry(...) call calls (as written when it is not
// imported), or the decorator itself (@pytest.fixture).
func (m *Module) DecoratorName(d *Expr) string {
	if d.Kind == CallExpr {
		if d.Call.Qualified != "" {
			return d.Call.Qualified
		}
		return d.Call.Callee
	}
	return m.Resolve(d.Text)
}

// Imports reports whether the module imports anything from one of the
// given packages ("sqlalchemy", "psycopg").
func (m *Module) ImportsAny(pkgs ...string) bool {
	for _, imp := range m.Imports {
		for _, p := range pkgs {
			if imp.Qualified == p || strings.HasPrefix(imp.Qualified, p+".") {
				return true
			}
		}
	}
	return false
}

// CallsTo returns the calls whose qualified callee is one of names (e.g.
// "sqlalchemy.create_engine"). A name ending in "." matches a prefix.
func (m *Module) CallsTo(names ...string) []*Call {
	var out []*Call
	for _, c := range m.Calls {
		if c.Qualified == "" {
			continue
		}
		for _, n := range names {
			if c.Qualified == n || strings.HasSuffix(n, ".") && strings.HasPrefix(c.Qualified, n) {
				out = append(out, c)
				break
			}
		}
	}
	return out
}

// ModuleConst returns the value of a module-level assignment to name
// (the last one), or nil.
func (m *Module) ModuleConst(name string) *Expr {
	var v *Expr
	for _, a := range m.Assigns {
		if a.Func != nil || a.Class != nil {
			continue
		}
		for _, t := range a.Targets {
			if t == name {
				v = a.Value
			}
		}
	}
	return v
}

// FuncNamed returns the module-level function (or method) called name.
func (m *Module) FuncNamed(name string) *Func {
	for _, f := range m.Funcs {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// IsConstant reports whether an expression's value is fixed in the
// source: literals, and operations and tuples made only of literals.
func (e *Expr) IsConstant() bool {
	if e == nil {
		return false
	}
	switch e.Kind {
	case Str, Number, Const:
		return true
	case BinOp:
		return e.Left.IsConstant() && e.Right.IsConstant()
	case Tuple:
		for _, p := range e.Parts {
			if !p.IsConstant() {
				return false
			}
		}
		return true
	}
	return false
}
