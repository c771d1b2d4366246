package engine

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/testcontainers/testcontainers-go"
	tcpostgres "github.com/testcontainers/testcontainers-go/modules/postgres"
)

// Testcontainers runs the repo's own Postgres image in a container through
// testcontainers-go: the image from Options (the repo's compose, CI or
// config), its server settings plus FastSettings, its POSTGRES_USER and
// POSTGRES_DB. The container is removed on Stop, and on every failure
// after it was created.
type Testcontainers struct {
	// StartTimeout bounds the wait for the server to answer; 0 means 2
	// minutes (initdb of a fresh cluster is most of it).
	StartTimeout time.Duration
}

var _ Engine = Testcontainers{}

func (Testcontainers) Kind() Kind { return KindTestcontainers }

// Available reports whether a Docker engine answers. It never panics.
func (Testcontainers) Available(ctx context.Context) (err error) {
	defer recoverInto(&err)
	p, err := dockerProvider(func(string, ...any) {})
	if err != nil {
		return err
	}
	defer p.Close()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := p.Health(ctx); err != nil {
		return dockerUnavailable(err)
	}
	return nil
}

// Start implements Engine.
func (t Testcontainers) Start(ctx context.Context, opts Options) (pg *Postgres, err error) {
	defer recoverInto(&err)
	image := opts.image()
	session := opts.Session
	if session == "" {
		session = randomHex(8)
	}
	p, err := dockerProvider(opts.logf)
	if err != nil {
		return nil, err
	}
	defer p.Close()
	if err := removeExpired(ctx, p.Client(), time.Now()); err != nil {
		opts.logf("engine testcontainers: %v", err)
	}
	imageEnv, err := ensureImage(ctx, p, image, opts.logf)
	if err != nil {
		return nil, err
	}

	// From here on a container may exist, even when Run fails or ctx is
	// cancelled half-way: remove whatever carries our session label.
	defer func() {
		if err != nil {
			cleanCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
			defer cancel()
			if rmErr := removeSession(cleanCtx, p.Client(), session); rmErr != nil {
				err = fmt.Errorf("%w (and removing its container failed: %v; remove it with docker rm -f $(docker ps -aq --filter label=%s=%s))", err, rmErr, LabelSession, session)
			}
		}
	}()

	settings := map[string]string{}
	for k, v := range opts.Settings {
		settings[k] = v
	}
	for k, v := range FastSettings {
		settings[k] = v
	}
	cmd := []string{"postgres"}
	for _, k := range sortedKeys(settings) {
		cmd = append(cmd, "-c", k+"="+settings[k])
	}
	user, db, password := opts.user(), opts.database(), randomHex(16)
	start := time.Now()
	customize := []testcontainers.ContainerCustomizer{
		testcontainers.WithLogger(libraryLogger(opts.logf)),
		tcpostgres.WithUsername(user),
		tcpostgres.WithPassword(password),
		tcpostgres.WithDatabase(db),
		// initdb need not fsync a cluster that lives for one review.
		testcontainers.WithEnv(map[string]string{"POSTGRES_INITDB_ARGS": "--no-sync"}),
		testcontainers.WithCmd(cmd...),
		testcontainers.WithLabels(containerLabels(ctx, session, start)),
	}
	// The cluster lives in memory: initdb and migrations skip the storage
	// driver (fuse-overlayfs makes that a second per start), and nothing
	// is left on disk. The image must say where its cluster goes.
	if dir := dataDir(imageEnv); dir != "" {
		customize = append(customize, testcontainers.WithTmpfs(map[string]string{dir: "rw"}))
	}
	opts.logf("engine testcontainers: starting %s (session %s)", image, session)
	ctr, err := tcpostgres.Run(ctx, image, customize...)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if strings.Contains(err.Error(), "reaper") {
			return nil, fmt.Errorf("start a container of %s: Ryuk, testcontainers' reaper container, could not start (%v); pgreview removes its containers itself: set TESTCONTAINERS_RYUK_DISABLED=true", image, err)
		}
		return nil, fmt.Errorf("start a container of %s: %v", image, err)
	}
	id := ctr.GetContainerID()

	// The library reads the Docker settings from the process environment;
	// so must we, to find the container the same way.
	candidates, err := reachCandidates(ctx, ctr, os.Getenv)
	if err != nil {
		return nil, err
	}
	opts.logf("engine testcontainers: container %.12s started in %s; waiting for PostgreSQL at %s",
		id, time.Since(start).Round(time.Millisecond), strings.Join(candidates, ", "))
	urlFor := func(hostport, database string) string {
		u := url.URL{Scheme: "postgres", User: url.UserPassword(user, password), Host: hostport, Path: "/" + database, RawQuery: "sslmode=disable"}
		return u.String()
	}
	timeout := t.StartTimeout
	if timeout == 0 {
		timeout = 2 * time.Minute
	}
	hostport, err := waitAnyReady(ctx, candidates, func(hp string) string { return urlFor(hp, db) }, timeout, aliveCheck(ctx, ctr, image))
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var exited *exitedError
		if errors.As(err, &exited) {
			return nil, err
		}
		return nil, fmt.Errorf("container %.12s of %s: %v; its log ends:\n%s", id, image, err, logTail(ctx, ctr, 15))
	}
	opts.logf("engine testcontainers: PostgreSQL answers at %s after %s", hostport, time.Since(start).Round(time.Millisecond))

	pg = &Postgres{
		Kind:     KindTestcontainers,
		Image:    image,
		URL:      urlFor(hostport, db),
		Database: db,
		Settings: settings,
		adminURL: urlFor(hostport, "postgres"),
		// Removal must happen even when the caller's context is done.
		stop: func(ctx context.Context) error {
			ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
			defer cancel()
			err := ctr.Terminate(ctx, testcontainers.StopTimeout(0))
			return errors.Join(err, removeSession(ctx, p.Client(), session))
		},
	}
	if err := describeServer(ctx, pg); err != nil {
		return nil, fmt.Errorf("ask the server in %s for its version: %w", image, err)
	}
	return pg, nil
}

// aliveCheck reports a container that exited, with its last log lines.
func aliveCheck(ctx context.Context, ctr testcontainers.Container, image string) func() error {
	return func() error {
		st, err := ctr.State(ctx)
		if err != nil || st.Running {
			return nil
		}
		return &exitedError{image: image, code: st.ExitCode, log: logTail(ctx, ctr, 15)}
	}
}

// exitedError is a container that stopped before PostgreSQL answered.
type exitedError struct {
	image string
	code  int
	log   string
}

func (e *exitedError) Error() string {
	return fmt.Sprintf("the container of %s exited with code %d during start-up; its log ends:\n%s", e.image, e.code, e.log)
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
