package production

import (
	"regexp"

	"github.com/pgreview/pgreview/internal/check"
)

// UpgradeProcedure cites a documented major-version upgrade path.
var UpgradeProcedure = &check.Check{
	Name:     "upgrade-procedure",
	Item:     "10.5",
	Severity: check.Info,
	Doc: `Write down how to move to the next major version.

A Postgres major version cannot read the previous one's data directory:
moving from 15 to 16 takes pg_upgrade, a dump and restore, or logical
replication to a new server, each with its own downtime and its own
checks (extensions, collations, replication slots). Document the path
before the version you run goes out of support (five years after its
release). This check cites such a procedure in docs or scripts.`,
	Run: runUpgradeProcedure,
}

var (
	upgradeOps  = regexp.MustCompile(`\b(pg_upgrade|pg_upgradecluster|pgautoupgrade|postgres-upgrade)\b`)
	upgradeDocs = regexp.MustCompile(`(?i)(\bpg_upgrade(cluster)?\b|major[- ]version upgrades?|upgrad(e|ing) (to )?postgres(ql)?\b|blue[- ]green (deployment|upgrade)|logical replication.*upgrade|upgrade.*logical replication)`)
)

func runUpgradeProcedure(p *check.Pass) error {
	if notRunning(p) {
		return nil
	}
	for _, h := range append(grepOperational(p.Repo, upgradeOps), grepWorkflows(p.Repo, upgradeOps, false)...) {
		p.Evidence(h.at(), "upgrade tooling: %s", short(h.Text))
	}
	for _, h := range grepDocs(p.Repo, upgradeDocs) {
		p.Evidence(h.at(), "upgrade documented: %s", short(h.Text))
	}
	p.ManualUnlessCited("no documented major-version upgrade path (pg_upgrade, dump and restore, logical replication)")
	return nil
}
