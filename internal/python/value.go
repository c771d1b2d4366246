package python

import (
	"strconv"
	"strings"
)

// ValueKind says what is known about a value in the source.
type ValueKind int

const (
	// Unknown: computed at run time from something that cannot be followed
	// (a parameter, a call outside the repository).
	Unknown ValueKind = iota
	// Literal: fixed in the source; Str is the text.
	Literal
	// FromEnv: read from the environment; Env names the variable, Default
	// is the fallback (nil when the variable is required).
	FromEnv
	// Joined: built from Parts by an f-string, %, .format() or +; Op says
	// which ("f", "%", "format", "+").
	Joined
)

// Value is what an expression evaluates to, as far as the source tells.
type Value struct {
	Kind    ValueKind
	Str     string
	Env     string
	Default *Value
	Parts   []*Value
	Op      string
	// Escaped: the value went through urllib.parse.quote or quote_plus.
	Escaped bool
	// Conv is the %-conversion that formatted this part of a join ("s",
	// "d", "r"); "" otherwise.
	Conv string
	// File and Line locate the expression that produced the value: the
	// literal itself, the os.getenv call, the f-string, wherever they are
	// after following names across modules.
	File string
	Line int
	Expr *Expr
}

// Const returns the text of a value fixed in the source (a literal, or
// literals joined).
func (v *Value) Const() (string, bool) {
	if v == nil {
		return "", false
	}
	switch v.Kind {
	case Literal:
		return v.Str, true
	case Joined:
		var b strings.Builder
		for _, p := range v.Parts {
			s, ok := p.Const()
			if !ok {
				return "", false
			}
			b.WriteString(s)
		}
		return b.String(), true
	}
	return "", false
}

// Render returns the value's text with hole(v) standing for every part
// that is not fixed in the source.
func (v *Value) Render(hole func(*Value) string) string {
	if v == nil {
		return hole(v)
	}
	switch v.Kind {
	case Literal:
		return v.Str
	case Joined:
		var b strings.Builder
		for _, p := range v.Parts {
			b.WriteString(p.Render(hole))
		}
		return b.String()
	}
	return hole(v)
}

// WithDefaults renders the value as it is when no environment variable is
// set: every env read takes its default. ok is false when a part is
// required from the environment or unknown.
func (v *Value) WithDefaults() (string, bool) {
	ok := true
	s := v.Render(func(p *Value) string {
		if p != nil && p.Kind == FromEnv && p.Default != nil {
			d, dok := p.Default.WithDefaults()
			if dok {
				return d
			}
		}
		ok = false
		return ""
	})
	return s, ok
}

// ReadsEnv reports whether the value, or a part of it, comes from the
// environment.
func (v *Value) ReadsEnv() bool {
	if v == nil {
		return false
	}
	switch v.Kind {
	case FromEnv:
		return true
	case Joined:
		for _, p := range v.Parts {
			if p.ReadsEnv() {
				return true
			}
		}
	}
	return false
}

// Leaves calls fn on every part of the value that is not a join, in order.
func (v *Value) Leaves(fn func(*Value)) {
	if v == nil {
		return
	}
	if v.Kind == Joined {
		for _, p := range v.Parts {
			p.Leaves(fn)
		}
		return
	}
	fn(v)
}

// maxDepth bounds how many names and calls are followed: enough for
// settings -> Settings() -> field -> default, never a stall on cycles.
const maxDepth = 16

type evaluator struct {
	p     *Project
	depth int
}

// Eval follows an expression, used in module m inside function fn (nil at
// module level), to its value: through local and module assignments,
// imports of repository modules, settings classes (pydantic-settings
// fields read the environment), environment reads and string formatting.
func (p *Project) Eval(m *Module, fn *Func, e *Expr) *Value {
	return (&evaluator{p: p}).eval(m, fn, e)
}

