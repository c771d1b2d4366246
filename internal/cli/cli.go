// Package cli is pgreview's command line: flags, config loading, exit
// codes. The review itself is the review package's pipeline.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Exit codes, documented in the README.
const (
	ExitOK       = 0 // nothing at or above --fail-on
	ExitBlocking = 1 // blocking findings
	ExitUsage    = 2 // usage or config error
	ExitNoReview = 3 // the review itself could not run
)

// Version is set at build time (-ldflags "-X ...cli.Version=v0.1.0").
var Version = "v0.1.0-dev"

// Env is the process environment, injected so tests run in-process.
type Env struct {
	Getenv func(string) string
	Stdout io.Writer
	Stderr io.Writer
}

// Main runs pgreview with args (without the program name) and returns the
// exit code.
func Main(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	env := &Env{Getenv: getenv, Stdout: stdout, Stderr: stderr}
	if len(args) == 0 {
		usage(stderr)
		return ExitUsage
	}
	cmd, rest := args[0], args[1:]
	var err error
	switch cmd {
	case "review":
		return runReview(ctx, env, rest)
	case "comment":
		return runComment(ctx, env, rest)
	case "checks":
		err = runChecks(env, rest)
	case "explain":
		err = runExplain(env, rest)
	case "version", "--version":
		fmt.Fprintf(stdout, "pgreview %s\n", Version)
		return ExitOK
	case "help", "-h", "--help":
		usage(stdout)
		return ExitOK
	default:
		fmt.Fprintf(stderr, "pgreview: unknown command %q\n\n", cmd)
		usage(stderr)
		return ExitUsage
	}
	if err != nil {
		fmt.Fprintf(stderr, "pgreview %s: %v\n", cmd, err)
		var ue usageError
		if errors.As(err, &ue) {
			return ExitUsage
		}
		return ExitNoReview
	}
	return ExitOK
}

// usageError marks errors that exit with ExitUsage.
type usageError struct{ error }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

func usage(w io.Writer) {
	fmt.Fprint(w, strings.TrimLeft(`
pgreview reviews a repository's PostgreSQL setup: it starts the repo's
Postgres, applies its migrations while tracing locks and rewrites, inspects
the schema, reads the config and code, and fills in the 60-item Database
Setup Review checklist.

Usage:
  pgreview review [flags] [DIR]     review the repository at DIR (default .)
  pgreview review --base REF [DIR]  review a change: only what it adds against
                                    REF is new and blocks (automatic in Actions)
  pgreview comment --report FILE --repo OWNER/NAME --pr N
                                    post a saved JSON report as the PR comment
                                    (fork PRs: from a workflow_run job)
  pgreview checks [--format json]   list every check
  pgreview explain CHECK            print one check's documentation
  pgreview version

Run 'pgreview review -h' for the review flags.
Exit codes: 0 nothing at or above --fail-on, 1 blocking findings,
2 usage or config error, 3 the review could not run.
`, "\n"))
}
