package catalog

import (
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"
)

// userNamespace restricts a namespace OID column to the application's
// schemas: no system schemas, no migration tool's or pgreview's own.
func userNamespace(col string) string {
	tools := make([]string, 0, len(ToolSchemas))
	for s := range ToolSchemas {
		tools = append(tools, "'"+s+"'")
	}
	sort.Strings(tools)
	return col + ` NOT IN (SELECT oid FROM pg_namespace WHERE nspname IN ('pg_catalog', 'information_schema', 'pg_toast', ` +
		strings.Join(tools, ", ") + `) OR nspname LIKE 'pg\_temp\_%' OR nspname LIKE 'pg\_toast\_temp\_%')`
}

// notExtensionMember drops objects that an extension created.
func notExtensionMember(catalog, col string) string {
	return `NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '` + catalog + `'::regclass AND d.objid = ` + col + ` AND d.deptype = 'e')`
}

// userRelations restricts pg_class rows (alias c) to the application's.
func userRelations() string {
	return userNamespace("c.relnamespace") + " AND " + notExtensionMember("pg_class", "c.oid")
}

func schemasQuery(*Snapshot) string {
	return `
		SELECT n.oid, n.nspname, pg_get_userbyid(n.nspowner), coalesce(obj_description(n.oid, 'pg_namespace'), '')
		FROM pg_namespace n
		WHERE ` + userNamespace("n.oid") + ` AND ` + notExtensionMember("pg_namespace", "n.oid") + `
		ORDER BY n.nspname`
}

func scanSchemas(s *Snapshot, rows pgx.Rows) error {
	n := &Schema{}
	if err := rows.Scan(&n.OID, &n.Name, &n.Owner, &n.Comment); err != nil {
		return err
	}
	s.Schemas = append(s.Schemas, n)
	return nil
}

func tablesQuery(*Snapshot) string {
	return `
		SELECT c.oid, n.nspname, c.relname, c.relkind::text, pg_get_userbyid(c.relowner),
		       coalesce(obj_description(c.oid, 'pg_class'), ''), c.relispartition,
		       ARRAY(SELECT i.inhparent FROM pg_inherits i WHERE i.inhrelid = c.oid AND NOT c.relispartition ORDER BY i.inhseqno),
		       coalesce(c.reloptions, '{}'), coalesce(t.reloptions, '{}'), c.relpersistence::text, c.relrowsecurity
		FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace
		LEFT JOIN pg_class t ON t.oid = c.reltoastrelid
		WHERE c.relkind IN ('r', 'p') AND ` + userRelations()
}

func scanTables(s *Snapshot, rows pgx.Rows) error {
	t := &Table{}
	if err := rows.Scan(&t.OID, &t.Schema, &t.Name, &t.Kind, &t.Owner, &t.Comment, &t.Partition, &t.Inherits,
		&t.Options, &t.ToastOptions, &t.Persistence, &t.RowSecurity); err != nil {
		return err
	}
	if ToolTables[t.Name] {
		return nil
	}
	s.Tables = append(s.Tables, t)
	s.tablesByOID[t.OID] = t
	return nil
}

func columnsQuery(*Snapshot) string {
	return `
		SELECT a.attrelid, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod), a.atttypid,
		       CASE WHEN ty.typtype = 'd' THEN ty.typbasetype ELSE a.atttypid END, a.attnotnull,
		       CASE WHEN a.attgenerated = '' THEN coalesce(pg_get_expr(ad.adbin, ad.adrelid), '') ELSE '' END,
		       a.attidentity::text,
		       CASE WHEN a.attgenerated <> '' THEN coalesce(pg_get_expr(ad.adbin, ad.adrelid), '') ELSE '' END,
		       coalesce(col_description(a.attrelid, a.attnum), ''), NOT a.attislocal
		FROM pg_attribute a
		JOIN pg_class c ON c.oid = a.attrelid
		JOIN pg_type ty ON ty.oid = a.atttypid
		LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
		WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p') AND ` + userRelations() + `
		ORDER BY a.attrelid, a.attnum`
}

func scanColumns(s *Snapshot, rows pgx.Rows) error {
	var rel uint32
	c := &Column{}
	if err := rows.Scan(&rel, &c.Num, &c.Name, &c.Type, &c.TypeOID, &c.BaseTypeOID, &c.NotNull, &c.Default,
		&c.Identity, &c.Generated, &c.Comment, &c.Inherited); err != nil {
		return err
	}
	if t := s.tablesByOID[rel]; t != nil {
		t.Columns = append(t.Columns, c)
	}
	return nil
}

