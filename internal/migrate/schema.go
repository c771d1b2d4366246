package migrate

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"
)

// SchemaObject is one object of a schema fingerprint: what it is, its
// name, the table it belongs to (columns, constraints, indexes, triggers,
// owned sequences) and its full definition.
type SchemaObject struct {
	Kind   string // table, column, constraint, index, sequence, view, type, function, trigger, extension, schema, policy, rule
	Name   string // qualified: public.orders, public.orders.status
	Parent string // owning table, qualified; "" for top-level objects
	Def    string

	// owner is the relation the object belongs to and self the relation
	// it is (0 for objects that are not relations nor parts of one), and
	// proc the function it is, so a schema can be reloaded for just the
	// relations and functions a step touched.
	owner, self, proc uint32
}

func (o SchemaObject) key() string { return o.Kind + " " + o.Name }

func (o SchemaObject) String() string { return o.Kind + " " + o.Name }

// Schema is a full, comparable description of the user schema: every
// object with its definition, keyed by kind and name.
type Schema map[string]SchemaObject

// The schema is described by two queries over the same namespaces:
// relation rows (tables, views and what belongs to them: columns,
// constraints, indexes, owned sequences, triggers, policies, rules) and
// other rows (schemas, extensions, types, domain constraints, functions).
// Definitions come from the server's own pg_get_*def functions, so two
// schemas compare equal exactly when Postgres would recreate them the
// same way. Per relation, each catalog is read through a LATERAL subquery
// with OFFSET 0, which keeps it an index probe: a round trip describes a
// handful of relations after every step, and the generic plan kept for
// that would otherwise hash-join whole catalogs each time.
const userNamespaces = `WITH ns AS (
  SELECT oid, nspname FROM pg_namespace
  WHERE nspname NOT LIKE 'pg\_%' AND nspname NOT IN ('information_schema', '_pgreview_trace')
)`

// allRelations is every relation that no extension owns.
const allRelations = `, rel AS (
  SELECT c.oid, c.relkind, n.nspname || '.' || c.relname AS qname
  FROM pg_class c JOIN ns n ON n.oid = c.relnamespace
  WHERE NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')
)
`

// scopedRelations is the relations $1 with their indexes, owned sequences
// and, for an index or a sequence, its table, looked up by OID. The trace
// gives no OID to an extension's objects, so they need no extension check.
const scopedRelations = `, scope AS (
  SELECT unnest($1::oid[]) AS oid
  UNION SELECT x.indexrelid FROM unnest($1::oid[]) o CROSS JOIN LATERAL (SELECT i.indexrelid FROM pg_index i WHERE i.indrelid = o OFFSET 0) x
  UNION SELECT x.indrelid FROM unnest($1::oid[]) o CROSS JOIN LATERAL (SELECT i.indrelid FROM pg_index i WHERE i.indexrelid = o OFFSET 0) x
  UNION SELECT d.objid FROM pg_depend d WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid = ANY($1) AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
  UNION SELECT d.refobjid FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = ANY($1) AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
), rel AS (
  SELECT c.oid, c.relkind, n.nspname || '.' || c.relname AS qname
  FROM scope sc CROSS JOIN LATERAL (SELECT * FROM pg_class c WHERE c.oid = sc.oid OFFSET 0) c JOIN ns n ON n.oid = c.relnamespace
)
`

