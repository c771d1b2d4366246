package resilience

import (
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/dbcode"
)

// CircuitBreaker cites a circuit breaker around the database.
var CircuitBreaker = &check.Check{
	Name:     "circuit-breaker",
	Item:     "11.4",
	Severity: check.Info,
	Doc: `Consider a circuit breaker around the database.

When the database is down or overloaded, every request still waits for a
connection timeout, piling up workers and retries that make recovery
slower. A circuit breaker (pybreaker, gobreaker) fails fast after repeated
failures and lets a trickle of requests probe for recovery. Most services
do without one; this check cites one when it finds it, and leaves the
decision to a human otherwise.`,
	Run: runCircuitBreaker,
}

var breakerLibraries = []string{
	"pybreaker", "circuitbreaker", "aiobreaker", "purgatory", "pycircuitbreaker",
	"github.com/sony/gobreaker", "github.com/afex/hystrix-go", "github.com/mercari/go-circuitbreaker",
	"github.com/rubyist/circuitbreaker", "github.com/eapache/go-resiliency", "github.com/failsafe-go/failsafe-go",
	"github.com/streadway/handy",
}

func runCircuitBreaker(p *check.Pass) error {
	if dbcode.NoDatabase(p) {
		return nil
	}
	for _, d := range p.Repo.Dependencies() {
		for _, lib := range breakerLibraries {
			if d.Name == lib || strings.Contains(lib, "/") && strings.HasPrefix(d.Name, lib) {
				p.Evidence(at(d.File, d.Line), "circuit breaker library %s", d.Name)
			}
		}
	}
	px := dbcode.PythonIndex(p.Repo)
	for _, pm := range px.Modules {
		if pm.Test {
			continue
		}
		for _, c := range pm.Module.Calls {
			if c.Method == "CircuitBreaker" && (strings.HasPrefix(c.Qualified, "pybreaker") || strings.HasPrefix(c.Qualified, "aiobreaker") || strings.HasPrefix(c.Qualified, "circuitbreaker")) {
				p.Evidence(at(pm.Path, c.Line), "a %s is created", c.Qualified)
			}
		}
	}
	goSelectors(dbcode.GoIndex(p.Repo), func(f *dbcode.GoFile, line int, pkg, name string) {
		if strings.Contains(pkg, "gobreaker") && strings.HasPrefix(name, "NewCircuitBreaker") || strings.Contains(pkg, "hystrix") && name == "Do" {
			p.Evidence(at(f.Path, line), "%s.%s", pkgName(pkg), name)
		}
	})
	p.ManualUnlessCited("no circuit breaker found; decide whether failing fast while the database is down would help (pybreaker, gobreaker)")
	return nil
}
