package migrate

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pgreview/pgreview/internal/repo"
)

// initdbDir is where the official postgres image looks for init scripts.
const initdbDir = "/docker-entrypoint-initdb.d"

// initdbDirs lists the repo directories that the compose db service
// mounts at /docker-entrypoint-initdb.d, and directories of that name.
func initdbDirs(r *repo.Repo) []string {
	dirs, _ := initdbMounts(r)
	for _, f := range r.Files() {
		if d := path.Dir(f.Path); path.Base(d) == "docker-entrypoint-initdb.d" {
			dirs = append(dirs, d)
		}
	}
	return dirs
}

// initdbMounts is what the compose db service mounts from the repository
// into /docker-entrypoint-initdb.d: whole directories, and single files
// under the name they take there.
func initdbMounts(r *repo.Repo) (dirs []string, files []initScript) {
	db := r.DBService()
	if db == nil {
		return nil, nil
	}
	for _, m := range db.Volumes {
		if m.Type == "volume" || m.Type == "tmpfs" || m.Source == "" || strings.HasPrefix(m.Source, "/") {
			continue // not the repository's files
		}
		src := path.Clean(path.Join(path.Dir(db.File), m.Source))
		switch target := strings.TrimSuffix(m.Target, "/"); {
		case target == initdbDir:
			dirs = append(dirs, src)
		case path.Dir(target) == initdbDir:
			if f := r.File(src); f != nil {
				files = append(files, initScript{name: path.Base(target), file: f})
			}
		}
	}
	return dirs, files
}

func initdbScore(r *repo.Repo, dir string) int {
	for _, d := range initdbDirs(r) {
		if d == dir {
			return len(filesIn(r, dir))
		}
	}
	return 0
}

// dumpDecompressors are the compressed dumps the image accepts besides
// gzip (read in-process): the command it pipes each through, and the
// Debian package that has it.
var dumpDecompressors = map[string]struct {
	argv []string
	pkg  string
}{".sql.xz": {[]string{"xz", "-dc"}, "xz-utils"}, ".sql.zst": {[]string{"zstd", "-dc"}, "zstd"}}

// loadInitdb reads the init scripts in dir as the history itself: the
// repo has no other migrations.
func loadInitdb(r *repo.Repo, dir string) (*Plan, error) {
	var scripts []initScript
	for _, f := range filesIn(r, dir) {
		scripts = append(scripts, initScript{name: path.Base(f.Path), file: f})
	}
	plan := initdbPlan(r, scripts)
	plan.Dir = dir
	return plan, nil
}

// initdbSetup is what the image runs at first start before the repo's own
// migrations: the scripts the compose db service mounts, as a directory
// or one file at a time, at /docker-entrypoint-initdb.d. Nil when none.
func initdbSetup(r *repo.Repo) *Plan {
	dirs, scripts := initdbMounts(r)
	for _, dir := range dirs {
		for _, f := range filesIn(r, dir) {
			scripts = append(scripts, initScript{name: path.Base(f.Path), file: f})
		}
	}
	if plan := initdbPlan(r, scripts); len(plan.Migrations)+len(plan.Skipped) > 0 {
		return plan
	}
	return nil
}

// initScript is a file as the image sees it: name is its name inside
// /docker-entrypoint-initdb.d, which orders it.
type initScript struct {
	name string
	file *repo.File
}

// initdbPlan orders init scripts as the official image runs them (`for f
// in /docker-entrypoint-initdb.d/*`, sorted by name): *.sql and
// compressed dumps through psql, statement by statement with no wrapping
// transaction; *.sh executed when executable and sourced otherwise.
// Anything else the image ignores, and so does the review.
func initdbPlan(r *repo.Repo, scripts []initScript) *Plan {
	plan := &Plan{Tool: "docker-entrypoint-initdb.d", Late: LateRule{NoOrder: true}, Runner: plain}
	sort.SliceStable(scripts, func(i, j int) bool { return scripts[i].name < scripts[j].name })
	for _, sc := range scripts {
		f, base := sc.file, sc.name
		s := &Script{File: f.Path, Line: 1, Autocommit: true}
		switch ext := initdbExt(base); ext {
		case ".sh":
			s.Shell = true
			plan.Runner = initdbRunner{root: r.Root, env: serviceEnv(r.DBService())}
		case ".sql":
			s.Statements, s.Err = psqlStatements(f.Path, f.Text())
		case ".sql.gz", ".sql.xz", ".sql.zst":
			text, err := decompress(f, ext)
			var cannot *cannotRead
			switch {
			case errors.As(err, &cannot):
				plan.Skipped = append(plan.Skipped, Skipped{File: f.Path, Line: 1,
					Reason: fmt.Sprintf("the postgres image runs %s at first start, but pgreview cannot read it: %v; what it does is missing from the review", base, err)})
				continue
			case err != nil: // the image's own decompression fails too
				s.Err = &ScriptError{File: f.Path, Line: 1, Message: fmt.Sprintf("%s cannot be decompressed (%v): the image stops at it on first start; replace it with a valid dump", base, err)}
			default:
				s.Statements, s.Err = psqlStatements(f.Path, text)
			}
		default:
			continue
		}
		plan.Migrations = append(plan.Migrations, &Migration{Version: strings.TrimSuffix(base, initdbExt(base)), Up: s})
	}
	return plan
}

