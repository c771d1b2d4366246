package security

import (
	"testing"

	"github.com/pgreview/pgreview/internal/check/checktest"
)

func TestChecks(t *testing.T) {
	for _, c := range Checks {
		t.Run(c.Name, func(t *testing.T) { checktest.Run(t, c, "testdata/"+c.Name) })
	}
}
