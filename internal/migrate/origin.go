package migrate

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// recordOrigins notes which statement created each table, index, view and
// sequence, so schema findings can point at the migration line to change.
// Objects without a schema are taken to be in public.
func (r *Result) recordOrigins(stmts []ExecutedStatement) {
	if r.origins == nil {
		r.origins = map[string]origin{}
	}
	for _, st := range stmts {
		for _, name := range createdObjects(st.SQL) {
			if _, seen := r.origins[name]; !seen {
				r.origins[name] = origin{file: st.File, line: st.Line}
			}
		}
	}
}

// createdObjects parses one statement and returns the qualified names of
// the objects it creates.
func createdObjects(sql string) []string {
	tree, err := pg_query.Parse(sql)
	if err != nil {
		return nil
	}
	var out []string
	for _, raw := range tree.Stmts {
		switch n := raw.Stmt.Node.(type) {
		case *pg_query.Node_CreateStmt:
			out = append(out, qualify(n.CreateStmt.Relation))
		case *pg_query.Node_CreateTableAsStmt:
			if n.CreateTableAsStmt.Into != nil {
				out = append(out, qualify(n.CreateTableAsStmt.Into.Rel))
			}
		case *pg_query.Node_IndexStmt:
			if n.IndexStmt.Idxname != "" {
				schema := n.IndexStmt.Relation.GetSchemaname()
				if schema == "" {
					schema = "public"
				}
				out = append(out, schema+"."+n.IndexStmt.Idxname)
			}
		case *pg_query.Node_ViewStmt:
			out = append(out, qualify(n.ViewStmt.View))
		case *pg_query.Node_CreateSeqStmt:
			out = append(out, qualify(n.CreateSeqStmt.Sequence))
		}
	}
	return out
}

func qualify(rv *pg_query.RangeVar) string {
	if rv == nil {
		return ""
	}
	schema := rv.Schemaname
	if schema == "" {
		schema = "public"
	}
	return schema + "." + rv.Relname
}

// originOf looks object up, then its parents: public.orders.user_id falls
// back to the table public.orders.
func (r *Result) originOf(object string) (origin, bool) {
	for name := object; name != ""; {
		if o, ok := r.origins[name]; ok {
			return o, true
		}
		i := strings.LastIndex(name, ".")
		if i <= 0 || strings.Count(name, ".") < 2 {
			break
		}
		name = name[:i]
	}
	return origin{}, false
}
