// Package enginetest gives tests a real Postgres, started through our own
// local engine once per test binary. There is no skip: a test that cannot
// reach Postgres fails, in CI as anywhere.
package enginetest

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pgreview/pgreview/internal/engine"
)

var (
	once   sync.Once
	shared *engine.Postgres
	err    error
	seq    atomic.Int64
)

// Main wraps testing.M: it stops the shared server after the tests.
//
//	func TestMain(m *testing.M) { enginetest.Main(m) }
func Main(m *testing.M) {
	code := m.Run()
	if shared != nil {
		shared.Stop(context.Background())
	}
	os.Exit(code)
}

// Server returns the shared server, starting it on first use.
func Server(t testing.TB) *engine.Postgres {
	t.Helper()
	once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		shared, err = engine.Local{}.Start(ctx, engine.Options{Database: "pgreview_test"})
	})
	if err != nil {
		t.Fatalf("start a local Postgres for the tests: %v", err)
	}
	return shared
}

// Database creates a fresh, empty database on the shared server for one
// test, drops it when the test ends, and returns its URL.
func Database(t testing.TB) string {
	t.Helper()
	return Postgres(t).URL
}

// Postgres is Database as an engine.Postgres: the shared server with a
// fresh database of the test's own as the review database.
func Postgres(t testing.TB) *engine.Postgres {
	t.Helper()
	pg := Server(t)
	name := fmt.Sprintf("t_%d_%d", os.Getpid(), seq.Add(1))
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, pg.URLFor("postgres"))
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		if err := pg.DropDatabase(context.Background(), name); err != nil {
			t.Logf("drop database %s: %v", name, err)
		}
	})
	return pg.WithDatabase(name)
}

// Exec runs SQL (several statements allowed) against url.
func Exec(t testing.TB, url string, sql ...string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, strings.Join(sql, ";\n")); err != nil {
		t.Fatalf("exec: %v", err)
	}
}
