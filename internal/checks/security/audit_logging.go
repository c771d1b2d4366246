package security

import (
	"fmt"
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/locate"
	"github.com/pgreview/pgreview/internal/checks/serverconf"
)

// AuditLogging looks for an audit trail: pgaudit, audit triggers and
// tables, statement and connection logging, ORM history libraries.
var AuditLogging = &check.Check{
	Name:     "audit-logging",
	Item:     "8.5",
	Severity: check.Info,
	Needs:    check.NeedsCatalog,
	Doc: `Record who changed what.

Evidence of an audit trail: the pgaudit extension (preloaded and created),
triggers that write to audit or history tables, log_statement = 'ddl',
'mod' or 'all', log_connections, or an ORM history library
(SQLAlchemy-Continuum, sqlalchemy-history, postgresql-audit). Server
settings are read from the repository (compose command, postgresql.conf,
ALTER SYSTEM in migrations), not from pgreview's review server. Reported: an audit
trigger left disabled, and pgaudit preloaded but never created. Nothing
found is not a defect by itself: whether changes must be audited depends
on the data, so the item is left for a human to decide.`,
	Run: runAuditLogging,
}

var auditDeps = []string{"sqlalchemy-continuum", "sqlalchemy-history", "postgresql-audit", "django-simple-history", "django-auditlog", "django-pghistory"}

func runAuditLogging(p *check.Pass) error {
	loc := locate.New(p)
	found := false
	settings := serverconf.Read(p.Repo)
	preloaded := settings.Libraries("shared_preload_libraries", "pgaudit")
	for _, s := range preloaded {
		found = true
		p.Evidence(s.At, "pgaudit is preloaded (%s)", s.Describe())
	}
	if e := p.Catalog.Extension("pgaudit"); e != nil {
		found = true
		p.Evidence(loc.Object("extension pgaudit", "extension:pgaudit"), "the pgaudit extension is created")
	} else if _, created := serverconf.CreatesExtension(p.Repo, "pgaudit"); len(preloaded) > 0 && !created {
		p.Report(check.Finding{Location: preloaded[0].At,
			Message: "pgaudit is preloaded but the extension is never created: without CREATE EXTENSION pgaudit its DDL auditing is incomplete",
			Fix:     "CREATE EXTENSION pgaudit; in a migration or an init script"})
	}
	for _, s := range settings {
		switch {
		case strings.HasPrefix(s.Name, "pgaudit."),
			s.Name == "log_statement" && (s.Value == "ddl" || s.Value == "mod" || s.Value == "all"),
			(s.Name == "log_connections" || s.Name == "log_disconnections") && on(s.Value):
			found = true
			p.Evidence(s.At, "%s", s.Describe())
		}
	}
	for _, t := range p.Catalog.Tables {
		for _, tr := range p.Catalog.TriggersOf(t.OID) {
			if auditName(tr.Name) || auditName(tr.Function) {
				found = true
				if tr.Enabled == "D" {
					p.Report(check.Finding{
						Location: loc.Object(t.QualifiedName()+"."+tr.Name, "trigger:"+t.QualifiedName()+"."+tr.Name),
						Message:  fmt.Sprintf("audit trigger %s on %s is disabled: changes to %s are not recorded", tr.Name, t.QualifiedName(), t.QualifiedName()),
						Fix:      fmt.Sprintf("ALTER TABLE %s ENABLE TRIGGER %s;", t.QualifiedName(), tr.Name),
					})
					continue
				}
				p.Evidence(loc.Object(t.QualifiedName()+"."+tr.Name, "trigger:"+t.QualifiedName()+"."+tr.Name),
					"trigger %s on %s calls %s", tr.Name, t.QualifiedName(), tr.Function)
			}
		}
	}
	for _, t := range p.Catalog.Tables {
		if auditName(t.Name) && !t.Partition {
			found = true
			p.Evidence(loc.Table(t), "audit table %s", t.QualifiedName())
		}
	}
	if d, ok := p.Repo.FindDependency(auditDeps...); ok {
		found = true
		p.Evidence(check.Location{File: d.File, Line: d.Line}, "%s keeps a history of changes", d.Name)
	}
	if !found {
		p.Manual("no pgaudit, audit triggers or tables, log_statement or log_connections settings were found; decide whether changes to sensitive tables must be audited")
	}
	return nil
}

// auditName: a table, trigger or function named for auditing.
func auditName(name string) bool {
	n := strings.ToLower(name)
	if i := strings.LastIndex(n, "."); i >= 0 {
		n = n[i+1:]
	}
	for _, w := range strings.FieldsFunc(n, func(r rune) bool { return r == '_' }) {
		if w == "audit" || w == "audits" || w == "auditlog" || w == "changelog" {
			return true
		}
	}
	return strings.HasSuffix(n, "_history") || strings.HasPrefix(n, "audit")
}

func on(v string) bool {
	switch strings.ToLower(strings.Trim(v, `'"`)) {
	case "on", "true", "yes", "1":
		return true
	}
	return false
}
