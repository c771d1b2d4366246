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
	byVersion := map[uint64]*Migration{}
	for _, f := range filesIn(r, dir) {
		m := golangMigrateName.FindStringSubmatch(path.Base(f.Path))
		if m == nil {
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
		script.NoTransaction = len(script.Statements) <= 1
		if m[3] == "up" {
			if mig.Up != nil {
				r.Warn(f.Path, 0, "duplicate up migration for version %s (also %s)", m[1], mig.Up.File)
				continue
			}
			mig.Up = script
		} else {
			if mig.Down != nil {
				r.Warn(f.Path, 0, "duplicate down migration for version %s (also %s)", m[1], mig.Down.File)
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
	plan := &Plan{Tool: "golang-migrate", Dir: dir, Runner: golangMigrate{}}
	for _, v := range versions {
		m := byVersion[v]
		if m.Up == nil {
			r.Warn(m.Down.File, 0, "down migration without an up for version %s", m.Version)
			continue
		}
		plan.Migrations = append(plan.Migrations, m)
	}
	return plan, nil
}

// golangMigrate applies migrations as golang-migrate's postgres driver
// does: each file in one transaction, and the schema_migrations table
// holding one row (version, dirty).
type golangMigrate struct{}

const golangMigrateTable = `CREATE TABLE IF NOT EXISTS schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)`

func (golangMigrate) setVersion(ctx context.Context, conn *pgx.Conn, version string, dirty bool) error {
	return pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, golangMigrateTable); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `TRUNCATE schema_migrations`); err != nil {
			return err
		}
		if version == "" {
			return nil
		}
		_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, dirty) VALUES ($1, $2)`, version, dirty)
		return err
	})
}

func (g golangMigrate) Up(ctx context.Context, conn *pgx.Conn, m *Migration) ([]ExecutedStatement, error) {
	if err := g.setVersion(ctx, conn, m.Version, true); err != nil {
		return nil, fmt.Errorf("schema_migrations: %w", err)
	}
	done, err := ExecScript(ctx, conn, m.Up, nil, nil)
	if err != nil {
		return done, err
	}
	return done, g.setVersion(ctx, conn, m.Version, false)
}

func (g golangMigrate) Down(ctx context.Context, conn *pgx.Conn, m *Migration) ([]ExecutedStatement, error) {
	if m.Down == nil {
		return nil, fmt.Errorf("%s has no down migration", m.ID())
	}
	done, err := ExecScript(ctx, conn, m.Down, nil, nil)
	if err != nil {
		return done, err
	}
	var prev string
	err = conn.QueryRow(ctx, `SELECT coalesce(max(version)::text, '') FROM schema_migrations WHERE version < $1`, m.Version).Scan(&prev)
	if err != nil {
		return done, err
	}
	return done, g.setVersion(ctx, conn, prev, false)
}
