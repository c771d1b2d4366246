package security

import (
	"fmt"
	"regexp"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/migrate"
	"github.com/pgreview/pgreview/internal/repo"
)

// SuperuserRole finds an application that connects as a superuser, and
// roles created or altered WITH SUPERUSER.
var SuperuserRole = &check.Check{
	Name:     "superuser-role",
	Item:     "8.3",
	Severity: check.Important,
	Doc: `The application must not connect as a superuser.

A superuser bypasses every privilege check: a bug or an SQL injection in
the application can then read and change every database of the server,
read and write server files (COPY ... TO PROGRAM), and create roles. The
postgres image (and postgis, timescaledb, pgvector built on it) makes
POSTGRES_USER a superuser, and "postgres" is the bootstrap superuser of
every server, so an application whose database URL uses that user runs as
a superuser. Create a role for the application without SUPERUSER,
CREATEROLE or CREATEDB (an init script in /docker-entrypoint-initdb.d or a
migration), grant it only the privileges it needs, and connect as it.
Also reported: CREATE ROLE / ALTER ROLE ... SUPERUSER in SQL files, shell
init scripts and strings of Python migrations. pgreview's own review role is never judged.`,
	Run: runSuperuserRole,
}

func runSuperuserRole(p *check.Pass) error {
	su, suAt := imageSuperuser(p.Repo)
	reported := map[string]bool{}
	for _, u := range appUsers(p.Repo) {
		if reported[u.Name] {
			continue
		}
		switch {
		case u.Name == su:
			reported[u.Name] = true
			p.Report(check.Finding{
				Location: u.At,
				Message: fmt.Sprintf("the application connects as %s, the superuser that POSTGRES_USER creates in the %s image: a bug or an injection then controls the whole server",
					u.Name, p.Repo.DBService().Image),
				Fix:     "create a role without SUPERUSER for the application (an init script or a migration), grant it what it needs, and use it in the application's URL",
				Related: []check.Location{suAt.WithNote("superuser created by the image")},
			})
		case u.Name == "postgres":
			reported[u.Name] = true
			p.Report(check.Finding{
				Location: u.At,
				Message:  "the application connects as postgres, the bootstrap superuser of every PostgreSQL server: a bug or an injection then controls the whole server",
				Fix:      "create a role without SUPERUSER for the application, grant it what it needs, and use it in the application's URL",
			})
		}
	}
	for _, f := range superuserStatements(p.Repo) {
		p.Report(f)
	}
	return nil
}

// superuserStatements finds CREATE/ALTER ROLE|USER ... SUPERUSER in SQL
// files and Python strings.
func superuserStatements(r *repo.Repo) []check.Finding {
	var out []check.Finding
	for _, f := range r.FilesOf(repo.KindSQL) {
		text := f.Text()
		if !strings.Contains(strings.ToUpper(text), "SUPERUSER") {
			continue
		}
		for _, st := range migrate.SplitStatements(text, 1) {
			if role := superuserRoleIn(st.SQL); role != "" {
				out = append(out, superuserFinding(role, check.Location{File: f.Path, Line: st.Line}))
			}
		}
	}
	// Shell init scripts (docker-entrypoint-initdb.d) run SQL through psql.
	for _, f := range r.FilesOf(repo.KindShell) {
		b, err := f.Bytes()
		if err != nil || !strings.Contains(strings.ToUpper(string(b)), "SUPERUSER") {
			continue
		}
		for _, m := range shellRoleStmt.FindAllIndex(b, -1) {
			if role := superuserRoleIn(string(b[m[0]:m[1]])); role != "" {
				out = append(out, superuserFinding(role, check.Location{File: f.Path, Line: repo.LineOf(b, m[0])}))
			}
		}
	}
	for _, m := range r.Python() {
		for _, e := range pythonStrings(m) {
			if strings.Contains(strings.ToUpper(e.Value), "SUPERUSER") {
				if role := superuserRoleIn(e.Value); role != "" {
					out = append(out, superuserFinding(role, check.Location{File: m.Path, Line: e.Line}))
				}
			}
		}
	}
	return out
}

func superuserFinding(role string, at check.Location) check.Finding {
	at.Object = "role " + role
	return check.Finding{
		Location: at,
		Message:  fmt.Sprintf("role %s is given SUPERUSER: it bypasses every privilege check; grant it the specific privileges it needs instead", role),
		Fix:      fmt.Sprintf("ALTER ROLE %s NOSUPERUSER;", role),
	}
}

var (
	roleStmt = regexp.MustCompile(`(?i)\b(CREATE|ALTER)\s+(ROLE|USER)\b`)
	// shellRoleStmt is a role statement inside a shell script's heredoc.
	shellRoleStmt = regexp.MustCompile(`(?is)\b(CREATE|ALTER)\s+(ROLE|USER)\b[^;]*;`)
)

// superuserRoleIn returns the role a statement makes a superuser, or "".
func superuserRoleIn(sql string) string {
	if !roleStmt.MatchString(sql) {
		return ""
	}
	tree, err := pg_query.Parse(sql)
	if err != nil {
		return ""
	}
	for _, raw := range tree.Stmts {
		var role string
		var opts []*pg_query.Node
		switch s := raw.Stmt.Node.(type) {
		case *pg_query.Node_CreateRoleStmt:
			role, opts = s.CreateRoleStmt.Role, s.CreateRoleStmt.Options
		case *pg_query.Node_AlterRoleStmt:
			role, opts = s.AlterRoleStmt.GetRole().GetRolename(), s.AlterRoleStmt.Options
		default:
			continue
		}
		for _, o := range opts {
			d := o.GetDefElem()
			if d != nil && d.Defname == "superuser" && d.Arg.GetBoolean().GetBoolval() {
				return role
			}
		}
	}
	return ""
}
