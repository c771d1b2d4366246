package engine

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/testcontainers/testcontainers-go"
)

// reachCandidates lists the addresses at which the container's port 5432
// may answer, most likely first. testcontainers' own answer (the Docker
// host, or TESTCONTAINERS_HOST_OVERRIDE) is right on a plain machine and
// with a remote DOCKER_HOST. Inside a container it guesses a gateway,
// which is wrong when the Docker engine shares our network namespace (a
// CI job container running its own dockerd) and can be firewalled when we
// are a sibling container (docker run -v /var/run/docker.sock). So, unless
// the user set the override, loopback, the container network's gateway
// and the container's own address are tried too; the first to answer wins.
func reachCandidates(ctx context.Context, c testcontainers.Container, getenv func(string) string) ([]string, error) {
	host, err := c.Host(ctx)
	if err != nil {
		return nil, fmt.Errorf("find the Docker host: %w", err)
	}
	port, err := c.MappedPort(ctx, "5432/tcp")
	if err != nil {
		return nil, fmt.Errorf("find the published port of 5432: %w", err)
	}
	mapped := strconv.Itoa(int(port.Num()))
	out := []string{net.JoinHostPort(host, mapped)}
	if getenv("TESTCONTAINERS_HOST_OVERRIDE") != "" {
		return out, nil
	}
	add := func(hostport string) {
		for _, have := range out {
			if have == hostport {
				return
			}
		}
		out = append(out, hostport)
	}
	if dockerIsLocal(getenv("DOCKER_HOST")) {
		add(net.JoinHostPort("127.0.0.1", mapped))
	}
	if !inContainer() {
		return out, nil
	}
	info, err := c.Inspect(ctx)
	if err != nil || info.NetworkSettings == nil {
		return out, nil
	}
	for _, n := range info.NetworkSettings.Networks {
		if n == nil {
			continue
		}
		if n.IPAddress.IsValid() {
			add(net.JoinHostPort(n.IPAddress.String(), "5432"))
		}
		if n.Gateway.IsValid() {
			add(net.JoinHostPort(n.Gateway.String(), mapped))
		}
	}
	return out, nil
}

// dockerIsLocal reports whether the Docker engine is reached through a
// unix socket, so that its published ports are on this machine.
func dockerIsLocal(dockerHost string) bool {
	if dockerHost == "" {
		return true
	}
	u, err := url.Parse(dockerHost)
	return err == nil && u.Scheme == "unix"
}

// inContainer reports whether we run in a Docker or Podman container.
func inContainer() bool {
	for _, marker := range []string{"/.dockerenv", "/run/.containerenv"} {
		if _, err := os.Stat(marker); err == nil {
			return true
		}
	}
	return false
}

// waitAnyReady tries every candidate in parallel, round after round, until
// one accepts a login (the server is up and reachable there), alive reports
// that the server died, or timeout passes. It returns the address that
// answered. urlFor builds a connection URL for an address.
func waitAnyReady(parent context.Context, candidates []string, urlFor func(hostport string) string, timeout time.Duration, alive func() error) (string, error) {
	ctx, cancel := context.WithTimeout(parent, timeout)
	defer cancel()
	type answer struct {
		hostport string
		err      error
	}
	var last error
	for {
		if err := alive(); err != nil {
			return "", err
		}
		answers := make(chan answer, len(candidates))
		round, endRound := context.WithTimeout(ctx, 2*time.Second)
		for _, hp := range candidates {
			go func() {
				conn, err := pgx.Connect(round, urlFor(hp))
				if err == nil {
					conn.Close(context.Background())
				}
				answers <- answer{hp, err}
			}()
		}
		won := ""
		for range candidates {
			a := <-answers
			if a.err == nil && won == "" {
				won = a.hostport
				endRound() // the others need not finish their attempts
			} else if a.err != nil {
				last = a.err
			}
		}
		endRound()
		if won != "" {
			return won, nil
		}
		select {
		case <-ctx.Done():
			if parent.Err() != nil {
				return "", parent.Err()
			}
			return "", fmt.Errorf("PostgreSQL did not answer within %s at %v: %v", timeout, candidates, last)
		case <-time.After(100 * time.Millisecond):
		}
	}
}
