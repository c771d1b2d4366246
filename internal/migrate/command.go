package migrate

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"time"
)

// loadCommand is a history applied by the repo's own command (Django's
// migrate, Rails, the Prisma CLI...): one step, no down; the trace still
// sees every DDL statement it sends.
func loadCommand(command, dir string) *Plan {
	return &Plan{Tool: "command", Dir: dir, Late: LateRule{NoOrder: true}, Runner: commandRunner{command: command, dir: dir},
		Migrations: []*Migration{{Version: "migrate-command", Name: command, Up: &Script{}}}}
}

type commandRunner struct {
	command string
	dir     string // absolute working directory: the repo root
}

func (c commandRunner) Open(_ context.Context, db *Session) (Applier, error) {
	return &commandApplier{c: c, db: db}, nil
}

type commandApplier struct {
	c  commandRunner
	db *Session
}

func (a *commandApplier) Describe() string { return "sh -c " + a.c.command }

// Up runs the command with DATABASE_URL, PG* and POSTGRES_* pointing at
// the review database.
func (a *commandApplier) Up(ctx context.Context, m *Migration) ([]ExecutedStatement, error) {
	cmd := exec.CommandContext(ctx, "sh", "-c", a.c.command)
	cmd.Dir = a.c.dir
	return nil, runProcess(cmd, a.db, fmt.Sprintf("migrate command `%s`", a.c.command), "")
}

// runProcess runs a tool's process against the review database: extra,
// then DATABASE_URL, PG* and POSTGRES_* in its environment, in its own process
// group so that cancelling stops everything it started. A failure carries
// the end of its output, at file if the process runs one, with the
// password and the secrets of extra redacted.
func runProcess(cmd *exec.Cmd, db *Session, what, file string, extra ...string) error {
	env := db.Env
	if env == nil {
		env = os.Environ()
	}
	// The review database's variables come last: they win over extra
	// (an init script's POSTGRES_USER from compose, say).
	cmd.Env = append(append(append([]string{}, env...), extra...), databaseEnv(db.URL, plainURL(db.URL), []string{"DATABASE_URL"})...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	out := &tail{max: 8 << 10}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(out.String())
		if i := strings.LastIndex(msg, "\n"); len(msg) > 1500 && i >= 0 {
			msg = "…" + msg[len(msg)-1500:]
		}
		e := &ProcessError{Message: redactSecrets(redactURL(fmt.Sprintf("%s failed (%v): %s", what, err, msg), db.URL), extra)}
		if file != "" {
			e.File, e.Line = file, 1
		}
		return e
	}
	return nil
}

func (a *commandApplier) Down(context.Context, *Migration) ([]ExecutedStatement, error) {
	return nil, fmt.Errorf("a migrate command has no down")
}

func (a *commandApplier) Close() error { return nil }

// plainURL is the URL with the postgresql:// scheme most tools accept.
func plainURL(raw string) string { return sqlalchemyURL(raw, "") }

// secretKey names variables whose values are secrets (APP_DB_PASSWORD,
// API_TOKEN, SECRET_KEY...).
var secretKey = regexp.MustCompile(`(?i)(pass|pwd|secret|token|key|credential)`)

// redactSecrets removes from s the values of env's secret variables.
func redactSecrets(s string, env []string) string {
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		if len(v) >= 4 && secretKey.MatchString(k) {
			s = strings.ReplaceAll(s, v, "***")
		}
	}
	return s
}
