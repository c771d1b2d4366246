// Package schemadump loads a repository's committed schema dump
// (schema.sql, structure.sql) into a scratch database next to the review
// database and snapshots its catalog, so the drift check can compare it
// with the schema the migrations build, object by object.
package schemadump

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/pgreview/pgreview/internal/catalog"
	"github.com/pgreview/pgreview/internal/engine"
	"github.com/pgreview/pgreview/internal/migrate"
	"github.com/pgreview/pgreview/internal/repo"
)

// Result is a loaded dump.
type Result struct {
	File    string
	Catalog *catalog.Snapshot
	// Statements are the dump's statements with their lines, for
	// locating its objects.
	Statements []migrate.Statement
	// Failed lists the statements that did not apply, other than
	// ownership and grants naming roles this server does not have.
	Failed []Failure
	// Skipped says why the dump could not be loaded at all.
	Skipped string
}

// Failure is a dump statement that did not apply.
type Failure struct {
	Line  int
	Error string
}

// dumpNames are the file names of committed schema dumps.
var dumpNames = map[string]bool{"schema.sql": true, "structure.sql": true}

// Find returns the repo's committed schema dump, or nil. A file that is
// part of the migration history is not a dump.
func Find(r *repo.Repo, plan *migrate.Plan) *repo.File {
	inPlan := map[string]bool{}
	if plan != nil {
		for _, m := range plan.Migrations {
			for _, s := range []*migrate.Script{m.Up, m.Down} {
				if s != nil {
					inPlan[s.File] = true
				}
			}
		}
	}
	var found *repo.File
	for _, f := range r.FilesOf(repo.KindSQL) {
		if !dumpNames[strings.ToLower(path.Base(f.Path))] || inPlan[f.Path] {
			continue
		}
		// The shallowest one wins: db/schema.sql over vendor/x/schema.sql.
		if found == nil || strings.Count(f.Path, "/") < strings.Count(found.Path, "/") {
			found = f
		}
	}
	return found
}

// metaCommand matches psql's backslash commands (\connect, \restrict),
// which pg_dump writes and the server does not understand.
var metaCommand = regexp.MustCompile(`(?m)^\\.*$`)

// Load applies the dump f to a scratch database on pg's server, snapshots
// it and drops the database again.
func Load(ctx context.Context, pg *engine.Postgres, f *repo.File) *Result {
	res := &Result{File: f.Path}
	text := metaCommand.ReplaceAllString(f.Text(), "")
	res.Statements = migrate.SplitStatements(text, 1)
	name, err := scratchName()
	if err != nil {
		res.Skipped = err.Error()
		return res
	}
	admin, err := pg.Connect(ctx)
	if err != nil {
		res.Skipped = fmt.Sprintf("connect to the review server: %v", err)
		return res
	}
	defer admin.Close(context.WithoutCancel(ctx))
	quoted := pgx.Identifier{name}.Sanitize()
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+quoted+" TEMPLATE template0"); err != nil {
		res.Skipped = fmt.Sprintf("create a scratch database for %s: %v", f.Path, err)
		return res
	}
	defer func() {
		if _, err := admin.Exec(context.WithoutCancel(ctx), "DROP DATABASE IF EXISTS "+quoted+" WITH (FORCE)"); err != nil {
			admin.Exec(context.WithoutCancel(ctx), "DROP DATABASE IF EXISTS "+quoted)
		}
	}()
	conn, err := pgx.Connect(ctx, pg.URLFor(name))
	if err != nil {
		res.Skipped = fmt.Sprintf("connect to the scratch database: %v", err)
		return res
	}
	defer conn.Close(context.WithoutCancel(ctx))
	for _, st := range res.Statements {
		if _, err := conn.Exec(ctx, st.SQL); err != nil && !tolerated(st.SQL, err) {
			res.Failed = append(res.Failed, Failure{Line: st.Line, Error: message(err)})
		}
	}
	// pg_dump empties the search_path; definitions must be rendered as in
	// the review database to compare equal.
	if _, err := conn.Exec(ctx, "RESET ALL"); err != nil {
		res.Skipped = err.Error()
		return res
	}
	snap, err := catalog.Load(ctx, conn)
	if err != nil {
		res.Skipped = err.Error()
		return res
	}
	res.Catalog = snap
	return res
}

// tolerated: what a dump taken elsewhere does that cannot apply here and
// does not change the schema: ownership and grants to roles this server
// lacks, an existing schema public, comments on extensions.
func tolerated(sql string, err error) bool {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return false
	}
	upper := strings.ToUpper(sql)
	switch pgErr.Code {
	case "42704": // undefined_object: a role
		return strings.Contains(upper, "OWNER TO") || strings.HasPrefix(strings.TrimSpace(upper), "GRANT") ||
			strings.HasPrefix(strings.TrimSpace(upper), "REVOKE") || strings.Contains(upper, "DEFAULT PRIVILEGES")
	case "42P06": // duplicate_schema
		return strings.Contains(upper, "SCHEMA PUBLIC")
	case "42501": // insufficient_privilege
		return strings.Contains(upper, "COMMENT ON EXTENSION")
	}
	return false
}

func message(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Message + " (SQLSTATE " + pgErr.Code + ")"
	}
	return err.Error()
}

func scratchName() (string, error) {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return "pgreview_dump_" + hex.EncodeToString(b), nil
}