func (ev *evaluator) eval(m *Module, fn *Func, e *Expr) *Value {
	if e == nil {
		return &Value{Kind: Unknown}
	}
	v := &Value{Kind: Unknown, File: m.Path, Line: e.Line, Expr: e}
	if ev.depth > maxDepth {
		return v
	}
	ev.depth++
	defer func() { ev.depth-- }()
	switch e.Kind {
	case Str, Number:
		v.Kind, v.Str = Literal, e.Value
	case FString:
		pieces := strings.Split(e.Value, "{…}")
		v.Kind, v.Op = Joined, "f"
		for i, piece := range pieces {
			if piece != "" {
				v.Parts = append(v.Parts, &Value{Kind: Literal, Str: piece, File: m.Path, Line: e.Line, Expr: e})
			}
			if i < len(e.Parts) {
				v.Parts = append(v.Parts, ev.eval(m, fn, e.Parts[i]))
			}
		}
	case BinOp:
		switch e.Op {
		case "+":
			l, r := ev.eval(m, fn, e.Left), ev.eval(m, fn, e.Right)
			if l.Kind == Literal && r.Kind == Literal && isNumber(l.Str) && isNumber(r.Str) {
				return v // arithmetic, not text
			}
			v.Kind, v.Op = Joined, "+"
			v.Parts = append(flatten(l, "+"), flatten(r, "+")...)
		case "%":
			format := ev.eval(m, fn, e.Left)
			if s, ok := format.Const(); ok {
				args := []*Expr{e.Right}
				if e.Right != nil && e.Right.Kind == Tuple {
					args = e.Right.Parts
				}
				var named map[string]*Expr
				if e.Right != nil && e.Right.Kind == Dict {
					named = dictByKey(e.Right)
				}
				ev.percent(v, m, fn, s, args, named)
			}
		}
	case CallExpr:
		ev.call(v, m, fn, e.Call)
	case Subscript:
		// os.environ["X"]
		if e.Left != nil && ev.isEnviron(m, e.Left) && e.Right != nil && e.Right.Kind == Str {
			v.Kind, v.Env = FromEnv, e.Right.Value
		}
	case Name:
		if val := ev.name(m, fn, e.Value, e.Line); val != nil {
			return val
		}
	case Attr:
		if val := ev.attr(m, fn, e.Value, e.Line); val != nil {
			return val
		}
	}
	return v
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}

func flatten(v *Value, op string) []*Value {
	if v.Kind == Joined && v.Op == op {
		return v.Parts
	}
	return []*Value{v}
}

func dictByKey(d *Expr) map[string]*Expr {
	out := map[string]*Expr{}
	for i, k := range d.Keys {
		if k != nil && k.Kind == Str && i < len(d.Parts) {
			out[k.Value] = d.Parts[i]
		}
	}
	return out
}

// percent expands a %-format: %s, %d, %r and %(name)s.
func (ev *evaluator) percent(v *Value, m *Module, fn *Func, format string, args []*Expr, named map[string]*Expr) {
	v.Kind, v.Op = Joined, "%"
	lit := func(s string) {
		if s != "" {
			v.Parts = append(v.Parts, &Value{Kind: Literal, Str: s, File: m.Path, Line: v.Line, Expr: v.Expr})
		}
	}
	next := 0
	start := 0
	for i := 0; i < len(format); i++ {
		if format[i] != '%' || i+1 >= len(format) {
			continue
		}
		if format[i+1] == '%' {
			lit(format[start:i] + "%")
			i++
			start = i + 1
			continue
		}
		lit(format[start:i])
		j := i + 1
		var arg *Expr
		if format[j] == '(' {
			end := strings.IndexByte(format[j:], ')')
			if end < 0 {
				start = i
				break
			}
			arg = named[format[j+1:j+end]]
			j += end + 1
		} else if next < len(args) {
			arg = args[next]
			next++
		}
		// Skip flags, width, precision and the conversion letter.
		for j < len(format) && strings.IndexByte("#0- +0123456789.*hlL", format[j]) >= 0 {
			j++
		}
		conv := ""
		if j < len(format) {
			conv = format[j : j+1]
			j++
		}
		part := &Value{Kind: Unknown, File: m.Path, Line: v.Line}
		if arg != nil {
			part = ev.eval(m, fn, arg)
		}
		part.Conv = conv
		v.Parts = append(v.Parts, part)
		start = j
		i = j - 1
	}
	if start < len(format) {
		lit(format[start:])
	}
}

