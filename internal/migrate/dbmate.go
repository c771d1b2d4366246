package migrate

import (
	"context"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/pgreview/pgreview/internal/repo"
)

// dbmate's file names and section markers (pkg/dbmate/migration.go).
var (
	dbmateName   = regexp.MustCompile(`^(\d+)(?:_(.*))?\.sql$`)
	dbmateMarker = regexp.MustCompile(`(?m)^--[ \t]*migrate:(up|down)([ \t].*)?$`)
)

func dbmateScore(r *repo.Repo, dir string) int {
	n := 0
	for _, f := range filesIn(r, dir) {
		if dbmateName.MatchString(path.Base(f.Path)) && dbmateMarker.MatchString(f.Text()) {
			n++
		}
	}
	return n
}

// loadDbmate reads dbmate migrations, ordered by file name as dbmate
// orders them.
func loadDbmate(r *repo.Repo, dir string) (*Plan, error) {
	plan := &Plan{Tool: "dbmate", Dir: dir, Late: dbmateLate, Runner: dbmate{}, HasDowns: true, Bookkeeping: []string{"public.schema_migrations"}}
	files := filesIn(r, dir)
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	seen := map[string]string{}
	for _, f := range files {
		m := dbmateName.FindStringSubmatch(path.Base(f.Path))
		if m == nil {
			continue
		}
		if other, dup := seen[m[1]]; dup {
			plan.Problems = append(plan.Problems, duplicateVersion(f.Path, m[1], other))
			continue
		}
		seen[m[1]] = f.Path
		mig, perr := parseDbmate(f.Path, f.Text())
		if perr != nil {
			mig = &Migration{Up: &Script{File: f.Path, Line: perr.Line, Err: perr}}
		}
		mig.Version, mig.Name = m[1], m[2]
		plan.Migrations = append(plan.Migrations, mig)
	}
	return plan, nil
}

// parseDbmate splits a file at its `-- migrate:up` and `-- migrate:down`
// markers; `transaction:false` after a marker runs that section outside
// dbmate's transaction. dbmate sends a section as one query.
func parseDbmate(file, text string) (*Migration, *ScriptError) {
	locs := dbmateMarker.FindAllStringSubmatchIndex(text, -1)
	mig := &Migration{}
	for i, loc := range locs {
		end := len(text)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		kind := text[loc[2]:loc[3]]
		opts := ""
		if loc[4] >= 0 {
			opts = text[loc[4]:loc[5]]
		}
		bodyStart := loc[1]
		line := strings.Count(text[:loc[0]], "\n") + 1
		s := &Script{File: file, Line: line, Statements: SplitStatements(text[bodyStart:end], line)}
		noTx := strings.Contains(strings.ReplaceAll(opts, " ", ""), "transaction:false")
		if noTx {
			sentAsOneQuery(s)
		}
		if kind == "up" {
			if mig.Up != nil {
				return nil, &ScriptError{File: file, Line: line, Message: "a second `-- migrate:up`; dbmate refuses this file"}
			}
			mig.Up = s
		} else {
			s.Empty = len(s.Statements) == 0
			mig.Down = s
		}
	}
	if mig.Up == nil {
		return nil, &ScriptError{File: file, Line: 1, Message: "no `-- migrate:up` marker; dbmate requires each migration to define an up block"}
	}
	return mig, nil
}

// dbmate keeps applied versions in schema_migrations(version), written in
// the migration's own transaction.
type dbmate struct{}

func (d dbmate) Open(ctx context.Context, db *Session) (Applier, error) {
	if _, err := db.Conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS public.schema_migrations (version varchar(128) PRIMARY KEY)`); err != nil {
		return nil, fmt.Errorf("create schema_migrations: %w", err)
	}
	return sqlRunner{up: d.up, down: d.down}.Open(ctx, db)
}

func (dbmate) up(ctx context.Context, conn *pgx.Conn, m *Migration) ([]ExecutedStatement, error) {
	return ExecScript(ctx, conn, m.Up, "", "INSERT INTO public.schema_migrations (version) VALUES ("+literal(m.Version)+")")
}

func (dbmate) down(ctx context.Context, conn *pgx.Conn, m *Migration) ([]ExecutedStatement, error) {
	return ExecScript(ctx, conn, m.Down, "", "DELETE FROM public.schema_migrations WHERE version = "+literal(m.Version))
}

// dbmateLate: dbmate applies every version it has not recorded.
var dbmateLate = LateRule{Applied: true, Effect: "dbmate applies it after %[1]s on databases that already ran %[1]s, and before it on new ones"}
