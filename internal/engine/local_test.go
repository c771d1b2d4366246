package engine

import (
	"context"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestLocalStartsAndRemovesEverything(t *testing.T) {
	ctx := context.Background()
	pg, err := Local{}.Start(ctx, Options{Database: "app", User: "appuser", Settings: map[string]string{"max_connections": "37"}})
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Stop(ctx)
	if pg.Major < 13 || pg.ServerVersion == "" {
		t.Fatalf("server not described: %+v", pg)
	}
	conn, err := pgx.Connect(ctx, pg.URL)
	if err != nil {
		t.Fatal(err)
	}
	var db, user, fsync, maxConn string
	err = conn.QueryRow(ctx, "select current_database(), current_user, current_setting('fsync'), current_setting('max_connections')").Scan(&db, &user, &fsync, &maxConn)
	conn.Close(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if db != "app" || user != "appuser" || fsync != "off" || maxConn != "37" {
		t.Fatalf("got db=%s user=%s fsync=%s max_connections=%s", db, user, fsync, maxConn)
	}
	if err := pg.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := pgx.Connect(ctx, pg.URL); err == nil {
		t.Fatal("server still answers after Stop")
	}
	if _, err := os.Stat(pg.dir); !os.IsNotExist(err) {
		t.Fatalf("%s is left behind after Stop (%v)", pg.dir, err)
	}
}

func TestSnapshotRestore(t *testing.T) {
	ctx := context.Background()
	pg, err := Local{}.Start(ctx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Stop(ctx)
	exec := func(sql string) {
		conn, err := pgx.Connect(ctx, pg.URL)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
	}
	exec("create table kept (id int)")
	if err := pg.Snapshot(ctx, "snap"); err != nil {
		t.Fatal(err)
	}
	exec("create table dropped_by_restore (id int); drop table kept")
	if err := pg.Restore(ctx, "snap"); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, pg.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var tables []string
	rows, _ := conn.Query(ctx, "select relname from pg_class where relname in ('kept','dropped_by_restore')")
	tables, err = pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || len(tables) != 1 || tables[0] != "kept" {
		t.Fatalf("after restore: %v %v", tables, err)
	}
}

func TestFindServerBinariesExplainsWhatIsMissing(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := FindServerBinaries(99, t.TempDir())
	if err == nil {
		if _, statErr := os.Stat("/usr/lib/postgresql"); statErr == nil {
			return // the system directory still provides binaries
		}
		t.Fatal("expected an error")
	}
}
