package migrate

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/pgreview/pgreview/internal/repo"
)

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