// serviceEnv is the db service's environment as its init scripts see it
// (APP_DB_PASSWORD for a role they create, say). A variable compose
// requires at run time (${X:?...}) gets a stand-in: the review database
// is thrown away, and no real secret is needed or read.
func serviceEnv(db *repo.PostgresService) []string {
	if db == nil {
		return nil
	}
	var env []string
	for _, e := range db.Environment {
		v, ok := db.Interpolate(e.Raw)
		if !ok {
			v = "pgreview-stand-in"
		}
		env = append(env, e.Key+"="+v)
	}
	return env
}

// initdbExt is the suffix by which the image's entrypoint picks a file.
func initdbExt(base string) string {
	for _, ext := range []string{".sh", ".sql", ".sql.gz", ".sql.xz", ".sql.zst"} {
		if strings.HasSuffix(base, ext) {
			return ext
		}
	}
	return ""
}

// maxDump bounds a decompressed init dump: the review reads it whole.
const maxDump = 256 << 20

// cannotRead is a dump pgreview cannot read though the image could: its
// decompressor is not installed here, or it is too large.
type cannotRead struct{ reason string }

func (c *cannotRead) Error() string { return c.reason }

// decompress reads a compressed dump from disk (the repository index
// treats it as binary and does not read it).
func decompress(f *repo.File, ext string) (string, error) {
	data, err := os.ReadFile(f.Abs())
	if err != nil {
		return "", err
	}
	if ext == ".sql.gz" {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return "", err
		}
		return readDump(zr)
	}
	tool := dumpDecompressors[ext]
	argv := tool.argv
	if _, err := exec.LookPath(argv[0]); err != nil {
		return "", &cannotRead{fmt.Sprintf("%s is not installed; add it (apt-get install %s) before this step", argv[0], tool.pkg)}
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin = bytes.NewReader(data)
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		return "", err
	}
	if err := cmd.Start(); err != nil {
		return "", err
	}
	text, err := readDump(pipe)
	if err != nil {
		cmd.Process.Kill() // over the bound: stop it writing
		cmd.Wait()
		return "", err
	}
	if err := cmd.Wait(); err != nil {
		return "", fmt.Errorf("%s: %v", strings.Join(argv, " "), err)
	}
	return text, nil
}

func readDump(r io.Reader) (string, error) {
	out, err := io.ReadAll(io.LimitReader(r, maxDump+1))
	if err != nil {
		return "", err
	}
	if len(out) > maxDump {
		return "", &cannotRead{fmt.Sprintf("it is over %d MB decompressed", maxDump>>20)}
	}
	return string(out), nil
}

// initdbEntrypoint is what the official image's docker-entrypoint.sh gives
// the scripts it sources: its shell options, docker_process_sql, and the
// psql array ("${psql[@]}" <<-EOSQL). docker_process_sql drops PGHOST to
// reach the image's socket; here PGHOST is how psql reaches the review
// database, so it stays.
const initdbEntrypoint = `set -Eeo pipefail
docker_process_sql() {
	local query_runner=( psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc )
	if [ -n "$POSTGRES_DB" ]; then
		query_runner+=( --dbname "$POSTGRES_DB" )
	fi
	"${query_runner[@]}" "$@"
}
psql=( docker_process_sql )
. "$1"
`

// initdbRunner applies init scripts: SQL on Apply's connection, shell
// scripts as processes whose psql reaches the review database through
// PGHOST, PGPORT, PGPASSWORD and POSTGRES_USER/POSTGRES_DB. The trace sees
// their DDL as it sees a migrate command's.
type initdbRunner struct {
	root string   // the repository, where the scripts are
	env  []string // the db service's environment
}

func (r initdbRunner) Open(ctx context.Context, db *Session) (Applier, error) {
	sql, err := plain.Open(ctx, db)
	if err != nil {
		return nil, err
	}
	return &initdbApplier{Applier: sql, r: r, db: db}, nil
}

type initdbApplier struct {
	Applier // SQL scripts
	r       initdbRunner
	db      *Session
}

func (a *initdbApplier) Up(ctx context.Context, m *Migration) ([]ExecutedStatement, error) {
	if !m.Up.Shell {
		return a.Applier.Up(ctx, m)
	}
	return nil, a.shell(ctx, m.Up.File)
}

// shell runs one init script the way the entrypoint does: "$f" when it is
// executable, ". $f" otherwise, in the script's directory. PGDATA is a
// scratch directory, removed afterwards: a script that edits
// postgresql.conf there writes nowhere that matters (the review server
// keeps its own settings).
func (a *initdbApplier) shell(ctx context.Context, file string) error {
	script := filepath.Join(a.r.root, filepath.FromSlash(file))
	// The image has both; a runner may not.
	for tool, pkg := range map[string]string{"psql": "postgresql-client", "bash": "bash"} {
		if _, err := exec.LookPath(tool); err != nil {
			return &ProcessError{File: file, Line: 1, Message: fmt.Sprintf("init script %s needs %s, which is not on PATH; install it (apt-get install %s) before this step", path.Base(file), tool, pkg)}
		}
	}
	scratch, err := os.MkdirTemp("", "pgreview-pgdata-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(scratch)
	var cmd *exec.Cmd
	if st, err := os.Stat(script); err == nil && st.Mode()&0o111 != 0 {
		cmd = exec.CommandContext(ctx, script)
	} else {
		cmd = exec.CommandContext(ctx, "bash", "-c", initdbEntrypoint, "docker-entrypoint.sh", script)
	}
	cmd.Dir = filepath.Dir(script)
	return runProcess(cmd, a.db, "init script "+path.Base(file), file, append(a.r.env, "PGDATA="+scratch)...)
}
