package docker

import (
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/dbsite"
)

// DBPortExposed finds a database port published on every interface of
// the host.
var DBPortExposed = &check.Check{
	Name:     "db-port-exposed",
	Item:     "7.3",
	Severity: check.Important,
	Doc: `Publish the database port on the loopback interface only.

"5432:5432" publishes Postgres on every interface of the host: anyone on
the same network (a café's Wi-Fi, a cloud VM's public address) can try
passwords against it, and Docker's rules bypass most host firewalls (ufw).
The other containers reach the database over the compose network without
any published port. When the host needs it (a local psql, an IDE), bind it
to loopback: "127.0.0.1:5432:5432". Compose files for tests and CI are
not reported.`,
	Run: runDBPortExposed,
}

func runDBPortExposed(p *check.Pass) error {
	db := p.Repo.DBService()
	if db == nil {
		p.NotApplicable("no Postgres service in a compose file")
		return nil
	}
	pgPort := "5432"
	if v := db.EnvValue("PGPORT"); v != "" {
		pgPort = v
	}
	for _, cf := range p.Repo.Compose() {
		if dbsite.IsTestPath(cf.Path) {
			continue
		}
		for _, s := range cf.Services {
			if s.Name != db.Name {
				continue
			}
			if s.NetworkMode == "host" {
				p.Reportf(loc(cf.Path, s.Line), "database service %s uses network_mode: host, so Postgres listens on every interface of the host; use the compose network and publish 127.0.0.1:%s:%s if the host needs it", s.Name, pgPort, pgPort)
			}
			for _, port := range s.Ports {
				target, _ := s.Interpolate(port.Target)
				if strings.Split(target, "-")[0] != pgPort {
					continue
				}
				host, _ := s.Interpolate(port.HostIP)
				published, _ := s.Interpolate(port.Published)
				switch host {
				case "", "0.0.0.0", "::", "[::]":
					if published == "" {
						published = "a random port"
					}
					p.Reportf(loc(cf.Path, port.Line), "port %s of %s is published on every interface of the host (%s); bind it to loopback (\"127.0.0.1:%s:%s\") or drop it: containers reach the database over the compose network",
						pgPort, s.Name, published, strings.TrimPrefix(published, "a random port"), target)
				default:
					p.Evidence(loc(cf.Path, port.Line), "%s publishes %s on %s only", s.Name, pgPort, host)
				}
			}
		}
	}
	return nil
}
