package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/pgreview/pgreview/internal/engine"
)

// These tests build the real binary, start a review whose second migration
// sleeps, stop it from outside (a signal, or --timeout) and then ask Docker
// that the review's container is gone. Docker and postgres:15-alpine are
// needed, as for testcontainers.txtar.

// buildPgreview builds cmd/pgreview into dir.
func buildPgreview(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "pgreview")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// slowRepo is a repository whose second migration runs for two minutes.
func slowRepo(t *testing.T) string {
	dir := t.TempDir()
	files := map[string]string{
		"docker-compose.yml":                    "services:\n  db:\n    image: postgres:15-alpine\n    environment:\n      POSTGRES_DB: slow\n",
		"db/migrations/1_create_items.up.sql":   "CREATE TABLE items (id bigint PRIMARY KEY);\n",
		"db/migrations/1_create_items.down.sql": "DROP TABLE items;\n",
		"db/migrations/2_backfill.up.sql":       "SELECT pg_sleep(120);\n",
		"db/migrations/2_backfill.down.sql":     "SELECT 1;\n",
	}
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// lockedBuffer collects a process's stderr while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

type review struct {
	cmd     *exec.Cmd
	stderr  *lockedBuffer
	report  string
	session string
	done    chan error
}

func startReview(t *testing.T, bin string, args ...string) *review {
	t.Helper()
	session := "kill-" + randomID()
	report := filepath.Join(t.TempDir(), "report.json")
	args = append([]string{"review", "-v", "--engine", "testcontainers", "--format", "json", "--fail-on", "never", "--output", report}, args...)
	args = append(args, slowRepo(t))
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "TESTCONTAINERS_RYUK_DISABLED=true", "PGREVIEW_SESSION="+session)
	r := &review{cmd: cmd, stderr: &lockedBuffer{}, report: report, session: session, done: make(chan error, 1)}
	cmd.Stderr = r.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { r.done <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		// Never leave a container behind, even when the test fails.
		if ids := sessionContainers(t, session); len(ids) > 0 {
			exec.Command("docker", append([]string{"rm", "-f", "-v"}, ids...)...).Run()
		}
	})
	return r
}

// waitFor polls until cond holds, failing the test after two minutes or
// when the review exits first.
func (r *review) waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for !cond() {
		select {
		case err := <-r.done:
			r.done <- err
			t.Fatalf("the review exited (%v) before %s:\n%s", err, what, r.stderr.String())
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s:\n%s", what, r.stderr.String())
		}
	}
}

// exit waits for the review to end and returns its exit code.
func (r *review) exit(t *testing.T) int {
	t.Helper()
	select {
	case err := <-r.done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(time.Minute):
		// pg_sleep(120) would still be running: the stop did not cancel it.
		t.Fatalf("the review did not exit within a minute of being stopped:\n%s", r.stderr.String())
		return -1
	}
}

func sessionContainers(t *testing.T, session string) []string {
	t.Helper()
	out, err := exec.Command("docker", "ps", "-aq", "--filter", "label="+engine.LabelSession+"="+session).CombinedOutput()
	if err != nil {
		t.Fatalf("docker ps: %v\n%s", err, out)
	}
	return strings.Fields(string(out))
}

func (r *review) assertCleanAndIncomplete(t *testing.T, why string) {
	t.Helper()
	if code := r.exit(t); code != 3 {
		t.Errorf("exit code %d, want 3 (the review could not run)\n%s", code, r.stderr.String())
	}
	if !strings.Contains(r.stderr.String(), why) {
		t.Errorf("stderr does not say %q:\n%s", why, r.stderr.String())
	}
	if ids := sessionContainers(t, r.session); len(ids) != 0 {
		t.Errorf("containers left behind by session %s: %v\n%s", r.session, ids, r.stderr.String())
	}
	var rep struct{ Engine struct{ Kind string } }
	b, err := os.ReadFile(r.report)
	if err != nil || json.Unmarshal(b, &rep) != nil {
		t.Errorf("no readable report after the stop (%v):\n%s", err, b)
	}
}

func TestStoppedReviewLeavesNoContainer(t *testing.T) {
	bin := buildPgreview(t, t.TempDir())
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String()+" mid-migration", func(t *testing.T) {
			r := startReview(t, bin)
			r.waitFor(t, "the slow migration to start", func() bool {
				return strings.Contains(r.stderr.String(), "migration 2/2")
			})
			if ids := sessionContainers(t, r.session); len(ids) != 1 {
				t.Fatalf("want the review's container running, got %v", ids)
			}
			time.Sleep(300 * time.Millisecond) // let pg_sleep begin on the server
			r.cmd.Process.Signal(sig)
			r.assertCleanAndIncomplete(t, "interrupted; the report is incomplete")
		})
	}
	t.Run("interrupt while the container starts", func(t *testing.T) {
		r := startReview(t, bin)
		r.waitFor(t, "the container to exist", func() bool { return len(sessionContainers(t, r.session)) > 0 })
		r.cmd.Process.Signal(syscall.SIGINT)
		r.assertCleanAndIncomplete(t, "interrupted; the report is incomplete")
	})
	t.Run("timeout", func(t *testing.T) {
		r := startReview(t, bin, "--timeout", "20s")
		r.waitFor(t, "the container to exist", func() bool { return len(sessionContainers(t, r.session)) > 0 })
		r.assertCleanAndIncomplete(t, "timed out; the report is incomplete")
		t.Logf("the review's log when it stopped:\n%s", r.stderr.String())
	})
}
