package models

import (
	"fmt"

	"github.com/pgreview/pgreview/internal/check"
)

// ObjectLocation points at a schema object and, when the migration trace
// knows it, at the migration statement that created it.
func ObjectLocation(p *check.Pass, object string) check.Location {
	loc := check.Location{Object: object}
	if p.Applied != nil {
		if file, line, ok := p.Applied.Origin(object); ok {
			loc.File, loc.Line = file, line
		}
	}
	return loc
}

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }
