package environment

import (
	"go/ast"
	"go/token"
	"strconv"
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/dbsite"
	"github.com/pgreview/pgreview/internal/pgurl"
	"github.com/pgreview/pgreview/internal/python"
	"github.com/pgreview/pgreview/internal/repo"
)

// SSLModeDisabled finds connections to remote hosts with TLS turned off.
var SSLModeDisabled = &check.Check{
	Name:     "sslmode-disabled",
	Item:     "1.5",
	Severity: check.Important,
	Doc: `Do not turn TLS off toward a remote database.

sslmode=disable (or ssl=False) sends the password and every row in clear
text. Toward localhost, a Unix socket or a compose service that is fine;
toward a host on another machine (a managed database, db.example.com) it
is readable by anyone on the path. Use sslmode=require, or verify-full
with the server's CA to also check who answers.`,
	Run: runSSLModeDisabled,
}

// SSLModeUnset notes a repository that never says how its connections use TLS.
var SSLModeUnset = &check.Check{
	Name:     "sslmode-unset",
	Item:     "1.5",
	Severity: check.Info,
	Doc: `Say how connections use TLS.

Nothing in the repository sets sslmode. libpq's and asyncpg's default,
"prefer", uses TLS when the server offers it and silently falls back to
clear text when it does not, and never checks the server's certificate.
That may be fine if production URLs come from the environment with
sslmode=require; make it explicit in the production settings or the
documented DATABASE_URL.`,
	Run: runSSLModeUnset,
}

// tlsSetting is one place that sets TLS for a connection.
type tlsSetting struct {
	at    check.Location
	mode  string // the sslmode (or ssl) value, lower case
	host  string // the host it applies to; "" or a hole when not written
	where string
	// example: in a template (.env.example), which documents a setting
	// rather than making it.
	example bool
}

func runSSLModeDisabled(p *check.Pass) error {
	settings := tlsSettings(p.Repo)
	for _, s := range settings {
		if s.example {
			continue
		}
		switch s.mode {
		case "disable", "false", "off", "0", "no":
			if s.host != "" && !pgurl.IsLocalHost(s.host) {
				p.Reportf(s.at, "%s turns TLS off (sslmode=%s) toward %s, a remote host: the password and data travel in clear text; use sslmode=require or verify-full", s.where, s.mode, s.host)
			}
		case "require", "verify-ca", "verify-full", "true", "on":
			p.Evidence(s.at, "%s sets sslmode=%s", s.where, s.mode)
		}
	}
	if len(settings) == 0 && len(dbsite.AppSites(p.Repo)) == 0 {
		p.NotApplicable("no database connection in the repository")
	}
	return nil
}

func runSSLModeUnset(p *check.Pass) error {
	sites := dbsite.AppSites(p.Repo)
	if len(sites) == 0 {
		p.NotApplicable("no database connection in application code")
		return nil
	}
	if settings := tlsSettings(p.Repo); len(settings) > 0 {
		p.Evidence(settings[0].at, "%s sets sslmode=%s", settings[0].where, settings[0].mode)
		return nil
	}
	if mentionsTLS(p.Repo) {
		return nil
	}
	s := sites[0]
	p.Reportf(loc(s.File, s.Line), "no sslmode is set anywhere in the repository: the default \"prefer\" falls back to clear text without a word; set sslmode=require (or verify-full) for production connections")
	return nil
}