// relationRows: kind, name, parent, def, owner, self, proc (0).
const relationRows = `SELECT CASE relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view'
                    WHEN 'f' THEN 'foreign table' WHEN 'c' THEN 'type' END,
       qname, '',
       CASE WHEN relkind IN ('v', 'm') THEN pg_get_viewdef(oid) ELSE relkind::text END, oid, oid, 0::oid
FROM rel WHERE relkind IN ('r', 'p', 'v', 'm', 'f', 'c')
UNION ALL
SELECT 'column', r.qname || '.' || x.attname, r.qname, x.def, r.oid, r.oid, 0::oid
FROM rel r CROSS JOIN LATERAL (
  SELECT a.attname,
       format_type(a.atttypid, a.atttypmod)
       || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
       || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
       || CASE a.attidentity WHEN 'a' THEN ' identity always' WHEN 'd' THEN ' identity by default' ELSE '' END
       || CASE a.attgenerated WHEN 's' THEN ' generated' ELSE '' END
       || CASE WHEN a.attcollation <> 0 AND a.attcollation <> (SELECT t.typcollation FROM pg_type t WHERE t.oid = a.atttypid) THEN ' collate ' || a.attcollation::regcollation::text ELSE '' END
       || ' #' || row_number() OVER (ORDER BY a.attnum) AS def
  FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  WHERE a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
  OFFSET 0
) x
WHERE r.relkind IN ('r', 'p', 'v', 'm', 'f', 'c')
UNION ALL
SELECT 'constraint', r.qname || '.' || x.conname, r.qname, x.def, r.oid, r.oid, 0::oid
FROM rel r CROSS JOIN LATERAL (
  SELECT co.conname, pg_get_constraintdef(co.oid) || CASE WHEN co.convalidated THEN '' ELSE ' (not validated)' END AS def
  FROM pg_constraint co WHERE co.conrelid = r.oid
  OFFSET 0
) x
UNION ALL
SELECT 'index', ri.qname, rt.qname, x.def, rt.oid, ri.oid, 0::oid
FROM rel ri CROSS JOIN LATERAL (
  SELECT i.indrelid, pg_get_indexdef(i.indexrelid) || CASE WHEN i.indisvalid THEN '' ELSE ' (invalid)' END AS def
  FROM pg_index i WHERE i.indexrelid = ri.oid
  OFFSET 0
) x JOIN rel rt ON rt.oid = x.indrelid
UNION ALL
SELECT 'sequence', r.qname, coalesce(o.qname, ''), x.def, coalesce(o.oid, r.oid), r.oid, 0::oid
FROM rel r CROSS JOIN LATERAL (
  SELECT format('%s start %s increment %s min %s max %s cache %s%s', s.seqtypid::regtype, s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, CASE WHEN s.seqcycle THEN ' cycle' ELSE '' END) AS def
  FROM pg_sequence s WHERE s.seqrelid = r.oid
  OFFSET 0
) x
LEFT JOIN LATERAL (SELECT t.qname, t.oid FROM pg_depend d JOIN rel t ON t.oid = d.refobjid
                   WHERE d.classid = 'pg_class'::regclass AND d.objid = r.oid AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') LIMIT 1) o ON true
UNION ALL
SELECT 'trigger', r.qname || '.' || x.tgname, r.qname, x.def, r.oid, r.oid, 0::oid
FROM rel r CROSS JOIN LATERAL (
  SELECT tg.tgname, pg_get_triggerdef(tg.oid) || ' ' || tg.tgenabled::text AS def
  FROM pg_trigger tg WHERE tg.tgrelid = r.oid AND NOT tg.tgisinternal
  OFFSET 0
) x
UNION ALL
SELECT 'policy', r.qname || '.' || x.polname, r.qname, x.def, r.oid, r.oid, 0::oid
FROM rel r CROSS JOIN LATERAL (
  SELECT po.polname, coalesce(pg_get_expr(po.polqual, po.polrelid), '') || ' / ' || coalesce(pg_get_expr(po.polwithcheck, po.polrelid), '') AS def
  FROM pg_policy po WHERE po.polrelid = r.oid
  OFFSET 0
) x
UNION ALL
SELECT 'rule', r.qname || '.' || x.rulename, r.qname, x.def, r.oid, r.oid, 0::oid
FROM rel r CROSS JOIN LATERAL (
  SELECT ru.rulename, pg_get_ruledef(ru.oid) AS def FROM pg_rewrite ru WHERE ru.ev_class = r.oid AND ru.rulename <> '_RETURN'
  OFFSET 0
) x
`

// otherRows: the same columns, owner and self 0. $1: every such object;
// otherwise only the functions with the OIDs $2.
const otherRows = `
SELECT 'schema', nspname, '', '', 0::oid, 0::oid, 0::oid FROM ns WHERE $1 AND nspname <> 'public'
UNION ALL
SELECT 'extension', extname, '', extversion || ' in ' || extnamespace::regnamespace::text, 0::oid, 0::oid, 0::oid FROM pg_extension WHERE $1 AND extname <> 'plpgsql'
UNION ALL
SELECT 'constraint', tn.nspname || '.' || t.typname || '.' || co.conname, '',
       pg_get_constraintdef(co.oid) || CASE WHEN co.convalidated THEN '' ELSE ' (not validated)' END, 0::oid, 0::oid, 0::oid
FROM pg_constraint co JOIN pg_type t ON t.oid = co.contypid JOIN ns tn ON tn.oid = t.typnamespace
WHERE $1 AND co.contypid <> 0
UNION ALL
SELECT 'type', n.nspname || '.' || t.typname, '',
       CASE t.typtype
         WHEN 'e' THEN 'enum (' || (SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid) || ')'
         WHEN 'd' THEN 'domain ' || format_type(t.typbasetype, t.typtypmod) || CASE WHEN t.typnotnull THEN ' not null' ELSE '' END || coalesce(' default ' || t.typdefault, '')
         WHEN 'r' THEN 'range of ' || (SELECT format_type(rngsubtype, NULL) FROM pg_range WHERE rngtypid = t.oid)
       END, 0::oid, 0::oid, 0::oid
FROM pg_type t JOIN ns n ON n.oid = t.typnamespace
WHERE $1 AND t.typtype IN ('e', 'd', 'r')
  AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_type'::regclass AND e.objid = t.oid AND e.deptype = 'e')
UNION ALL
SELECT CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END,
       n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')', '',
       CASE WHEN p.prokind IN ('f', 'p') THEN md5(pg_get_functiondef(p.oid)) ELSE '' END, 0::oid, 0::oid, p.oid
FROM (SELECT * FROM pg_proc WHERE $1
      UNION ALL
      SELECT x.* FROM (SELECT DISTINCT unnest($2::oid[]) AS oid) o
      CROSS JOIN LATERAL (SELECT * FROM pg_proc q WHERE q.oid = o.oid OFFSET 0) x WHERE NOT $1) p
JOIN ns n ON n.oid = p.pronamespace
WHERE NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_proc'::regclass AND e.objid = p.oid AND e.deptype = 'e')
`

