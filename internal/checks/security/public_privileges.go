package security

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pgreview/pgreview/internal/catalog"
	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/locate"
)

// PublicPrivileges finds privileges granted to PUBLIC.
var PublicPrivileges = &check.Check{
	Name:     "public-privileges",
	Item:     "8.3",
	Severity: check.Important,
	Needs:    check.NeedsCatalog,
	Doc: `Do not grant privileges to PUBLIC.

PUBLIC is every role of the server, including roles created later, so a
GRANT ... TO PUBLIC on a table, view or sequence opens it to every login
(reporting tools, other applications, a compromised low-privilege role).
CREATE on a schema lets any role plant functions and operators there that
other roles' queries may pick up through the search_path; PostgreSQL 15
stopped granting CREATE on schema public to PUBLIC by default for that
reason, and older servers should revoke it. ALTER DEFAULT PRIVILEGES ... TO
PUBLIC makes every future table public. Grant to specific roles instead.
The built-in defaults (EXECUTE on functions, CONNECT and TEMP on the
database, USAGE on schema public) are not reported.`,
	Run: runPublicPrivileges,
}

func runPublicPrivileges(p *check.Pass) error {
	loc := locate.New(p)
	type grant struct {
		kind, object string
		oid          uint32
		privs        []string
	}
	var order []string
	grants := map[string]*grant{}
	for _, pr := range p.Catalog.Privileges {
		if pr.Grantee != catalog.PublicGrantee || pr.Default || !reportable(pr) {
			continue
		}
		key := pr.ObjectKind + " " + pr.Object
		g := grants[key]
		if g == nil {
			g = &grant{kind: pr.ObjectKind, object: pr.Object, oid: pr.ObjectOID}
			grants[key] = g
			order = append(order, key)
		}
		g.privs = append(g.privs, pr.Privilege)
	}
	sort.Strings(order)
	for _, key := range order {
		g := grants[key]
		privs := strings.Join(g.privs, ", ")
		switch g.kind {
		case "schema":
			msg := fmt.Sprintf("PUBLIC (every role, including future ones) can CREATE objects in schema %s, which other roles' queries may resolve through their search_path", g.object)
			f := check.Finding{Location: loc.Object(g.object, "grant-public:create:"+g.object, "grant-public:all:"+g.object, "grant-public:"+g.object),
				Fix: fmt.Sprintf("REVOKE CREATE ON SCHEMA %s FROM PUBLIC;", g.object)}
			if g.object == "public" && p.Catalog.Server.Major() < 15 && f.File == "" {
				// The server's own default, not a grant the repo made.
				msg += " (the default before PostgreSQL 15)"
				f.Severity = check.Good
			}
			f.Message = msg
			p.Report(f)
		case "default":
			p.Report(check.Finding{Location: loc.Object("default privileges: "+g.object, "default-acl-public"),
				Message: fmt.Sprintf("default privileges give PUBLIC %s on %s: every such object is public from the moment it is created", privs, g.object),
				Fix:     "ALTER DEFAULT PRIVILEGES ... REVOKE ... FROM PUBLIC; and grant to the application's role instead"})
		default:
			schema, _, _ := strings.Cut(g.object, ".")
			p.Report(check.Finding{Location: loc.Object(g.object, "grant-public:"+g.object, "grant-public:all-in:"+schema, "table:"+g.object, "view:"+g.object),
				Message: fmt.Sprintf("PUBLIC (every role, including future ones) has %s on %s %s", privs, g.kind, g.object),
				Fix:     fmt.Sprintf("REVOKE ALL ON %s FROM PUBLIC; and grant to the roles that need it", g.object)})
		}
	}
	return nil
}

// reportable: privileges that are never a built-in default.
func reportable(pr *catalog.Privilege) bool {
	switch pr.ObjectKind {
	case "table", "view", "materialized view", "sequence", "foreign table", "default":
		return true
	case "schema":
		return pr.Privilege == "CREATE"
	}
	return false
}
