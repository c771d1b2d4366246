package locate

import "testing"

func TestBuildIndex(t *testing.T) {
	ix := BuildIndex([]Statement{
		{SQL: "CREATE TABLE users (id serial PRIMARY KEY, email varchar(255) CONSTRAINT users_email_key UNIQUE) WITH (fillfactor = 90)", File: "1.sql", Line: 1},
		{SQL: "CREATE SCHEMA app", File: "1.sql", Line: 5},
		{SQL: "ALTER TABLE users ADD COLUMN name text, ADD CONSTRAINT users_name_check CHECK (name <> '')", File: "2.sql", Line: 1},
		{SQL: "ALTER TABLE public.users ALTER COLUMN email TYPE varchar(320)", File: "2.sql", Line: 3},
		{SQL: "CREATE INDEX users_name_idx ON app.t (name)", File: "2.sql", Line: 4},
		{SQL: "CREATE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$", File: "3.sql", Line: 2},
		{SQL: "CREATE TRIGGER t_touch BEFORE UPDATE ON app.t FOR EACH ROW EXECUTE FUNCTION app.touch()", File: "3.sql", Line: 9},
		{SQL: "GRANT SELECT ON users, app.t TO PUBLIC", File: "4.sql", Line: 1},
		{SQL: "GRANT SELECT ON ALL TABLES IN SCHEMA app TO app_reader", File: "4.sql", Line: 2},
		{SQL: "ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO PUBLIC", File: "4.sql", Line: 3},
		{SQL: "ALTER SYSTEM SET log_min_duration_statement = 250", File: "5.sql", Line: 1},
		{SQL: "CREATE ROLE admin SUPERUSER LOGIN", File: "5.sql", Line: 2},
		{SQL: "ALTER TABLE users SET (autovacuum_enabled = false)", File: "5.sql", Line: 3},
		{SQL: "this is not SQL", File: "6.sql", Line: 1},
	})
	for key, want := range map[string]Origin{
		"table:public.users":                       {"1.sql", 1},
		"constraint:public.users.users_email_key":  {"1.sql", 1},
		"column:public.users.id":                   {"1.sql", 1},
		"column:public.users.name":                 {"2.sql", 1},
		"constraint:public.users.users_name_check": {"2.sql", 1},
		"column:public.users.email":                {"2.sql", 3},
		"index:app.users_name_idx":                 {"2.sql", 4},
		"function:app.touch":                       {"3.sql", 2},
		"trigger:app.t.t_touch":                    {"3.sql", 9},
		"grant-public:public.users":                {"4.sql", 1},
		"grant-public:app.t":                       {"4.sql", 1},
		"default-acl-public":                       {"4.sql", 3},
		"setting:log_min_duration_statement":       {"5.sql", 1},
		"role:admin":                               {"5.sql", 2},
		"reloptions:public.users":                  {"5.sql", 3},
	} {
		if got, ok := ix[key]; !ok || got != want {
			t.Errorf("%s = %v (found %v), want %v", key, got, ok, want)
		}
	}
	if _, ok := ix["grant-public:all-in:app"]; ok {
		t.Error("a grant to a role is not a grant to PUBLIC")
	}
}