// format expands str.format: {}, {0}, {name}, with conversions and specs.
func (ev *evaluator) format(v *Value, m *Module, fn *Func, format string, c *Call) {
	v.Kind, v.Op = Joined, "format"
	lit := func(s string) {
		if s != "" {
			v.Parts = append(v.Parts, &Value{Kind: Literal, Str: s, File: m.Path, Line: v.Line, Expr: v.Expr})
		}
	}
	next := 0
	var text strings.Builder
	for i := 0; i < len(format); i++ {
		ch := format[i]
		switch {
		case ch == '{' && i+1 < len(format) && format[i+1] == '{', ch == '}' && i+1 < len(format) && format[i+1] == '}':
			text.WriteByte(ch)
			i++
		case ch == '{':
			end := strings.IndexByte(format[i:], '}')
			if end < 0 {
				text.WriteString(format[i:])
				i = len(format)
				continue
			}
			lit(text.String())
			text.Reset()
			field := format[i+1 : i+end]
			field, _, _ = strings.Cut(field, "!")
			field, _, _ = strings.Cut(field, ":")
			var arg *Expr
			switch n, err := strconv.Atoi(field); {
			case field == "":
				arg = c.Arg(next)
				next++
			case err == nil:
				arg = c.Arg(n)
			default:
				arg = c.Kwarg(field)
			}
			if arg != nil {
				v.Parts = append(v.Parts, ev.eval(m, fn, arg))
			} else {
				v.Parts = append(v.Parts, &Value{Kind: Unknown, File: m.Path, Line: v.Line})
			}
			i += end
		default:
			text.WriteByte(ch)
		}
	}
	lit(text.String())
}

// envReaders are the functions that read one environment variable:
// name first, default second (or default=).
var envReaders = map[string]bool{
	"os.getenv": true, "os.environ.get": true, "os.environ.setdefault": true,
	"decouple.config": true, "environ.get": true,
}

func (ev *evaluator) call(v *Value, m *Module, fn *Func, c *Call) {
	q := c.Qualified
	switch {
	case envReaders[q] || ev.isEnvObjectCall(m, fn, c):
		name := c.Arg(0)
		if name == nil || name.Kind != Str {
			return
		}
		v.Kind, v.Env = FromEnv, name.Value
		def := c.Arg(1)
		if d := c.Kwarg("default"); d != nil {
			def = d
		}
		if def != nil && !(def.Kind == Const && def.Value == "None") {
			v.Default = ev.eval(m, fn, def)
		}
	case q == "urllib.parse.quote" || q == "urllib.parse.quote_plus" || q == "urllib.quote" || q == "urllib.quote_plus":
		inner := *ev.eval(m, fn, c.Arg(0))
		inner.Escaped = true
		*v = inner
	case c.Callee == "str" || c.Callee == "int":
		if a := c.Arg(0); a != nil && len(c.Args) == 1 {
			*v = *ev.eval(m, fn, a)
		}
	case c.Method == "format" && c.Receiver != nil:
		if s, ok := ev.eval(m, fn, c.Receiver).Const(); ok {
			ev.format(v, m, fn, s, c)
		}
	default:
		// A repository function: its value is what it returns.
		if dm, f := ev.p.FuncOf(m, c); f != nil && len(f.Returns) > 0 {
			*v = *ev.eval(dm, f, f.Returns[len(f.Returns)-1])
		}
	}
}

// isEnviron: os.environ, or environ imported from os.
func (ev *evaluator) isEnviron(m *Module, e *Expr) bool {
	return (e.Kind == Attr || e.Kind == Name) && m.Resolve(e.Value) == "os.environ"
}

// isEnvObjectCall recognises env("X"), env.str("X", default=...) where env
// is an environs.Env() or environ.Env() (django-environ) instance.
func (ev *evaluator) isEnvObjectCall(m *Module, fn *Func, c *Call) bool {
	root := c.Callee
	if c.Receiver != nil {
		root = c.Receiver.Value
		switch c.Method {
		case "str", "int", "bool", "get_value", "url":
		default:
			return false
		}
	}
	if root == "" || strings.Contains(root, ".") || strings.Contains(root, "(") {
		return false
	}
	bound := ev.binding(m, fn, root, c.Line)
	if bound == nil || bound.value == nil || bound.value.Kind != CallExpr {
		return false
	}
	q := bound.module.Resolve(bound.value.Call.Callee)
	return q == "environs.Env" || q == "environ.Env"
}

// binding is the expression a name was last assigned before a line.
type binding struct {
	module *Module
	fn     *Func
	value  *Expr
}

