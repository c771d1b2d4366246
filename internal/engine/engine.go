// Package engine starts the Postgres that a review runs against: a
// container of the repo's own image (testcontainers), a throwaway local
// cluster from the server binaries, or a database created inside a server
// the user points at. Whatever is started is stopped by Postgres.Stop.
package engine

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Kind names an engine.
type Kind string

const (
	KindAuto           Kind = "auto"
	KindTestcontainers Kind = "testcontainers"
	KindLocal          Kind = "local"
	KindDSN            Kind = "dsn"
	KindNone           Kind = "none"
)

// ParseKind reads an engine name.
func ParseKind(s string) (Kind, error) {
	switch k := Kind(strings.ToLower(s)); k {
	case KindAuto, KindTestcontainers, KindLocal, KindDSN, KindNone:
		return k, nil
	case "":
		return KindAuto, nil
	}
	return "", fmt.Errorf("unknown engine %q (want auto, testcontainers, local, dsn or none)", s)
}

// FastSettings make a throwaway server fast; durability does not matter
// for a review.
var FastSettings = map[string]string{
	"fsync":              "off",
	"full_page_writes":   "off",
	"synchronous_commit": "off",
}

// Options describe the Postgres a review wants.
type Options struct {
	// Image is the container image (testcontainers), e.g. postgres:15-alpine.
	// Empty means postgres:<Major>, or DefaultImage when Major is unknown.
	Image string
	// ImageSource says where Image (or Major) was read, as a phrase that
	// follows the image in the report: "from docker-compose.yml:4 (service db)".
	ImageSource string
	// Major is the Postgres major version the repo declares; 0 if unknown.
	Major int
	// Settings are server settings (the repo's compose `command: -c k=v`),
	// applied on top of FastSettings where the engine can.
	Settings map[string]string
	// User and Database follow the repo's POSTGRES_USER / POSTGRES_DB where
	// the engine can honour them. Database is never "postgres", so that a
	// template snapshot can be taken.
	User     string
	Database string
	// DatabaseURL is the server for the dsn engine.
	DatabaseURL string
	// Session labels the containers of this review (org.pgreview.session),
	// so that CI can find them; a random one is used when empty.
	Session string
	// Log reports progress (the CLI's -v); may be nil.
	Log func(format string, args ...any)
}

func (o *Options) logf(format string, args ...any) {
	if o.Log != nil {
		o.Log(format, args...)
	}
}

func (o *Options) database() string {
	if o.Database == "" || o.Database == "postgres" || strings.HasPrefix(o.Database, "template") {
		return "pgreview"
	}
	return o.Database
}

// DefaultImage is the image used when the repo declares no Postgres at all.
const DefaultImage = "postgres:16"

// image is the container image to run: the declared one, else the
// official image of the declared major, else DefaultImage.
func (o *Options) image() string {
	switch {
	case o.Image != "":
		return o.Image
	case o.Major > 0:
		return fmt.Sprintf("postgres:%d", o.Major)
	}
	return DefaultImage
}

func (o *Options) user() string {
	if o.User == "" {
		return "postgres"
	}
	return o.User
}

// Postgres is a running server and the review database inside it.
type Postgres struct {
	Kind  Kind
	Image string // container image, when a container runs
	// ServerVersion is what the server reports, e.g. "15.18".
	ServerVersion string
	Major         int
	// Reason says why this engine was chosen.
	Reason string
	// URL connects to the review database as its owner (a superuser for
	// the local and container engines).
	URL string
	// Database is the review database's name.
	Database string
	// Settings are the server settings that were applied.
	Settings map[string]string

	adminURL string // the same server's maintenance database
	dir      string // the local engine's temporary directory
	stop     func(context.Context) error
	stopped  bool
}

// Stop stops whatever the engine started. It is safe to call twice.
func (p *Postgres) Stop(ctx context.Context) error {
	if p == nil || p.stopped || p.stop == nil {
		return nil
	}
	p.stopped = true
	return p.stop(ctx)
}

// Describe is one line for the report: "local PostgreSQL 15.18".
func (p *Postgres) Describe() string {
	s := fmt.Sprintf("PostgreSQL %s", p.ServerVersion)
	if p.Image != "" {
		s += " (" + p.Image + ")"
	}
	return s
}

// Connect opens a new connection to the review database.
func (p *Postgres) Connect(ctx context.Context) (*pgx.Conn, error) {
	return pgx.Connect(ctx, p.URL)
}

// WithDatabase is a view of the same server with another database as the
// review database. Stopping the view stops nothing: the server belongs to
// p. Tests use it to give each test its own database.
func (p *Postgres) WithDatabase(db string) *Postgres {
	v := *p
	v.URL, v.Database, v.stop, v.stopped = withDatabase(p.URL, db), db, nil, false
	return &v
}

// URLFor returns the URL of another database on the same server.
func (p *Postgres) URLFor(db string) string { return withDatabase(p.URL, db) }

func withDatabase(raw, db string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	u.Path = "/" + db
	return u.String()
}

// Engine starts a Postgres.
type Engine interface {
	Kind() Kind
	Start(ctx context.Context, opts Options) (*Postgres, error)
}

// waitReady polls until the server answers or ctx / the deadline ends.
// alive, when not nil, reports a server process that has died.
func waitReady(ctx context.Context, dsn string, timeout time.Duration, alive func() error) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var last error
	for {
		if alive != nil {
			if err := alive(); err != nil {
				return err
			}
		}
		cctx, ccancel := context.WithTimeout(ctx, 2*time.Second)
		conn, err := pgx.Connect(cctx, dsn)
		ccancel()
		if err == nil {
			conn.Close(context.Background())
			return nil
		}
		last = err
		select {
		case <-ctx.Done():
			return fmt.Errorf("server did not answer within %s: %v", timeout, last)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// describeServer fills ServerVersion and Major from the server itself.
func describeServer(ctx context.Context, p *Postgres) error {
	conn, err := pgx.Connect(ctx, p.URL)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	var version, num string
	if err := conn.QueryRow(ctx, "select current_setting('server_version'), current_setting('server_version_num')").Scan(&version, &num); err != nil {
		return err
	}
	p.ServerVersion, _, _ = strings.Cut(version, " ")
	n, _ := strconv.Atoi(num)
	p.Major = n / 10000
	return nil
}

// createDatabase creates db on the server at adminURL, replacing any
// leftover of the same name.
func createDatabase(ctx context.Context, adminURL, db, owner string) error {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{db}.Sanitize()); err != nil {
		return err
	}
	q := "CREATE DATABASE " + pgx.Identifier{db}.Sanitize()
	if owner != "" {
		q += " OWNER " + pgx.Identifier{owner}.Sanitize()
	}
	_, err = conn.Exec(ctx, q)
	return err
}
