package migrate

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// facts is what one statement does, read with Postgres' own parser: the
// static half of the hazard analysis (the trace is the other half).
type facts struct {
	table       string   // the existing table it alters or indexes, qualified
	creates     []string // tables it creates
	indexBuild  bool     // CREATE INDEX
	concurrent  bool     // ... CONCURRENTLY
	indexName   string
	constraint  string // a constraint added with a validating scan: "FOREIGN KEY orders_user_fk"
	uniqueBuild string // a UNIQUE/PRIMARY KEY constraint that builds its index under ACCESS EXCLUSIVE
	setNotNull  string // column
	typeChange  string // column
	typeTarget  string
	volatileDef string // column whose new default is volatile
	volatileFn  string
	drops       []string // "table public.x", "column public.x.c"
	renames     []string
	dml         bool
	alters      bool    // takes ACCESS EXCLUSIVE on table (ALTER TABLE, DROP, RENAME)
	lockTimeout *string // SET [LOCAL] lock_timeout = ...
	localSet    bool
}

// volatileFuncs are functions whose value differs per row: as a column
// default they make ADD COLUMN rewrite the table.
var volatileFuncs = map[string]bool{
	"random": true, "gen_random_uuid": true, "uuid_generate_v1": true, "uuid_generate_v1mc": true, "uuid_generate_v4": true,
	"clock_timestamp": true, "timeofday": true, "nextval": true, "txid_current": true, "random_normal": true, "uuidv7": true, "uuidv4": true,
}

func qualifyName(rv *pg_query.RangeVar) string {
	if rv == nil {
		return ""
	}
	return qualify(rv)
}

// statementFacts parses one statement; unparseable SQL yields nothing.
func statementFacts(sql string) []facts {
	tree, err := pg_query.Parse(sql)
	if err != nil {
		return nil
	}
	var out []facts
	for _, raw := range tree.Stmts {
		out = append(out, nodeFacts(raw.Stmt))
	}
	return out
}

func nodeFacts(n *pg_query.Node) facts {
	var f facts
	switch s := n.Node.(type) {
	case *pg_query.Node_CreateStmt:
		f.creates = append(f.creates, qualifyName(s.CreateStmt.Relation))
	case *pg_query.Node_CreateTableAsStmt:
		if s.CreateTableAsStmt.Into != nil {
			f.creates = append(f.creates, qualifyName(s.CreateTableAsStmt.Into.Rel))
		}
	case *pg_query.Node_IndexStmt:
		f.table, f.indexBuild, f.concurrent, f.indexName = qualifyName(s.IndexStmt.Relation), true, s.IndexStmt.Concurrent, s.IndexStmt.Idxname
	case *pg_query.Node_AlterTableStmt:
		if s.AlterTableStmt.Objtype != pg_query.ObjectType_OBJECT_TABLE {
			break
		}
		f.table, f.alters = qualifyName(s.AlterTableStmt.Relation), true
		for _, c := range s.AlterTableStmt.Cmds {
			alterCmdFacts(&f, c.GetAlterTableCmd())
		}
	case *pg_query.Node_RenameStmt:
		r := s.RenameStmt
		switch r.RenameType {
		case pg_query.ObjectType_OBJECT_TABLE:
			f.table, f.alters = qualifyName(r.Relation), true
			f.renames = append(f.renames, "table "+f.table+" to "+r.Newname)
		case pg_query.ObjectType_OBJECT_COLUMN:
			f.table, f.alters = qualifyName(r.Relation), true
			f.renames = append(f.renames, "column "+f.table+"."+r.Subname+" to "+r.Newname)
		}
	case *pg_query.Node_DropStmt:
		if s.DropStmt.RemoveType == pg_query.ObjectType_OBJECT_TABLE {
			for _, obj := range s.DropStmt.Objects {
				var parts []string
				for _, p := range obj.GetList().GetItems() {
					parts = append(parts, p.GetString_().GetSval())
				}
				if len(parts) == 1 {
					parts = append([]string{"public"}, parts...)
				}
				name := strings.Join(parts, ".")
				f.drops = append(f.drops, "table "+name)
				f.table, f.alters = name, true
			}
		}
	case *pg_query.Node_UpdateStmt, *pg_query.Node_DeleteStmt, *pg_query.Node_InsertStmt:
		f.dml = true
	case *pg_query.Node_VariableSetStmt:
		v := s.VariableSetStmt
		if v.Name == "lock_timeout" {
			val := "0"
			if v.Kind == pg_query.VariableSetKind_VAR_SET_VALUE && len(v.Args) > 0 {
				val = constString(v.Args[0])
			}
			f.lockTimeout, f.localSet = &val, v.IsLocal
		}
	}
	return f
}

