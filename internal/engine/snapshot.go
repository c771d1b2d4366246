package engine

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Snapshot copies the review database into a template database named
// name, so that Restore can bring it back much faster than replaying
// migrations. No other connection to the review database may be open.
func (p *Postgres) Snapshot(ctx context.Context, name string) error {
	return p.admin(ctx, func(conn *pgx.Conn) error {
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+ident(name)); err != nil {
			return err
		}
		_, err := conn.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", ident(name), ident(p.Database)))
		return err
	})
}

// Restore replaces the review database with the snapshot name.
func (p *Postgres) Restore(ctx context.Context, name string) error {
	return p.admin(ctx, func(conn *pgx.Conn) error {
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+ident(p.Database)+" WITH (FORCE)"); err != nil {
			return err
		}
		_, err := conn.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", ident(p.Database), ident(name)))
		return err
	})
}

// CreateDatabase creates the database name on this server as a copy of
// template. It fails if name exists: it never replaces a database.
func (p *Postgres) CreateDatabase(ctx context.Context, name, template string) error {
	return p.admin(ctx, func(conn *pgx.Conn) error {
		_, err := conn.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", ident(name), ident(template)))
		return err
	})
}

// DropDatabase drops a database of this server (a snapshot, say).
func (p *Postgres) DropDatabase(ctx context.Context, name string) error {
	return p.admin(ctx, func(conn *pgx.Conn) error {
		_, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+ident(name)+" WITH (FORCE)")
		return err
	})
}

func (p *Postgres) admin(ctx context.Context, fn func(*pgx.Conn) error) error {
	conn, err := pgx.Connect(ctx, p.adminURL)
	if err != nil {
		return fmt.Errorf("connect to the maintenance database: %w", err)
	}
	defer conn.Close(context.Background())
	return fn(conn)
}

func ident(s string) string { return pgx.Identifier{s}.Sanitize() }
