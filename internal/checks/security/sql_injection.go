package security

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/dbsite"
	"github.com/pgreview/pgreview/internal/python"
)

// SQLInjection finds SQL text built by string formatting from values that
// come from outside, and passed to a database call.
var SQLInjection = &check.Check{
	Name:     "sql-injection",
	Item:     "8.2",
	Severity: check.Critical,
	Doc: `Bind values as query parameters; never format them into SQL.

SQL built with an f-string, %, .format(), + or fmt.Sprintf from a
function's parameters, a request or any other outside value lets that
value rewrite the query: "' OR 1=1 --" reads every row, "'; DROP TABLE"
does worse. Pass values separately and let the driver bind them:
text("... WHERE status = :status") with {"status": status} in SQLAlchemy,
cur.execute("... = %s", (status,)) in psycopg, $1 in asyncpg and pgx.
Identifiers (table and column names) cannot be bound: take them from a
fixed list and quote them (psycopg.sql.Identifier, pgx.Identifier).
SQL formatted only from constants is not reported; names taken from a
fixed list are reported as GOOD, as a nudge to quote them.`,
	Run: runSQLInjection,
}

func runSQLInjection(p *check.Pass) error {
	seen := map[string]bool{}
	report := func(f check.Finding) {
		key := fmt.Sprintf("%s:%d", f.File, f.Line)
		if !seen[key] {
			seen[key] = true
			p.Report(f)
		}
	}
	pythonInjection(p, report)
	goInjection(p, report)
	return nil
}

// sqlStart and sqlShape recognise SQL text, so that formatting a log
// message or a URL passed to a method called execute is not mistaken for
// a query.
var (
	sqlStart = regexp.MustCompile(`(?i)^\s*\(?\s*(select|insert|update|delete|with|create|alter|drop|truncate|grant|revoke|copy|merge|call|do|set|show|explain|vacuum|analyze|refresh|lock|comment|upsert|values|begin|declare|execute|prepare|listen|notify|reindex|cluster)\b`)
	sqlShape = regexp.MustCompile(`(?is)\bselect\b.+\bfrom\b|\binsert\s+into\b|\bupdate\b.+\bset\b|\bdelete\s+from\b|\bwhere\b.+[=<>]|\border\s+by\b|\btruncate\b`)
)

func looksLikeSQL(text string) bool {
	return sqlStart.MatchString(text) || sqlShape.MatchString(text)
}

// pySinks are the methods that take SQL text as their first argument.
var pySinks = map[string]bool{
	"execute": true, "executemany": true, "exec_driver_sql": true, "executescript": true,
	"fetch": true, "fetchrow": true, "fetchval": true, "copy_expert": true, "mogrify": true,
	"raw": true, "read_sql": true, "read_sql_query": true, "execute_values": true,
}

// pyText are the functions that wrap SQL text.
var pyText = map[string]bool{
	"sqlalchemy.text": true, "sqlalchemy.sql.text": true, "sqlalchemy.sql.expression.text": true,
	"sqlmodel.text": true, "sqlalchemy.literal_column": true,
}

// origin says where the non-constant parts of a formatted SQL text come from.
type origin int

const (
	fromConstants origin = iota // constants only: nothing to report
	fromFixedList               // names from a fixed list or configuration
	fromOutside                 // parameters, requests, anything else
)

func pythonInjection(p *check.Pass, report func(check.Finding)) {
	proj := p.Repo.PythonProject()
	for _, m := range p.Repo.Python() {
		if dbsite.IsTestPath(m.Path) {
			continue // tests build their own throwaway SQL
		}
		for _, c := range m.Calls {
			var arg *python.Expr
			switch {
			case pyText[c.Qualified]:
				arg = c.Arg(0)
			case pySinks[c.Method] && c.Receiver != nil:
				arg = c.Arg(0)
				for _, k := range []string{"statement", "query", "sql", "operation"} {
					if e := c.Kwarg(k); e != nil {
						arg = e
					}
				}
			}
			if arg == nil || arg.Kind == python.CallExpr && pyText[arg.Call.Qualified] {
				continue // the text() call inside is checked on its own
			}
			v := proj.Eval(m, c.Func, arg)
			if v.Kind != python.Joined {
				continue
			}
			rendered := v.Render(func(*python.Value) string { return "x" })
			if !looksLikeSQL(rendered) {
				continue
			}
			worst, names := fromConstants, []string(nil)
			v.Leaves(func(leaf *python.Value) {
				o := pyOrigin(proj, m, c, leaf)
				if o > worst {
					worst, names = o, nil
				}
				if o == worst && o != fromConstants {
					names = append(names, leafName(leaf))
				}
			})
			if worst == fromConstants {
				continue
			}
			how := map[string]string{"f": "an f-string", "%": "%-formatting", "format": ".format()", "+": "string concatenation"}[v.Op]
			sink := c.Callee + "()"
			at := check.Location{File: v.File, Line: v.Line}
			if worst == fromOutside {
				report(check.Finding{Location: at, Message: fmt.Sprintf("SQL built with %s from %s is passed to %s at line %d; bind values as parameters (text(\"... = :name\") with a dict, or %%s with a tuple for the driver)",
					how, quoteNames(names), sink, c.Line), Related: related(m.Path, c.Line, at)})
			} else {
				report(check.Finding{Location: at, Severity: check.Good, Message: fmt.Sprintf("SQL built with %s from %s, which come from a fixed list or configuration, is passed to %s at line %d; quote identifiers (psycopg.sql.Identifier, sqlalchemy quoted_name) rather than formatting them in",
					how, quoteNames(names), sink, c.Line), Related: related(m.Path, c.Line, at)})
			}
		}
	}
}

