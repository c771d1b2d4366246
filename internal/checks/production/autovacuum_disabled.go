package production

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/locate"
	"github.com/pgreview/pgreview/internal/checks/serverconf"
	"github.com/pgreview/pgreview/internal/repo"
)

// AutovacuumDisabled finds autovacuum turned off, per table or for the
// server, and cites maintenance jobs found in the repository.
var AutovacuumDisabled = &check.Check{
	Name:     "autovacuum-disabled",
	Item:     "10.4",
	Severity: check.Good,
	Needs:    check.NeedsCatalog,
	Doc: `Leave autovacuum on.

Autovacuum removes dead rows, keeps planner statistics fresh and, above
all, freezes old transaction IDs: a table it never visits grows without
bound and eventually forces an anti-wraparound vacuum at the worst time.
A table created or altered WITH (autovacuum_enabled = false) (or
toast.autovacuum_enabled) is reported; so is autovacuum = off or
track_counts = off in the server settings the repository declares
(compose command, postgresql.conf, ALTER SYSTEM), which stop it for every
table. Tune a busy table's autovacuum_vacuum_scale_factor instead of
turning it off. Scheduled vacuumdb, pg_repack or VACUUM jobs found in
scripts and workflows are cited as evidence.`,
	Run: runAutovacuumDisabled,
}

func runAutovacuumDisabled(p *check.Pass) error {
	loc := locate.New(p)
	for _, t := range p.Catalog.Tables {
		var off []string
		if v, ok := t.Option("autovacuum_enabled"); ok && isOff(v) {
			off = append(off, "autovacuum_enabled = "+v)
		}
		if v, ok := t.ToastOption("autovacuum_enabled"); ok && isOff(v) {
			off = append(off, "toast.autovacuum_enabled = "+v)
		}
		if len(off) == 0 {
			continue
		}
		p.Report(check.Finding{
			Location: loc.Object(t.QualifiedName(), "reloptions:"+t.QualifiedName(), "table:"+t.QualifiedName()),
			Message: fmt.Sprintf("autovacuum is turned off for %s (%s): dead rows pile up and its transaction IDs are never frozen",
				t.QualifiedName(), strings.Join(off, ", ")),
			Fix: fmt.Sprintf("ALTER TABLE %s RESET (autovacuum_enabled, toast.autovacuum_enabled);", t.QualifiedName()),
		})
	}
	settings := serverconf.Read(p.Repo)
	for _, name := range []string{"autovacuum", "track_counts"} {
		for _, s := range settings.Named(name) {
			if isOff(s.Value) {
				p.Report(check.Finding{Location: s.At, Severity: check.Important,
					Message: fmt.Sprintf("%s turns autovacuum off for every table: tables bloat and the server must eventually stop for an anti-wraparound vacuum", s.Describe()),
					Fix:     fmt.Sprintf("remove the %s setting (it defaults to on)", name)})
			}
		}
	}
	for _, e := range maintenanceJobs(p.Repo) {
		p.Evidence(e.Location, "%s", e.Message)
	}
	return nil
}

func isOff(v string) bool {
	switch strings.ToLower(strings.Trim(v, `'" `)) {
	case "off", "false", "no", "0", "f", "n":
		return true
	}
	return false
}

var (
	maintenanceTool = regexp.MustCompile(`\b(vacuumdb|reindexdb|pg_repack|pg_squeeze)\b`)
	maintenanceSQL  = regexp.MustCompile(`\b(VACUUM|REINDEX)\b`)
)

// maintenanceJobs finds vacuum, reindex and repack jobs in scripts,
// workflows, compose files and Makefiles.
func maintenanceJobs(r *repo.Repo) []check.Evidence {
	var out []check.Evidence
	for _, f := range r.Files() {
		switch f.Kind {
		case repo.KindShell, repo.KindWorkflow, repo.KindYAML, repo.KindCompose, repo.KindDockerfile:
		default:
			base := strings.ToLower(f.Path[strings.LastIndex(f.Path, "/")+1:])
			if base != "makefile" && base != "crontab" && !strings.HasSuffix(base, ".cron") {
				continue
			}
		}
		b, err := f.Bytes()
		if err != nil {
			continue
		}
		for _, re := range []*regexp.Regexp{maintenanceTool, maintenanceSQL} {
			if m := re.FindIndex(b); m != nil {
				out = append(out, check.Evidence{Location: check.Location{File: f.Path, Line: repo.LineOf(b, m[0])},
					Message: "maintenance job: " + string(b[m[0]:m[1]])})
				break
			}
		}
	}
	return out
}
