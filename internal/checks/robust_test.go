package checks

import (
	"context"
	"strings"
	"testing"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/repo"
	"github.com/pgreview/pgreview/internal/repo/repotest"
)

// No static check breaks on input that does not parse: Python 2, syntax
// errors, binary bytes, deep nesting, broken Go, YAML and Markdown.
func TestStaticChecksSurviveBrokenInput(t *testing.T) {
	root := repotest.Dir(t, map[string]string{
		"requirements.txt":                "sqlalchemy\npsycopg2\n",
		"app/py2.py":                      "print 'x'\nexec code in ns\ntry:\n  session.commit()\nexcept Exception, e:\n  pass\n",
		"app/broken.py":                   "def f(:\n  for x in (:\n    session.execute(\n",
		"app/deep.py":                     strings.Repeat("(", 3000),
		"app/bin.py":                      "\x00\x01\x02",
		"tests/test_x.py":                 "from app.broken import f\ndef test_x(:\n  session.execute('DELETE FROM t'\n",
		"go.mod":                          "module x\nrequire github.com/jackc/pgx/v5 v5.0.0\n",
		"store/bad.go":                    "package store\nfunc f() { for { if x := db.Exec(\"UPDATE t SET a=1\"\n",
		"store/lit.go":                    "package store\nvar f = func(",
		"store/bad_test.go":               "package store\nfunc BenchmarkX(b *testing.B) { tx.Exec(\"TRUNCATE t\"",
		"docker-compose.yml":              "services:\n  db:\n    image: postgres:16\n    command: [\"postgres\", \"-c\", \"shared_buffers=\"]\n    mem_limit: lots\n",
		"README.md":                       "# x\n```\nunclosed\n## Troubleshooting\n",
		".github/workflows/ci.yml":        "jobs: [unclosed\n  services:\n    image: postgres:16\n",
		"db/migrations/0001_x.up.sql":     "CREATE TABLE (((",
		"infra/db.tf":                     "resource {{{ backup_retention_period = ",
		"alembic/versions/0001_broken.py": "op.create_table(\n",
	})
	r, err := repo.Open(root)
	if err != nil {
		t.Fatal(err)
	}
	var static []*check.Check
	for _, c := range All() {
		if !c.Needs.Live() {
			static = append(static, c)
		}
	}
	for _, res := range check.Run(context.Background(), static, &check.Input{Repo: r}) {
		if res.Status == check.StatusError {
			t.Errorf("%s broke: %s", res.Check.Name, res.Reason)
		}
	}
}
