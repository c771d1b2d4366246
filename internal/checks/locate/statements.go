package locate

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// Statement is one SQL statement and where it is.
type Statement struct {
	SQL  string
	File string
	Line int
}

// Origin is where a statement that defines an object is.
type Origin struct {
	File string
	Line int
}

// Index maps what statements define to where they are. Keys are
// "kind:name": table:public.orders, column:public.orders.user_id,
// constraint:public.orders.orders_user_id_fkey, index:public.orders_idx,
// function:public.touch, trigger:public.orders.touch, type:public.status,
// view:..., sequence:..., extension:pgcrypto, role:app, setting:work_mem,
// reloptions:public.orders, grant-public:public.orders, default-acl-public.
//
// A column's origin is the last statement that set its type (CREATE
// TABLE, ADD COLUMN, ALTER COLUMN TYPE); everything else's is the first
// statement that created it.
type Index map[string]Origin

// BuildIndex parses statements in order. Statements that do not parse
// (a DO block's body is not looked into) are skipped.
func BuildIndex(stmts []Statement) Index {
	ix := Index{}
	for _, st := range stmts {
		tree, err := pg_query.Parse(st.SQL)
		if err != nil {
			continue
		}
		at := Origin{File: st.File, Line: st.Line}
		for _, raw := range tree.Stmts {
			ix.add(raw.Stmt, at)
		}
	}
	return ix
}

func (ix Index) first(key string, at Origin) {
	if _, ok := ix[key]; !ok {
		ix[key] = at
	}
}

func (ix Index) add(n *pg_query.Node, at Origin) {
	switch s := n.Node.(type) {
	case *pg_query.Node_CreateStmt:
		table := qualify(s.CreateStmt.Relation)
		ix.first("table:"+table, at)
		for _, opt := range s.CreateStmt.Options {
			if opt.GetDefElem() != nil {
				ix.first("reloptions:"+table, at)
			}
		}
		for _, elt := range s.CreateStmt.TableElts {
			switch e := elt.Node.(type) {
			case *pg_query.Node_ColumnDef:
				ix["column:"+table+"."+e.ColumnDef.Colname] = at
				for _, c := range e.ColumnDef.Constraints {
					if name := c.GetConstraint().GetConname(); name != "" {
						ix.first("constraint:"+table+"."+name, at)
					}
				}
			case *pg_query.Node_Constraint:
				if e.Constraint.Conname != "" {
					ix.first("constraint:"+table+"."+e.Constraint.Conname, at)
				}
			}
		}
	case *pg_query.Node_CreateTableAsStmt:
		if into := s.CreateTableAsStmt.Into; into != nil {
			kind := "table:"
			if s.CreateTableAsStmt.Objtype == pg_query.ObjectType_OBJECT_MATVIEW {
				kind = "view:"
			}
			ix.first(kind+qualify(into.Rel), at)
		}
	case *pg_query.Node_AlterTableStmt:
		ix.alterTable(s.AlterTableStmt, at)
	case *pg_query.Node_IndexStmt:
		if s.IndexStmt.Idxname != "" {
			ix.first("index:"+schemaOf(s.IndexStmt.Relation)+"."+s.IndexStmt.Idxname, at)
		}
	case *pg_query.Node_ViewStmt:
		ix.first("view:"+qualify(s.ViewStmt.View), at)
	case *pg_query.Node_CreateSeqStmt:
		ix.first("sequence:"+qualify(s.CreateSeqStmt.Sequence), at)
	case *pg_query.Node_CreateFunctionStmt:
		ix.first("function:"+qualifyNames(s.CreateFunctionStmt.Funcname), at)
	case *pg_query.Node_CreateTrigStmt:
		ix.first("trigger:"+qualify(s.CreateTrigStmt.Relation)+"."+s.CreateTrigStmt.Trigname, at)
	case *pg_query.Node_CreateEnumStmt:
		ix.first("type:"+qualifyNames(s.CreateEnumStmt.TypeName), at)
	case *pg_query.Node_CreateDomainStmt:
		ix.first("type:"+qualifyNames(s.CreateDomainStmt.Domainname), at)
	case *pg_query.Node_CreateExtensionStmt:
		ix.first("extension:"+s.CreateExtensionStmt.Extname, at)
	case *pg_query.Node_CreateRoleStmt:
		ix.first("role:"+s.CreateRoleStmt.Role, at)
	case *pg_query.Node_AlterRoleStmt:
		ix.first("role:"+s.AlterRoleStmt.GetRole().GetRolename(), at)
	case *pg_query.Node_AlterSystemStmt:
		ix["setting:"+s.AlterSystemStmt.GetSetstmt().GetName()] = at
	case *pg_query.Node_AlterDatabaseSetStmt:
		ix["setting:"+s.AlterDatabaseSetStmt.GetSetstmt().GetName()] = at
	case *pg_query.Node_AlterRoleSetStmt:
		ix["setting:"+s.AlterRoleSetStmt.GetSetstmt().GetName()] = at
	case *pg_query.Node_GrantStmt:
		ix.grant(s.GrantStmt, "grant-public:", at)
	case *pg_query.Node_AlterDefaultPrivilegesStmt:
		if g := s.AlterDefaultPrivilegesStmt.Action; g != nil && g.IsGrant && toPublic(g) {
			ix.first("default-acl-public", at)
		}
	}
}

