package serverconf

import (
	"regexp"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/repo"
)

// CreatesExtension finds a CREATE EXTENSION of the extension in a SQL file
// (a migration or an init script), a shell init script or a Python
// migration's string, for extensions the review database may not show
// (init scripts are not applied, or the extension is not installed on the
// review server).
func CreatesExtension(r *repo.Repo, name string) (check.Location, bool) {
	re := regexp.MustCompile(`(?i)CREATE\s+EXTENSION\s+(IF\s+NOT\s+EXISTS\s+)?"?` + regexp.QuoteMeta(name) + `\b`)
	for _, f := range r.FilesOf(repo.KindSQL, repo.KindPython, repo.KindShell) {
		b, err := f.Bytes()
		if err != nil {
			continue
		}
		if loc := re.FindIndex(b); loc != nil {
			return check.Location{File: f.Path, Line: repo.LineOf(b, loc[0])}, true
		}
	}
	return check.Location{}, false
}
