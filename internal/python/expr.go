package python

import (
	"strconv"
	"strings"

	sitter "github.com/tree-sitter/go-tree-sitter"
)

const maxText = 300

// expr models an expression and registers the calls inside it.
func (b *builder) expr(n *sitter.Node, sc *scope) *Expr {
	if n == nil {
		return nil
	}
	e := &Expr{Line: line(n), Text: b.short(n)}
	switch n.Kind() {
	case "string":
		b.stringExpr(e, n, sc)
		if e.Kind == Str {
			b.m.Strings = append(b.m.Strings, e)
		}
	case "concatenated_string":
		// "a" "b" f"{c}": an f-string if any part is one.
		e.Kind, e.Value = Str, ""
		for _, c := range namedChildren(n) {
			part := b.expr(c, sc)
			e.Value += part.Value
			if part.Kind == FString {
				e.Kind = FString
				e.Parts = append(e.Parts, part.Parts...)
			}
		}
	case "identifier":
		e.Kind, e.Value = Name, e.Text
	case "attribute":
		// Value is the dotted text (capped like Text; long chains are not names).
		e.Kind, e.Value = Attr, e.Text
		b.expr(n.ChildByFieldName("object"), sc)
	case "call":
		e.Kind = CallExpr
		e.Call = b.call(n, sc)
	case "await":
		inner := b.expr(firstNamed(n), sc)
		if inner != nil && inner.Call != nil {
			inner.Call.Await = true
		}
		if inner != nil {
			return inner
		}
	case "binary_operator":
		e.Kind = BinOp
		e.Left = b.expr(n.ChildByFieldName("left"), sc)
		e.Right = b.expr(n.ChildByFieldName("right"), sc)
		if op := n.ChildByFieldName("operator"); op != nil {
			e.Op = b.text(op)
		}
	case "subscript":
		e.Kind = Subscript
		for i, c := range namedChildren(n) {
			switch x := b.expr(c, sc); i {
			case 0:
				e.Left = x
			case 1:
				e.Right = x
			}
		}
	case "conditional_expression":
		e.Kind = Conditional
		kids := namedChildren(n)
		if len(kids) == 3 {
			e.Parts = []*Expr{b.expr(kids[0], sc), b.expr(kids[2], sc)}
			e.Right = b.expr(kids[1], sc)
		} else {
			b.walkExprs(n, sc)
		}
	case "integer", "float":
		e.Kind, e.Value = Number, e.Text
	case "none", "true", "false":
		e.Kind, e.Value = Const, e.Text
	case "tuple", "list", "set", "expression_list":
		e.Kind = Tuple
		for _, c := range namedChildren(n) {
			e.Parts = append(e.Parts, b.expr(c, sc))
		}
	case "dictionary":
		e.Kind = Dict
		for _, c := range namedChildren(n) {
			if c.Kind() == "pair" {
				e.Keys = append(e.Keys, b.expr(c.ChildByFieldName("key"), sc))
				e.Parts = append(e.Parts, b.expr(c.ChildByFieldName("value"), sc))
			}
		}
	case "parenthesized_expression":
		if inner := firstNamed(n); inner != nil {
			return b.expr(inner, sc)
		}
	case "list_comprehension", "set_comprehension", "dictionary_comprehension", "generator_expression":
		b.comprehension(n, sc)
	case "lambda":
		// The body runs later, elsewhere; its calls are still in this scope.
		b.walkExprs(n, sc)
	default:
		b.walkExprs(n, sc)
	}
	return e
}

// walkExprs models every sub-expression (for the calls in it).
func (b *builder) walkExprs(n *sitter.Node, sc *scope) {
	for _, c := range namedChildren(n) {
		if isStatement(c.Kind()) {
			b.stmt(c, sc)
		} else {
			b.expr(c, sc)
		}
	}
}

