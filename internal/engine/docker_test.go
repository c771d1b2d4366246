package engine

import (
	"context"
	"errors"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestRecoverIntoTurnsALibraryPanicIntoAnError(t *testing.T) {
	err := func() (err error) {
		defer recoverInto(&err)
		panic(errors.New("rootless Docker not found"))
	}()
	if err == nil || !strings.Contains(err.Error(), "Docker is not reachable") || !strings.Contains(err.Error(), "engine: local") {
		t.Fatalf("got %v", err)
	}
}

// TestExpiredContainersAreRemoved plays a pgreview that was killed
// outright: its container outlived its expiry, and the next start removes
// it, while a live review's container is left alone.
func TestExpiredContainersAreRemoved(t *testing.T) {
	ctx := context.Background()
	run := func(session string, expires time.Time) {
		t.Helper()
		out, err := exec.Command("docker", "run", "-d", "--label", LabelSession+"="+session,
			"--label", labelExpires+"="+strconv.FormatInt(expires.Unix(), 10),
			"--entrypoint", "sleep", testImage(), "300").CombinedOutput()
		if err != nil {
			t.Fatalf("docker run: %v\n%s", err, out)
		}
	}
	dead, live := testSession(t), testSession(t)
	t.Cleanup(func() {
		for _, s := range []string{dead, live} {
			if ids := containersOf(t, s); len(ids) > 0 {
				exec.Command("docker", append([]string{"rm", "-f", "-v"}, ids...)...).Run()
			}
		}
	})
	run(dead, time.Now().Add(-time.Minute))
	run(live, time.Now().Add(time.Hour))
	p, err := dockerProvider(t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := removeExpired(ctx, p.Client(), time.Now()); err != nil {
		t.Fatal(err)
	}
	if ids := containersOf(t, dead); len(ids) != 0 {
		t.Errorf("the expired container is still there: %v", ids)
	}
	if ids := containersOf(t, live); len(ids) != 1 {
		t.Errorf("the live review's container was removed: %v", ids)
	}
}
