package security

import (
	"fmt"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/locate"
)

// ExtensionInPublic finds extensions installed in schema public.
var ExtensionInPublic = &check.Check{
	Name:     "extension-in-public",
	Item:     "8.3",
	Severity: check.Good,
	Needs:    check.NeedsCatalog,
	Doc: `Install extensions in their own schema rather than public.

An extension's functions, operators and types then do not mix with the
application's objects: no name collisions, simpler grants (USAGE on one
schema) and dumps, and on servers where PUBLIC may create objects in
public, nobody can shadow an extension's function there. Create a schema
for extensions, add it to the search_path (ALTER DATABASE ... SET
search_path), and install into it: CREATE EXTENSION x SCHEMA extensions.
A relocatable extension can be moved with ALTER EXTENSION x SET SCHEMA.`,
	Run: runExtensionInPublic,
}

func runExtensionInPublic(p *check.Pass) error {
	loc := locate.New(p)
	for _, e := range p.Catalog.Extensions {
		if e.Schema != "public" {
			continue
		}
		fix := fmt.Sprintf("CREATE SCHEMA IF NOT EXISTS extensions; ALTER EXTENSION %s SET SCHEMA extensions;", e.Name)
		if !e.Relocatable {
			fix = fmt.Sprintf("%s cannot be moved: DROP EXTENSION and CREATE EXTENSION %s SCHEMA extensions (drops what depends on it)", e.Name, e.Name)
		}
		p.Report(check.Finding{
			Location: loc.Object("extension "+e.Name, "extension:"+e.Name),
			Message:  fmt.Sprintf("extension %s is installed in schema public, mixed with the application's objects", e.Name),
			Fix:      fix,
		})
	}
	return nil
}
