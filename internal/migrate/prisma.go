package migrate

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/pgreview/pgreview/internal/repo"
)

// prismaScore finds <dir>/<name>/migration.sql folders: dir is the
// migrations directory (prisma/migrations).
func prismaScore(r *repo.Repo, dir string) int {
	n := 0
	for _, f := range r.FilesOf(repo.KindSQL) {
		if path.Base(f.Path) == "migration.sql" && path.Dir(path.Dir(f.Path)) == dir {
			n++
		}
	}
	return n
}

// loadPrisma reads prisma migrations, applied in folder-name order as
// `prisma migrate deploy` does; Prisma has no down migrations.
func loadPrisma(r *repo.Repo, dir string) (*Plan, error) {
	plan := &Plan{Tool: "prisma", Dir: dir, Late: prismaLate, Runner: prisma{}, Bookkeeping: []string{"public._prisma_migrations"}}
	var files []*repo.File
	for _, f := range r.FilesOf(repo.KindSQL) {
		if path.Base(f.Path) == "migration.sql" && path.Dir(path.Dir(f.Path)) == dir {
			files = append(files, f)
		}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	for _, f := range files {
		name := path.Base(path.Dir(f.Path))
		version, desc, _ := strings.Cut(name, "_")
		s := &Script{File: f.Path, Line: 1, Statements: SplitStatements(f.Text(), 1)}
		sentAsOneQuery(s)
		plan.Migrations = append(plan.Migrations, &Migration{Version: version, Name: desc, Up: s, prev: name})
	}
	return plan, nil
}

// prisma records each migration in _prisma_migrations: a row when it
// starts, finished_at when it is done.
type prisma struct{}

const prismaTable = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" varchar(36) PRIMARY KEY NOT NULL,
    "checksum" varchar(64) NOT NULL,
    "finished_at" timestamptz,
    "migration_name" varchar(255) NOT NULL,
    "logs" text,
    "rolled_back_at" timestamptz,
    "started_at" timestamptz NOT NULL DEFAULT now(),
    "applied_steps_count" integer NOT NULL DEFAULT 0
)`

func (p prisma) Open(ctx context.Context, db *Session) (Applier, error) {
	if _, err := db.Conn.Exec(ctx, prismaTable); err != nil {
		return nil, fmt.Errorf("create _prisma_migrations: %w", err)
	}
	return sqlRunner{up: p.up}.Open(ctx, db)
}

func (prisma) up(ctx context.Context, conn *pgx.Conn, m *Migration) ([]ExecutedStatement, error) {
	var text strings.Builder
	for _, st := range m.Up.Statements {
		text.WriteString(st.SQL)
	}
	sum := sha256.Sum256([]byte(text.String()))
	h := hex.EncodeToString(sum[:])
	id := h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
	start := fmt.Sprintf(`INSERT INTO "_prisma_migrations" (id, checksum, migration_name) VALUES (%s, %s, %s)`, literal(id), literal(h), literal(m.prev))
	if _, err := conn.Exec(ctx, start, pgx.QueryExecModeSimpleProtocol); err != nil {
		return nil, fmt.Errorf("_prisma_migrations: %w", err)
	}
	return ExecScript(ctx, conn, m.Up, "", `UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE migration_name = `+literal(m.prev))
}

// prismaLate: prisma migrate deploy applies every migration it has not recorded.
var prismaLate = LateRule{Applied: true, Effect: "prisma migrate deploy applies it after %[1]s on databases that already ran %[1]s, and before it on new ones"}