func indexesQuery(*Snapshot) string {
	return `
		SELECT i.indexrelid, n.nspname, c.relname, i.indrelid, i.indkey::int2[], i.indnkeyatts,
		       ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true) FROM generate_series(1, i.indnatts) k),
		       i.indclass::oid[], i.indcollation::oid[], i.indoption::int2[],
		       i.indisunique, i.indisprimary, i.indisvalid,
		       coalesce(pg_get_expr(i.indpred, i.indrelid), ''), coalesce(pg_get_expr(i.indexprs, i.indrelid), ''),
		       am.amname, pg_get_indexdef(i.indexrelid)
		FROM pg_index i
		JOIN pg_class c ON c.oid = i.indexrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace
		JOIN pg_am am ON am.oid = c.relam
		WHERE ` + userRelations()
}

func scanIndexes(s *Snapshot, rows pgx.Rows) error {
	ix := &Index{}
	if err := rows.Scan(&ix.OID, &ix.Schema, &ix.Name, &ix.TableOID, &ix.Columns, &ix.KeyColumns, &ix.ColumnDefs,
		&ix.OpClasses, &ix.Collations, &ix.Options, &ix.Unique, &ix.Primary, &ix.Valid,
		&ix.Predicate, &ix.Expressions, &ix.Method, &ix.Definition); err != nil {
		return err
	}
	if s.tablesByOID[ix.TableOID] != nil {
		s.Indexes = append(s.Indexes, ix)
	}
	return nil
}

func constraintsQuery(*Snapshot) string {
	return `
		SELECT c.oid, c.conname, c.contype::text, c.conrelid, coalesce(c.conkey, '{}'), c.confrelid, coalesce(c.confkey, '{}'),
		       c.convalidated, pg_get_constraintdef(c.oid), c.conindid, c.conparentid, c.conislocal
		FROM pg_constraint c
		WHERE c.conrelid <> 0 AND ` + userNamespace("c.connamespace")
}

func scanConstraints(s *Snapshot, rows pgx.Rows) error {
	k := &Constraint{}
	if err := rows.Scan(&k.OID, &k.Name, &k.Type, &k.TableOID, &k.Columns, &k.RefTableOID, &k.RefColumns,
		&k.Validated, &k.Definition, &k.IndexOID, &k.ParentOID, &k.Local); err != nil {
		return err
	}
	if s.tablesByOID[k.TableOID] != nil {
		s.Constraints = append(s.Constraints, k)
	}
	return nil
}

func sequencesQuery(*Snapshot) string {
	return `
		SELECT c.oid, n.nspname, c.relname, format_type(s.seqtypid, NULL), s.seqmax, pg_get_userbyid(c.relowner),
		       coalesce(d.refobjid, 0), coalesce(d.refobjsubid, 0)::int2, coalesce(d.deptype = 'i', false)
		FROM pg_sequence s
		JOIN pg_class c ON c.oid = s.seqrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace
		LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid
		     AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
		WHERE ` + userRelations() + `
		ORDER BY n.nspname, c.relname`
}

func scanSequences(s *Snapshot, rows pgx.Rows) error {
	q := &Sequence{}
	if err := rows.Scan(&q.OID, &q.Schema, &q.Name, &q.Type, &q.Max, &q.Owner, &q.OwnedByTable, &q.OwnedByColumn, &q.Identity); err != nil {
		return err
	}
	// A sequence owned by a tool's table belongs to the tool.
	if q.OwnedByTable != 0 && s.tablesByOID[q.OwnedByTable] == nil {
		return nil
	}
	s.Sequences = append(s.Sequences, q)
	return nil
}

func enumsQuery(*Snapshot) string {
	return `
		SELECT t.oid, n.nspname, t.typname,
		       ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder)
		FROM pg_type t
		JOIN pg_namespace n ON n.oid = t.typnamespace
		WHERE t.typtype = 'e' AND ` + userNamespace("t.typnamespace") + ` AND ` + notExtensionMember("pg_type", "t.oid") + `
		ORDER BY n.nspname, t.typname`
}

func scanEnums(s *Snapshot, rows pgx.Rows) error {
	e := &Enum{}
	if err := rows.Scan(&e.OID, &e.Schema, &e.Name, &e.Labels); err != nil {
		return err
	}
	s.Enums = append(s.Enums, e)
	return nil
}

