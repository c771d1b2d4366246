package catalog_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/pgreview/pgreview/internal/catalog"
	"github.com/pgreview/pgreview/internal/engine/enginetest"
)

func TestMain(m *testing.M) { enginetest.Main(m) }

// everything creates one object of every kind the snapshot covers, and
// the things it must leave out (tool tables, extension members).
const everything = `
CREATE EXTENSION pgcrypto;
CREATE EXTENSION btree_gist;
CREATE TABLE schema_migrations (version bigint PRIMARY KEY, dirty boolean NOT NULL);
CREATE SCHEMA app;
COMMENT ON SCHEMA app IS 'The application.';
CREATE TYPE app.status AS ENUM ('new', 'paid', 'shipped');
CREATE DOMAIN app.email AS text CHECK (VALUE LIKE '%@%');
CREATE TABLE app.customers (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email app.email NOT NULL,
    name text,
    name_upper text GENERATED ALWAYS AS (upper(name)) STORED,
    created_at timestamptz NOT NULL DEFAULT now()
) WITH (autovacuum_enabled = false, toast.autovacuum_enabled = false);
COMMENT ON TABLE app.customers IS 'People who buy.';
COMMENT ON COLUMN app.customers.email IS 'Login.';
CREATE UNIQUE INDEX customers_email_key ON app.customers (lower(email)) WHERE name IS NOT NULL;
CREATE TABLE app.orders (
    id serial PRIMARY KEY,
    customer_id bigint NOT NULL,
    status app.status NOT NULL DEFAULT 'new'
);
ALTER TABLE app.orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES app.customers (id) NOT VALID;
CREATE INDEX orders_customer_idx ON app.orders (customer_id DESC) INCLUDE (status);
CREATE TABLE app.special_orders (note text) INHERITS (app.orders);
CREATE TABLE app.events (id bigint, at date NOT NULL, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
CREATE TABLE app.events_2025 PARTITION OF app.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE SEQUENCE app.invoice_numbers AS integer;
CREATE VIEW app.open_orders WITH (security_barrier) AS SELECT id FROM app.orders WHERE status = 'new';
CREATE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
    AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER orders_touch BEFORE UPDATE ON app.orders FOR EACH ROW EXECUTE FUNCTION app.touch();
CREATE TRIGGER events_touch BEFORE UPDATE ON app.events FOR EACH ROW EXECUTE FUNCTION app.touch();
GRANT SELECT ON app.orders TO PUBLIC;
REVOKE EXECUTE ON FUNCTION app.touch() FROM PUBLIC;
ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT SELECT ON TABLES TO PUBLIC;
DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET log_min_duration_statement = 250', current_database()); END $$;
`

