package security

import (
	"net"
	"path"
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/dbsite"
	"github.com/pgreview/pgreview/internal/repo"
)

// TrustAuth finds Postgres servers configured to accept connections
// without a password.
var TrustAuth = &check.Check{
	Name:     "trust-auth",
	Item:     "8.1",
	Severity: check.Critical,
	Doc: `Do not let Postgres accept connections without a password.

POSTGRES_HOST_AUTH_METHOD=trust makes the official image write
"host all all all trust" into pg_hba.conf: anyone who can reach the port
connects as any user, superuser included, with no password. The same goes
for a "host ... trust" line in a committed pg_hba.conf. Remove it, set
POSTGRES_PASSWORD from the environment, and use scram-sha-256. Test
configuration for a throwaway database is not reported.`,
	Run: runTrustAuth,
}

func runTrustAuth(p *check.Pass) error {
	r := p.Repo
	const msg = "POSTGRES_HOST_AUTH_METHOD=trust lets anyone who reaches the port connect as any user without a password"
	for _, cf := range r.Compose() {
		if dbsite.IsTestPath(cf.Path) {
			continue
		}
		for _, s := range cf.Services {
			if e, ok := s.Env("POSTGRES_HOST_AUTH_METHOD"); ok && strings.EqualFold(s.EnvValue(e.Key), "trust") {
				p.Reportf(check.Location{File: cf.Path, Line: e.Line}, "service %s: %s; set POSTGRES_PASSWORD from the environment instead", s.Name, msg)
			}
		}
	}
	for _, ef := range r.EnvFiles() {
		if isTestEnv(ef.Path) {
			continue
		}
		if v, ok := ef.Lookup("POSTGRES_HOST_AUTH_METHOD"); ok && strings.EqualFold(v, "trust") {
			for _, x := range ef.Vars {
				if x.Key == "POSTGRES_HOST_AUTH_METHOD" {
					p.Reportf(check.Location{File: ef.Path, Line: x.Line}, "%s; remove it", msg)
				}
			}
		}
	}
	for _, d := range r.Dockerfiles() {
		if dbsite.IsTestPath(d.Path) {
			continue
		}
		for _, in := range d.Instructions {
			if in.Cmd != "ENV" {
				continue
			}
			for _, kv := range in.KeyValues() {
				if kv.Key == "POSTGRES_HOST_AUTH_METHOD" && strings.EqualFold(kv.Raw, "trust") {
					p.Reportf(check.Location{File: d.Path, Line: kv.Line}, "ENV %s; remove it", msg)
				}
			}
		}
	}
	for _, f := range r.Files() {
		if path.Base(f.Path) != "pg_hba.conf" && !strings.HasSuffix(f.Path, ".hba.conf") || dbsite.IsTestPath(f.Path) {
			continue
		}
		hbaTrust(p, f)
	}
	return nil
}

// hbaTrust reports "host" lines of a pg_hba.conf that trust addresses
// beyond the loopback interface.
func hbaTrust(p *check.Pass, f *repo.File) {
	for i, line := range strings.Split(f.Text(), "\n") {
		if j := strings.IndexByte(line, '#'); j >= 0 {
			line = line[:j]
		}
		fields := strings.Fields(line)
		if len(fields) < 5 || !strings.HasPrefix(fields[0], "host") {
			continue
		}
		addr, method := fields[3], fields[4]
		if strings.Contains(addr, ".") || strings.Contains(addr, ":") || addr == "all" || addr == "samenet" || addr == "samehost" {
			// address with a separate mask: host db user 10.0.0.0 255.0.0.0 trust
			if len(fields) >= 6 && net.ParseIP(fields[4]) != nil {
				method = fields[5]
			}
		}
		if method != "trust" || loopbackCIDR(addr) || addr == "samehost" {
			continue
		}
		p.Reportf(check.Location{File: f.Path, Line: i + 1}, "pg_hba.conf trusts %s: connections from there need no password; use scram-sha-256", addr)
	}
}

func loopbackCIDR(addr string) bool {
	if addr == "localhost" {
		return true
	}
	ip, _, err := net.ParseCIDR(addr)
	if err != nil {
		ip = net.ParseIP(addr)
	}
	return ip != nil && ip.IsLoopback()
}
