package docs

import (
	"regexp"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/dbcode"
)

// TroubleshootingGuide cites a troubleshooting section that covers the
// database.
var TroubleshootingGuide = &check.Check{
	Name:     "troubleshooting-guide",
	Item:     "12.3",
	Severity: check.Info,
	Doc: `Document what to do when the database misbehaves.

The same few problems come back: the app cannot connect (wrong host inside
Docker, TLS, a full pool), a migration fails half-way, a query holds a lock
that blocks everything, the disk fills. A troubleshooting section that
names the symptom, the command that confirms it (pg_isready, pg_stat_activity,
pg_locks) and the fix saves the next person an hour. This check cites one
that mentions the database.`,
	Run: runTroubleshootingGuide,
}

var troubleshootingHeading = regexp.MustCompile(`(?i)troubleshoot|common (problems|issues|errors|pitfalls)|\bfaq\b|known issues|debugging|when things go wrong`)

func runTroubleshootingGuide(p *check.Pass) error {
	if dbcode.NoDatabase(p) {
		return nil
	}
	if !citeSections(p, troubleshootingHeading, false, "troubleshooting section") {
		p.Manual("no troubleshooting section covering the database (connection failures, failed migrations, locks)")
	}
	return nil
}
