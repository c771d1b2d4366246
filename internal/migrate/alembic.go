package migrate

import (
	"bufio"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/pgreview/pgreview/internal/repo"
)

//go:embed alembic_driver.py
var alembicDriver string

// alembicIni is an alembic.ini with the directory its revisions are in.
type alembicIni struct {
	File     string // repo-relative alembic.ini
	Text     string
	Versions string // repo-relative versions directory
	URL      string // sqlalchemy.url as written
}

var (
	iniSection = regexp.MustCompile(`(?m)^\s*\[([^\]]+)\]\s*$`)
	iniKey     = regexp.MustCompile(`(?m)^\s*([A-Za-z0-9_.]+)\s*[=:]\s*(.*?)\s*$`)
)

// iniValues returns the keys of section in an INI text.
func iniValues(text, section string) map[string]string {
	out := map[string]string{}
	in := false
	for _, line := range strings.Split(text, "\n") {
		if m := iniSection.FindStringSubmatch(line); m != nil {
			in = m[1] == section
			continue
		}
		if !in {
			continue
		}
		if m := iniKey.FindStringSubmatch(line); m != nil {
			out[m[1]] = m[2]
		}
	}
	return out
}

// alembicInis finds the alembic.ini files of the repo.
func alembicInis(r *repo.Repo) []alembicIni {
	var out []alembicIni
	for _, f := range r.FilesOf(repo.KindINI) {
		text := f.Text()
		if !strings.Contains(text, "[alembic]") {
			continue
		}
		v := iniValues(text, "alembic")
		loc := v["script_location"]
		if loc == "" {
			continue
		}
		dir := path.Dir(f.Path)
		loc = strings.ReplaceAll(loc, "%(here)s", ".")
		versions := path.Join(dir, loc, "versions")
		if vl := v["version_locations"]; vl != "" {
			first := strings.FieldsFunc(vl, func(r rune) bool { return r == ' ' || r == ',' })[0]
			versions = path.Join(dir, strings.ReplaceAll(first, "%(here)s", "."))
		}
		out = append(out, alembicIni{File: f.Path, Text: text, Versions: path.Clean(versions), URL: v["sqlalchemy.url"]})
	}
	return out
}

func alembicDirs(r *repo.Repo) []string {
	var dirs []string
	for _, ini := range alembicInis(r) {
		dirs = append(dirs, ini.Versions)
	}
	return dirs
}

func alembicScore(r *repo.Repo, dir string) int {
	for _, ini := range alembicInis(r) {
		if ini.Versions == dir {
			return 1 + len(filesIn(r, dir))
		}
	}
	return 0
}

// loadAlembic reads the revision files of dir and orders them as Alembic
// does: parents before children, following down_revision.
func loadAlembic(r *repo.Repo, dir string) (*Plan, error) {
	var ini alembicIni
	for _, i := range alembicInis(r) {
		if i.Versions == dir {
			ini = i
		}
	}
	plan := &Plan{Tool: "alembic", Dir: dir, HasDowns: true, Bookkeeping: []string{"public.alembic_version"}}
	var sources []*PySource
	for _, f := range filesIn(r, dir) {
		if f.Kind != repo.KindPython {
			continue
		}
		if m := r.PythonModule(f.Path); m != nil {
			if src, ok := PySourceOf(m); ok {
				sources = append(sources, src)
			}
		}
	}
	order, problems := alembicOrder(sources)
	plan.Problems = problems
	for _, src := range order {
		name := strings.TrimSuffix(path.Base(src.File), ".py")
		name = strings.TrimPrefix(strings.TrimPrefix(name, src.Revision), "_")
		m := &Migration{Version: src.Revision, Name: name, Parents: src.DownRevisions, Source: src,
			Up: &Script{File: src.File, Line: src.UpgradeLine}}
		if src.DowngradeLine > 0 {
			m.Down = &Script{File: src.File, Line: src.DowngradeLine, Empty: src.DowngradeEmpty}
		}
		plan.Migrations = append(plan.Migrations, m)
	}
	plan.Runner = &alembic{repo: r, ini: ini, dir: dir}
	return plan, nil
}

