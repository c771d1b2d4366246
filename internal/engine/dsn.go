package engine

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
)

// DSN uses a server the user points at (--database-url). It creates a
// throwaway database there and drops it on Stop; it never touches the
// database named in the URL.
type DSN struct{}

func (DSN) Kind() Kind { return KindDSN }

// Start implements Engine.
func (DSN) Start(ctx context.Context, opts Options) (*Postgres, error) {
	if opts.DatabaseURL == "" {
		return nil, errors.New("engine dsn needs --database-url (or PGREVIEW_DATABASE_URL)")
	}
	adminURL, err := normalizeURL(opts.DatabaseURL)
	if err != nil {
		return nil, err
	}
	var suffix [4]byte
	rand.Read(suffix[:])
	db := "pgreview_" + hex.EncodeToString(suffix[:])
	opts.logf("engine dsn: creating database %s", db)
	if err := createDatabase(ctx, adminURL, db, ""); err != nil {
		return nil, fmt.Errorf("create a throwaway database with --database-url (%s): %w; the role needs CREATEDB", redactURL(adminURL), err)
	}
	pg := &Postgres{
		Kind:     KindDSN,
		URL:      withDatabase(adminURL, db),
		Database: db,
		adminURL: adminURL,
	}
	pg.stop = func(ctx context.Context) error { return pg.DropDatabase(ctx, db) }
	if err := describeServer(ctx, pg); err != nil {
		pg.Stop(ctx)
		return nil, err
	}
	return pg, nil
}

// normalizeURL accepts postgres:// URLs, including SQLAlchemy-style
// driver prefixes (postgresql+psycopg://).
func normalizeURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("--database-url is not a postgres:// URL")
	}
	switch u.Scheme {
	case "postgres", "postgresql":
	default:
		if len(u.Scheme) > 11 && u.Scheme[:11] == "postgresql+" {
			u.Scheme = "postgresql"
		} else {
			return "", fmt.Errorf("--database-url has scheme %q; want postgres://", u.Scheme)
		}
	}
	return u.String(), nil
}

// redactURL hides the password of a URL, for messages.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