func viewsQuery(*Snapshot) string {
	return `
		SELECT c.oid, n.nspname, c.relname, c.relkind::text, pg_get_userbyid(c.relowner), coalesce(c.reloptions, '{}'),
		       coalesce(obj_description(c.oid, 'pg_class'), ''), coalesce(pg_get_viewdef(c.oid), '')
		FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind IN ('v', 'm') AND ` + userRelations() + `
		ORDER BY n.nspname, c.relname`
}

func scanViews(s *Snapshot, rows pgx.Rows) error {
	v := &View{}
	if err := rows.Scan(&v.OID, &v.Schema, &v.Name, &v.Kind, &v.Owner, &v.Options, &v.Comment, &v.Definition); err != nil {
		return err
	}
	s.Views = append(s.Views, v)
	return nil
}

func functionsQuery(*Snapshot) string {
	return `
		SELECT p.oid, n.nspname, p.proname, pg_get_function_identity_arguments(p.oid),
		       coalesce(pg_get_function_result(p.oid), ''), p.prokind::text, l.lanname, pg_get_userbyid(p.proowner),
		       p.prosecdef, coalesce(p.proconfig, '{}'), coalesce(obj_description(p.oid, 'pg_proc'), '')
		FROM pg_proc p
		JOIN pg_namespace n ON n.oid = p.pronamespace
		JOIN pg_language l ON l.oid = p.prolang
		WHERE ` + userNamespace("p.pronamespace") + ` AND ` + notExtensionMember("pg_proc", "p.oid") + `
		ORDER BY n.nspname, p.proname, 4`
}

func scanFunctions(s *Snapshot, rows pgx.Rows) error {
	f := &Function{}
	if err := rows.Scan(&f.OID, &f.Schema, &f.Name, &f.Arguments, &f.Result, &f.Kind, &f.Language, &f.Owner,
		&f.SecurityDefiner, &f.Config, &f.Comment); err != nil {
		return err
	}
	s.Functions = append(s.Functions, f)
	return nil
}

func triggersQuery(s *Snapshot) string {
	// Partitions get clones of their parent's triggers (tgparentid, 13+);
	// the parent's is the one the migration wrote.
	clone := "false"
	if s.Server.VersionNum >= 130000 {
		clone = "t.tgparentid <> 0"
	}
	return `
		SELECT t.oid, t.tgrelid, t.tgname, pn.nspname || '.' || p.proname, t.tgenabled::text, pg_get_triggerdef(t.oid)
		FROM pg_trigger t
		JOIN pg_proc p ON p.oid = t.tgfoid
		JOIN pg_namespace pn ON pn.oid = p.pronamespace
		WHERE NOT t.tgisinternal AND NOT (` + clone + `)
		ORDER BY t.tgrelid, t.tgname`
}

func scanTriggers(s *Snapshot, rows pgx.Rows) error {
	t := &Trigger{}
	if err := rows.Scan(&t.OID, &t.TableOID, &t.Name, &t.Function, &t.Enabled, &t.Definition); err != nil {
		return err
	}
	if s.tablesByOID[t.TableOID] != nil {
		s.Triggers = append(s.Triggers, t)
	}
	return nil
}

func extensionsQuery(*Snapshot) string {
	return `
		SELECT e.extname, n.nspname, e.extversion, e.extrelocatable
		FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
		ORDER BY e.extname`
}

func scanExtensions(s *Snapshot, rows pgx.Rows) error {
	e := &Extension{}
	if err := rows.Scan(&e.Name, &e.Schema, &e.Version, &e.Relocatable); err != nil {
		return err
	}
	s.Extensions = append(s.Extensions, e)
	return nil
}

func rolesQuery(*Snapshot) string {
	return `
		SELECT r.oid, r.rolname, r.rolsuper, r.rolcreaterole, r.rolcreatedb, r.rolcanlogin, r.rolreplication, r.rolbypassrls,
		       coalesce(r.rolconfig, '{}'),
		       ARRAY(SELECT b.rolname::text FROM pg_auth_members m JOIN pg_roles b ON b.oid = m.roleid WHERE m.member = r.oid ORDER BY 1)
		FROM pg_roles r
		WHERE r.rolname !~ '^pg_'
		ORDER BY r.rolname`
}

func scanRoles(s *Snapshot, rows pgx.Rows) error {
	r := &Role{}
	if err := rows.Scan(&r.OID, &r.Name, &r.Superuser, &r.CreateRole, &r.CreateDB, &r.Login, &r.Replication, &r.BypassRLS,
		&r.Config, &r.MemberOf); err != nil {
		return err
	}
	s.Roles = append(s.Roles, r)
	return nil
}

