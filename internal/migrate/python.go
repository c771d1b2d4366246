package migrate

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// Python is an interpreter that can import alembic.
type Python struct {
	Path    string // as found: /usr/bin/python3
	Version string // 3.11.2
	Alembic string // 1.8.1
}

func (p Python) String() string {
	return fmt.Sprintf("alembic %s on %s (Python %s)", p.Alembic, p.Path, p.Version)
}

// findPython picks the interpreter a user's CI would use: python3, then
// python on PATH (their virtualenv), then the system's, taking the first
// that can import alembic. The error names every interpreter tried and
// why it could not be used.
func findPython(ctx context.Context, env []string) (Python, error) {
	var tried []string
	seen := map[string]bool{}
	for _, name := range []string{"python3", "python", "/usr/bin/python3", "/usr/local/bin/python3"} {
		path, err := lookPath(name, env)
		if err != nil || seen[path] {
			continue
		}
		seen[path] = true
		cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		cmd := exec.CommandContext(cctx, path, "-c", "import sys; v = sys.version.split()[0]; import alembic; print(v, alembic.__version__)")
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		cancel()
		if err != nil {
			tried = append(tried, fmt.Sprintf("%s: %s", path, lastLine(string(out), err)))
			continue
		}
		f := strings.Fields(string(out))
		if len(f) != 2 {
			tried = append(tried, fmt.Sprintf("%s: unexpected answer %q", path, out))
			continue
		}
		return Python{Path: path, Version: f[0], Alembic: f[1]}, nil
	}
	if len(tried) == 0 {
		return Python{}, fmt.Errorf("no Python interpreter found (looked for python3 and python on PATH); install Python and Alembic in the job before this step (for example `pip install -r requirements.txt`)")
	}
	return Python{}, fmt.Errorf("no Python interpreter can import alembic (%s); add `pip install -r requirements.txt` (or `pip install alembic`) before this step", strings.Join(tried, "; "))
}

// lookPath finds name on env's PATH (absolute names are used as they are).
func lookPath(name string, env []string) (string, error) {
	if strings.HasPrefix(name, "/") {
		return exec.LookPath(name)
	}
	for _, kv := range env {
		if p, ok := strings.CutPrefix(kv, "PATH="); ok {
			for _, dir := range strings.Split(p, ":") {
				if dir == "" {
					continue
				}
				if full, err := exec.LookPath(dir + "/" + name); err == nil {
					return full, nil
				}
			}
			return "", exec.ErrNotFound
		}
	}
	return exec.LookPath(name)
}

func lastLine(out string, err error) string {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if l := strings.TrimSpace(lines[len(lines)-1]); l != "" {
		return l
	}
	return err.Error()
}
