package migrate

import (
	"context"
	"path"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/pgreview/pgreview/internal/repo"
)

// loadPlain reads a directory of ordered .sql files, applied in name order
// (as `for f in dir/*.sql; do psql -f $f; done` would), each in its own
// transaction. Plain files have no down.
func loadPlain(r *repo.Repo, dir string) (*Plan, error) {
	plan := &Plan{Tool: "plain", Dir: dir, Runner: plain}
	files := filesIn(r, dir)
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	for _, f := range files {
		if path.Ext(f.Path) != ".sql" {
			continue
		}
		name := strings.TrimSuffix(path.Base(f.Path), ".sql")
		plan.Migrations = append(plan.Migrations, &Migration{
			Version: name,
			Up:      &Script{File: f.Path, Line: 1, Statements: SplitStatements(f.Text(), 1)},
		})
	}
	return plan, nil
}

// plain runs each file in its own transaction.
var plain = sqlRunner{up: func(ctx context.Context, conn *pgx.Conn, m *Migration) ([]ExecutedStatement, error) {
	return ExecScript(ctx, conn, m.Up, "", "")
}}

// filesIn lists the files directly inside dir.
func filesIn(r *repo.Repo, dir string) []*repo.File {
	var out []*repo.File
	for _, f := range r.Files() {
		if path.Dir(f.Path) == dir {
			out = append(out, f)
		}
	}
	return out
}
