package migrate

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/pgreview/pgreview/internal/repo"
)

// Tools lists the migration formats pgreview knows, for config validation.
var Tools = []string{"golang-migrate", "plain"}

// format recognises one tool's history in a directory.
type format struct {
	tool string
	// score says how many files of dir look like this tool's (0: none).
	score func(r *repo.Repo, dir string) int
	load  func(r *repo.Repo, dir string) (*Plan, error)
}

// formats are tried in order; the first that scores in a directory wins,
// so more specific formats come first.
var formats = []format{
	{"golang-migrate", countMatching(golangMigrateName.MatchString), loadGolangMigrate},
	{"plain", plainScore, loadPlain},
}

func countMatching(match func(base string) bool) func(*repo.Repo, string) int {
	return func(r *repo.Repo, dir string) int {
		n := 0
		for _, f := range filesIn(r, dir) {
			if match(path.Base(f.Path)) {
				n++
			}
		}
		return n
	}
}

// plainDirNames are the directory names where ordered .sql files are
// taken to be a migration history.
var plainDirNames = map[string]bool{"migrations": true, "migration": true, "sql": true, "schema": true, "db": true}

func plainScore(r *repo.Repo, dir string) int {
	if !plainDirNames[strings.ToLower(path.Base(dir))] {
		return 0
	}
	return countMatching(func(b string) bool { return strings.HasSuffix(b, ".sql") })(r, dir)
}

// Detect finds the repo's migration history. tool and dir, from config,
// narrow the search; empty means auto-detect. It returns nil, nil when the
// repo has no migrations.
func Detect(r *repo.Repo, cfg Config) (*Plan, error) {
	tool, dir := cfg.Tool, cfg.Dir
	dirs := candidateDirs(r)
	if dir != "" {
		dir = strings.Trim(path.Clean(dir), "/")
		dirs = []string{dir}
	}
	for _, f := range formats {
		if tool != "" && f.tool != tool {
			continue
		}
		best, bestScore := "", 0
		for _, d := range dirs {
			if s := f.score(r, d); s > bestScore {
				best, bestScore = d, s
			}
		}
		if bestScore > 0 {
			return f.load(r, best)
		}
	}
	if tool != "" || dir != "" {
		return nil, fmt.Errorf("no %s migrations found in %s; check migrations.tool and migrations.dir in .pgreview.yml", orAny(tool), orRoot(dir))
	}
	return nil, nil
}

func orAny(tool string) string {
	if tool == "" {
		return "supported"
	}
	return tool
}

func orRoot(dir string) string {
	if dir == "" {
		return "the repository"
	}
	return dir
}

// candidateDirs lists the directories holding .sql files, shallowest first.
func candidateDirs(r *repo.Repo) []string {
	seen := map[string]bool{}
	var dirs []string
	for _, f := range r.FilesOf(repo.KindSQL) {
		d := path.Dir(f.Path)
		if !seen[d] {
			seen[d] = true
			dirs = append(dirs, d)
		}
	}
	sort.Slice(dirs, func(i, j int) bool {
		di, dj := strings.Count(dirs[i], "/"), strings.Count(dirs[j], "/")
		if di != dj {
			return di < dj
		}
		return dirs[i] < dirs[j]
	})
	return dirs
}
