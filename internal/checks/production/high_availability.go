package production

import (
	"regexp"

	"github.com/pgreview/pgreview/internal/check"
)

// HighAvailability cites replicas, failover managers and managed
// high-availability settings.
var HighAvailability = &check.Check{
	Name:     "high-availability",
	Item:     "10.2",
	Severity: check.Info,
	Doc: `Know what happens when the database server fails.

A single Postgres server is down for as long as it takes to repair or
replace it. High availability means a standby that takes over: a managed
service with failover (RDS Multi-AZ, Cloud SQL regional, Azure zone
redundant), an operator (CloudNativePG, Zalando, Crunchy) with two or more
instances, or Patroni / repmgr. Many services accept a single server and
its recovery time; this check cites the setup it finds and leaves the
decision to a human otherwise.`,
	Run: runHighAvailability,
}

var (
	haConfig = regexp.MustCompile(`(?i)(multi_az\s*=\s*true|availability_type\s*=\s*"REGIONAL"|mode\s*=\s*"(ZoneRedundant|SameZone)"|\binstances:\s*[2-9]|numberOfInstances:\s*[2-9]|\bpatroni\b|postgresql-repmgr|repmgr|POSTGRESQL_REPLICATION_MODE|primary_conninfo|pg_auto_failover|\bstolon\b)`)
	haDocs   = regexp.MustCompile(`(?i)(multi-az|\bfailover\b|\bpatroni\b|\brepmgr\b|hot standby|standby (server|replica)|streaming replication|read replicas?|high availability)`)
)

func runHighAvailability(p *check.Pass) error {
	if notRunning(p) {
		return nil
	}
	for _, h := range grepOperational(p.Repo, haConfig) {
		p.Evidence(h.at(), "high availability: %s", short(h.Match))
	}
	for _, h := range grepDocs(p.Repo, haDocs) {
		p.Evidence(h.at(), "high availability documented: %s", short(h.Text))
	}
	p.ManualUnlessCited("no replicas, failover manager or managed high-availability setting found; decide whether a single server's recovery time is acceptable")
	return nil
}
