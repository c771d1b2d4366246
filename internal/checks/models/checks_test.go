package models

import (
	"testing"

	"github.com/pgreview/pgreview/internal/check/checktest"
	"github.com/pgreview/pgreview/internal/engine/enginetest"
)

func TestMain(m *testing.M) { enginetest.Main(m) }

func TestChecks(t *testing.T) {
	for _, c := range Checks {
		t.Run(c.Name, func(t *testing.T) { checktest.Run(t, c, "testdata/"+c.Name) })
	}
}

// A live finding names the object, the migration line that created it and
// the model that declares the table.
func TestFindingsPointAtMigrationAndModel(t *testing.T) {
	res := checktest.Result(t, NoPrimaryKey, "testdata/no-primary-key")
	for _, f := range res.Findings {
		if f.Object != "public.audit_entries" {
			continue
		}
		if f.File != "db/migrations/0001_init.up.sql" || f.Line != 36 {
			t.Errorf("located at %s:%d, want the CREATE TABLE at db/migrations/0001_init.up.sql:36", f.File, f.Line)
		}
		if len(f.Related) != 1 || f.Related[0].File != "app/models.py" || f.Related[0].Line != 9 || f.Related[0].Note != "model AuditEntry" {
			t.Errorf("related: %+v, want the model at app/models.py:9", f.Related)
		}
		return
	}
	t.Fatal("no finding on public.audit_entries")
}