func load(t *testing.T, sql string) *catalog.Snapshot {
	t.Helper()
	url := enginetest.Database(t)
	enginetest.Exec(t, url, sql)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	s, err := catalog.Load(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestLoadEverything(t *testing.T) {
	s := load(t, everything)
	if s.Server.Major() < 12 || s.Server.SessionUser == "" || s.Server.Database == "" {
		t.Errorf("server: %+v", s.Server)
	}
	var names []string
	for _, tb := range s.Tables {
		names = append(names, tb.QualifiedName())
	}
	if want := []string{"app.customers", "app.events", "app.events_2025", "app.orders", "app.special_orders"}; !slices.Equal(names, want) {
		t.Fatalf("tables %v, want %v (no tool table, no extension member)", names, want)
	}

	cust := s.TableNamed("app", "customers")
	if cust.Comment != "People who buy." || cust.ColumnNamed("email").Comment != "Login." {
		t.Errorf("comments: %q %q", cust.Comment, cust.ColumnNamed("email").Comment)
	}
	if c := cust.ColumnNamed("id"); c.Identity != "a" || !c.NotNull {
		t.Errorf("identity column: %+v", c)
	}
	if c := cust.ColumnNamed("name_upper"); c.Generated != "upper(name)" || c.Default != "" {
		t.Errorf("generated column: %+v", c)
	}
	if c := cust.ColumnNamed("email"); c.Type != "app.email" || c.BaseTypeOID != 25 {
		t.Errorf("domain column: %+v", c)
	}
	if v, ok := cust.Option("autovacuum_enabled"); !ok || v != "false" {
		t.Errorf("reloptions: %v", cust.Options)
	}
	if v, ok := cust.ToastOption("autovacuum_enabled"); !ok || v != "false" {
		t.Errorf("toast reloptions: %v", cust.ToastOptions)
	}

	var uniq *catalog.Index
	for _, ix := range s.IndexesOf(cust.OID) {
		if ix.Name == "customers_email_key" {
			uniq = ix
		}
	}
	if uniq == nil || uniq.Expressions != "lower((email)::text)" || uniq.Predicate != "(name IS NOT NULL)" || uniq.Columns[0] != 0 ||
		uniq.ColumnDefs[0] != "lower(email::text)" || uniq.Constraint != 0 {
		t.Errorf("expression index: %+v", uniq)
	}
	orders := s.TableNamed("app", "orders")
	for _, ix := range s.IndexesOf(orders.OID) {
		switch ix.Name {
		case "orders_customer_idx":
			if ix.KeyColumns != 1 || len(ix.Columns) != 2 || ix.Options[0]&1 == 0 || !slices.Equal(ix.ColumnDefs, []string{"customer_id", "status"}) {
				t.Errorf("index with INCLUDE and DESC: %+v", ix)
			}
		case "orders_pkey":
			if !ix.Primary || ix.Constraint == 0 {
				t.Errorf("pkey index not tied to its constraint: %+v", ix)
			}
		}
	}
	var fk *catalog.Constraint
	for _, c := range s.ConstraintsOf(orders.OID, "f") {
		fk = c
	}
	if fk == nil || fk.Validated || fk.RefTableOID != cust.OID {
		t.Errorf("NOT VALID foreign key: %+v", fk)
	}
	if pk := s.PrimaryKey(orders.OID); pk == nil || pk.Name != "orders_pkey" {
		t.Errorf("primary key: %+v", pk)
	}

	special := s.TableNamed("app", "special_orders")
	if !slices.Equal(special.Inherits, []uint32{orders.OID}) || !special.ColumnNamed("id").Inherited || special.ColumnNamed("note").Inherited {
		t.Errorf("inheritance: %v", special.Inherits)
	}
	if p := s.TableNamed("app", "events_2025"); !p.Partition || len(p.Inherits) != 0 {
		t.Errorf("partition: %+v", p)
	}

	var seqs []string
	for _, q := range s.Sequences {
		seqs = append(seqs, q.QualifiedName())
		if q.Name == "orders_id_seq" && (q.OwnedByTable != orders.OID || q.OwnedByColumn != 1 || q.Identity || q.Type != "integer") {
			t.Errorf("serial sequence: %+v", q)
		}
		if q.Name == "customers_id_seq" && !q.Identity {
			t.Errorf("identity sequence: %+v", q)
		}
	}
	if want := []string{"app.customers_id_seq", "app.invoice_numbers", "app.orders_id_seq"}; !slices.Equal(seqs, want) {
		t.Errorf("sequences %v, want %v", seqs, want)
	}
	if len(s.Enums) != 1 || s.Enums[0].QualifiedName() != "app.status" || !slices.Equal(s.Enums[0].Labels, []string{"new", "paid", "shipped"}) {
		t.Errorf("enums: %+v", s.Enums)
	}
	if len(s.Views) != 1 || s.Views[0].Name != "open_orders" || !slices.Contains(s.Views[0].Options, "security_barrier=true") {
		t.Errorf("views: %+v", s.Views)
	}
	if len(s.Functions) != 1 {
		t.Fatalf("functions %d, want only app.touch (pgcrypto's are extension members)", len(s.Functions))
	}
	if f := s.Functions[0]; !f.SecurityDefiner || f.Language != "plpgsql" || f.Result != "trigger" {
		t.Errorf("function: %+v", f)
	} else if sp, ok := f.Setting("search_path"); !ok || sp != "pg_catalog, pg_temp" {
		t.Errorf("function config: %v", f.Config)
	}
	if tr := s.TriggersOf(orders.OID); len(tr) != 1 || tr[0].Function != "app.touch" {
		t.Errorf("triggers: %+v", tr)
	}
	if tr := s.TriggersOf(s.TableNamed("app", "events_2025").OID); len(tr) != 0 {
		t.Errorf("a partition's trigger clone is its parent's: %+v", tr)
	}
	if e := s.Extension("pgcrypto"); e == nil || e.Schema != "public" {
		t.Errorf("extensions: %+v", s.Extensions)
	}
	if r := s.Role(s.Server.SessionUser); r == nil || !r.Superuser {
		t.Errorf("roles: the session user %s is missing or not a superuser", s.Server.SessionUser)
	}
	if sc := s.Schema("app"); sc == nil || sc.Comment != "The application." || sc.Owner != s.Server.SessionUser {
		t.Errorf("schema: %+v", sc)
	}

	grants := map[string]bool{}
	for _, p := range s.Privileges {
		grants[p.ObjectKind+" "+p.Object+" "+p.Grantee+" "+p.Privilege] = true
	}
	for _, want := range []string{
		"table app.orders PUBLIC SELECT",
		"default tables created by " + s.Server.SessionUser + " in app PUBLIC SELECT",
		"database " + s.Server.Database + " PUBLIC CONNECT",
	} {
		if !grants[want] {
			t.Errorf("missing privilege %q in %v", want, grants)
		}
	}
	if grants["function app.touch() PUBLIC EXECUTE"] {
		t.Error("EXECUTE was revoked from PUBLIC on app.touch()")
	}
	if st := s.SettingsNamed("log_min_duration_statement"); len(st) != 1 || st[0].Source != "database" || st[0].Value != "250" {
		t.Errorf("database settings: %+v", st)
	}
}

// The snapshot takes the same number of queries whatever the schema's
// size: never one per object.
func TestQueryCountIsFixed(t *testing.T) {
	empty := load(t, "")
	var more strings.Builder
	for i := range 50 {
		fmt.Fprintf(&more, "CREATE TABLE app.t%d (id int PRIMARY KEY, v text); CREATE INDEX ON app.t%d (v);\n", i, i)
	}
	big := load(t, everything+more.String())
	if empty.Queries != catalog.QueryCount || big.Queries != catalog.QueryCount {
		t.Fatalf("queries: empty schema %d, full schema %d, want %d for both", empty.Queries, big.Queries, catalog.QueryCount)
	}
	if len(empty.Tables) != 0 || len(empty.Functions) != 0 {
		t.Errorf("an empty database has tables %d, functions %d", len(empty.Tables), len(empty.Functions))
	}
}