func alterCmdFacts(f *facts, c *pg_query.AlterTableCmd) {
	if c == nil {
		return
	}
	switch c.Subtype {
	case pg_query.AlterTableType_AT_AddColumn:
		col := c.GetDef().GetColumnDef()
		for _, cn := range col.GetConstraints() {
			con := cn.GetConstraint()
			switch con.GetContype() {
			case pg_query.ConstrType_CONSTR_DEFAULT:
				if fn := volatileCall(con.GetRawExpr()); fn != "" {
					f.volatileDef, f.volatileFn = col.GetColname(), fn
				}
			case pg_query.ConstrType_CONSTR_UNIQUE, pg_query.ConstrType_CONSTR_PRIMARY:
				f.uniqueBuild = strings.ToUpper(strings.TrimPrefix(con.GetContype().String(), "CONSTR_")) + " on new column " + col.GetColname()
			}
		}
	case pg_query.AlterTableType_AT_AddConstraint:
		con := c.GetDef().GetConstraint()
		switch con.GetContype() {
		case pg_query.ConstrType_CONSTR_FOREIGN, pg_query.ConstrType_CONSTR_CHECK:
			if !con.GetSkipValidation() {
				kind := "FOREIGN KEY"
				if con.GetContype() == pg_query.ConstrType_CONSTR_CHECK {
					kind = "CHECK"
				}
				f.constraint = strings.TrimSpace(kind + " " + con.GetConname())
			}
		case pg_query.ConstrType_CONSTR_UNIQUE, pg_query.ConstrType_CONSTR_PRIMARY, pg_query.ConstrType_CONSTR_EXCLUSION:
			if con.GetIndexname() == "" {
				kind := map[pg_query.ConstrType]string{pg_query.ConstrType_CONSTR_UNIQUE: "UNIQUE", pg_query.ConstrType_CONSTR_PRIMARY: "PRIMARY KEY", pg_query.ConstrType_CONSTR_EXCLUSION: "EXCLUDE"}[con.GetContype()]
				f.uniqueBuild = strings.TrimSpace(kind + " " + con.GetConname())
			}
		}
	case pg_query.AlterTableType_AT_SetNotNull:
		f.setNotNull = c.Name
	case pg_query.AlterTableType_AT_AlterColumnType:
		f.typeChange = c.Name
		f.typeTarget = typeName(c.GetDef().GetColumnDef().GetTypeName())
	case pg_query.AlterTableType_AT_DropColumn:
		f.drops = append(f.drops, "column "+f.table+"."+c.Name)
	case pg_query.AlterTableType_AT_ColumnDefault:
		// SET DEFAULT changes no rows and takes the lock only briefly
	}
}

func volatileCall(n *pg_query.Node) string {
	if n == nil {
		return ""
	}
	if fc := n.GetFuncCall(); fc != nil {
		names := fc.GetFuncname()
		name := names[len(names)-1].GetString_().GetSval()
		if volatileFuncs[strings.ToLower(name)] {
			return name + "()"
		}
		for _, a := range fc.GetArgs() {
			if v := volatileCall(a); v != "" {
				return v
			}
		}
	}
	if tc := n.GetTypeCast(); tc != nil {
		return volatileCall(tc.GetArg())
	}
	return ""
}

func typeName(t *pg_query.TypeName) string {
	if t == nil {
		return ""
	}
	var parts []string
	for _, n := range t.GetNames() {
		if s := n.GetString_().GetSval(); s != "pg_catalog" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, ".")
}

func constString(n *pg_query.Node) string {
	if c := n.GetAConst(); c != nil {
		switch {
		case c.GetSval() != nil:
			return c.GetSval().GetSval()
		case c.GetIval() != nil:
			return itoa(int(c.GetIval().GetIval()))
		}
	}
	return "?"
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	if neg {
		return "-" + string(b)
	}
	return string(b)
}
