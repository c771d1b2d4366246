package store

import (
	"context"
	"os"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/peterldowns/pgtestdb"
	"github.com/peterldowns/pgtestdb/migrators/golangmigrator"
)

// Each test gets its own database, migrated from db/migrations and
// dropped afterwards; the suite never touches a shared one.
func testDB(t *testing.T) pgtestdb.Config {
	t.Helper()
	return pgtestdb.Config{
		DriverName: "pgx",
		Host:       os.Getenv("PGHOST"),
		Port:       os.Getenv("PGPORT"),
		User:       os.Getenv("PGUSER"),
		Password:   os.Getenv("PGPASSWORD"),
		Options:    "sslmode=disable",
	}
}

func TestEntriesRejectZeroAmounts(t *testing.T) {
	ctx := context.Background()
	db := pgtestdb.New(t, testDB(t), golangmigrator.New("../../db/migrations"))
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "INSERT INTO accounts (name) VALUES ('cash')"); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO entries (account_id, amount_cents) SELECT id, 0 FROM accounts"); err == nil {
		t.Fatal("an entry of 0 cents was accepted")
	}
}
