package migrate

import (
	"path"
	"sort"
	"strings"

	"github.com/pgreview/pgreview/internal/repo"
)

// initdbDir is where the official postgres image looks for init scripts.
const initdbDir = "/docker-entrypoint-initdb.d"

// initdbDirs lists the repo directories that the compose db service
// mounts at /docker-entrypoint-initdb.d, and directories of that name.
func initdbDirs(r *repo.Repo) []string {
	var dirs []string
	if db := r.DBService(); db != nil {
		for _, m := range db.Volumes {
			if strings.TrimSuffix(m.Target, "/") == initdbDir && (strings.HasPrefix(m.Source, ".") || strings.HasPrefix(m.Source, "/") == false) && m.Type != "volume" {
				dirs = append(dirs, path.Clean(path.Join(path.Dir(db.File), m.Source)))
			}
		}
	}
	for _, f := range r.Files() {
		if d := path.Dir(f.Path); path.Base(d) == "docker-entrypoint-initdb.d" {
			dirs = append(dirs, d)
		}
	}
	return dirs
}

func initdbScore(r *repo.Repo, dir string) int {
	for _, d := range initdbDirs(r) {
		if d == dir {
			return len(filesIn(r, dir))
		}
	}
	return 0
}

// loadInitdb reads init scripts in the order the official image runs them
// (`for f in /docker-entrypoint-initdb.d/*`, sorted by name): *.sql
// through psql, statement by statement with no wrapping transaction.
// Shell scripts and compressed dumps cannot be replayed and are listed.
func loadInitdb(r *repo.Repo, dir string) (*Plan, error) {
	plan := &Plan{Tool: "docker-entrypoint-initdb.d", Dir: dir, Runner: plain}
	files := filesIn(r, dir)
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	for _, f := range files {
		base := path.Base(f.Path)
		switch {
		case strings.HasSuffix(base, ".sql"):
			s := &Script{File: f.Path, Line: 1, Autocommit: true}
			s.Statements, s.Err = psqlStatements(f.Path, f.Text())
			plan.Migrations = append(plan.Migrations, &Migration{Version: strings.TrimSuffix(base, ".sql"), Up: s})
		case strings.HasSuffix(base, ".sh"), strings.HasSuffix(base, ".sql.gz"), strings.HasSuffix(base, ".sql.xz"), strings.HasSuffix(base, ".sql.zst"):
			plan.Skipped = append(plan.Skipped, Skipped{File: f.Path, Line: 1,
				Reason: "the postgres image runs " + base + " at first start; pgreview replays only .sql init scripts, so what it does is missing from the review"})
		}
	}
	return plan, nil
}