func related(file string, line int, at check.Location) []check.Location {
	if at.File == file && at.Line == line {
		return nil
	}
	return []check.Location{{File: file, Line: line, Note: "executed here"}}
}

// pyOrigin classifies one non-literal part of a formatted SQL text.
func pyOrigin(proj *python.Project, m *python.Module, c *python.Call, leaf *python.Value) origin {
	switch leaf.Kind {
	case python.Literal:
		return fromConstants
	case python.FromEnv:
		return fromFixedList
	}
	switch leaf.Conv {
	case "d", "i", "f", "e", "g", "x", "o", "u", "E", "F", "G", "X":
		return fromConstants // a number cannot carry SQL
	}
	e := leaf.Expr
	if e == nil {
		return fromOutside
	}
	if e.IsConstant() {
		return fromConstants // a constant tuple or number reached through names
	}
	if e.Kind == python.CallExpr {
		call := e.Call
		switch {
		case call.Callee == "int" || call.Callee == "float" || call.Callee == "len" || call.Callee == "bool":
			return fromConstants
		case call.Method == "join" && call.Receiver != nil && call.Receiver.Kind == python.Str:
			// ", ".join(["%s"] * len(ids)) writes placeholders; a join of a
			// constant list writes fixed names.
			if strings.Contains(e.Text, `"%s"`) || strings.Contains(e.Text, `'%s'`) || strings.Contains(e.Text, `"?"`) || strings.Contains(e.Text, `'?'`) || strings.Contains(e.Text, `"$`) || strings.Contains(e.Text, `":`) {
				return fromConstants
			}
			if a := call.Arg(0); a != nil {
				if av := proj.Eval(m, c.Func, a); av.Expr != nil && av.Expr.IsConstant() {
					return fromFixedList
				}
			}
		case strings.HasSuffix(call.Qualified, "sql.Identifier") || strings.HasSuffix(call.Qualified, "quoted_name"), quotes(call.Method):
			return fromConstants
		}
	}
	// A loop variable over a constant tuple: for t in ("a", "b").
	if e.Kind == python.Name {
		for _, l := range m.Loops {
			if l.Func != c.Func || e.Line < l.Line || e.Line > l.EndLine || l.Iter == nil {
				continue
			}
			for _, t := range l.Targets {
				if t != e.Value {
					continue
				}
				if it := proj.Eval(m, c.Func, l.Iter); it.Expr != nil && it.Expr.IsConstant() {
					return fromFixedList
				}
			}
		}
	}
	return fromOutside
}

func leafName(v *python.Value) string {
	if v.Kind == python.FromEnv {
		return "$" + v.Env
	}
	if v.Expr != nil && !strings.ContainsAny(v.Expr.Text, "\"'") {
		// Expression text with a string literal in it could carry a
		// secret (os.getenv("X", "default")): it is never quoted.
		t := v.Expr.Text
		if len(t) > 40 {
			t = t[:40] + "…"
		}
		return t
	}
	return "a value"
}

func quoteNames(names []string) string {
	seen := map[string]bool{}
	var out []string
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			out = append(out, "`"+n+"`")
		}
	}
	if len(out) > 3 {
		out = append(out[:3], "…")
	}
	return strings.Join(out, ", ")
}

// quotes: a function whose name says it quotes or escapes an identifier or
// a literal (quote_ident, QuoteIdentifier, ident, escape_literal).
func quotes(name string) bool {
	l := strings.ToLower(name)
	return strings.Contains(l, "quote") || strings.Contains(l, "escape") || strings.Contains(l, "sanitize") || l == "ident" || strings.HasSuffix(l, "ident") || strings.HasSuffix(l, "identifier") ||
		l == "literal" || strings.HasSuffix(l, "literal")
}
