package engine

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// The dsn engine creates a throwaway database in the server it is given,
// drops it on Stop, and never touches the database named in the URL.
func TestDSNCreatesAndDropsItsOwnDatabase(t *testing.T) {
	ctx := context.Background()
	server, err := Local{}.Start(ctx, Options{Database: "app"})
	if err != nil {
		t.Fatal(err)
	}
	defer server.Stop(ctx)

	pg, err := DSN{}.Start(ctx, Options{DatabaseURL: server.URL})
	if err != nil {
		t.Fatal(err)
	}
	if pg.Kind != KindDSN || !strings.HasPrefix(pg.Database, "pgreview_") || pg.ServerVersion == "" {
		t.Fatalf("dsn engine: %+v", pg)
	}
	conn, err := pgx.Connect(ctx, pg.URL)
	if err != nil {
		t.Fatal(err)
	}
	var db string
	conn.QueryRow(ctx, "select current_database()").Scan(&db)
	conn.Close(ctx)
	if db != pg.Database {
		t.Fatalf("connected to %s, want %s", db, pg.Database)
	}
	if err := pg.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	admin, err := pgx.Connect(ctx, server.URL)
	if err != nil {
		t.Fatalf("the database named in the URL is gone: %v", err)
	}
	defer admin.Close(ctx)
	var n int
	admin.QueryRow(ctx, "select count(*) from pg_database where datname = $1", pg.Database).Scan(&n)
	if n != 0 {
		t.Fatalf("%s is left behind after Stop", pg.Database)
	}
}

func TestDSNErrorsNeverShowThePassword(t *testing.T) {
	_, err := DSN{}.Start(context.Background(), Options{DatabaseURL: "postgres://app:s3cret-pw@127.0.0.1:1/app?connect_timeout=2"})
	if err == nil || strings.Contains(err.Error(), "s3cret-pw") {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(err.Error(), "xxxxx") {
		t.Fatalf("the message should name the (redacted) URL: %v", err)
	}
}
