package monitoring

import (
	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/dbcode"
)

func at(file string, line int) check.Location { return check.Location{File: file, Line: line} }

// noDatabase marks the check n/a when the repository does not use
// Postgres at all.
func noDatabase(p *check.Pass) bool {
	if _, _, ok := dbcode.Database(p.Repo); ok {
		return false
	}
	p.NotApplicable("the repository does not use PostgreSQL")
	return true
}
