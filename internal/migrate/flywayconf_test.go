package migrate

import (
	"strings"
	"testing"

	"github.com/pgreview/pgreview/internal/repo"
	"github.com/pgreview/pgreview/internal/repo/repotest"
)

// TestFlywayConfigPlaceholders: placeholders configured for Flyway itself
// (flyway.conf, flyway.toml, FLYWAY_PLACEHOLDERS_X in compose) are
// replaced as Flyway replaces them; .pgreview.yml's win; one set only
// from the environment at run time stays missing, at its line.
func TestFlywayConfigPlaceholders(t *testing.T) {
	files := map[string]string{
		"flyway.conf":        "flyway.url=jdbc:postgresql://db/app\nflyway.placeholders.reader_role=reporting\nflyway.placeholders.secret=${SECRET}\n",
		"conf/flyway.toml":   "[flyway]\nlocations = [\"filesystem:sql\"]\n\n[flyway.placeholders]\nschema_name = \"sales\"\nowner = \"app\"\n",
		"docker-compose.yml": "services:\n  flyway:\n    image: flyway/flyway\n    environment:\n      FLYWAY_PLACEHOLDERS_AUDITOR: audit_role\n",
		"sql/V1__schema.sql": "CREATE SCHEMA ${schema_name} AUTHORIZATION ${owner};\nGRANT USAGE ON SCHEMA ${schema_name} TO ${reader_role}, ${auditor};\n",
		"sql/V2__secret.sql": "SELECT 1;\nSELECT '${secret}';\n",
	}
	r, err := repo.Open(repotest.Dir(t, files))
	if err != nil {
		t.Fatal(err)
	}
	plan, err := Detect(r, Config{Placeholders: map[string]string{"owner": "review_owner"}})
	if err != nil || plan == nil || plan.Tool != "flyway" {
		t.Fatalf("detect: %+v %v", plan, err)
	}
	v1, v2 := plan.Migrations[0].Up, plan.Migrations[1].Up
	var sql []string
	for _, s := range v1.Statements {
		sql = append(sql, s.SQL)
	}
	want := "CREATE SCHEMA sales AUTHORIZATION review_owner\nGRANT USAGE ON SCHEMA sales TO reporting, audit_role"
	if got := strings.Join(sql, "\n"); v1.Err != nil || got != want {
		t.Errorf("V1: %v\n got %q\nwant %q", v1.Err, got, want)
	}
	if v2.Err == nil || v2.Err.Line != 2 || !strings.Contains(v2.Err.Message, "flyway.placeholders.secret") {
		t.Errorf("V2: want the placeholder Flyway reads from the environment missing at line 2, got %+v", v2.Err)
	}

	// placeholderReplacement=false: Flyway leaves ${...} as written.
	files["flyway.conf"] += "flyway.placeholderReplacement=false\n"
	r, err = repo.Open(repotest.Dir(t, files))
	if err != nil {
		t.Fatal(err)
	}
	plan, _ = Detect(r, Config{})
	if s := plan.Migrations[1].Up; s.Err != nil || !strings.Contains(s.Statements[1].SQL, "${secret}") {
		t.Errorf("without replacement: %+v", s)
	}
}