// binding finds the assignment a name refers to: in the function (latest
// before line), its enclosing functions, then the module; imports are
// followed into repository modules.
func (ev *evaluator) binding(m *Module, fn *Func, name string, line int) *binding {
	for f := fn; f != nil; f = f.Parent {
		var found *Assign
		for _, a := range m.Assigns {
			if a.Func != f || a.Value == nil || (f == fn && a.Line >= line) || len(a.Targets) != 1 || a.Targets[0] != name {
				continue
			}
			found = a
		}
		if found != nil {
			return &binding{module: m, fn: f, value: found.Value}
		}
		for _, p := range f.Params {
			if p == name {
				return nil // a parameter: the caller decides
			}
		}
	}
	if v := m.ModuleConst(name); v != nil {
		return &binding{module: m, value: v}
	}
	if _, ok := m.Imports[name]; ok {
		dm, attr := ev.p.Definition(m, name)
		if dm != nil && dm != m && attr != "" && !strings.Contains(attr, ".") {
			if v := dm.ModuleConst(attr); v != nil {
				return &binding{module: dm, value: v}
			}
		}
	}
	return nil
}

func (ev *evaluator) name(m *Module, fn *Func, name string, line int) *Value {
	b := ev.binding(m, fn, name, line)
	if b == nil {
		return nil
	}
	return ev.eval(b.module, b.fn, b.value)
}

// attr follows a dotted name: a module attribute (settings.X with
// "from app import settings"), a settings object's field
// (settings.DATABASE_URL with settings = Settings()), a class attribute,
// or self.X inside a method.
func (ev *evaluator) attr(m *Module, fn *Func, dotted string, line int) *Value {
	root, rest, ok := strings.Cut(dotted, ".")
	if !ok {
		return nil
	}
	if root == "self" && fn != nil && fn.Class != nil {
		return ev.member(m, fn.Class, rest, true)
	}
	if m.Resolve(dotted) == "os.environ" {
		return nil
	}
	// A name bound in scope: settings = Settings(), or settings = get_settings().
	if b := ev.binding(m, fn, root, line); b != nil {
		if cm, cls := ev.instanceOf(b.module, b.fn, b.value); cls != nil {
			return ev.member(cm, cls, rest, true)
		}
		return nil
	}
	// A class of this module used directly: Config.DATABASE_URL.
	if cls := m.ClassNamed(root); cls != nil {
		return ev.member(m, cls, rest, false)
	}
	// An imported module, class or object.
	if _, imported := m.Imports[root]; !imported {
		return nil
	}
	dm, attr := ev.p.Definition(m, root)
	if dm == nil {
		return nil
	}
	if attr == "" {
		// root is a module: settings.DATABASE_URL -> DATABASE_URL there.
		first, more, _ := strings.Cut(rest, ".")
		if more == "" {
			return ev.name(dm, nil, first, 1<<30)
		}
		return ev.attr(dm, nil, rest, 1<<30)
	}
	if strings.Contains(attr, ".") {
		return nil
	}
	if cls := dm.ClassNamed(attr); cls != nil {
		return ev.member(dm, cls, rest, false)
	}
	return ev.attr(dm, nil, attr+"."+rest, 1<<30)
}

// instanceOf: the value is ClassName(...) (or a repository function that
// returns one, such as an lru_cache'd get_settings()) for a class of the
// repository.
func (ev *evaluator) instanceOf(m *Module, fn *Func, e *Expr) (*Module, *Class) {
	for i := 0; e != nil && e.Kind == CallExpr && i < 4; i++ {
		c := e.Call
		dm, name := ev.p.Definition(m, c.Callee)
		if dm != nil && !strings.Contains(name, ".") {
			if cls := dm.ClassNamed(name); cls != nil {
				return dm, cls
			}
		}
		fm, f := ev.p.FuncOf(m, c)
		if f == nil || len(f.Returns) == 0 {
			return nil, nil
		}
		m, fn, e = fm, f, f.Returns[len(f.Returns)-1]
		if e.Kind == Name { // s = Settings(); return s
			b := ev.binding(m, fn, e.Value, f.EndLine+1)
			if b == nil {
				return nil, nil
			}
			m, fn, e = b.module, b.fn, b.value
		}
	}
	return nil, nil
}

