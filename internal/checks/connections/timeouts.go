package connections

import (
	"go/ast"
	"go/token"
	"strconv"
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/dbsite"
	"github.com/pgreview/pgreview/internal/python"
	"github.com/pgreview/pgreview/internal/repo"
)

// TimeoutsMissing finds applications that set no connect timeout or no
// statement timeout.
var TimeoutsMissing = &check.Check{
	Name:     "timeouts-missing",
	Item:     "2.4",
	Severity: check.Good,
	Doc: `Set a connect timeout and a statement timeout.

Without a connect timeout, a request waits for the operating system to
give up on an unreachable database (minutes with libpq, 60 s with
asyncpg) while holding a worker. Without a statement timeout, one runaway
query holds its connection, its locks and its worker forever. Set
connect_timeout (in the URL, connect_args or pgx's ConnectTimeout) and
statement_timeout (options="-c statement_timeout=30s", asyncpg's
command_timeout, pgx RuntimeParams, or ALTER ROLE ... SET
statement_timeout). Retrying the first connection with backoff at
start-up also helps when the database starts after the application.`,
	Run: runTimeoutsMissing,
}

func runTimeoutsMissing(p *check.Pass) error {
	r := p.Repo
	sites := dbsite.AppSites(r)
	if len(sites) == 0 {
		p.NotApplicable("no database connection in application code")
		return nil
	}
	connect, statement := timeoutEvidence(r)
	var missing []string
	if connect.File == "" {
		missing = append(missing, "no connect timeout (connect_timeout in the URL or connect_args, ConnectTimeout in pgx)")
	} else {
		p.Evidence(connect, "a connect timeout is set")
	}
	if statement.File == "" {
		missing = append(missing, "no statement timeout (statement_timeout, asyncpg's command_timeout)")
	} else {
		p.Evidence(statement, "a statement timeout is set")
	}
	if len(missing) > 0 {
		s := sites[0]
		p.Reportf(loc(s.File, s.Line), "%s: %s", s.API, strings.Join(missing, "; "))
	}
	return nil
}

// timeoutEvidence finds the first place setting each timeout: anywhere in
// the code, configuration, compose commands or SQL of the repository.
func timeoutEvidence(r *repo.Repo) (connect, statement check.Location) {
	note := func(at *check.Location, file string, line int) {
		if at.File == "" {
			*at = loc(file, line)
		}
	}
	scanText := func(file string, line int, text string) {
		l := strings.ToLower(text)
		if strings.Contains(l, "connect_timeout") || strings.Contains(l, "pgconnect_timeout") {
			note(&connect, file, line)
		}
		if strings.Contains(l, "statement_timeout") {
			note(&statement, file, line)
		}
	}
	for _, m := range r.Python() {
		if dbsite.IsTestPath(m.Path) {
			continue
		}
		for _, s := range m.Strings {
			scanText(m.Path, s.Line, s.Value)
		}
		for _, c := range m.Calls {
			for _, k := range c.Kwargs {
				switch k.Name {
				case "connect_timeout":
					note(&connect, m.Path, c.Line)
				case "command_timeout", "statement_timeout":
					note(&statement, m.Path, c.Line)
				case "timeout":
					if strings.HasPrefix(c.Qualified, "asyncpg.") {
						note(&connect, m.Path, c.Line)
					}
				}
			}
			for _, a := range c.Args {
				if a != nil && a.Kind == python.FString {
					scanText(m.Path, a.Line, a.Value)
				}
			}
		}
	}
	for _, gf := range r.Go() {
		if gf.Test {
			continue
		}
		ast.Inspect(gf.AST, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.SelectorExpr:
				if x.Sel.Name == "ConnectTimeout" {
					note(&connect, gf.Path, gf.Line(x.Pos()))
				}
			case *ast.BasicLit:
				if x.Kind == token.STRING {
					if s, err := strconv.Unquote(x.Value); err == nil {
						scanText(gf.Path, gf.Line(x.Pos()), s)
					}
				}
			}
			return true
		})
	}
	for _, cf := range r.Compose() {
		for _, s := range cf.Services {
			scanText(cf.Path, s.CommandLine, strings.Join(s.Command, " "))
			for _, e := range s.Environment {
				scanText(cf.Path, e.Line, e.Key+"="+e.Raw)
			}
		}
	}
	for _, ef := range r.EnvFiles() {
		for _, v := range ef.Vars {
			scanText(ef.Path, v.Line, v.Key+"="+v.Raw)
		}
	}
	for _, f := range r.FilesOf(repo.KindSQL, repo.KindPGConf) {
		if strings.Contains(strings.ToLower(f.Text()), "statement_timeout") {
			for i, line := range strings.Split(f.Text(), "\n") {
				if strings.Contains(strings.ToLower(line), "statement_timeout") && !strings.Contains(strings.ToLower(line), "set local") {
					note(&statement, f.Path, i+1)
					break
				}
			}
		}
	}
	return connect, statement
}