// tlsSettings gathers every sslmode (and asyncpg ssl) setting of the
// repository with the host it applies to.
func tlsSettings(r *repo.Repo) []tlsSetting {
	return repo.Memo(r, "environment.tls-settings", func() []tlsSetting {
		var out []tlsSetting
		addConn := func(at check.Location, where string, c pgurl.ConnString) {
			mode, ok := c.Param("sslmode")
			if !ok {
				mode, ok = c.Param("ssl")
			}
			if ok {
				out = append(out, tlsSetting{at: at, mode: strings.ToLower(mode), host: c.Host(), where: where})
			}
		}
		addText := func(at check.Location, where, text string) {
			if c, ok := pgurl.Parse(text); ok {
				addConn(at, where, c)
				return
			}
			urls, _ := pgurl.Find(text)
			for _, c := range urls {
				addConn(at, where, c)
			}
		}
		for _, cf := range r.Compose() {
			if dbsite.IsTestPath(cf.Path) {
				continue
			}
			for _, s := range cf.Services {
				for _, e := range s.Environment {
					v := withHoles(e.Raw)
					addText(loc(cf.Path, e.Line), e.Key+" of service "+s.Name, v)
					if e.Key == "PGSSLMODE" && v != "" && !strings.Contains(v, pgurl.Hole) {
						out = append(out, tlsSetting{at: loc(cf.Path, e.Line), mode: strings.ToLower(v), where: "PGSSLMODE of service " + s.Name})
					}
				}
			}
		}
		for _, ef := range r.EnvFiles() {
			if repo.IsTestEnv(ef.Path) {
				continue
			}
			for _, v := range ef.Vars {
				n := len(out)
				addText(loc(ef.Path, v.Line), v.Key+" in "+ef.Path, v.Raw)
				for i := n; i < len(out); i++ {
					out[i].example = ef.Example
				}
				if v.Key == "PGSSLMODE" && v.Raw != "" {
					out = append(out, tlsSetting{at: loc(ef.Path, v.Line), mode: strings.ToLower(v.Raw), where: "PGSSLMODE in " + ef.Path})
				}
			}
		}
		for _, f := range r.INIFiles() {
			if dbsite.IsTestPath(f.Path) {
				continue
			}
			for _, sec := range f.Sections {
				for _, k := range sec.Keys {
					addText(loc(f.Path, k.Line), k.Name+" in "+f.Path, k.Value)
				}
			}
		}
		for _, d := range r.Dockerfiles() {
			for _, in := range d.Instructions {
				if in.Cmd == "ENV" {
					for _, kv := range in.KeyValues() {
						addText(loc(d.Path, kv.Line), "ENV "+kv.Key, kv.Raw)
					}
				}
			}
		}
		for _, s := range dbsite.AppSites(r) {
			if s.Call != nil {
				out = append(out, pythonTLS(s)...)
			}
			if u, ok := dbsite.ParseValueURL(s.URL); s.URL != nil && ok {
				c := u.Conn
				if !u.Written["host"] {
					c.Hosts = nil
				}
				if u.Written["sslmode"] || u.Written["ssl"] {
					at := loc(s.URL.File, s.URL.Line)
					addConn(at, "the URL used by "+s.API, c)
				}
			}
			if c, ok := s.Conn(); s.Go != nil && ok {
				addConn(loc(s.File, s.Line), "the connection string of "+s.API, c)
			}
		}
		for _, m := range r.Python() {
			if dbsite.IsTestPath(m.Path) {
				continue
			}
			for _, str := range m.Strings {
				addText(loc(m.Path, str.Line), "a URL in the code", str.Value)
			}
		}
		for _, gf := range r.Go() {
			if gf.Test {
				continue
			}
			ast.Inspect(gf.AST, func(n ast.Node) bool {
				if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
					if s, err := strconv.Unquote(lit.Value); err == nil {
						addText(loc(gf.Path, gf.Line(lit.Pos())), "a connection string in the code", s)
					}
				}
				return true
			})
		}
		return dedupe(out)
	})
}

// pythonTLS reads connect_args={"sslmode": ...}, sslmode=... and
// asyncpg's ssl=... at a Python connection site.
func pythonTLS(s *dbsite.Site) []tlsSetting {
	host := ""
	if u, ok := dbsite.ParseValueURL(s.URL); s.URL != nil && ok && u.Written["host"] {
		host = u.Conn.Host()
	}
	var out []tlsSetting
	add := func(e *python.Expr, mode string) {
		out = append(out, tlsSetting{at: loc(s.File, e.Line), mode: strings.ToLower(mode), host: host, where: s.API + "()"})
	}
	for _, k := range []string{"sslmode", "ssl"} {
		if e := s.Call.Kwarg(k); e != nil && (e.Kind == python.Str || e.Kind == python.Const) {
			add(e, e.Value)
		}
	}
	if ca := s.Call.Kwarg("connect_args"); ca != nil && ca.Kind == python.Dict {
		for i, k := range ca.Keys {
			if k != nil && k.Kind == python.Str && (k.Value == "sslmode" || k.Value == "ssl") && i < len(ca.Parts) {
				v := ca.Parts[i]
				if v != nil && (v.Kind == python.Str || v.Kind == python.Const) {
					add(v, v.Value)
				} else if v != nil {
					add(v, "require") // an SSLContext
				}
			}
		}
	}
	return out
}

func dedupe(in []tlsSetting) []tlsSetting {
	seen := map[check.Location]bool{}
	var out []tlsSetting
	for _, s := range in {
		if !seen[s.at] {
			seen[s.at] = true
			out = append(out, s)
		}
	}
	return out
}

// mentionsTLS: TLS is configured in a way tlsSettings does not read (an
// ssl.SSLContext, pgx's TLSConfig, sslrootcert).
func mentionsTLS(r *repo.Repo) bool {
	for _, m := range r.Python() {
		if m.ImportsAny("ssl") {
			return true
		}
	}
	for _, gf := range r.Go() {
		found := false
		ast.Inspect(gf.AST, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok && sel.Sel.Name == "TLSConfig" {
				found = true
			}
			return !found
		})
		if found {
			return true
		}
	}
	return false
}