var (
	allRelationsQuery    = userNamespaces + allRelations + relationRows
	scopedRelationsQuery = userNamespaces + scopedRelations + relationRows
	othersQuery          = userNamespaces + otherRows
)

// takeEventsAndSchema reads the trace's new events and describes the part
// of the schema in sc plus what they touched; sc grows by what the events
// touched. then (a SET) runs in the same round trip as the description.
func takeEventsAndSchema(ctx context.Context, conn *pgx.Conn, log *traceLog, sc *scope, then string) ([]Event, Schema, error) {
	events, err := log.take(ctx, conn)
	if err != nil {
		return nil, nil, err
	}
	sc.add(scopeOf(events))
	schema, err := describe(ctx, conn, sc, then)
	return events, schema, err
}

// LoadSchema describes the review database's user schema.
func LoadSchema(ctx context.Context, conn *pgx.Conn) (Schema, error) {
	return describe(ctx, conn, nil, "")
}

// scope is a part of the schema: the relations (and what belongs to them)
// and the functions with these OIDs, and, when others is set, every object
// that is not a relation (types, functions, schemas, extensions).
type scope struct {
	rels, procs map[uint32]bool
	others      bool
}

func newScope() *scope { return &scope{rels: map[uint32]bool{}, procs: map[uint32]bool{}} }

func (s *scope) has(o SchemaObject) bool {
	switch {
	case o.proc != 0:
		return s.others || s.procs[o.proc]
	case o.owner == 0 && o.self == 0:
		return s.others
	}
	return s.rels[o.owner] || s.rels[o.self]
}

func (s *scope) add(t *scope) {
	for r := range t.rels {
		s.rels[r] = true
	}
	for p := range t.procs {
		s.procs[p] = true
	}
	s.others = s.others || t.others
}

// oids lists a set of OIDs for a query parameter (never nil: a nil array
// means "everything" to the schema query).
func oids(set map[uint32]bool) []uint32 {
	out := make([]uint32, 0, len(set))
	for o := range set {
		out = append(out, o)
	}
	return out
}

// procKinds are the object types of functions in the trace: they are
// scoped by OID, like relations.
var procKinds = map[string]bool{"function": true, "procedure": true, "aggregate": true}

// relationParts are objects that belong to a relation (the relation rows
// list them with it): when one is dropped, the relation's own event (ALTER
// TABLE, or the table's drop) already puts it in scope.
var relationParts = map[string]bool{
	"table column": true, "table constraint": true, "default value": true, "trigger": true,
	"policy": true, "rule": true, "index": true, "sequence": true, "toast table": true,
}

// scopeOf is the part of the schema that events may have changed: the
// relations they name, and every non-relation object (functions, types,
// schemas) when one of those changed.
func scopeOf(events []Event) *scope {
	s := newScope()
	droppedRels := map[string]bool{}
	for _, e := range events {
		if e.Kind == "drop" && e.RelID != 0 {
			droppedRels[e.Identity] = true
		}
	}
	for _, e := range events {
		switch {
		case e.RelID != 0:
			s.rels[e.RelID] = true
		case procKinds[e.ObjectType] && e.ObjID != 0:
			s.procs[e.ObjID] = true
		case e.Kind == "drop" && relationParts[e.ObjectType]:
		case e.Kind == "drop" && e.ObjectType == "type" && droppedRels[strings.TrimSuffix(e.Identity, "[]")]: // a table's row type or its array
		default:
			s.others = true
		}
	}
	return s
}

// restrict is the part of s inside sc.
func (s Schema) restrict(sc *scope) Schema {
	out := Schema{}
	for k, o := range s {
		if sc.has(o) {
			out[k] = o
		}
	}
	return out
}

// patch replaces the part of s inside sc with part, in place.
func (s Schema) patch(sc *scope, part Schema) {
	for k, o := range s {
		if sc.has(o) {
			delete(s, k)
		}
	}
	for k, o := range part {
		s[k] = o
	}
}

