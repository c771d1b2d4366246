package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
	tclog "github.com/testcontainers/testcontainers-go/log"
)

// Labels on every container pgreview starts. The session label lets CI
// (and our tests) find a review's containers; the expiry label lets a
// later run remove containers whose pgreview was killed outright (SIGKILL),
// without Ryuk.
const (
	LabelSession = "org.pgreview.session"
	labelExpires = "org.pgreview.expires"
)

// libraryLogger hands testcontainers' messages to the -v log.
type libraryLogger func(format string, args ...any)

func (l libraryLogger) Printf(format string, args ...any) {
	l("testcontainers: "+strings.TrimRight(format, "\n"), args...)
}

// dockerProvider connects to the Docker engine. testcontainers panics
// rather than failing in some set-ups without Docker; a panic becomes an
// error here.
func dockerProvider(logf func(string, ...any)) (p *testcontainers.DockerProvider, err error) {
	defer recoverInto(&err)
	p, err = testcontainers.NewDockerProvider(testcontainers.WithLogger(libraryLogger(logf)))
	if err != nil {
		return nil, dockerUnavailable(err)
	}
	return p, nil
}

func dockerUnavailable(err error) error {
	return fmt.Errorf("Docker is not reachable (%v); start Docker (or point DOCKER_HOST at it), or use engine: local (PostgreSQL server binaries) or --database-url", firstLineOf(err.Error()))
}

// recoverInto turns a panic of the Docker library into an error.
func recoverInto(err *error) {
	if r := recover(); r != nil {
		*err = dockerUnavailable(fmt.Errorf("the Docker library panicked: %v", r))
	}
}

// ensureImage makes sure image is on the Docker host, pulling it when it
// is missing, and returns its environment. Without a registry the pull
// fails at once, and the error says how to get the image some other way.
func ensureImage(ctx context.Context, p *testcontainers.DockerProvider, image string, logf func(string, ...any)) (env []string, err error) {
	res, err := p.Client().ImageInspect(ctx, image)
	if err == nil {
		return imageEnv(res), nil
	}
	if !cerrdefs.IsNotFound(err) {
		return nil, fmt.Errorf("inspect image %s: %w", image, err)
	}
	logf("engine testcontainers: image %s is not on this machine; pulling it", image)
	pullErr := p.PullImage(ctx, image)
	if pullErr == nil {
		if res, err = p.Client().ImageInspect(ctx, image); err == nil {
			return imageEnv(res), nil
		}
		pullErr = err
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return nil, imageMissing(image, pullErr)
}

func imageEnv(res client.ImageInspectResult) []string {
	if res.Config == nil {
		return nil
	}
	return res.Config.Env
}

// dataDir is the image's PGDATA (/var/lib/postgresql/data in the official
// images up to 17), or "" when the image does not say.
func dataDir(env []string) string {
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PGDATA="); ok && strings.HasPrefix(v, "/") {
			return v
		}
	}
	return ""
}

func imageMissing(image string, pullErr error) error {
	how := fmt.Sprintf("pull %s (docker pull %s)", image, image)
	if major := majorOfOfficialImage(image); offlineBuildable(major) {
		how += fmt.Sprintf(", build it without a registry (scripts/postgres-image/build.sh %d %s)", major, image)
	}
	return fmt.Errorf("image %s is not on this machine and could not be pulled (%s); %s, choose another image (--postgres-image or engine.image), or set engine: local",
		image, firstLineOf(pullErr.Error()), how)
}

// offlineBuildable reports whether scripts/postgres-image/build.sh can
// build a major: Debian ships 13, 15 and 17 (keep in step with the script).
func offlineBuildable(major int) bool {
	switch major {
	case 13, 15, 17:
		return true
	}
	return false
}

// majorOfOfficialImage is the major of postgres:<major>[-variant], the
// only images our offline build script can stand in for; 0 otherwise.
func majorOfOfficialImage(image string) int {
	name, tag, ok := strings.Cut(image, ":")
	if !ok || (name != "postgres" && name != "library/postgres" && name != "docker.io/library/postgres") {
		return 0
	}
	digits, _, _ := strings.Cut(tag, "-")
	digits, _, _ = strings.Cut(digits, ".")
	n, err := strconv.Atoi(digits)
	if err != nil {
		return 0
	}
	return n
}

// containerLabels are the labels of a review's container. The expiry is
// the review's deadline plus a grace period, or a day without one.
func containerLabels(ctx context.Context, session string, now time.Time) map[string]string {
	expires := now.Add(24 * time.Hour)
	if d, ok := ctx.Deadline(); ok {
		expires = d.Add(5 * time.Minute)
	}
	return map[string]string{LabelSession: session, labelExpires: strconv.FormatInt(expires.Unix(), 10)}
}

// removeSession force-removes every container labelled with session,
// volumes included. It is the safety net behind Terminate: a container
// whose creation was interrupted has no handle, but it has the label.
func removeSession(ctx context.Context, api client.APIClient, session string) error {
	return removeWhere(ctx, api, LabelSession+"="+session, func(map[string]string) bool { return true })
}

// removeExpired removes containers of earlier reviews that outlived their
// deadline: their pgreview was killed before it could clean up.
func removeExpired(ctx context.Context, api client.APIClient, now time.Time) error {
	return removeWhere(ctx, api, labelExpires, func(labels map[string]string) bool {
		t, err := strconv.ParseInt(labels[labelExpires], 10, 64)
		return err == nil && now.Unix() > t
	})
}

func removeWhere(ctx context.Context, api client.APIClient, label string, match func(map[string]string) bool) error {
	list, err := api.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: make(client.Filters).Add("label", label)})
	if err != nil {
		return fmt.Errorf("list containers labelled %s: %w", label, err)
	}
	var errs []error
	for _, c := range list.Items {
		if !match(c.Labels) {
			continue
		}
		_, err := api.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
		if err != nil && !cerrdefs.IsNotFound(err) && !isRemovalInProgress(err) {
			errs = append(errs, fmt.Errorf("remove container %.12s: %w", c.ID, err))
		}
	}
	return errors.Join(errs...)
}

func isRemovalInProgress(err error) bool {
	return cerrdefs.IsConflict(err) && strings.Contains(err.Error(), "already in progress")
}

// logTail returns the last n lines of a container's output, for errors.
func logTail(ctx context.Context, c testcontainers.Container, n int) string {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	rc, err := c.Logs(ctx)
	if err != nil {
		return fmt.Sprintf("(the container's log could not be read: %v)", err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, 1<<20))
	if err != nil && len(b) == 0 {
		return fmt.Sprintf("(the container's log could not be read: %v)", err)
	}
	if len(strings.TrimSpace(string(b))) == 0 {
		return "(the container printed nothing)"
	}
	return tail(b, n)
}

// SetUpDockerLibrary adjusts testcontainers-go's process-wide settings for
// a command-line tool; main calls it once. Ryuk (the library's reaper
// container) is off unless TESTCONTAINERS_RYUK_DISABLED says otherwise:
// it needs an image pull, which air-gapped runners cannot do, and
// pgreview removes its containers itself (and expired ones of killed runs).
// The library's banner on stderr is silenced; -v shows its progress.
func SetUpDockerLibrary(getenv func(string) string, setenv func(key, value string) error) {
	if getenv("TESTCONTAINERS_RYUK_DISABLED") == "" {
		setenv("TESTCONTAINERS_RYUK_DISABLED", "true")
	}
	tclog.SetDefault(tclog.NewNoopLogger())
}
