package monitoring

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/repo"
)

// MemorySettings compares shared_buffers and work_mem with the database
// container's memory limit.
var MemorySettings = &check.Check{
	Name:     "memory-settings",
	Item:     "9.4",
	Severity: check.Info,
	Doc: `Size shared_buffers and work_mem to the memory Postgres gets.

shared_buffers is allocated up front; set it to about a quarter of the
memory the database container may use, leaving the rest for work_mem
(per sort or hash, per query node, per connection), maintenance, the
connections themselves and the OS page cache. shared_buffers at or above
the container's memory limit gets Postgres OOM-killed once the buffers
fill; well above half leaves too little for everything else.

  command: ["postgres", "-c", "shared_buffers=256MB", "-c", "work_mem=8MB"]
  mem_limit: 1g`,
	Run: runMemorySettings,
}

func runMemorySettings(p *check.Pass) error {
	db := p.Repo.DBService()
	if db == nil {
		p.NotApplicable("no Postgres service in a compose file")
		return nil
	}
	settings := db.ServerSettings()
	line := db.CommandLine
	limit, limitOK := composeBytes(db, db.MemLimit)
	sb, sbOK := pgBytes(settings["shared_buffers"], 8<<10)
	wm, wmOK := pgBytes(settings["work_mem"], 1<<10)
	switch {
	case sbOK && limitOK && sb >= limit:
		p.Report(check.Finding{Location: at(db.File, line), Severity: check.Important,
			Message: fmt.Sprintf("shared_buffers=%s is not below the %s memory limit of service %s (%s:%d): Postgres is OOM-killed once the buffers fill; set it to about a quarter of the limit", settings["shared_buffers"], db.MemLimit.Raw, db.Name, db.File, db.MemLimit.Line)})
	case sbOK && limitOK && sb*2 > limit:
		p.Reportf(at(db.File, line), "shared_buffers=%s is more than half of the %s memory limit of service %s: little is left for work_mem, connections and the page cache; about a quarter of the limit is the usual start", settings["shared_buffers"], db.MemLimit.Raw, db.Name)
	case sbOK && limitOK:
		p.Evidence(at(db.File, line), "shared_buffers=%s is %d%% of the %s memory limit", settings["shared_buffers"], sb*100/limit, db.MemLimit.Raw)
	case sbOK:
		p.Evidence(at(db.File, line), "shared_buffers=%s is set", settings["shared_buffers"])
	}
	if wmOK {
		switch {
		case limitOK && wm*4 >= limit:
			p.Reportf(at(db.File, line), "work_mem=%s is a quarter or more of the %s memory limit: every sort or hash of every connection may take that much, so a few concurrent queries exhaust the container", settings["work_mem"], db.MemLimit.Raw)
		default:
			p.Evidence(at(db.File, line), "work_mem=%s is set", settings["work_mem"])
		}
	}
	switch {
	case p.Cited():
	case limitOK:
		p.Manual("service %s may use %s but shared_buffers is the 128MB default; size it to about a quarter of the limit", db.Name, db.MemLimit.Raw)
	default:
		p.Manual("neither shared_buffers nor a memory limit is set for service %s; size shared_buffers to about a quarter of the memory the database gets in production", db.Name)
	}
	return nil
}

var sizeRe = regexp.MustCompile(`^\s*([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]*)\s*$`)

// pgBytes reads a Postgres memory setting: "256MB", "1GB", or a bare
// number in the setting's unit (8kB pages for shared_buffers, kB for
// work_mem).
func pgBytes(v string, unit int64) (int64, bool) {
	m := sizeRe.FindStringSubmatch(v)
	if m == nil {
		return 0, false
	}
	n, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return 0, false
	}
	mult := map[string]int64{"": unit, "b": 1, "kb": 1 << 10, "mb": 1 << 20, "gb": 1 << 30, "tb": 1 << 40}[strings.ToLower(m[2])]
	if mult == 0 {
		return 0, false
	}
	return int64(n * float64(mult)), true
}

// composeBytes reads a compose memory value ("1g", "512m", "1gb", bytes),
// interpolated.
func composeBytes(db *repo.PostgresService, v repo.Value) (int64, bool) {
	if v.Raw == "" {
		return 0, false
	}
	raw, ok := db.Interpolate(v.Raw)
	if !ok {
		return 0, false
	}
	m := sizeRe.FindStringSubmatch(raw)
	if m == nil {
		return 0, false
	}
	n, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return 0, false
	}
	unit := strings.TrimSuffix(strings.TrimSuffix(strings.ToLower(m[2]), "ib"), "b")
	mult := map[string]int64{"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}[unit]
	if mult == 0 {
		return 0, false
	}
	return int64(n * float64(mult)), n > 0
}
