package python

import (
	"strings"
	"sync"

	sitter "github.com/tree-sitter/go-tree-sitter"
	tspython "github.com/tree-sitter/tree-sitter-python/bindings/go"
)

var language = sitter.NewLanguage(tspython.Language())

// parsers are reused: creating one per file is wasteful, and a parser is
// not safe for concurrent use, so each goroutine takes its own.
var parsers = sync.Pool{New: func() any {
	p := sitter.NewParser()
	p.SetLanguage(language)
	return p
}}

// Parse builds the model of one file. It never fails: syntax errors are
// recorded and the rest of the file is still read.
func Parse(path string, src []byte) *Module {
	p := parsers.Get().(*sitter.Parser)
	defer parsers.Put(p)
	tree := p.Parse(src, nil)
	if tree == nil {
		return &Module{Path: path, Imports: map[string]Import{}, SyntaxErrors: []int{1}}
	}
	defer tree.Close()
	b := &builder{src: src, m: &Module{Path: path, Imports: map[string]Import{}}}
	root := tree.RootNode()
	b.block(root, &scope{})
	if root.HasError() {
		b.m.SyntaxErrors = errorLines(root, nil)
	}
	return b.m
}

// errorLines finds ERROR and MISSING nodes, descending only where errors are.
func errorLines(n *sitter.Node, out []int) []int {
	if n.IsError() || n.IsMissing() {
		return append(out, line(n))
	}
	for i := uint(0); i < n.ChildCount(); i++ {
		if c := n.Child(i); c.HasError() {
			out = errorLines(c, out)
		}
	}
	return out
}

type builder struct {
	src []byte
	m   *Module
}

// scope is the context a statement sits in.
type scope struct {
	fn      *Func
	class   *Class
	loops   []*Loop
	try     *Try
	handler *Except
	with    []*Expr
}

func (s *scope) inLoop(l *Loop) *scope {
	c := *s
	c.loops = append(append([]*Loop(nil), s.loops...), l)
	return &c
}

func (b *builder) text(n *sitter.Node) string {
	if n == nil {
		return ""
	}
	return string(b.src[n.StartByte():n.EndByte()])
}

// short is the node's text cut at maxText bytes, without copying more:
// nested expressions would otherwise copy their whole text at every level.
func (b *builder) short(n *sitter.Node) string {
	start, end := n.StartByte(), n.EndByte()
	if end-start > maxText {
		end = start + maxText
	}
	return string(b.src[start:end])
}

func line(n *sitter.Node) int { return int(n.StartPosition().Row) + 1 }

func endLine(n *sitter.Node) int { return int(n.EndPosition().Row) + 1 }

func namedChildren(n *sitter.Node) []*sitter.Node {
	var out []*sitter.Node
	for i := uint(0); i < n.NamedChildCount(); i++ {
		out = append(out, n.NamedChild(i))
	}
	return out
}

// block walks statements.
func (b *builder) block(n *sitter.Node, sc *scope) {
	for _, c := range namedChildren(n) {
		b.stmt(c, sc)
	}
}

func (b *builder) stmt(n *sitter.Node, sc *scope) {
	switch n.Kind() {
	case "import_statement":
		b.importStmt(n)
	case "import_from_statement":
		b.importFrom(n)
	case "function_definition":
		b.funcDef(n, nil, sc)
	case "decorated_definition":
		var decos []*Expr
		for _, c := range namedChildren(n) {
			if c.Kind() == "decorator" {
				if e := firstNamed(c); e != nil {
					decos = append(decos, b.expr(e, sc))
				}
			}
		}
		if def := n.ChildByFieldName("definition"); def != nil {
			if def.Kind() == "class_definition" {
				b.classDef(def, sc)
			} else {
				b.funcDef(def, decos, sc)
			}
		}
	case "class_definition":
		b.classDef(n, sc)
	case "for_statement", "while_statement":
		b.loopStmt(n, sc)
	case "try_statement":
		b.tryStmt(n, sc)
	case "with_statement":
		inner := *sc
		for _, c := range namedChildren(n) {
			if c.Kind() == "with_clause" {
				for _, item := range namedChildren(c) {
					if v := item.ChildByFieldName("value"); v != nil {
						inner.with = append(append([]*Expr(nil), inner.with...), b.expr(v, sc))
					}
				}
			}
		}
		if body := n.ChildByFieldName("body"); body != nil {
			b.block(body, &inner)
		}
	case "return_statement":
		for _, c := range namedChildren(n) {
			e := b.expr(c, sc)
			if sc.fn != nil && c.Kind() != "comment" {
				sc.fn.Returns = append(sc.fn.Returns, e)
			}
		}
	case "expression_statement":
		for _, c := range namedChildren(n) {
			if c.Kind() == "assignment" || c.Kind() == "augmented_assignment" {
				b.assign(c, sc)
			} else {
				b.expr(c, sc)
			}
		}
	default:
		// if/elif/else, return, raise, etc.: walk children, expressions
		// and nested blocks alike.
		for _, c := range namedChildren(n) {
			switch c.Kind() {
			case "block", "else_clause", "elif_clause", "if_statement", "match_statement", "case_clause":
				b.stmt(c, sc)
			default:
				if isStatement(c.Kind()) {
					b.stmt(c, sc)
				} else {
					b.expr(c, sc)
				}
			}
		}
	}
}

