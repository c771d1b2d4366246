package catalog

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// userRelations restricts pg_class rows (alias c) to the application's
// relations: no system schemas, no extension members.
const userRelations = `
	c.relnamespace NOT IN (SELECT oid FROM pg_namespace WHERE nspname IN ('pg_catalog', 'information_schema', 'pg_toast') OR nspname LIKE 'pg_temp%' OR nspname LIKE 'pg_toast_temp%')
	AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')`

func (s *Snapshot) loadTables(ctx context.Context, conn *pgx.Conn) error {
	rows, err := conn.Query(ctx, `
		SELECT c.oid, n.nspname, c.relname, c.relkind::text, coalesce(obj_description(c.oid, 'pg_class'), ''), c.relispartition
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind IN ('r', 'p') AND `+userRelations)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		t := &Table{}
		if err := rows.Scan(&t.OID, &t.Schema, &t.Name, &t.Kind, &t.Comment, &t.Partition); err != nil {
			return err
		}
		if ToolTables[t.Name] || ToolSchemas[t.Schema] {
			continue
		}
		s.Tables = append(s.Tables, t)
		s.tablesByOID[t.OID] = t
	}
	return rows.Err()
}

func (s *Snapshot) loadColumns(ctx context.Context, conn *pgx.Conn) error {
	rows, err := conn.Query(ctx, `
		SELECT a.attrelid, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod), a.atttypid, a.attnotnull,
		       CASE WHEN a.attgenerated = '' THEN coalesce(pg_get_expr(ad.adbin, ad.adrelid), '') ELSE '' END,
		       a.attidentity::text,
		       CASE WHEN a.attgenerated <> '' THEN coalesce(pg_get_expr(ad.adbin, ad.adrelid), '') ELSE '' END,
		       coalesce(col_description(a.attrelid, a.attnum), '')
		FROM pg_attribute a
		JOIN pg_class c ON c.oid = a.attrelid
		LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
		WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p') AND `+userRelations+`
		ORDER BY a.attrelid, a.attnum`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var rel uint32
		c := &Column{}
		if err := rows.Scan(&rel, &c.Num, &c.Name, &c.Type, &c.TypeOID, &c.NotNull, &c.Default, &c.Identity, &c.Generated, &c.Comment); err != nil {
			return err
		}
		if t := s.tablesByOID[rel]; t != nil {
			t.Columns = append(t.Columns, c)
		}
	}
	return rows.Err()
}

func (s *Snapshot) loadIndexes(ctx context.Context, conn *pgx.Conn) error {
	rows, err := conn.Query(ctx, `
		SELECT i.indexrelid, n.nspname, c.relname, i.indrelid, i.indkey::int2[], i.indnkeyatts, i.indisunique, i.indisprimary,
		       i.indisvalid, coalesce(pg_get_expr(i.indpred, i.indrelid), ''), am.amname, pg_get_indexdef(i.indexrelid)
		FROM pg_index i
		JOIN pg_class c ON c.oid = i.indexrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace
		JOIN pg_am am ON am.oid = c.relam
		WHERE `+userRelations)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		ix := &Index{}
		if err := rows.Scan(&ix.OID, &ix.Schema, &ix.Name, &ix.TableOID, &ix.Columns, &ix.KeyColumns, &ix.Unique, &ix.Primary,
			&ix.Valid, &ix.Predicate, &ix.Method, &ix.Definition); err != nil {
			return err
		}
		if s.tablesByOID[ix.TableOID] != nil {
			s.Indexes = append(s.Indexes, ix)
		}
	}
	return rows.Err()
}

func (s *Snapshot) loadConstraints(ctx context.Context, conn *pgx.Conn) error {
	rows, err := conn.Query(ctx, `
		SELECT c.oid, c.conname, c.contype::text, c.conrelid, coalesce(c.conkey, '{}'), c.confrelid, coalesce(c.confkey, '{}'),
		       c.convalidated, pg_get_constraintdef(c.oid)
		FROM pg_constraint c
		WHERE c.conrelid <> 0`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		k := &Constraint{}
		if err := rows.Scan(&k.OID, &k.Name, &k.Type, &k.TableOID, &k.Columns, &k.RefTableOID, &k.RefColumns, &k.Validated, &k.Definition); err != nil {
			return err
		}
		if s.tablesByOID[k.TableOID] != nil {
			s.Constraints = append(s.Constraints, k)
		}
	}
	return rows.Err()
}
