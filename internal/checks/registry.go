// Package checks is the registry: every check pgreview runs, area by area.
package checks

import (
	"sort"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/connections"
	"github.com/pgreview/pgreview/internal/checks/docker"
	"github.com/pgreview/pgreview/internal/checks/docs"
	"github.com/pgreview/pgreview/internal/checks/environment"
	"github.com/pgreview/pgreview/internal/checks/logic"
	"github.com/pgreview/pgreview/internal/checks/migrations"
	"github.com/pgreview/pgreview/internal/checks/models"
	"github.com/pgreview/pgreview/internal/checks/monitoring"
	"github.com/pgreview/pgreview/internal/checks/production"
	"github.com/pgreview/pgreview/internal/checks/resilience"
	"github.com/pgreview/pgreview/internal/checks/security"
	"github.com/pgreview/pgreview/internal/checks/testing"
)

// All returns every check, in checklist order.
func All() []*check.Check {
	var all []*check.Check
	for _, area := range [][]*check.Check{
		environment.Checks, connections.Checks, testing.Checks, migrations.Checks,
		models.Checks, logic.Checks, docker.Checks, security.Checks,
		monitoring.Checks, production.Checks, resilience.Checks, docs.Checks,
	} {
		all = append(all, area...)
	}
	sort.SliceStable(all, func(i, j int) bool { return itemOrder(all[i].Item) < itemOrder(all[j].Item) })
	return all
}

func itemOrder(id string) int {
	var a, b int
	for i, part := 0, 0; i < len(id); i++ {
		if id[i] == '.' {
			part++
			continue
		}
		if part == 0 {
			a = a*10 + int(id[i]-'0')
		} else {
			b = b*10 + int(id[i]-'0')
		}
	}
	return a*100 + b
}

// Manual lists the items that no check backs yet: the checklist shows
// them as boxes for a human to tick, with the item's hint. The registry
// test keeps this list and the checks in step.
var Manual = map[string]bool{}

// Lookup finds a check by name.
func Lookup(name string) *check.Check {
	for _, c := range All() {
		if c.Name == name {
			return c
		}
	}
	return nil
}