func isStatement(kind string) bool {
	return strings.HasSuffix(kind, "_statement") || strings.HasSuffix(kind, "_definition") || kind == "block" || strings.HasSuffix(kind, "_clause")
}

func firstNamed(n *sitter.Node) *sitter.Node {
	if n.NamedChildCount() == 0 {
		return nil
	}
	return n.NamedChild(0)
}

func (b *builder) importStmt(n *sitter.Node) {
	for _, c := range namedChildren(n) {
		switch c.Kind() {
		case "dotted_name":
			full := b.text(c)
			root, _, _ := strings.Cut(full, ".")
			b.m.Imports[root] = Import{Qualified: root, Line: line(n)}
		case "aliased_import":
			b.m.Imports[b.text(c.ChildByFieldName("alias"))] = Import{Qualified: b.text(c.ChildByFieldName("name")), Line: line(n)}
		}
	}
}

func (b *builder) importFrom(n *sitter.Node) {
	mod := b.text(n.ChildByFieldName("module_name"))
	for i := uint(0); i < n.NamedChildCount(); i++ {
		c := n.NamedChild(i)
		if n.FieldNameForNamedChild(uint32(i)) != "name" {
			continue
		}
		switch c.Kind() {
		case "dotted_name":
			name := b.text(c)
			b.m.Imports[name] = Import{Qualified: mod + "." + name, Line: line(n)}
		case "aliased_import":
			b.m.Imports[b.text(c.ChildByFieldName("alias"))] = Import{Qualified: mod + "." + b.text(c.ChildByFieldName("name")), Line: line(n)}
		}
	}
}

func (b *builder) funcDef(n *sitter.Node, decos []*Expr, sc *scope) {
	f := &Func{
		Name: b.text(n.ChildByFieldName("name")), Line: line(n), EndLine: endLine(n),
		Decorators: decos, Class: sc.class, Parent: sc.fn,
	}
	for i := uint(0); i < n.ChildCount(); i++ {
		if n.Child(i).Kind() == "async" {
			f.Async = true
		}
	}
	if params := n.ChildByFieldName("parameters"); params != nil {
		for _, p := range namedChildren(params) {
			name := p
			if p.Kind() != "identifier" {
				if nn := p.ChildByFieldName("name"); nn != nil {
					name = nn
				} else if fc := firstNamed(p); fc != nil {
					name = fc
				}
			}
			f.Params = append(f.Params, b.text(name))
			// Defaults run where the function is defined: Depends(get_db)
			// and Query(...) calls are modelled in the enclosing scope.
			if v := p.ChildByFieldName("value"); v != nil {
				b.expr(v, sc)
			}
		}
	}
	body := n.ChildByFieldName("body")
	f.BodyIsEmpty = body != nil && b.isEmptyBody(body)
	b.m.Funcs = append(b.m.Funcs, f)
	if sc.class != nil && sc.fn == nil {
		sc.class.Methods = append(sc.class.Methods, f)
	}
	if body != nil {
		b.block(body, &scope{fn: f, class: sc.class})
	}
}

// isEmptyBody: only pass, ..., docstrings, or raise NotImplementedError.
func (b *builder) isEmptyBody(body *sitter.Node) bool {
	for _, s := range namedChildren(body) {
		switch s.Kind() {
		case "pass_statement", "comment":
			continue
		case "expression_statement":
			c := firstNamed(s)
			if c != nil && (c.Kind() == "string" || c.Kind() == "ellipsis") {
				continue
			}
		case "raise_statement":
			if strings.Contains(b.text(s), "NotImplementedError") {
				continue
			}
		}
		return false
	}
	return true
}