// alembicOrder sorts revisions parents first and reports what stops
// Alembic: duplicate revision IDs, parents that do not exist, cycles and
// several heads.
func alembicOrder(sources []*PySource) ([]*PySource, []HistoryProblem) {
	sort.Slice(sources, func(i, j int) bool { return sources[i].File < sources[j].File })
	var problems []HistoryProblem
	byRev := map[string]*PySource{}
	for _, s := range sources {
		if other, dup := byRev[s.Revision]; dup {
			problems = append(problems, HistoryProblem{Kind: ProblemDuplicateVersion, File: s.File, Line: s.RevisionLine, Object: s.Revision,
				Message: fmt.Sprintf("revision %s is declared twice, here and in %s; Alembic cannot tell them apart: give one a new revision ID", s.Revision, other.File)})
			continue
		}
		byRev[s.Revision] = s
	}
	children := map[string][]*PySource{}
	after := map[string][]*PySource{} // depends_on edges
	indeg := map[string]int{}
	for _, s := range byRev {
		for _, p := range s.DownRevisions {
			if _, ok := byRev[p]; !ok {
				problems = append(problems, HistoryProblem{Kind: ProblemMissingParent, File: s.File, Line: s.DownLine, Object: s.Revision,
					Message: fmt.Sprintf("down_revision %s of revision %s does not exist; Alembic stops with \"Revision %s referenced from %s is not present\": point down_revision at an existing revision", p, s.Revision, p, s.Revision)})
				continue
			}
			children[p] = append(children[p], s)
			indeg[s.Revision]++
		}
		// depends_on orders like a parent but does not make a head.
		for _, d := range s.DependsOn {
			if _, ok := byRev[d]; ok && d != s.Revision {
				after[d] = append(after[d], s)
				indeg[s.Revision]++
			}
		}
	}
	var queue, order []*PySource
	for _, s := range sources {
		if byRev[s.Revision] == s && indeg[s.Revision] == 0 {
			queue = append(queue, s)
		}
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		order = append(order, s)
		for _, c := range append(children[s.Revision], after[s.Revision]...) {
			if indeg[c.Revision]--; indeg[c.Revision] == 0 {
				queue = append(queue, c)
			}
		}
	}
	if len(order) < len(byRev) {
		for _, s := range sources {
			if byRev[s.Revision] == s && indeg[s.Revision] > 0 {
				problems = append(problems, HistoryProblem{Kind: ProblemCycle, File: s.File, Line: s.DownLine, Object: s.Revision,
					Message: fmt.Sprintf("revision %s is part of a down_revision cycle; Alembic cannot order it", s.Revision)})
			}
		}
	}
	// Heads are the revisions nothing revises; a revision whose parent is
	// missing is reported as such, not as one more head.
	orphan := map[string]bool{}
	for _, p := range problems {
		if p.Kind == ProblemMissingParent {
			orphan[p.Object] = true
		}
	}
	var heads []*PySource
	for _, s := range order {
		if len(children[s.Revision]) == 0 && !orphan[s.Revision] {
			heads = append(heads, s)
		}
	}
	sort.Slice(heads, func(i, j int) bool { return heads[i].File < heads[j].File })
	if len(heads) > 1 {
		var ids []string
		for _, h := range heads {
			ids = append(ids, h.Revision)
		}
		for _, h := range heads[1:] {
			problems = append(problems, HistoryProblem{Kind: ProblemMultipleHeads, File: h.File, Line: h.DownLine, Object: h.Revision,
				Message: fmt.Sprintf("the history has %d heads (%s): `alembic upgrade head` stops with \"Multiple head revisions are present\"; merge them with `alembic merge heads` or rebase this revision's down_revision onto %s", len(heads), strings.Join(ids, ", "), heads[0].Revision)})
		}
	}
	return order, problems
}

// alembic applies revisions with the real alembic, one revision per
// command, through a driver process that stays up for the whole history.
type alembic struct {
	repo *repo.Repo
	ini  alembicIni
	dir  string

	once   sync.Once
	python Python
	pyErr  error
}

