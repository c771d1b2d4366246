package docker

import (
	"fmt"

	"github.com/pgreview/pgreview/internal/check"
)

// DBHealthcheck finds a Postgres service without a healthcheck, and
// services that start before the database is ready.
var DBHealthcheck = &check.Check{
	Name:     "db-healthcheck",
	Item:     "7.4",
	Severity: check.Important,
	Doc: `Give the database a healthcheck, and wait for it.

Without a healthcheck, "depends_on: [db]" only waits for the container to
start, not for Postgres to accept connections: the app races the database
at every "docker compose up" and fails or retries blindly. Add

  healthcheck:
    test: ["CMD-SHELL", "pg_isready -U $${POSTGRES_USER} -d $${POSTGRES_DB}"]
    interval: 5s
    timeout: 5s
    retries: 10

and make dependants wait with "depends_on: {db: {condition: service_healthy}}".`,
	Run: runDBHealthcheck,
}

func runDBHealthcheck(p *check.Pass) error {
	db := p.Repo.DBService()
	if db == nil {
		p.NotApplicable("no Postgres service in a compose file")
		return nil
	}
	switch hc := db.Healthcheck; {
	case hc == nil:
		p.Reportf(loc(db.File, db.Line), "database service %s has no healthcheck; add one with pg_isready", db.Name)
	case hc.Disabled:
		p.Reportf(loc(db.File, hc.Line), "database service %s disables its healthcheck", db.Name)
	}
	for _, cf := range p.Repo.Compose() {
		for _, s := range cf.Services {
			for _, d := range s.DependsOn {
				if d.Service != db.Name || d.Condition == "service_healthy" {
					continue
				}
				how := "starts as soon as the container is created"
				if d.Condition != "" {
					how = fmt.Sprintf("waits only for %s", d.Condition)
				}
				p.Reportf(loc(cf.Path, d.Line), "service %s depends on %s but %s, before Postgres accepts connections; use condition: service_healthy", s.Name, db.Name, how)
			}
		}
	}
	return nil
}

func loc(file string, line int) check.Location { return check.Location{File: file, Line: line} }
