package migrate

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/pgreview/pgreview/internal/config"
	"github.com/pgreview/pgreview/internal/repo"
)

// config validates migrations.tool against this package's list.
func init() { config.MigrationTools = Tools }

// Tools lists the migration formats pgreview knows, for config validation.
var Tools = []string{"alembic", "golang-migrate", "goose", "dbmate", "flyway", "sqitch", "prisma", "docker-entrypoint-initdb.d", "plain", "command"}

// format recognises one tool's history in a directory.
type format struct {
	tool string
	// dirs lists where this tool's history may be (nil: directories
	// holding .sql files).
	dirs func(r *repo.Repo) []string
	// score says how many files of dir look like this tool's (0: none).
	score func(r *repo.Repo, dir string) int
	load  func(r *repo.Repo, dir string, cfg Config) (*Plan, error)
}

func simple(load func(*repo.Repo, string) (*Plan, error)) func(*repo.Repo, string, Config) (*Plan, error) {
	return func(r *repo.Repo, dir string, _ Config) (*Plan, error) { return load(r, dir) }
}

// formats are tried in order; the first that scores in a directory wins,
// so more specific formats come first.
var formats = []format{
	{"alembic", alembicDirs, alembicScore, simple(loadAlembic)},
	{"sqitch", sqitchDirs, sqitchScore, simple(loadSqitch)},
	{"prisma", prismaDirs, prismaScore, simple(loadPrisma)},
	{"golang-migrate", nil, countMatching(golangMigrateName.MatchString), simple(loadGolangMigrate)},
	{"goose", goDirsToo, gooseScore, simple(loadGoose)},
	{"dbmate", nil, dbmateScore, simple(loadDbmate)},
	{"flyway", nil, flywayScore, func(r *repo.Repo, dir string, cfg Config) (*Plan, error) { return loadFlyway(r, dir, cfg.Placeholders) }},
	{"docker-entrypoint-initdb.d", initdbDirs, initdbScore, simple(loadInitdb)},
	{"plain", nil, plainScore, simple(loadPlain)},
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

func sqitchDirs(r *repo.Repo) []string {
	var dirs []string
	for _, f := range r.Files() {
		if path.Base(f.Path) == "sqitch.plan" {
			dirs = append(dirs, path.Dir(f.Path))
		}
	}
	return dirs
}

func prismaDirs(r *repo.Repo) []string {
	seen := map[string]bool{}
	var dirs []string
	for _, f := range r.FilesOf(repo.KindSQL) {
		if path.Base(f.Path) == "migration.sql" {
			d := path.Dir(path.Dir(f.Path))
			if !seen[d] {
				seen[d] = true
				dirs = append(dirs, d)
			}
		}
	}
	return dirs
}

// goDirsToo adds directories of goose Go migrations to the SQL ones.
func goDirsToo(r *repo.Repo) []string {
	dirs := candidateDirs(r)
	seen := map[string]bool{}
	for _, d := range dirs {
		seen[d] = true
	}
	for _, f := range r.FilesOf(repo.KindGo) {
		if d := path.Dir(f.Path); !seen[d] && gooseName.MatchString(path.Base(f.Path)) {
			seen[d] = true
			dirs = append(dirs, d)
		}
	}
	return dirs
}

// Detect finds the repo's migration history. cfg.Tool and cfg.Dir, from
// config, narrow the search; empty means auto-detect; cfg.Command
// overrides it all. It returns nil, nil when the repo has no migrations.
func Detect(r *repo.Repo, cfg Config) (*Plan, error) {
	if cfg.Command != "" || cfg.Tool == "command" {
		if cfg.Command == "" {
			return nil, fmt.Errorf("migrations.tool is command but no command is set; set migrations.command or --migrate-command")
		}
		plan := loadCommand(cfg.Command, r.Root)
		plan.withSetup(initdbSetup(r))
		return plan, nil
	}
	tool, dir := cfg.Tool, cfg.Dir
	if dir != "" {
		dir = strings.Trim(path.Clean(dir), "/")
		if dir == "" {
			dir = "."
		}
	}
	for _, f := range formats {
		if tool != "" && f.tool != tool {
			continue
		}
		dirs := candidateDirs(r)
		if f.dirs != nil {
			dirs = f.dirs(r)
		}
		if dir != "" {
			dirs = []string{dir}
		}
		best, bestScore := "", 0
		for _, d := range dirs {
			if s := f.score(r, d); s > bestScore {
				best, bestScore = d, s
			}
		}
		if bestScore > 0 {
			plan, err := f.load(r, best, cfg)
			if plan != nil {
				plan.Base = cfg.Base
				if plan.Tool != "docker-entrypoint-initdb.d" {
					plan.withSetup(initdbSetup(r))
				}
			}
			return plan, err
		}
	}
	if tool != "" || dir != "" {
		return nil, fmt.Errorf("no %s migrations found in %s; check migrations.tool and migrations.dir in .pgreview.yml", orAny(tool), orRoot(dir))
	}
	return nil, nil
}

// withSetup runs setup's init scripts before the plan; those pgreview
// cannot read are the plan's to report.
func (p *Plan) withSetup(setup *Plan) {
	if setup == nil {
		return
	}
	p.Skipped = append(p.Skipped, setup.Skipped...)
	if len(setup.Migrations) > 0 {
		p.Setup = setup
	}
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