// privilegesQuery explodes the ACLs of the application's objects. Objects
// without an ACL of their own have the built-in defaults: only functions'
// (EXECUTE to PUBLIC) and the database's matter, so only those are filled in.
func privilegesQuery(*Snapshot) string {
	grantee := `CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END`
	cols := grantee + `, pg_get_userbyid(a.grantor), a.privilege_type, a.is_grantable`
	return `
		SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence'
		                      WHEN 'f' THEN 'foreign table' ELSE 'table' END,
		       c.oid, n.nspname || '.' || c.relname, ` + cols + `, false
		FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace
		CROSS JOIN LATERAL aclexplode(c.relacl) a
		WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND c.relacl IS NOT NULL AND ` + userRelations() + `
	UNION ALL
		SELECT 'schema', n.oid, n.nspname, ` + cols + `, false
		FROM pg_namespace n
		CROSS JOIN LATERAL aclexplode(n.nspacl) a
		WHERE n.nspacl IS NOT NULL AND ` + userNamespace("n.oid") + `
	UNION ALL
		SELECT CASE p.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END, p.oid,
		       n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')', ` + cols + `, p.proacl IS NULL
		FROM pg_proc p
		JOIN pg_namespace n ON n.oid = p.pronamespace
		CROSS JOIN LATERAL aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
		WHERE ` + userNamespace("p.pronamespace") + ` AND ` + notExtensionMember("pg_proc", "p.oid") + `
	UNION ALL
		SELECT 'database', d.oid, d.datname, ` + cols + `, d.datacl IS NULL
		FROM pg_database d
		CROSS JOIN LATERAL aclexplode(coalesce(d.datacl, acldefault('d', d.datdba))) a
		WHERE d.datname = current_database()
	UNION ALL
		SELECT 'default', da.oid,
		       CASE da.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences' WHEN 'f' THEN 'functions'
		                             WHEN 'T' THEN 'types' ELSE 'schemas' END
		       || ' created by ' || pg_get_userbyid(da.defaclrole)
		       || CASE WHEN da.defaclnamespace = 0 THEN ' in any schema' ELSE ' in ' || da.defaclnamespace::regnamespace::text END,
		       ` + cols + `, false
		FROM pg_default_acl da
		CROSS JOIN LATERAL aclexplode(da.defaclacl) a`
}

func scanPrivileges(s *Snapshot, rows pgx.Rows) error {
	p := &Privilege{}
	if err := rows.Scan(&p.ObjectKind, &p.ObjectOID, &p.Object, &p.Grantee, &p.Grantor, &p.Privilege, &p.Grantable, &p.Default); err != nil {
		return err
	}
	// Grants on a tool's tables are the tool's business.
	if (p.ObjectKind == "table") && s.tablesByOID[p.ObjectOID] == nil {
		return nil
	}
	s.Privileges = append(s.Privileges, p)
	return nil
}

func settingsQuery(s *Snapshot) string {
	q := `
		SELECT CASE WHEN s.setdatabase <> 0 AND s.setrole <> 0 THEN 'database-role'
		            WHEN s.setdatabase <> 0 THEN 'database' ELSE 'role' END,
		       coalesce(d.datname::text, ''), coalesce(r.rolname::text, ''),
		       split_part(cfg, '=', 1), substr(cfg, strpos(cfg, '=') + 1)
		FROM pg_db_role_setting s
		LEFT JOIN pg_database d ON d.oid = s.setdatabase
		LEFT JOIN pg_roles r ON r.oid = s.setrole
		CROSS JOIN LATERAL unnest(s.setconfig) cfg
		WHERE s.setdatabase IN (0, (SELECT oid FROM pg_database WHERE datname = current_database()))`
	// ALTER SYSTEM writes postgresql.auto.conf, read through
	// pg_file_settings, which only privileged roles may read.
	if s.readFileSettings {
		q += `
	UNION ALL
		SELECT 'system', '', '', f.name, coalesce(f.setting, '')
		FROM pg_file_settings f
		WHERE f.sourcefile LIKE '%postgresql.auto.conf'`
	}
	return q
}

func scanSettings(s *Snapshot, rows pgx.Rows) error {
	st := &Setting{}
	if err := rows.Scan(&st.Source, &st.Database, &st.Role, &st.Name, &st.Value); err != nil {
		return err
	}
	s.Settings = append(s.Settings, st)
	return nil
}