func (b *builder) comprehension(n *sitter.Node, sc *scope) {
	l := &Loop{Line: line(n), EndLine: endLine(n), Kind: "comprehension", Func: sc.fn}
	b.m.Loops = append(b.m.Loops, l)
	inner := sc.inLoop(l)
	for _, c := range namedChildren(n) {
		if c.Kind() == "for_in_clause" {
			if r := c.ChildByFieldName("right"); r != nil {
				l.Iter = b.expr(r, sc)
			}
			l.Targets = append(l.Targets, b.targets(c.ChildByFieldName("left"))...)
			continue
		}
		b.expr(c, inner)
	}
}

func (b *builder) stringExpr(e *Expr, n *sitter.Node, sc *scope) {
	e.Kind = Str
	var content strings.Builder
	prefix := ""
	for i := uint(0); i < n.ChildCount(); i++ {
		c := n.Child(i)
		switch c.Kind() {
		case "string_start":
			prefix = strings.ToLower(b.text(c))
		case "string_content":
			content.WriteString(b.text(c))
		case "escape_sequence":
			if s, err := strconv.Unquote(`"` + b.text(c) + `"`); err == nil {
				content.WriteString(s)
			} else {
				content.WriteString(b.text(c))
			}
		case "interpolation":
			e.Kind = FString
			if x := c.ChildByFieldName("expression"); x != nil {
				e.Parts = append(e.Parts, b.expr(x, sc))
			} else if fc := firstNamed(c); fc != nil {
				e.Parts = append(e.Parts, b.expr(fc, sc))
			}
			content.WriteString("{…}")
		}
	}
	if strings.Contains(prefix, "f") && e.Kind != FString {
		e.Kind = Str // an f-string without interpolations is a constant
	}
	e.Value = content.String()
}

func (b *builder) call(n *sitter.Node, sc *scope) *Call {
	fn := n.ChildByFieldName("function")
	c := &Call{Line: line(n), Func: sc.fn, Class: sc.class, Loops: sc.loops, Try: sc.try, Handler: sc.handler, With: sc.with}
	if fn != nil {
		c.Callee = b.short(fn)
		if fn.Kind() == "attribute" {
			c.Method = b.text(fn.ChildByFieldName("attribute"))
			c.Receiver = b.expr(fn.ChildByFieldName("object"), sc)
		} else {
			c.Method = c.Callee
			if fn.Kind() != "identifier" {
				b.expr(fn, sc)
			}
		}
		if fn.Kind() == "identifier" || fn.Kind() == "attribute" {
			c.Qualified = b.resolveImported(c.Callee)
		}
	}
	if args := n.ChildByFieldName("arguments"); args != nil {
		for _, a := range namedChildren(args) {
			switch a.Kind() {
			case "keyword_argument":
				c.Kwargs = append(c.Kwargs, Kwarg{Name: b.text(a.ChildByFieldName("name")), Value: b.expr(a.ChildByFieldName("value"), sc)})
			case "comment":
			default:
				c.Args = append(c.Args, b.expr(a, sc))
			}
		}
	}
	b.m.Calls = append(b.m.Calls, c)
	if sc.fn != nil {
		sc.fn.Calls = append(sc.fn.Calls, c)
	}
	for _, l := range sc.loops {
		l.Calls = append(l.Calls, c)
	}
	if sc.handler != nil {
		sc.handler.Calls = append(sc.handler.Calls, c)
	} else if sc.try != nil {
		sc.try.Calls = append(sc.try.Calls, c)
	}
	return c
}

// resolveImported maps a dotted name through the imports, or returns ""
// when its first name was not imported.
func (b *builder) resolveImported(dotted string) string {
	root, rest, hasRest := strings.Cut(dotted, ".")
	imp, ok := b.m.Imports[root]
	if !ok {
		return ""
	}
	if hasRest {
		return imp.Qualified + "." + rest
	}
	return imp.Qualified
}

// resolve is resolveImported, keeping the name as written when it is not
// imported (builtins such as Exception).
func (b *builder) resolve(dotted string) string {
	if q := b.resolveImported(dotted); q != "" {
		return q
	}
	return dotted
}
