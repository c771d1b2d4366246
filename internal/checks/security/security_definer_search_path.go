package security

import (
	"fmt"
	"strings"

	"github.com/pgreview/pgreview/internal/catalog"
	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/locate"
)

// SecurityDefinerSearchPath finds SECURITY DEFINER functions without a
// fixed search_path.
var SecurityDefinerSearchPath = &check.Check{
	Name:     "security-definer-search-path",
	Item:     "8.3",
	Severity: check.Important,
	Needs:    check.NeedsCatalog,
	Doc: `A SECURITY DEFINER function must set its own search_path.

Such a function runs with its owner's privileges but resolves unqualified
names through the caller's search_path, so a caller who can create objects
in any schema on that path (or in pg_temp, which is searched first unless
listed) can make it call their own function or operator with the owner's
rights. Fix the path in the definition: ALTER FUNCTION f(...) SET
search_path = pg_catalog, pg_temp (listing the schemas it needs before
pg_temp), or qualify every name in the body and set an empty path.
A path that includes a schema where PUBLIC may CREATE is reported too.`,
	Run: runSecurityDefinerSearchPath,
}

func runSecurityDefinerSearchPath(p *check.Pass) error {
	loc := locate.New(p)
	writable := publicCreateSchemas(p.Catalog)
	for _, f := range p.Catalog.Functions {
		if !f.SecurityDefiner {
			continue
		}
		path, ok := f.Setting("search_path")
		fix := fmt.Sprintf("ALTER FUNCTION %s SET search_path = pg_catalog, pg_temp;", f.Signature())
		if !ok {
			p.Report(check.Finding{Location: loc.Function(f), Fix: fix,
				Message: fmt.Sprintf("SECURITY DEFINER function %s runs as %s without a fixed search_path: callers can redirect the names it uses to their own objects",
					f.Signature(), f.Owner)})
			continue
		}
		for _, s := range strings.Split(path, ",") {
			s = strings.Trim(strings.TrimSpace(s), `"`)
			if writable[s] {
				p.Report(check.Finding{Location: loc.Function(f), Fix: fix,
					Message: fmt.Sprintf("SECURITY DEFINER function %s has search_path %q, which includes schema %s where PUBLIC may CREATE objects",
						f.Signature(), path, s)})
				break
			}
		}
	}
	return nil
}

func publicCreateSchemas(s *catalog.Snapshot) map[string]bool {
	out := map[string]bool{}
	for _, pr := range s.Privileges {
		if pr.ObjectKind == "schema" && pr.Grantee == catalog.PublicGrantee && pr.Privilege == "CREATE" {
			out[pr.Object] = true
		}
	}
	return out
}
