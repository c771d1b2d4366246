package monitoring

import (
	"strings"
	"testing"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/check/checktest"
	"github.com/pgreview/pgreview/internal/repo/repotest"
)

func TestOutcomes(t *testing.T) {
	for _, tc := range []struct {
		name   string
		check  *check.Check
		files  map[string]string
		status check.Status
		text   string // in the reason or the evidence
	}{
		{"nothing", PgStatStatements, map[string]string{"README.md": "x"}, check.StatusManual, "neither preloaded nor created"},
		{"created only", PgStatStatements, map[string]string{
			"db/migrations/0001_x.up.sql": "CREATE EXTENSION pg_stat_statements;", "db/migrations/0001_x.down.sql": "SELECT 1;",
		}, check.StatusManual, "nothing in the repository preloads it"},
		{"otel", PgStatStatements, map[string]string{"requirements.txt": "opentelemetry-instrumentation-sqlalchemy==0.45b0\n"},
			check.StatusPass, "requirements.txt:1 opentelemetry-instrumentation-sqlalchemy traces database queries"},
		{"no slow query logging", SlowQueryLogging, map[string]string{"README.md": "x"}, check.StatusManual, "no log_min_duration_statement"},
		{"compose threshold", SlowQueryLogging, map[string]string{"compose.yaml": "services:\n  db:\n    image: postgres:16\n    command: postgres -c log_min_duration_statement=250\n"},
			check.StatusPass, "compose.yaml:4 log_min_duration_statement = '250' (compose command)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := checktest.Result(t, tc.check, repotest.Dir(t, tc.files))
			all := r.Reason + "\n" + checktest.EvidenceText(r)
			if r.Status != tc.status || !strings.Contains(all, tc.text) {
				t.Errorf("status %s, want %s; want %q in:\n%s", r.Status, tc.status, tc.text, all)
			}
		})
	}
}
