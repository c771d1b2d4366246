package monitoring

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/serverconf"
)

// SlowQueryLogging looks for slow-query detection: log_min_duration_statement,
// auto_explain, or a timing hook in the application.
var SlowQueryLogging = &check.Check{
	Name:     "slow-query-logging",
	Item:     "9.3",
	Severity: check.Info,
	Doc: `Log slow queries.

log_min_duration_statement (for example 500ms) makes the server log every
statement slower than the threshold, and auto_explain logs their plans.
Settings are read from the repository (compose command, postgresql.conf, a
Postgres Dockerfile, ALTER SYSTEM / DATABASE / ROLE in migrations), not
from pgreview's review server. A SQLAlchemy before/after_cursor_execute
timing hook or a pgx tracer counts as well. An auto_explain.* setting
without auto_explain in shared_preload_libraries or
session_preload_libraries has no effect and is reported. When nothing is
found, a human should check the production server.`,
	Run: runSlowQueryLogging,
}

var cursorEvents = map[string]bool{"before_cursor_execute": true, "after_cursor_execute": true}

func runSlowQueryLogging(p *check.Pass) error {
	settings := serverconf.Read(p.Repo)
	found := false
	for _, s := range settings.Named("log_min_duration_statement") {
		if v := strings.TrimSpace(s.Value); v != "-1" {
			found = true
			p.Evidence(s.At, "%s", s.Describe())
		}
	}
	loaded := append(settings.Libraries("shared_preload_libraries", "auto_explain"), settings.Libraries("session_preload_libraries", "auto_explain")...)
	for _, s := range loaded {
		found = true
		p.Evidence(s.At, "auto_explain is loaded (%s)", s.Describe())
	}
	if len(loaded) == 0 {
		for _, s := range settings {
			if strings.HasPrefix(s.Name, "auto_explain.") {
				p.Report(check.Finding{Location: s.At,
					Message: fmt.Sprintf("%s is set, but auto_explain is not in shared_preload_libraries or session_preload_libraries, so it has no effect", s.Name),
					Fix:     "add auto_explain to shared_preload_libraries (or session_preload_libraries)"})
			}
		}
	}
	for _, m := range p.Repo.Python() {
		for _, c := range m.CallsTo("sqlalchemy.event.listens_for", "sqlalchemy.event.listen") {
			if e := c.Arg(1); e != nil && cursorEvents[e.Value] {
				found = true
				p.Evidence(check.Location{File: m.Path, Line: c.Line}, "SQLAlchemy %s hook (query timing)", e.Value)
			}
		}
	}
	for _, g := range p.Repo.Go() {
		for _, imp := range g.AST.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if strings.HasPrefix(path, "github.com/jackc/pgx/v5/tracelog") || strings.HasPrefix(path, "github.com/exaring/otelpgx") {
				found = true
				p.Evidence(check.Location{File: g.Path, Line: g.Line(imp.Pos())}, "pgx query tracer %s", path)
			}
		}
	}
	if !found {
		p.Manual("no log_min_duration_statement, auto_explain or query-timing hook found in the repository; check that the production server logs slow queries")
	}
	return nil
}
