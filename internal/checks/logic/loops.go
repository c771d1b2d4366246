package logic

import (
	"go/ast"
	"regexp"
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/dbcode"
	"github.com/pgreview/pgreview/internal/python"
)

func at(file string, line int) check.Location { return check.Location{File: file, Line: line} }

// innerLoop is the innermost loop around a call, nil when none.
func innerLoop(c *python.Call) *python.Loop {
	if len(c.Loops) == 0 {
		return nil
	}
	return c.Loops[len(c.Loops)-1]
}

// overData reports whether a Python loop runs once per item of a
// collection whose size the data decides: a for loop or comprehension
// over a name, attribute or call result. Loops over literals, over
// range() (retries, pages) and while loops (workers, cursors) are not.
func overData(l *python.Loop) bool {
	if l == nil || l.Kind == "while" || l.Iter == nil {
		return false
	}
	it := l.Iter
	if it.IsConstant() {
		return false
	}
	if it.Kind == python.Tuple || it.Kind == python.Dict {
		return false // a literal list of names or values: small and fixed
	}
	if it.Kind == python.CallExpr {
		switch it.Call.Callee {
		case "range", "itertools.count", "count", "itertools.repeat":
			return false
		case "enumerate", "zip", "reversed", "sorted", "list", "tuple", "set":
			if a := it.Call.Arg(0); a != nil && (a.IsConstant() || a.Kind == python.Tuple) {
				return false
			}
		}
		if streamy.MatchString(it.Call.Method) {
			return false
		}
	}
	return !streamy.MatchString(lastName(it.Text))
}

// streamy names iterate a message stream, not a batch of rows: a worker
// that commits per message is right to.
var streamy = regexp.MustCompile(`(?i)^(consumer|queue|stream|subscription|pubsub|listen|consume|poll|messages?|events?_stream|notifies|notifications)$`)

func lastName(s string) string {
	s = strings.TrimSuffix(s, "()")
	if i := strings.LastIndexAny(s, "."); i >= 0 {
		s = s[i+1:]
	}
	return s
}

// batched reports whether a loop walks chunks of rows (each iteration
// writes many): for batch in chunked(rows, 500).
func batched(l *python.Loop) bool {
	if l == nil || l.Iter == nil {
		return false
	}
	text := strings.ToLower(l.Iter.Text)
	for _, t := range l.Targets {
		text += " " + strings.ToLower(t)
	}
	return batchWord.MatchString(text)
}

var batchWord = regexp.MustCompile(`batch|chunk|page|group|slice|islice|partition`)

// goLoopOverData reports whether a Go loop runs once per item of data:
// a range over something other than a literal or a number, or a
// rows.Next() loop. Counted and endless loops (retries, workers) are not.
func goLoopOverData(l ast.Stmt) bool {
	switch l := l.(type) {
	case *ast.RangeStmt:
		switch x := l.X.(type) {
		case *ast.CompositeLit, *ast.BasicLit:
			return false
		case *ast.CallExpr:
			if id, ok := x.Fun.(*ast.Ident); ok && id.Name == "len" {
				return false
			}
		case *ast.Ident:
			if x.Name == "ctx" {
				return false
			}
		}
		return true
	case *ast.ForStmt:
		if call, ok := l.Cond.(*ast.CallExpr); ok {
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Next" {
				return true
			}
		}
	}
	return false
}

// goLoopLine is where a Go loop starts.
func goLoopLine(f *dbcode.GoFile, l ast.Stmt) int { return f.Line(l.Pos()) }

// describe names a Python database call for a message: "session.commit()",
// "session.execute(INSERT INTO orders …)".
func describe(c *dbcode.PyCall) string {
	if c.SQL != "" {
		return c.Callee + "(" + dbcode.SQLHead(c.SQL) + ")"
	}
	return c.Callee + "()"
}

// describeGo names a Go database call for a message.
func describeGo(c *dbcode.GoCall) string {
	if c.SQL != "" {
		return c.Recv + "." + c.Method + "(" + dbcode.SQLHead(c.SQL) + ")"
	}
	return c.Recv + "." + c.Method + "()"
}