func (a *alembic) Open(ctx context.Context, db *Session) (Applier, error) {
	env := db.Env
	if env == nil {
		env = os.Environ()
	}
	a.once.Do(func() { a.python, a.pyErr = findPython(ctx, env) })
	if a.pyErr != nil {
		return nil, &ProcessError{File: a.ini.File, Line: 1, Message: a.pyErr.Error()}
	}
	if a.ini.File == "" {
		return nil, fmt.Errorf("no alembic.ini found for %s; pgreview runs alembic with the repo's alembic.ini", a.dir)
	}
	tmp, err := os.MkdirTemp("", "pgreview-alembic-")
	if err != nil {
		return nil, err
	}
	p := &alembicProcess{tool: a, tmp: tmp, url: db.URL}
	ok := false
	defer func() {
		if !ok {
			p.Close()
		}
	}()
	driver := alembicDriverOf(a.repo, a.ini)
	saURL := sqlalchemyURL(db.URL, driver)
	iniPath := filepath.Join(tmp, "alembic.ini")
	if err := os.WriteFile(iniPath, []byte(alembicIniCopy(a.ini.Text, saURL, filepath.Join(a.repo.Root, path.Dir(a.ini.File)))), 0o600); err != nil {
		return nil, err
	}
	p.config = iniPath
	script := filepath.Join(tmp, "pgreview_alembic.py")
	if err := os.WriteFile(script, []byte(alembicDriver), 0o600); err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, a.python.Path, script)
	cmd.Dir = filepath.Join(a.repo.Root, path.Dir(a.ini.File))
	cmd.Env = append(append([]string{}, env...), databaseEnv(db.URL, saURL, alembicURLVars(a.repo, a.ini))...)
	cmd.Env = append(cmd.Env, "PYTHONDONTWRITEBYTECODE=1", "PYTHONUNBUFFERED=1")
	cmd.WaitDelay = 5 * time.Second
	p.stderr = &tail{max: 16 << 10}
	cmd.Stderr = p.stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", a.python.Path, err)
	}
	p.cmd, p.stdin, p.out = cmd, stdin, bufio.NewReaderSize(stdout, 1<<16)
	ready, err := p.read()
	if err != nil {
		return nil, err
	}
	if !ready.OK {
		return nil, &ProcessError{File: a.ini.File, Line: 1, Message: p.explain(ready)}
	}
	db.Log("alembic: %s, driver %s", a.python, orDefault(driver, "psycopg2 (SQLAlchemy's default)"))
	ok = true
	return p, nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// alembicProcess is one running driver.
type alembicProcess struct {
	tool   *alembic
	tmp    string
	config string
	url    string
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	out    *bufio.Reader
	stderr *tail
}

type alembicReply struct {
	OK        bool     `json:"ok"`
	Ready     bool     `json:"ready"`
	Type      string   `json:"type"`
	Error     string   `json:"error"`
	Module    string   `json:"module"`
	SQLState  string   `json:"sqlstate"`
	Message   string   `json:"message"`
	Statement string   `json:"statement"`
	Frames    [][3]any `json:"frames"`
	Traceback string   `json:"traceback"`
	Alembic   string   `json:"alembic"`
	Python    string   `json:"python"`
	Version   string   `json:"version"`
	frames    []pyFrame
}

type pyFrame struct {
	file string
	line int
}

func (p *alembicProcess) read() (alembicReply, error) {
	var rep alembicReply
	line, err := p.out.ReadBytes('\n')
	if err != nil {
		return rep, fmt.Errorf("alembic driver (%s) stopped: %s", p.tool.python.Path, p.redact(strings.TrimSpace(p.stderr.String())))
	}
	if err := json.Unmarshal(line, &rep); err != nil {
		return rep, fmt.Errorf("alembic driver: bad answer %q", line)
	}
	for _, f := range rep.Frames {
		file, _ := f[0].(string)
		n, _ := f[1].(float64)
		rep.frames = append(rep.frames, pyFrame{file: file, line: int(n)})
	}
	return rep, nil
}

func (p *alembicProcess) run(ctx context.Context, cmd, rev string) error {
	req, _ := json.Marshal(map[string]string{"cmd": cmd, "rev": rev, "config": p.config})
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-ctx.Done():
			p.cmd.Process.Kill()
		case <-done:
		}
	}()
	if _, err := p.stdin.Write(append(req, '\n')); err != nil {
		return fmt.Errorf("alembic driver: %w", err)
	}
	rep, err := p.read()
	if err != nil {
		return err
	}
	if rep.OK {
		return nil
	}
	return p.failure(rep)
}

