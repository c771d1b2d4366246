package security

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/locate"
)

// AppRoleOwnsSchema finds an application role that owns the schema or its
// tables, or that the migrations made a superuser.
var AppRoleOwnsSchema = &check.Check{
	Name:     "app-role-owns-schema",
	Item:     "8.3",
	Severity: check.Important,
	Needs:    check.NeedsCatalog,
	Doc: `The application's role should not own the schema it works in.

An owner can ALTER and DROP its tables, TRUNCATE them, and is not bound by
their GRANTs (nor by row-level security unless FORCE is set), so a bug or
an injection in the application can destroy the schema. Let a migration
role own the schema and its objects, and grant the application role
USAGE on the schema and only the table privileges it needs (ALTER DEFAULT
PRIVILEGES FOR ROLE <migration role> ... keeps new tables covered). The
application's role is read from the repository's database URLs. When the
migrations create it, the migrated schema's owners are checked; otherwise
the repository's CREATE DATABASE ... OWNER, ALTER ... OWNER TO and CREATE
SCHEMA ... AUTHORIZATION statements (init scripts included). The role
pgreview itself ran the migrations as is never judged.`,
	Run: runAppRoleOwnsSchema,
}

func runAppRoleOwnsSchema(p *check.Pass) error {
	su, _ := imageSuperuser(p.Repo)
	loc := locate.New(p)
	declared := map[string]bool{}
	for _, f := range superuserStatements(p.Repo) {
		declared[strings.TrimPrefix(f.Object, "role ")] = true
	}
	owned := ownerships(p.Repo)
	judged := map[string]bool{}
	for _, u := range appUsers(p.Repo) {
		if judged[u.Name] || u.Name == p.Catalog.Server.SessionUser || u.Name == su || u.Name == "postgres" {
			continue
		}
		judged[u.Name] = true
		role := p.Catalog.Role(u.Name)
		if role == nil {
			// Created outside the migrations (an init script): judge what the
			// repo's statements hand it.
			for _, o := range owned {
				if o.role != u.Name {
					continue
				}
				msg := fmt.Sprintf("the application connects as %s, which becomes the owner of %s: it can ALTER and DROP what it owns regardless of GRANTs", u.Name, o.what)
				if strings.HasPrefix(o.what, "database ") {
					msg += " (since PostgreSQL 15 the database owner also owns schema public)"
				}
				at := u.At
				at.Object = "role " + u.Name
				p.Report(check.Finding{Location: at, Message: msg, Related: []check.Location{o.at.WithNote("ownership granted")},
					Fix: fmt.Sprintf("let a migration role own %s and GRANT %s only the privileges it needs", o.what, u.Name)})
				break
			}
			continue
		}
		var owns []string
		for _, s := range p.Catalog.Schemas {
			if s.Owner == u.Name {
				owns = append(owns, "schema "+s.Name)
			}
		}
		tables := 0
		for _, t := range p.Catalog.Tables {
			if t.Owner == u.Name {
				tables++
			}
		}
		if tables > 0 {
			owns = append(owns, plural(tables, "table", "tables"))
		}
		if p.Catalog.Server.DatabaseOwner == u.Name {
			owns = append(owns, "the database")
		}
		at := u.At
		at.Object = "role " + u.Name
		related := []check.Location{loc.Object("role "+u.Name, "role:"+u.Name).WithNote("role created")}
		if role.Superuser && !declared[u.Name] {
			p.Report(check.Finding{Location: at, Related: related,
				Message: fmt.Sprintf("the application connects as %s, which the migrations made a superuser", u.Name),
				Fix:     fmt.Sprintf("ALTER ROLE %s NOSUPERUSER; and grant it only what it needs", u.Name)})
		}
		if len(owns) == 0 {
			continue
		}
		sort.Strings(owns)
		p.Report(check.Finding{Location: at, Related: related,
			Message: fmt.Sprintf("the application connects as %s, which owns %s: it can ALTER, DROP and TRUNCATE them regardless of GRANTs",
				u.Name, strings.Join(owns, " and ")),
			Fix: fmt.Sprintf("make a migration role the owner (ALTER SCHEMA ... OWNER TO migrator; ALTER TABLE ... OWNER TO migrator) and GRANT %s USAGE on the schema and the table privileges it needs", u.Name)})
	}
	return nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
