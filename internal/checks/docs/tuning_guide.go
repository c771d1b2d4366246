package docs

import (
	"regexp"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/dbcode"
)

// TuningGuide cites documented database performance tuning.
var TuningGuide = &check.Check{
	Name:     "tuning-guide",
	Item:     "12.4",
	Severity: check.Info,
	Doc: `Document how the database is tuned, and how to find slow queries.

Settings such as shared_buffers, work_mem, max_connections and the pool
sizes are chosen for a reason; the indexes are there for queries someone
measured. Write down the reasons and the method (pg_stat_statements,
EXPLAIN (ANALYZE, BUFFERS), the dashboards), so the next change is measured
too. This check cites a performance or tuning section about the database.`,
	Run: runTuningGuide,
}

var tuningHeading = regexp.MustCompile(`(?i)performance|tuning|optimi[sz]|slow quer|query plans?|indexing|capacity|scaling`)

func runTuningGuide(p *check.Pass) error {
	if dbcode.NoDatabase(p) {
		return nil
	}
	if !citeSections(p, tuningHeading, false, "performance section") {
		p.Manual("no documented database tuning (settings and why, how slow queries are found and fixed)")
	}
	return nil
}
