package pgurl

import (
	"strings"
	"testing"
)

func TestParseURL(t *testing.T) {
	c, ok := Parse("postgresql+asyncpg://shop:p%40ss@db.example.com:6432,replica:5433/shop?sslmode=disable&connect_timeout=5")
	if !ok {
		t.Fatal("not parsed")
	}
	if c.Driver != "asyncpg" || c.User != "shop" || c.Password() != "p@ss" || !c.HasPassword {
		t.Errorf("userinfo: %+v", c)
	}
	if strings.Join(c.Hosts, ",") != "db.example.com,replica" || c.Port != "6432" || c.Database != "shop" {
		t.Errorf("hosts: %+v", c)
	}
	if v, _ := c.Param("sslmode"); v != "disable" {
		t.Errorf("sslmode %q", v)
	}
	if _, ok := Parse("https://example.com"); ok {
		t.Error("http URL parsed as Postgres")
	}
	if c, _ := Parse("postgres://[::1]:5432/app"); c.Host() != "::1" || c.HasPassword {
		t.Errorf("ipv6: %+v", c)
	}
	if c, _ := Parse("postgresql:///app?host=/var/run/postgresql"); c.Host() != "/var/run/postgresql" {
		t.Errorf("socket: %+v", c)
	}
	c, _ = Parse("postgresql://app:" + Hole + "@" + Hole + "/app")
	if !c.PasswordIsHole() || !IsLocalHost(c.Host()) {
		t.Errorf("holes: %+v", c)
	}
}

func TestParseKeyValue(t *testing.T) {
	c, ok := Parse("host=db.prod.example.com port=5432 dbname=app user=app password='a b' sslmode=require")
	if !ok || c.Host() != "db.prod.example.com" || c.Password() != "a b" || c.Params["sslmode"] != "require" || !c.KeyValue {
		t.Fatalf("key=value: %+v %v", c, ok)
	}
	for _, s := range []string{"hello world", "user=x", "a=b c=d", ""} {
		if _, ok := Parse(s); ok {
			t.Errorf("%q parsed as a DSN", s)
		}
	}
}

func TestFind(t *testing.T) {
	urls, offs := Find(`run: DATABASE_URL=postgres://u:pw@localhost/db?sslmode=disable pytest; see https://x.io "postgresql://db/x"`)
	if len(urls) != 2 || urls[0].Host() != "localhost" || offs[0] != 18 || urls[1].Host() != "db" {
		t.Fatalf("found %+v at %v", urls, offs)
	}
}

func TestHosts(t *testing.T) {
	for h, local := range map[string]bool{
		"localhost": true, "127.0.0.1": true, "::1": true, "db": true, "postgres": true, "/tmp": true,
		"host.docker.internal": true, "10.0.0.5": true, "pg.svc.cluster.local": true,
		"db.example.com": false, "mydb.abc123.eu-west-1.rds.amazonaws.com": false, "8.8.8.8": false,
	} {
		if IsLocalHost(h) != local {
			t.Errorf("IsLocalHost(%q) = %v", h, !local)
		}
	}
}

func TestPlaceholdersAndDefaults(t *testing.T) {
	for _, v := range []string{"", "${POSTGRES_PASSWORD:?set it}", "$DB_PASSWORD", "CHANGE_ME", "changeme", "<password>", "your-password", "xxxxxx", "****", "{{ db_password }}", "%(DB_PASS)s", "driver://set-by-env-py"} {
		if !IsPlaceholder(v) {
			t.Errorf("%q is a placeholder", v)
		}
	}
	for _, v := range []string{"s3cr3t-Shop-2024", "postgres", "hunter2"} {
		if IsPlaceholder(v) {
			t.Errorf("%q is not a placeholder", v)
		}
	}
	if !IsWellKnownPassword("Postgres") || !IsWellKnownPassword("changethis") || IsWellKnownPassword("s3cr3t-Shop-2024") {
		t.Error("well-known passwords")
	}
	for k, want := range map[string]bool{"POSTGRES_PASSWORD": true, "db_pass": true, "PGPASSWORD": true, "DB_PWD": true,
		"POSTGRES_PASSWORD_FILE": false, "PASSWORD_MIN_LENGTH": false, "password_hash": false, "SECRET_KEY": false, "passenger": false} {
		if IsPasswordKey(k) != want {
			t.Errorf("IsPasswordKey(%q) = %v", k, !want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("postgresql+psycopg://u:p@h1:1,h2/db?sslmode=require&host=/tmp")
	f.Add("host='a b' password=\\' sslmode=")
	f.Add("x postgres://[::1 y")
	f.Fuzz(func(t *testing.T, s string) {
		if c, ok := Parse(s); ok {
			IsLocalHost(c.Host())
			c.Param("sslmode")
		}
		Find(s)
		IsPlaceholder(s)
		IsPasswordKey(s)
	})
}