func (b *builder) classDef(n *sitter.Node, sc *scope) {
	c := &Class{Name: b.text(n.ChildByFieldName("name")), Line: line(n), EndLine: endLine(n)}
	if sup := n.ChildByFieldName("superclasses"); sup != nil {
		for _, a := range namedChildren(sup) {
			if a.Kind() == "keyword_argument" {
				c.Keywords = append(c.Keywords, Kwarg{Name: b.text(a.ChildByFieldName("name")), Value: b.expr(a.ChildByFieldName("value"), sc)})
			} else {
				c.Bases = append(c.Bases, b.expr(a, sc))
			}
		}
	}
	b.m.Classes = append(b.m.Classes, c)
	if body := n.ChildByFieldName("body"); body != nil {
		b.block(body, &scope{class: c})
	}
}

func (b *builder) loopStmt(n *sitter.Node, sc *scope) {
	l := &Loop{Line: line(n), EndLine: endLine(n), Kind: "while", Func: sc.fn}
	if n.Kind() == "for_statement" {
		l.Kind = "for"
		if r := n.ChildByFieldName("right"); r != nil {
			l.Iter = b.expr(r, sc)
		}
		l.Targets = b.targets(n.ChildByFieldName("left"))
	} else if cond := n.ChildByFieldName("condition"); cond != nil {
		b.expr(cond, sc)
	}
	b.m.Loops = append(b.m.Loops, l)
	inner := sc.inLoop(l)
	for _, c := range namedChildren(n) {
		if c.Kind() == "block" || c.Kind() == "else_clause" {
			b.stmt(c, inner)
		}
	}
}

// targets lists the names bound by a loop's left side.
func (b *builder) targets(n *sitter.Node) []string {
	if n == nil {
		return nil
	}
	switch n.Kind() {
	case "pattern_list", "tuple_pattern", "list_pattern":
		var out []string
		for _, c := range namedChildren(n) {
			out = append(out, b.targets(c)...)
		}
		return out
	}
	return []string{b.text(n)}
}

func (b *builder) tryStmt(n *sitter.Node, sc *scope) {
	t := &Try{Line: line(n), EndLine: endLine(n)}
	b.m.Trys = append(b.m.Trys, t)
	for _, c := range namedChildren(n) {
		switch c.Kind() {
		case "block":
			inner := *sc
			inner.try, inner.handler = t, nil
			b.block(c, &inner)
		case "except_clause", "except_group_clause":
			h := &Except{Line: line(c), Try: t}
			t.Handlers = append(t.Handlers, h)
			inner := *sc
			inner.handler = h
			for _, part := range namedChildren(c) {
				if part.Kind() == "block" {
					h.Swallows = b.swallows(part)
					h.Reraises = strings.Contains(b.text(part), "raise")
					b.block(part, &inner)
					continue
				}
				b.exceptTypes(h, part)
			}
		case "finally_clause":
			t.HasFinally = true
			b.stmt(c, sc)
		case "else_clause":
			b.stmt(c, sc)
		}
	}
}

func (b *builder) exceptTypes(h *Except, n *sitter.Node) {
	switch n.Kind() {
	case "as_pattern":
		if fc := firstNamed(n); fc != nil {
			b.exceptTypes(h, fc)
		}
	case "tuple", "parenthesized_expression":
		for _, c := range namedChildren(n) {
			b.exceptTypes(h, c)
		}
	case "identifier", "attribute":
		h.Types = append(h.Types, b.resolve(b.short(n)))
	}
}

// swallows: the handler body does nothing useful.
func (b *builder) swallows(body *sitter.Node) bool {
	for _, s := range namedChildren(body) {
		switch s.Kind() {
		case "pass_statement", "continue_statement", "comment":
			continue
		case "expression_statement":
			if c := firstNamed(s); c != nil && (c.Kind() == "ellipsis" || c.Kind() == "string") {
				continue
			}
		case "return_statement":
			if s.NamedChildCount() == 0 || b.text(firstNamed(s)) == "None" {
				continue
			}
		}
		return false
	}
	return true
}

func (b *builder) assign(n *sitter.Node, sc *scope) {
	a := &Assign{Line: line(n), Func: sc.fn, Class: sc.class}
	left := n.ChildByFieldName("left")
	if left != nil {
		switch left.Kind() {
		case "pattern_list", "tuple_pattern":
			for _, c := range namedChildren(left) {
				a.Targets = append(a.Targets, b.short(c))
			}
		default:
			a.Targets = []string{b.short(left)}
		}
	}
	if t := n.ChildByFieldName("type"); t != nil {
		a.Annotation = b.short(t)
	}
	if right := n.ChildByFieldName("right"); right != nil {
		if right.Kind() == "assignment" { // a = b = value
			b.assign(right, sc)
		}
		a.Value = b.expr(right, sc)
	}
	b.m.Assigns = append(b.m.Assigns, a)
	if sc.class != nil && sc.fn == nil {
		sc.class.Assigns = append(sc.class.Assigns, a)
	}
}
