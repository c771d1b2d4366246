package modeldiff

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/pgreview/pgreview/internal/repo"
)

// reply is what compare.py prints.
type reply struct {
	Diffs   []Diff `json:"diffs"`
	Missing string `json:"missing"`
	Error   string `json:"error"`
}

// interpreters lists the Pythons to try, most specific first: the one
// configured, the repo's virtualenv, python3 on PATH, the system's.
func interpreters(r *repo.Repo, configured string) []string {
	if configured != "" {
		return []string{configured}
	}
	var out []string
	seen := map[string]bool{}
	add := func(p string) {
		if p == "" || seen[p] {
			return
		}
		if _, err := os.Stat(p); err == nil {
			seen[p] = true
			out = append(out, p)
		}
	}
	for _, venv := range []string{".venv", "venv", "env"} {
		add(filepath.Join(r.Root, venv, "bin", "python"))
	}
	if p, err := exec.LookPath("python3"); err == nil {
		add(p)
	}
	add("/usr/bin/python3")
	return out
}

// RepoPython is the interpreter of the repo's own virtualenv (.venv, venv
// or env), or "" when it has none. A pull request's base, exported from
// git, has no virtualenv: its comparison uses the checkout's.
func RepoPython(r *repo.Repo) string {
	for _, venv := range []string{".venv", "venv", "env"} {
		p := filepath.Join(r.Root, venv, "bin", "python")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

// run tries each interpreter until one can import Alembic and the models.
// An interpreter that lacks a module is skipped; any other error ends the
// attempt, since another interpreter would fail the same way.
func run(ctx context.Context, r *repo.Repo, req request, opts Options, res *Result) {
	arg, err := json.Marshal(req)
	if err != nil {
		res.Skipped = err.Error()
		return
	}
	var tried []string
	for _, py := range interpreters(r, opts.Python) {
		rep, err := runOne(ctx, r.Root, py, string(arg), childEnv(r, req.URL))
		switch {
		case err != nil:
			tried = append(tried, fmt.Sprintf("%s: %v", py, err))
			continue
		case rep.Missing != "":
			tried = append(tried, fmt.Sprintf("%s: no module named %q", py, rep.Missing))
			continue
		case rep.Error != "":
			res.Python = py
			res.Skipped = fmt.Sprintf("Alembic's comparison failed with %s: %s", py, rep.Error)
			return
		}
		res.Python, res.Diffs = py, rep.Diffs
		if opts.Log != nil {
			opts.Log("models: Alembic compare_metadata with %s: %d difference(s)", py, len(rep.Diffs))
		}
		return
	}
	if len(tried) == 0 {
		res.Skipped = "no Python interpreter found to run Alembic's comparison; install python3 with alembic and the app's requirements, or set PGREVIEW_PYTHON"
		return
	}
	res.Skipped = "no Python interpreter could import Alembic and the models (" + strings.Join(tried, "; ") +
		"); install the app's requirements for one of them, or set PGREVIEW_PYTHON to the app's virtualenv python"
}

func runOne(ctx context.Context, root, py, arg string, env []string) (*reply, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, py, "-c", script, arg)
	cmd.Dir = root
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var rep reply
	if jerr := json.Unmarshal(resultLine(stdout.String()), &rep); jerr != nil {
		if err == nil {
			err = jerr
		}
		return nil, fmt.Errorf("%v: %s", err, lastLine(stderr.String()))
	}
	return &rep, nil
}

// passedEnv are the variables of pgreview's own environment the script
// sees: what Python needs to run, nothing else. Importing the models runs
// the repository's code, which must not see CI tokens or other secrets.
var passedEnv = []string{"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PYENV_ROOT", "PYENV_VERSION", "SYSTEMROOT"}

// childEnv is the script's environment: the passed variables, the
// placeholders of the repo's example env files (.env.example), so that
// settings read at import resolve, and DATABASE_URL set to the review
// database. No bytecode is written into the repository.
func childEnv(r *repo.Repo, url string) []string {
	vars := map[string]string{}
	for _, ef := range r.EnvFiles() {
		if !ef.Example {
			continue
		}
		for _, v := range ef.Vars {
			vars[v.Key] = v.Raw
		}
	}
	for _, k := range passedEnv {
		if v, ok := os.LookupEnv(k); ok {
			vars[k] = v
		}
	}
	vars["DATABASE_URL"] = url
	vars["PYTHONDONTWRITEBYTECODE"] = "1"
	vars["PYTHONIOENCODING"] = "utf-8"
	out := make([]string, 0, len(vars))
	for k, v := range vars {
		out = append(out, k+"="+v)
	}
	return out
}

// resultLine finds the script's result among whatever else was printed.
func resultLine(out string) []byte {
	const marker = "PGREVIEW-RESULT:"
	i := strings.LastIndex(out, marker)
	if i < 0 {
		return nil
	}
	line, _, _ := strings.Cut(out[i+len(marker):], "\n")
	return []byte(line)
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
