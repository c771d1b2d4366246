package logic

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/dbcode"
	"github.com/pgreview/pgreview/internal/python"
)

// LazyLoadInLoop finds lazy relationships read in a loop over query
// results: the N+1 that the ORM hides.
var LazyLoadInLoop = &check.Check{
	Name:     "lazy-load-in-loop",
	Item:     "6.3",
	Severity: check.Good,
	Doc: `Eager-load relationships that are read in a loop.

A relationship with the default lazy="select" loads on first access: reading
order.user inside "for order in orders" runs one SELECT per order, on top of
the query that fetched the orders. Load it with the query:

  orders = session.scalars(select(Order).options(selectinload(Order.user))).all()

or declare the relationship with lazy="selectin" when it is almost always
read. lazy="raise" makes a forgotten option fail loudly in tests.`,
	Run: runLazyLoadInLoop,
}

func runLazyLoadInLoop(p *check.Pass) error {
	if dbcode.NoDatabase(p) {
		return nil
	}
	px := dbcode.PythonIndex(p.Repo)
	if len(px.Models) == 0 {
		return nil
	}
	for _, pm := range px.AppModules() {
		for _, l := range pm.Loops {
			if l.Iter == nil || len(l.Targets) != 1 {
				continue
			}
			q := entityQuery(px, pm, l.Iter, l.Line, l.Func, 0)
			if q == nil {
				continue
			}
			model := px.Models[q.model]
			target := l.Targets[0]
			reported := map[string]bool{}
			for _, a := range l.Attrs {
				rest, ok := strings.CutPrefix(a.Value, target+".")
				if !ok {
					continue
				}
				name, _, _ := strings.Cut(rest, ".")
				rel := model.Relationships[name]
				if rel == nil || !rel.LoadsOnAccess() || reported[name] || q.eager(name) {
					continue
				}
				reported[name] = true
				p.Report(check.Finding{
					Location: at(pm.Path, a.Line),
					Message:  fmt.Sprintf("%s.%s is loaded lazily, once per %s of the query at line %d: N+1 queries; add .options(selectinload(%s.%s)) to the query, or lazy=\"selectin\" on the relationship", target, name, q.model, q.line, q.model, name),
					Related:  []check.Location{{File: model.File, Line: rel.Line, Note: "relationship"}},
				})
			}
		}
	}
	return nil
}

// query is what a loop iterates: the entities of one ORM query.
type query struct {
	model   string
	line    int
	options []string // the text of .options(...) arguments
}

var eagerLoader = regexp.MustCompile(`(joinedload|selectinload|subqueryload|contains_eager|immediateload|raiseload|noload)\s*\(`)

// eager reports whether the query loads a relationship up front.
func (q *query) eager(rel string) bool {
	for _, o := range q.options {
		if eagerLoader.MatchString(o) && (strings.Contains(o, "."+rel) || strings.Contains(o, `"`+rel+`"`) || strings.Contains(o, "'"+rel+"'") || strings.Contains(o, `"*"`)) {
			return true
		}
	}
	return false
}

// entityQuery reads what an expression iterates: session.scalars(select(M)),
// session.query(M), M.query, session.exec(select(M)) (SQLModel), possibly
// through a local name or a repository function that returns one.
func entityQuery(px *dbcode.Python, pm *dbcode.PyModule, e *python.Expr, line int, fn *python.Func, depth int) *query {
	if e == nil || depth > 3 {
		return nil
	}
	switch e.Kind {
	case python.Name:
		for i := len(pm.Assigns) - 1; i >= 0; i-- {
			a := pm.Assigns[i]
			if a.Func == fn && a.Line < line && len(a.Targets) == 1 && a.Targets[0] == e.Value && a.Value != nil {
				return entityQuery(px, pm, a.Value, a.Line, fn, depth+1)
			}
		}
	case python.CallExpr:
		q := &query{line: e.Line}
		yields := false
		for c := e.Call; c != nil; {
			switch c.Method {
			case "scalars", "exec":
				yields = true
				if a := c.Arg(0); a != nil {
					for _, v := range valuesOf(pm, a, fn, line) {
						if inner := selectOf(px, v); inner != "" {
							q.model = inner
						}
						collectOptions(q, v)
					}
				}
			case "query":
				if a := c.Arg(0); a != nil && a.Kind == python.Name && px.Models[a.Value] != nil {
					yields, q.model = true, a.Value
				}
			case "options":
				for _, a := range c.Args {
					q.options = append(q.options, a.Text)
				}
			}
			if root, _, ok := strings.Cut(c.Callee, ".query."); ok && px.Models[root] != nil {
				yields, q.model = true, root
			}
			if c.Receiver == nil || c.Receiver.Kind != python.CallExpr {
				break
			}
			c = c.Receiver.Call
		}
		if yields && q.model != "" {
			return q
		}
		// A repository function that returns such a query's results.
		if callee := px.Callee(pm, e.Call); callee != nil {
			for _, r := range callee.Returns {
				if q := entityQuery(px, callee.Module, r, r.Line+1, callee.Func, depth+1); q != nil {
					return q
				}
			}
		}
	}
	return nil
}

// valuesOf is an expression, or for a name the values assigned to it in
// the function before line: stmt = select(M); stmt = stmt.options(...).
func valuesOf(pm *dbcode.PyModule, e *python.Expr, fn *python.Func, line int) []*python.Expr {
	if e.Kind != python.Name {
		return []*python.Expr{e}
	}
	var out []*python.Expr
	for _, a := range pm.Assigns {
		if a.Func == fn && a.Line < line && len(a.Targets) == 1 && a.Targets[0] == e.Value && a.Value != nil {
			out = append(out, a.Value)
		}
	}
	return out
}

// selectOf returns the model of select(M), possibly chained with where,
// order_by or options.
func selectOf(px *dbcode.Python, e *python.Expr) string {
	for c := callOf(e); c != nil; c = callOf(c.Receiver) {
		if c.Method == "select" {
			if a := c.Arg(0); a != nil && a.Kind == python.Name && px.Models[a.Value] != nil && len(c.Args) == 1 {
				return a.Value
			}
		}
	}
	return ""
}

func collectOptions(q *query, e *python.Expr) {
	for c := callOf(e); c != nil; c = callOf(c.Receiver) {
		if c.Method == "options" {
			for _, a := range c.Args {
				q.options = append(q.options, a.Text)
			}
		}
	}
}

func callOf(e *python.Expr) *python.Call {
	if e == nil || e.Kind != python.CallExpr {
		return nil
	}
	return e.Call
}
