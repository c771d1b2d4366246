package docs

import (
	"path"
	"regexp"
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/dbcode"
)

// Runbooks cites operational runbooks: restore, failover, maintenance.
var Runbooks = &check.Check{
	Name:     "runbooks",
	Item:     "12.5",
	Severity: check.Info,
	Doc: `Keep runbooks for the operations you hope never to need.

Restoring a backup, failing over to a standby, running a long maintenance
(VACUUM FULL, REINDEX, a major upgrade) happen rarely and under pressure.
A runbook lists the steps and the commands, in order, tried once in calm
conditions. This check cites runbook files and sections with steps or
commands about the database.`,
	Run: runRunbooks,
}

var runbookHeading = regexp.MustCompile(`(?i)runbook|playbook|on-?call|incident|restor(e|ing)|failover|maintenance|operations|backups?|disaster|recovery`)

func runRunbooks(p *check.Pass) error {
	if dbcode.NoDatabase(p) {
		return nil
	}
	for _, d := range p.Repo.Docs() {
		l := strings.ToLower(d.Path)
		if strings.Contains(path.Dir(l), "runbook") || strings.Contains(path.Base(l), "runbook") || strings.Contains(path.Base(l), "playbook") {
			p.Evidence(at(d.Path, 1), "runbook %s", d.Path)
		}
	}
	citeSections(p, runbookHeading, true, "operational section with steps")
	p.ManualUnlessCited("no runbooks for restore, failover or maintenance found")
	return nil
}
