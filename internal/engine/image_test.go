package engine

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/testcontainers/testcontainers-go"
)

// TestImageFollowsTheOfficialConventions checks what repos rely on in
// the postgres image, whether the official one or the one
// scripts/postgres-image/build.sh makes offline: POSTGRES_USER, POSTGRES_DB,
// POSTGRES_PASSWORD_FILE, server flags given alone (`-c ...`), init
// scripts (*.sql, sourced *.sh calling docker_process_sql, executable
// *.sh), and SIGINT as the stop signal.
func TestImageFollowsTheOfficialConventions(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	session := testSession(t)
	files := []testcontainers.ContainerFile{
		{Reader: strings.NewReader("s3cret-from-file"), ContainerFilePath: "/run/secrets/pg_password", FileMode: 0o644},
		{Reader: strings.NewReader("CREATE TABLE products (sku text PRIMARY KEY);\n"), ContainerFilePath: "/docker-entrypoint-initdb.d/10-schema.sql", FileMode: 0o644},
		{Reader: strings.NewReader("docker_process_sql <<<\"INSERT INTO products VALUES ('sourced')\"\n"), ContainerFilePath: "/docker-entrypoint-initdb.d/20-seed.sh", FileMode: 0o644},
		{Reader: strings.NewReader("#!/bin/bash\nset -e\npsql -v ON_ERROR_STOP=1 --username \"$POSTGRES_USER\" --dbname \"$POSTGRES_DB\" -c \"INSERT INTO products VALUES ('executable')\"\n"),
			ContainerFilePath: "/docker-entrypoint-initdb.d/30-more.sh", FileMode: 0o755},
	}
	ctr, err := testcontainers.Run(ctx, testImage(),
		testcontainers.WithEnv(map[string]string{
			"POSTGRES_USER":          "owner",
			"POSTGRES_DB":            "inventory",
			"POSTGRES_PASSWORD_FILE": "/run/secrets/pg_password",
		}),
		testcontainers.WithExposedPorts("5432/tcp"),
		testcontainers.WithCmd("-c", "max_connections=33"),
		testcontainers.WithFiles(files...),
		testcontainers.WithLabels(containerLabels(ctx, session, time.Now())),
	)
	t.Cleanup(func() {
		if ctr != nil {
			ctr.Terminate(context.Background(), testcontainers.StopTimeout(0))
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	candidates, err := reachCandidates(ctx, ctr, os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	urlFor := func(hp string) string {
		u := url.URL{Scheme: "postgres", User: url.UserPassword("owner", "s3cret-from-file"), Host: hp, Path: "/inventory", RawQuery: "sslmode=disable"}
		return u.String()
	}
	hp, err := waitAnyReady(ctx, candidates, urlFor, 2*time.Minute, aliveCheck(ctx, ctr, testImage()))
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, urlFor(hp))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var db, user, maxConn, skus string
	err = conn.QueryRow(ctx, `select current_database(), current_user, current_setting('max_connections'),
		(select string_agg(sku, ',' order by sku) from products)`).Scan(&db, &user, &maxConn, &skus)
	if err != nil {
		t.Fatalf("%v\n%s", err, logTail(ctx, ctr, 30))
	}
	if got := fmt.Sprintf("%s %s %s %s", db, user, maxConn, skus); got != "inventory owner 33 executable,sourced" {
		t.Fatalf("got %q, want %q\n%s", got, "inventory owner 33 executable,sourced", logTail(ctx, ctr, 30))
	}
	info, err := ctr.Inspect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.Config.StopSignal != "SIGINT" {
		t.Errorf("stop signal %q, want SIGINT (PostgreSQL's fast shutdown)", info.Config.StopSignal)
	}
}
