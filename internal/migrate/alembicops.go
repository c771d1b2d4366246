package migrate

import (
	"strings"

	"github.com/pgreview/pgreview/internal/python"
)

// alembicStaticOps reads what an Alembic revision's upgrade() does from
// its op.* calls, for when no database ran: each call becomes the facts
// of the statement Alembic would emit for it. Only what the call says for
// certain is used (a type change is not guessed to rewrite).
func alembicStaticOps(m *Migration) []*op {
	if m.Source == nil {
		return nil
	}
	var ops []*op
	for _, c := range m.Source.Ops {
		f, ok := callFacts(c)
		if !ok {
			continue
		}
		ops = append(ops, &op{m: m, file: m.Source.File, line: c.Line, sql: "op." + c.Name + "(" + c.Args + ")", inTx: !c.Autocommit, facts: []facts{f}})
	}
	return ops
}

func strArg(c *python.Call, i int, kw string) string {
	e := c.Arg(i)
	if e == nil {
		e = c.Kwarg(kw)
	}
	if e != nil && e.Kind == python.CallExpr && e.Call != nil && e.Call.Method == "f" { // op.f("name")
		e = e.Call.Arg(0)
	}
	if e == nil || e.Kind != python.Str {
		return ""
	}
	return e.Value
}

func isTrue(e *python.Expr) bool { return e != nil && e.Kind == python.Const && e.Text == "True" }

func isFalse(e *python.Expr) bool { return e != nil && e.Kind == python.Const && e.Text == "False" }

func table(schema, name string) string {
	if name == "" {
		return ""
	}
	if schema == "" {
		schema = "public"
	}
	return schema + "." + name
}

// callFacts maps one op call to statement facts.
func callFacts(pc PyCall) (facts, bool) {
	c := pc.Call
	if c == nil {
		return facts{}, false
	}
	schema := ""
	if s := c.Kwarg("schema"); s != nil && s.Kind == python.Str {
		schema = s.Value
	}
	// batch_op calls have no table argument: it is the batch's.
	shift := 0
	t := ""
	if pc.Table != "" {
		t, shift = table(schema, pc.Table), -1
	}
	arg := func(i int, kw string) string { return strArg(c, i+shift, kw) }
	if t == "" {
		switch pc.Name {
		case "create_index", "create_foreign_key", "create_check_constraint", "create_unique_constraint", "create_primary_key":
			t = table(schema, arg(1, "table_name"))
		default:
			t = table(schema, arg(0, "table_name"))
		}
	}
	var f facts
	switch pc.Name {
	case "create_table":
		f.creates = []string{t}
	case "execute":
		sql := arg(0, "sqltext")
		if sql == "" {
			return f, false
		}
		fs := statementFacts(sql)
		if len(fs) != 1 {
			return f, false
		}
		return fs[0], true
	case "create_index":
		f.table, f.indexBuild, f.indexName = t, true, arg(0, "index_name")
		f.concurrent = isTrue(c.Kwarg("postgresql_concurrently"))
	case "create_foreign_key", "create_check_constraint":
		if isTrue(c.Kwarg("postgresql_not_valid")) {
			return f, false
		}
		kind := "FOREIGN KEY"
		if pc.Name == "create_check_constraint" {
			kind = "CHECK"
		}
		f.table, f.alters, f.constraint = t, true, strings.TrimSpace(kind+" "+arg(0, "constraint_name"))
	case "create_unique_constraint", "create_primary_key":
		kind := map[string]string{"create_unique_constraint": "UNIQUE", "create_primary_key": "PRIMARY KEY"}[pc.Name]
		f.table, f.alters, f.uniqueBuild = t, true, strings.TrimSpace(kind+" "+arg(0, "constraint_name"))
	case "add_column":
		f.table, f.alters = t, true
		if col := c.Arg(1 + shift); col != nil && col.Kind == python.CallExpr && col.Call != nil {
			if d := col.Call.Kwarg("server_default"); d != nil && d.Kind == python.CallExpr && d.Call != nil && d.Call.Method == "text" {
				if sql := d.Call.Arg(0); sql != nil && sql.Kind == python.Str {
					if fn := volatileName(sql.Value); fn != "" {
						f.volatileDef, f.volatileFn = strArgOf(col.Call, 0), fn
					}
				}
			}
		}
	case "alter_column":
		f.table, f.alters = t, true
		colName := arg(1, "column_name")
		if isFalse(c.Kwarg("nullable")) {
			f.setNotNull = colName
		}
		if n := c.Kwarg("new_column_name"); n != nil && n.Kind == python.Str {
			f.renames = append(f.renames, "column "+t+"."+colName+" to "+n.Value)
		}
	case "drop_column":
		f.table, f.alters = t, true
		f.drops = append(f.drops, "column "+t+"."+arg(1, "column_name"))
	case "drop_table":
		f.table, f.alters = t, true
		f.drops = append(f.drops, "table "+t)
	case "rename_table":
		f.table, f.alters = t, true
		f.renames = append(f.renames, "table "+t+" to "+arg(1, "new_table_name"))
	default:
		return f, false
	}
	return f, f.table != "" || len(f.creates) > 0
}

func strArgOf(c *python.Call, i int) string {
	if e := c.Arg(i); e != nil && e.Kind == python.Str {
		return e.Value
	}
	return ""
}

// volatileName returns the volatile function a default expression calls.
func volatileName(expr string) string {
	tree := statementFacts("ALTER TABLE t ADD COLUMN c int DEFAULT " + expr)
	if len(tree) == 1 {
		return tree[0].volatileFn
	}
	return ""
}
