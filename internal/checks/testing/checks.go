// Package testing holds the checks of checklist area 3. Testing Infrastructure.
package testing

import "github.com/pgreview/pgreview/internal/check"

// Checks lists this area's checks.
var Checks = []*check.Check{
	TestDatabaseSetup,
	IntegrationTestPostgres,
	TestIsolation,
	TestDataFactories,
	BenchmarkSetup,
}
