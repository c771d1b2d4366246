package security

import (
	"regexp"
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/repo"
)

// ownership is a statement that makes a role the owner of a database or a
// schema, found in SQL files, shell init scripts or Python migrations.
type ownership struct {
	role string
	what string // "database shop", "schema app"
	at   check.Location
}

var ownershipStmts = []struct {
	re   *regexp.Regexp
	kind string
}{
	{regexp.MustCompile(`(?is)\bCREATE\s+DATABASE\s+("?[\w$]+"?)[^;]*?\bOWNER\s*=?\s*("?[\w$.-]+"?)`), "database"},
	{regexp.MustCompile(`(?i)\bALTER\s+DATABASE\s+("?[\w$]+"?)\s+OWNER\s+TO\s+("?[\w$.-]+"?)`), "database"},
	{regexp.MustCompile(`(?i)\bALTER\s+SCHEMA\s+("?[\w$]+"?)\s+OWNER\s+TO\s+("?[\w$.-]+"?)`), "schema"},
	{regexp.MustCompile(`(?i)\bCREATE\s+SCHEMA\s+(?:IF\s+NOT\s+EXISTS\s+)?("?[\w$]+"?)?\s*AUTHORIZATION\s+("?[\w$.-]+"?)`), "schema"},
}

// ownerships finds the statements that hand a database or schema to a role.
func ownerships(r *repo.Repo) []ownership {
	var out []ownership
	for _, f := range r.FilesOf(repo.KindSQL, repo.KindShell, repo.KindPython) {
		b, err := f.Bytes()
		if err != nil || !strings.Contains(strings.ToUpper(string(b)), "OWNER") && !strings.Contains(strings.ToUpper(string(b)), "AUTHORIZATION") {
			continue
		}
		for _, st := range ownershipStmts {
			for _, m := range st.re.FindAllSubmatchIndex(b, -1) {
				role := strings.Trim(string(b[m[4]:m[5]]), `"`)
				name := role // CREATE SCHEMA AUTHORIZATION r names the schema after r
				if m[2] >= 0 {
					name = strings.Trim(string(b[m[2]:m[3]]), `"`)
				}
				out = append(out, ownership{role: role, what: st.kind + " " + name,
					at: check.Location{File: f.Path, Line: repo.LineOf(b, m[0])}})
			}
		}
	}
	return out
}