// member evaluates cls.name: a settings field (read from the environment,
// with the class default as fallback), a class attribute, an attribute
// set in __init__, or a property's return value.
func (ev *evaluator) member(m *Module, cls *Class, name string, instance bool) *Value {
	name, _, _ = strings.Cut(name, ".")
	hops := 0
	for c, cm := cls, m; c != nil && hops < 8; cm, c = ev.baseClass(cm, c) {
		hops++
		settings := ev.isSettings(cm, c, 0)
		for _, a := range c.Assigns {
			if len(a.Targets) != 1 || a.Targets[0] != name {
				continue
			}
			if !settings || !instance {
				if a.Value == nil {
					return nil
				}
				return ev.eval(cm, nil, a.Value)
			}
			return ev.field(cm, c, a)
		}
		for _, f := range c.Methods {
			if f.Name == name && len(f.Returns) > 0 {
				return ev.eval(cm, f, f.Returns[len(f.Returns)-1])
			}
		}
		if instance {
			for _, a := range cm.Assigns {
				if a.Func != nil && a.Func.Class == c && a.Func.Name == "__init__" && len(a.Targets) == 1 && a.Targets[0] == "self."+name && a.Value != nil {
					return ev.eval(cm, a.Func, a.Value)
				}
			}
		}
	}
	return nil
}

// field is a pydantic-settings field: read from the environment variable
// named after it (with the class's env_prefix, or its alias), falling back
// to its default.
func (ev *evaluator) field(m *Module, cls *Class, a *Assign) *Value {
	v := &Value{Kind: FromEnv, Env: strings.ToUpper(ev.envPrefix(m, cls) + a.Targets[0]), File: m.Path, Line: a.Line, Expr: a.Value}
	def := a.Value
	if def != nil && def.Kind == CallExpr && (strings.HasSuffix(m.Resolve(def.Call.Callee), "Field") || def.Call.Callee == "Field") {
		c := def.Call
		def = c.Arg(0)
		if d := c.Kwarg("default"); d != nil {
			def = d
		}
		for _, k := range []string{"validation_alias", "alias", "env"} {
			if al := c.Kwarg(k); al != nil && al.Kind == Str {
				v.Env = strings.ToUpper(al.Value)
			}
		}
		if def != nil && def.Kind == Other && strings.TrimSpace(def.Text) == "..." {
			def = nil
		}
	}
	if def != nil && !(def.Kind == Const && def.Value == "None") {
		v.Default = ev.eval(m, nil, def)
	}
	return v
}

func (ev *evaluator) envPrefix(m *Module, cls *Class) string {
	for _, a := range cls.Assigns {
		if len(a.Targets) == 1 && a.Targets[0] == "model_config" && a.Value != nil && a.Value.Kind == CallExpr {
			if p := a.Value.Call.Kwarg("env_prefix"); p != nil && p.Kind == Str {
				return p.Value
			}
		}
		if len(a.Targets) == 1 && a.Targets[0] == "env_prefix" && a.Value != nil && a.Value.Kind == Str {
			return a.Value.Value
		}
	}
	for _, inner := range m.Classes {
		if inner.Name == "Config" && inner.Line > cls.Line && inner.EndLine <= cls.EndLine {
			for _, a := range inner.Assigns {
				if len(a.Targets) == 1 && a.Targets[0] == "env_prefix" && a.Value != nil && a.Value.Kind == Str {
					return a.Value.Value
				}
			}
		}
	}
	return ""
}

// IsSettingsClass reports whether cls derives from pydantic's BaseSettings,
// directly or through classes of the repository.
func (p *Project) IsSettingsClass(m *Module, cls *Class) bool {
	return (&evaluator{p: p}).isSettings(m, cls, 0)
}

func (ev *evaluator) isSettings(m *Module, cls *Class, depth int) bool {
	if depth > 8 {
		return false
	}
	for _, b := range cls.Bases {
		switch m.Resolve(b.Value) {
		case "pydantic_settings.BaseSettings", "pydantic.BaseSettings", "pydantic.v1.BaseSettings", "pydantic_settings.main.BaseSettings":
			return true
		}
	}
	if bm, base := ev.baseClass(m, cls); base != nil {
		return ev.isSettings(bm, base, depth+1)
	}
	return false
}

// baseClass returns the first base of cls that is a class of the
// repository.
func (ev *evaluator) baseClass(m *Module, cls *Class) (*Module, *Class) {
	for _, b := range cls.Bases {
		if b.Kind != Name && b.Kind != Attr {
			continue
		}
		dm, name := ev.p.Definition(m, b.Value)
		if dm == nil || strings.Contains(name, ".") {
			continue
		}
		if c := dm.ClassNamed(name); c != nil && c != cls {
			return dm, c
		}
	}
	return nil, nil
}
