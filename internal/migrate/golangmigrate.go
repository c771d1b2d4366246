package migrate

import (
	"context"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/pgreview/pgreview/internal/repo"
)

// golang-migrate's file name pattern (source/parse.go): N_name.up.sql.
var golangMigrateName = regexp.MustCompile(`^([0-9]+)_(.*)\.(down|up)\.sql$`)

// loadGolangMigrate reads golang-migrate files in dir, ordered by their
// numeric version as migrate does.
func loadGolangMigrate(r *repo.Repo, dir string) (*Plan, error) {
	plan := &Plan{Tool: "golang-migrate", Dir: dir, Late: golangMigrateLate, Runner: golangMigrate{}, HasDowns: true, Bookkeeping: []string{"public.schema_migrations"}}
	byVersion := map[uint64]*Migration{}
	for _, f := range filesIn(r, dir) {
		m := golangMigrateName.FindStringSubmatch(path.Base(f.Path))
		if m == nil {
			if path.Ext(f.Path) == ".sql" {
				plan.Problems = append(plan.Problems, HistoryProblem{Kind: ProblemMisnamed, File: f.Path, Line: 1,
					Message: fmt.Sprintf("%s is not a golang-migrate file name (N_name.up.sql or N_name.down.sql): golang-migrate ignores it; rename it", path.Base(f.Path))})
			}
			continue
		}
		v, err := strconv.ParseUint(m[1], 10, 64)
		if err != nil {
			r.Warn(f.Path, 0, "version %s does not fit in 64 bits; golang-migrate cannot order it", m[1])
			continue
		}
		mig := byVersion[v]
		if mig == nil {
			mig = &Migration{Version: m[1], Name: m[2]}
			byVersion[v] = mig
		}
		script := &Script{File: f.Path, Line: 1, Statements: SplitStatements(f.Text(), 1)}
		// migrate sends a file as one simple-protocol query: several
		// statements run as one implicit transaction, a single statement
		// runs on its own (so a lone CREATE INDEX CONCURRENTLY works).
		sentAsOneQuery(script)
		if m[3] == "up" {
			if mig.Up != nil {
				plan.Problems = append(plan.Problems, duplicateVersion(f.Path, m[1], mig.Up.File))
				continue
			}
			mig.Up = script
		} else {
			if mig.Down != nil {
				plan.Problems = append(plan.Problems, duplicateVersion(f.Path, m[1], mig.Down.File))
				continue
			}
			mig.Down = script
		}
	}
	versions := make([]uint64, 0, len(byVersion))
	for v := range byVersion {
		versions = append(versions, v)
	}
	sort.Slice(versions, func(i, j int) bool { return versions[i] < versions[j] })
	prev := ""
	for _, v := range versions {
		m := byVersion[v]
		if m.Up == nil {
			plan.Problems = append(plan.Problems, HistoryProblem{Kind: ProblemOrphanDown, File: m.Down.File, Line: 1,
				Message: fmt.Sprintf("%s has no matching up migration %s_%s.up.sql; golang-migrate cannot apply version %s", path.Base(m.Down.File), m.Version, m.Name, m.Version)})
			continue
		}
		m.prev, prev = prev, m.Version
		plan.Migrations = append(plan.Migrations, m)
	}
	return plan, nil
}

// golangMigrate applies migrations as golang-migrate's postgres driver
// does: the schema_migrations table (one row: version, dirty) is created
// when the driver opens, the version is marked dirty before a file runs
// and clean after; each file is sent as one query, so several statements
// share one implicit transaction and a single statement runs on its own.
type golangMigrate struct{}

const golangMigrateTable = `CREATE TABLE IF NOT EXISTS schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)`

func (g golangMigrate) Open(ctx context.Context, db *Session) (Applier, error) {
	if _, err := db.Conn.Exec(ctx, golangMigrateTable); err != nil {
		return nil, fmt.Errorf("create schema_migrations: %w", err)
	}
	return sqlRunner{up: g.up, down: g.down}.Open(ctx, db)
}

// versionSQL replaces the one row of schema_migrations (golang-migrate
// truncates and inserts; a DELETE leaves the same table and is cheaper).
func versionSQL(version string, dirty bool) string {
	q := "DELETE FROM schema_migrations"
	if version != "" {
		q += fmt.Sprintf("; INSERT INTO schema_migrations (version, dirty) VALUES (%s::bigint, %t)", literal(version), dirty)
	}
	return q
}

// up marks the version dirty, runs the file and marks it clean, as
// golang-migrate does. The marks travel with the file's BEGIN and COMMIT
// (golang-migrate commits the dirty mark first; only a failed migration
// could tell the difference, and a review stops there).
func (g golangMigrate) up(ctx context.Context, conn *pgx.Conn, m *Migration) ([]ExecutedStatement, error) {
	return ExecScript(ctx, conn, m.Up, versionSQL(m.Version, true), versionSQL(m.Version, false))
}

func (g golangMigrate) down(ctx context.Context, conn *pgx.Conn, m *Migration) ([]ExecutedStatement, error) {
	return ExecScript(ctx, conn, m.Down, versionSQL(m.Version, true), versionSQL(m.prev, false))
}

// golangMigrateLate: golang-migrate runs only what is above a database's version.
var golangMigrateLate = LateRule{Effect: "golang-migrate applies only versions above a database's current one, so databases already at %[1]s never get it"}
