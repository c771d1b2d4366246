// Command pgreview reviews a repository's PostgreSQL setup.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/pgreview/pgreview/internal/cli"
	"github.com/pgreview/pgreview/internal/engine"
)

func main() { os.Exit(run()) }

// run is main without the exit, so that the test scripts run exactly this.
// SIGINT and SIGTERM cancel the review: whatever it started is stopped and
// the exit code says the review is incomplete.
func run() int {
	engine.SetUpDockerLibrary(os.Getenv, os.Setenv)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return cli.Main(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
}
