package security

import (
	"strings"
	"testing"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/check/checktest"
	"github.com/pgreview/pgreview/internal/repo/repotest"
)

// Info items pass with evidence when something is found, and are left to
// a human (manual) when nothing is.
func TestAuditLoggingOutcomes(t *testing.T) {
	none := checktest.Result(t, AuditLogging, repotest.Dir(t, map[string]string{
		"db/migrations/0001_init.up.sql":   "CREATE TABLE orders (id bigint PRIMARY KEY);",
		"db/migrations/0001_init.down.sql": "DROP TABLE orders;",
	}))
	if none.Status != check.StatusManual || !strings.Contains(none.Reason, "no pgaudit, audit triggers") {
		t.Errorf("nothing found: %s %q, want manual", none.Status, none.Reason)
	}
	found := checktest.Result(t, AuditLogging, repotest.Dir(t, map[string]string{
		"db/migrations/0001_init.up.sql": `CREATE TABLE orders (id bigint PRIMARY KEY);
CREATE TABLE orders_history (id bigint, changed_at timestamptz);
CREATE FUNCTION orders_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
CREATE TRIGGER orders_audit AFTER UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION orders_audit();`,
		"db/migrations/0001_init.down.sql": "DROP TABLE orders, orders_history;",
		"postgresql.conf":                  "log_connections = on\nlog_statement = 'mod'\n",
	}))
	ev := checktest.EvidenceText(found)
	if found.Status != check.StatusPass {
		t.Errorf("status %s, want pass", found.Status)
	}
	for _, want := range []string{"db/migrations/0001_init.up.sql:4 public.orders.orders_audit trigger orders_audit on public.orders calls public.orders_audit",
		"audit table public.orders_history", "postgresql.conf:1 log_connections = 'on'", "postgresql.conf:2 log_statement = 'mod'"} {
		if !strings.Contains(ev, want) {
			t.Errorf("evidence lacks %q:\n%s", want, ev)
		}
	}
}

func TestPlaintextSecretEvidence(t *testing.T) {
	r := checktest.Result(t, PlaintextSecretColumn, repotest.Dir(t, map[string]string{
		"db/migrations/0001_init.up.sql":   "CREATE TABLE users (id bigint PRIMARY KEY, password text NOT NULL);",
		"db/migrations/0001_init.down.sql": "DROP TABLE users;",
		"requirements.txt":                 "passlib[bcrypt]==1.7.4\n",
	}))
	if r.Status != check.StatusPass || !strings.Contains(checktest.EvidenceText(r), "requirements.txt:1 public.users.password looks like a password, and the code hashes or encrypts values (the passlib dependency)") {
		t.Errorf("status %s, evidence:\n%s", r.Status, checktest.EvidenceText(r))
	}
}

func TestClassify(t *testing.T) {
	for name, want := range map[string]string{
		"password": "a password", "hashed_password": "", "password_hash": "", "userPassword": "a password",
		"access_token": "a secret token or key", "token_type": "", "client_secret": "a secret token or key",
		"api_key": "a secret token or key", "apiKeyPrefix": "", "ssn": "a social security number",
		"card_number": "a payment card number", "card_last4": "", "email": "", "password_reset_token": "a secret token or key",
		"tokenizer": "", "keyboard": "",
	} {
		got := ""
		if k := classify(name); k != nil {
			got = k.what
		}
		if got != want {
			t.Errorf("classify(%q) = %q, want %q", name, got, want)
		}
	}
}