func (p *alembicProcess) Up(ctx context.Context, m *Migration) ([]ExecutedStatement, error) {
	return nil, p.run(ctx, "upgrade", m.Version)
}

func (p *alembicProcess) Down(ctx context.Context, m *Migration) ([]ExecutedStatement, error) {
	if m.Down == nil {
		return nil, errNoDown(m)
	}
	target := "base"
	switch len(m.Parents) {
	case 0:
	case 1:
		target = m.Parents[0]
	default:
		target = "-1"
	}
	return nil, p.run(ctx, "downgrade", target)
}

func (p *alembicProcess) Describe() string { return p.tool.python.String() }

func (p *alembicProcess) Close() error {
	if p.cmd != nil && p.cmd.Process != nil {
		p.stdin.Close()
		exited := make(chan struct{})
		go func() { p.cmd.Wait(); close(exited) }()
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			p.cmd.Process.Kill()
			<-exited
		}
	}
	if p.tmp != "" {
		os.RemoveAll(p.tmp)
	}
	return nil
}

// failure turns the driver's description of an exception into an error
// at the revision file's line, with the SQL and SQLSTATE when Postgres
// refused a statement.
func (p *alembicProcess) failure(rep alembicReply) error {
	e := &ProcessError{Statement: rep.Statement, SQLState: rep.SQLState, Message: p.explain(rep)}
	versions := filepath.Join(p.tool.repo.Root, filepath.FromSlash(p.tool.dir)) + string(filepath.Separator)
	root := p.tool.repo.Root + string(filepath.Separator)
	for _, f := range rep.frames { // the deepest frame in a revision file, else in the repo
		switch {
		case strings.HasPrefix(f.file, versions):
			e.File, e.Line = filepath.ToSlash(strings.TrimPrefix(f.file, root)), f.line
		case e.File == "" && strings.HasPrefix(f.file, root):
			e.File, e.Line = filepath.ToSlash(strings.TrimPrefix(f.file, root)), f.line
		}
	}
	return e
}

// explain says what went wrong in the user's terms.
func (p *alembicProcess) explain(rep alembicReply) string {
	if rep.Module != "" && (rep.Type == "ModuleNotFoundError" || rep.Type == "ImportError") {
		install := "`pip install " + rep.Module + "`"
		for _, req := range []string{"requirements.txt", "requirements-dev.txt", "pyproject.toml"} {
			if p.tool.repo.File(req) != nil {
				if req == "pyproject.toml" {
					install = "`pip install .`"
				} else {
					install = "`pip install -r " + req + "`"
				}
				break
			}
		}
		return p.redact(fmt.Sprintf("Python module %q cannot be imported by %s (%s); add %s before this step", rep.Module, p.tool.python.Path, rep.Error, install))
	}
	if rep.Message != "" {
		return p.redact(rep.Message)
	}
	return p.redact(fmt.Sprintf("%s: %s", rep.Type, rep.Error))
}

func (p *alembicProcess) redact(s string) string { return redactURL(s, p.url) }

// redactURL removes the password of rawURL from s.
func redactURL(s, rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.User == nil {
		return s
	}
	if pw, ok := u.User.Password(); ok && pw != "" {
		s = strings.ReplaceAll(s, pw, "***")
		s = strings.ReplaceAll(s, url.QueryEscape(pw), "***")
	}
	return s
}

// sqlalchemyURL is the review database's URL with the repo's driver:
// postgresql+psycopg://...; asyncpg takes no libpq query parameters.
func sqlalchemyURL(raw, driver string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	u.Scheme = "postgresql"
	if driver != "" {
		u.Scheme += "+" + driver
	}
	if driver == "asyncpg" {
		u.RawQuery = ""
	}
	return u.String()
}

var (
	saDriver     = regexp.MustCompile(`postgres(?:ql)?\+(\w+)://`)
	envURLVarRef = regexp.MustCompile(`(?:environ(?:\.get)?\s*[\[(]|getenv\s*\()\s*['"]([A-Z][A-Z0-9_]*)['"]`)
)