func (ix Index) alterTable(s *pg_query.AlterTableStmt, at Origin) {
	table := qualify(s.Relation)
	for _, c := range s.Cmds {
		cmd := c.GetAlterTableCmd()
		if cmd == nil {
			continue
		}
		switch cmd.Subtype {
		case pg_query.AlterTableType_AT_AddColumn:
			if def := cmd.Def.GetColumnDef(); def != nil {
				ix["column:"+table+"."+def.Colname] = at
				for _, k := range def.Constraints {
					if name := k.GetConstraint().GetConname(); name != "" {
						ix.first("constraint:"+table+"."+name, at)
					}
				}
			}
		case pg_query.AlterTableType_AT_AlterColumnType:
			ix["column:"+table+"."+cmd.Name] = at
		case pg_query.AlterTableType_AT_AddConstraint:
			if name := cmd.Def.GetConstraint().GetConname(); name != "" {
				ix.first("constraint:"+table+"."+name, at)
			}
		case pg_query.AlterTableType_AT_SetRelOptions:
			ix["reloptions:"+table] = at
		}
	}
}

func (ix Index) grant(g *pg_query.GrantStmt, prefix string, at Origin) {
	if !g.IsGrant || !toPublic(g) {
		return
	}
	if g.Targtype == pg_query.GrantTargetType_ACL_TARGET_ALL_IN_SCHEMA {
		for _, o := range g.Objects {
			ix.first(prefix+"all-in:"+o.GetString_().GetSval(), at)
		}
		return
	}
	// Each object is indexed alone and per privilege ("grant-public:
	// create:reports"), so a later GRANT CREATE is found apart from an
	// earlier GRANT USAGE on the same schema.
	privs := []string{"all"}
	for _, pr := range g.Privileges {
		if name := pr.GetAccessPriv().GetPrivName(); name != "" {
			privs = append(privs, name)
		}
	}
	for _, o := range g.Objects {
		var name string
		switch {
		case o.GetRangeVar() != nil:
			name = qualify(o.GetRangeVar())
		case o.GetObjectWithArgs() != nil:
			name = qualifyNames(o.GetObjectWithArgs().Objname)
		case o.GetString_() != nil: // a schema or a database
			name = o.GetString_().GetSval()
		default:
			continue
		}
		ix.first(prefix+name, at)
		for _, pr := range privs {
			ix.first(prefix+pr+":"+name, at)
		}
	}
}

func toPublic(g *pg_query.GrantStmt) bool {
	for _, r := range g.Grantees {
		if r.GetRoleSpec().GetRoletype() == pg_query.RoleSpecType_ROLESPEC_PUBLIC {
			return true
		}
	}
	return false
}

func schemaOf(rv *pg_query.RangeVar) string {
	if rv == nil || rv.Schemaname == "" {
		return "public"
	}
	return rv.Schemaname
}

func qualify(rv *pg_query.RangeVar) string {
	if rv == nil {
		return ""
	}
	return schemaOf(rv) + "." + rv.Relname
}

// qualifyNames joins a list of String nodes (schema, name) with public
// for an unqualified name.
func qualifyNames(names []*pg_query.Node) string {
	var parts []string
	for _, n := range names {
		parts = append(parts, n.GetString_().GetSval())
	}
	if len(parts) == 1 {
		parts = append([]string{"public"}, parts...)
	}
	return strings.Join(parts, ".")
}
