package migrate

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// loadCommand is a history applied by the repo's own command (Django's
// migrate, Rails, the Prisma CLI...): one step, no down; the trace still
// sees every DDL statement it sends.
func loadCommand(command, dir string) *Plan {
	return &Plan{Tool: "command", Dir: dir, Runner: commandRunner{command: command, dir: dir},
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
// the review database, in its own process group so that cancelling stops
// everything it started.
func (a *commandApplier) Up(ctx context.Context, m *Migration) ([]ExecutedStatement, error) {
	cmd := exec.CommandContext(ctx, "sh", "-c", a.c.command)
	cmd.Dir = a.c.dir
	env := a.db.Env
	if env == nil {
		env = os.Environ()
	}
	cmd.Env = append(append([]string{}, env...), databaseEnv(a.db.URL, plainURL(a.db.URL), []string{"DATABASE_URL"})...)
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
		return nil, &ProcessError{Message: redactURL(fmt.Sprintf("migrate command `%s` failed (%v): %s", a.c.command, err, msg), a.db.URL)}
	}
	return nil, nil
}

func (a *commandApplier) Down(context.Context, *Migration) ([]ExecutedStatement, error) {
	return nil, fmt.Errorf("a migrate command has no down")
}

func (a *commandApplier) Close() error { return nil }

// plainURL is the URL with the postgresql:// scheme most tools accept.
func plainURL(raw string) string { return sqlalchemyURL(raw, "") }