// describe describes the whole schema (sc nil) or exactly the part in sc,
// in one round trip, and runs then (a SET, or "") in it too.
func describe(ctx context.Context, conn *pgx.Conn, sc *scope, then string) (Schema, error) {
	b := &pgx.Batch{}
	var rowsAt []bool // which queued statements return schema rows
	queue := func(rows bool, sql string, args ...any) {
		b.Queue(sql, args...)
		rowsAt = append(rowsAt, rows)
	}
	if sc == nil {
		queue(true, allRelationsQuery)
		queue(true, othersQuery, true, []uint32{})
	} else {
		// Planning these queries costs more than running them on a few
		// relations, so their plans are kept (for them only: the setting
		// is reset in the same round trip, before any migration runs).
		queue(false, "SET plan_cache_mode = force_generic_plan")
		if len(sc.rels) > 0 {
			queue(true, scopedRelationsQuery, oids(sc.rels))
		}
		if sc.others || len(sc.procs) > 0 {
			queue(true, othersQuery, sc.others, oids(sc.procs))
		}
		queue(false, "RESET plan_cache_mode")
	}
	if then != "" {
		queue(false, then)
	}
	br := conn.SendBatch(ctx, b)
	defer br.Close()
	schema := Schema{}
	for _, rows := range rowsAt {
		if !rows {
			if _, err := br.Exec(); err != nil {
				return nil, fmt.Errorf("describe the schema: %w", err)
			}
			continue
		}
		r, err := br.Query()
		if err != nil {
			return nil, fmt.Errorf("describe the schema: %w", err)
		}
		if err := scanSchema(r, schema); err != nil {
			return nil, err
		}
	}
	if sc != nil {
		// The relations query also reaches an index's table and a
		// sequence's owner; keep exactly what sc covers, so that a
		// comparison sees the same objects on both sides.
		for k, o := range schema {
			if !sc.has(o) {
				delete(schema, k)
			}
		}
	}
	return schema, br.Close()
}

// scanSchema adds the described objects to s.
func scanSchema(rows pgx.Rows, s Schema) error {
	defer rows.Close()
	for rows.Next() {
		var o SchemaObject
		if err := rows.Scan(&o.Kind, &o.Name, &o.Parent, &o.Def, &o.owner, &o.self, &o.proc); err != nil {
			return fmt.Errorf("describe the schema: %w", err)
		}
		s[o.key()] = o
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("describe the schema: %w", err)
	}
	return nil
}

// SchemaDiff is what changed between two schemas.
type SchemaDiff struct {
	Added, Removed, Changed []SchemaObject
}

// Empty reports whether the schemas are the same.
func (d SchemaDiff) Empty() bool { return len(d.Added)+len(d.Removed)+len(d.Changed) == 0 }

// DiffSchemas compares after with before, ignoring the objects of the
// tables in ignore (the tool's bookkeeping tables, which tools create on
// first use and never drop).
func DiffSchemas(before, after Schema, ignore []string) SchemaDiff {
	skip := func(o SchemaObject) bool {
		for _, t := range ignore {
			if o.Name == t || o.Parent == t {
				return true
			}
		}
		return false
	}
	var d SchemaDiff
	for k, a := range after {
		if skip(a) {
			continue
		}
		b, ok := before[k]
		switch {
		case !ok:
			d.Added = append(d.Added, a)
		case b.Def != a.Def:
			d.Changed = append(d.Changed, a)
		}
	}
	for k, b := range before {
		if _, ok := after[k]; !ok && !skip(b) {
			d.Removed = append(d.Removed, b)
		}
	}
	for _, l := range [][]SchemaObject{d.Added, d.Removed, d.Changed} {
		sort.Slice(l, func(i, j int) bool { return l[i].key() < l[j].key() })
	}
	return d
}

// Summarize names objects for a message, folding a table's columns,
// constraints, indexes and sequences into the table when the table itself
// is listed: "table public.orders, index public.orders_status_idx".
func Summarize(objs []SchemaObject) []string {
	tables := map[string]bool{}
	for _, o := range objs {
		if o.Kind == "table" {
			tables[o.Name] = true
		}
	}
	var out []string
	for _, o := range objs {
		if o.Parent != "" && tables[o.Parent] {
			continue
		}
		out = append(out, o.String())
	}
	return out
}

// Names lists the tables (or, when there are none, the objects) of objs
// without their kinds (and without public.), for short messages:
// "orders, order_lines".
func Names(objs []SchemaObject) []string {
	var out []string
	for _, s := range Summarize(objs) {
		_, name, _ := strings.Cut(s, " ")
		out = append(out, strings.TrimPrefix(name, "public."))
	}
	return out
}
