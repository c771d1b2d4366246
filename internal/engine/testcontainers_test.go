package engine

import (
	"context"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// These tests run a real container of the image our fixtures use. Docker
// must be running and postgres:15-alpine present (make image builds it
// without a registry); Ryuk is disabled because it cannot be pulled here.
// PGREVIEW_TEST_IMAGE runs them against another image (postgres:17, say).
func testImage() string {
	if img := os.Getenv("PGREVIEW_TEST_IMAGE"); img != "" {
		return img
	}
	return "postgres:15-alpine"
}

// TestMain disables Ryuk, which cannot be pulled here; Stop removes
// every container, and the tests check that it does.
func TestMain(m *testing.M) {
	os.Setenv("TESTCONTAINERS_RYUK_DISABLED", "true")
	os.Exit(m.Run())
}

// testSession is a label value unique to one test, so that concurrent
// test runs on the same Docker engine never see each other's containers.
func testSession(t testing.TB) string {
	return "test-" + randomHex(6)
}

// containersOf lists the containers (running or not) of a session.
func containersOf(t testing.TB, session string) []string {
	t.Helper()
	out, err := exec.Command("docker", "ps", "-aq", "--filter", "label="+LabelSession+"="+session).CombinedOutput()
	if err != nil {
		t.Fatalf("docker ps: %v\n%s", err, out)
	}
	return strings.Fields(string(out))
}

func startContainer(t *testing.T, opts Options) *Postgres {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if opts.Image == "" {
		opts.Image = testImage()
	}
	if opts.Session == "" {
		opts.Session = testSession(t)
	}
	opts.Log = t.Logf
	pg, err := Testcontainers{}.Start(ctx, opts)
	if err != nil {
		t.Fatalf("start %s: %v", opts.Image, err)
	}
	t.Cleanup(func() { pg.Stop(context.Background()) })
	return pg
}

func TestTestcontainersRunsTheRepoImageWithItsSettings(t *testing.T) {
	ctx := context.Background()
	session := testSession(t)
	pg := startContainer(t, Options{
		Session:  session,
		User:     "appuser",
		Database: "app",
		Settings: map[string]string{"max_connections": "37", "work_mem": "8MB"},
	})
	if pg.Kind != KindTestcontainers || pg.Image != testImage() || pg.Major < 13 || !regexp.MustCompile(`^\d+\.\d+$`).MatchString(pg.ServerVersion) {
		t.Fatalf("server not described: kind=%s image=%s major=%d version=%s", pg.Kind, pg.Image, pg.Major, pg.ServerVersion)
	}
	if got := containersOf(t, session); len(got) != 1 {
		t.Fatalf("containers of session %s: %v, want one", session, got)
	}
	conn, err := pgx.Connect(ctx, pg.URL)
	if err != nil {
		t.Fatal(err)
	}
	var db, user, fsync, syncCommit, maxConn, workMem string
	var super bool
	err = conn.QueryRow(ctx, `select current_database(), current_user, current_setting('fsync'),
		current_setting('synchronous_commit'), current_setting('max_connections'), current_setting('work_mem'),
		(select rolsuper from pg_roles where rolname = current_user)`).Scan(&db, &user, &fsync, &syncCommit, &maxConn, &workMem, &super)
	conn.Close(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if db != "app" || user != "appuser" || !super || fsync != "off" || syncCommit != "off" || maxConn != "37" || workMem != "8MB" {
		t.Fatalf("got db=%s user=%s super=%v fsync=%s synchronous_commit=%s max_connections=%s work_mem=%s",
			db, user, super, fsync, syncCommit, maxConn, workMem)
	}
	if !strings.Contains(pg.Describe(), testImage()) {
		t.Fatalf("Describe() = %q", pg.Describe())
	}

	if err := pg.Stop(ctx); err != nil {
		t.Fatalf("stop: %v", err)
	}
	if got := containersOf(t, session); len(got) != 0 {
		t.Fatalf("containers left after Stop: %v", got)
	}
	cctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if c, err := pgx.Connect(cctx, pg.URL); err == nil {
		c.Close(ctx)
		t.Fatal("server still answers after Stop")
	}
}

func TestTestcontainersNeverUsesThePostgresDatabase(t *testing.T) {
	pg := startContainer(t, Options{Database: "postgres"})
	if pg.Database == "postgres" || !strings.Contains(pg.URL, "/"+pg.Database+"?") {
		t.Fatalf("review database %q (%s): must not be postgres, so that it can be restored from a template", pg.Database, redactURL(pg.URL))
	}
}

func TestTestcontainersSnapshotRestore(t *testing.T) {
	ctx := context.Background()
	pg := startContainer(t, Options{Database: "app"})
	exec := func(sql string) {
		t.Helper()
		conn, err := pgx.Connect(ctx, pg.URL)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
	}
	exec("create table kept (id int primary key); insert into kept values (1), (2)")
	if err := pg.Snapshot(ctx, "snap"); err != nil {
		t.Fatalf("snapshot: %v", err)
	}
	exec("create table dropped_by_restore (id int); drop table kept")
	if err := pg.Restore(ctx, "snap"); err != nil {
		t.Fatalf("restore: %v", err)
	}
	conn, err := pgx.Connect(ctx, pg.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var kept int
	var dropped bool
	err = conn.QueryRow(ctx, "select (select count(*) from kept), to_regclass('dropped_by_restore') is not null").Scan(&kept, &dropped)
	if err != nil || kept != 2 || dropped {
		t.Fatalf("after restore: kept rows=%d dropped_by_restore exists=%v err=%v", kept, dropped, err)
	}
}

func TestTestcontainersExplainsAMissingImage(t *testing.T) {
	session := testSession(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// A tag nobody builds: the pull must fail (there is no registry here,
	// and no such tag upstream either), and the message must say what to do.
	image := "postgres:15-pgreview-missing-" + randomHex(3)
	start := time.Now()
	pg, err := Testcontainers{}.Start(ctx, Options{Image: image, Session: session, Log: t.Logf})
	if err == nil {
		pg.Stop(ctx)
		t.Fatalf("started %s, which should not exist", image)
	}
	t.Logf("error after %s: %v", time.Since(start).Round(time.Millisecond), err)
	for _, want := range []string{
		"image " + image + " is not on this machine and could not be pulled",
		"docker pull " + image,
		"scripts/postgres-image/build.sh 15 " + image,
		"engine: local",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not say %q:\n%v", want, err)
		}
	}
	if got := containersOf(t, session); len(got) != 0 {
		t.Fatalf("containers left behind: %v", got)
	}
}

func TestTestcontainersReportsTheLogOfAServerThatDies(t *testing.T) {
	session := testSession(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// An invalid setting: initdb succeeds, then the server refuses to start.
	pg, err := Testcontainers{}.Start(ctx, Options{Image: testImage(), Session: session, Log: t.Logf,
		Settings: map[string]string{"max_connections": "lots"}})
	if err == nil {
		pg.Stop(ctx)
		t.Fatal("a server with max_connections=lots started")
	}
	t.Logf("error: %v", err)
	for _, want := range []string{"exited with code", `invalid value for parameter "max_connections"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not say %q:\n%v", want, err)
		}
	}
	if got := containersOf(t, session); len(got) != 0 {
		t.Fatalf("containers left behind: %v", got)
	}
}

func TestTestcontainersStartTimeoutShowsTheContainerLog(t *testing.T) {
	session := testSession(t)
	ctx := context.Background()
	// A server that runs but never listens on TCP: the wait must give up
	// at StartTimeout and show what the container printed.
	pg, err := Testcontainers{StartTimeout: 4 * time.Second}.Start(ctx, Options{Image: testImage(), Session: session, Log: t.Logf,
		Settings: map[string]string{"listen_addresses": ""}})
	if err == nil {
		pg.Stop(ctx)
		t.Fatal("PostgreSQL answered over TCP with listen_addresses empty")
	}
	t.Logf("error: %v", err)
	for _, want := range []string{"did not answer within 4s", "its log ends:", "PostgreSQL init process complete"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not say %q:\n%v", want, err)
		}
	}
	if got := containersOf(t, session); len(got) != 0 {
		t.Fatalf("containers left behind: %v", got)
	}
}

func TestTestcontainersAvailable(t *testing.T) {
	if err := (Testcontainers{}).Available(context.Background()); err != nil {
		t.Fatalf("Docker should answer on this machine: %v", err)
	}
}