// alembicDriverOf finds the SQLAlchemy driver the repo uses: from
// alembic.ini, the .env files, the Python code, then the requirements.
func alembicDriverOf(r *repo.Repo, ini alembicIni) string {
	if m := saDriver.FindStringSubmatch(ini.URL); m != nil {
		return m[1]
	}
	for _, ef := range r.EnvFiles() {
		for _, key := range []string{"DATABASE_URL", "SQLALCHEMY_DATABASE_URI", "SQLALCHEMY_DATABASE_URL", "DB_URL"} {
			if v, ok := ef.Lookup(key); ok {
				if m := saDriver.FindStringSubmatch(v); m != nil {
					return m[1]
				}
			}
		}
	}
	for _, f := range r.FilesOf(repo.KindPython) {
		if m := saDriver.FindStringSubmatch(f.Text()); m != nil {
			return m[1]
		}
	}
	switch {
	case r.HasDependency("asyncpg"):
		return "asyncpg"
	case r.HasDependency("psycopg", "psycopg-binary", "psycopg-c"):
		return "psycopg"
	case r.HasDependency("psycopg2", "psycopg2-binary"):
		return "psycopg2"
	}
	return ""
}

// alembicURLVars are the environment variables env.py reads that look
// like database URLs (DATABASE_URL, DB_DSN, ...), so they point at us.
func alembicURLVars(r *repo.Repo, ini alembicIni) []string {
	vars := map[string]bool{"DATABASE_URL": true}
	envPy := path.Join(path.Dir(ini.Versions), "env.py")
	if f := r.File(envPy); f != nil {
		for _, m := range envURLVarRef.FindAllStringSubmatch(f.Text(), -1) {
			name := m[1]
			if strings.Contains(name, "URL") || strings.Contains(name, "DSN") || strings.Contains(name, "URI") {
				vars[name] = true
			}
		}
	}
	var out []string
	for v := range vars {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

// databaseEnv points every usual variable at the review database: the
// URL variables (with the repo's driver), libpq's PG* and the postgres
// image's POSTGRES_*.
func databaseEnv(raw, saURL string, urlVars []string) []string {
	var env []string
	for _, v := range urlVars {
		env = append(env, v+"="+saURL)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return env
	}
	user := u.User.Username()
	pw, _ := u.User.Password()
	db := strings.TrimPrefix(u.Path, "/")
	env = append(env,
		"PGHOST="+u.Hostname(), "PGPORT="+u.Port(), "PGUSER="+user, "PGPASSWORD="+pw, "PGDATABASE="+db,
		"POSTGRES_HOST="+u.Hostname(), "POSTGRES_PORT="+u.Port(), "POSTGRES_USER="+user, "POSTGRES_PASSWORD="+pw, "POSTGRES_DB="+db)
	return env
}

// alembicIniCopy is the repo's alembic.ini with our sqlalchemy.url (and
// %(here)s pointing at the repo's directory, since the copy lives in a
// temporary one).
func alembicIniCopy(text, saURL, here string) string {
	esc := strings.ReplaceAll(saURL, "%", "%%")
	lines := strings.Split(text, "\n")
	in, done := false, false
	for i, line := range lines {
		if m := iniSection.FindStringSubmatch(line); m != nil {
			if in && !done {
				lines[i] = "sqlalchemy.url = " + esc + "\n" + line
				done = true
			}
			in = m[1] == "alembic"
			continue
		}
		if in && !done {
			if m := iniKey.FindStringSubmatch(line); m != nil && m[1] == "sqlalchemy.url" {
				lines[i] = "sqlalchemy.url = " + esc
				done = true
			}
		}
		lines[i] = strings.ReplaceAll(lines[i], "%(here)s", strings.ReplaceAll(here, "%", "%%"))
	}
	out := strings.Join(lines, "\n")
	if !done {
		out += "\nsqlalchemy.url = " + esc + "\n"
	}
	return out
}

// tail keeps the last max bytes written to it.
type tail struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tail) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, b...)
	if len(t.buf) > t.max {
		t.buf = t.buf[len(t.buf)-t.max:]
	}
	return len(b), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}
