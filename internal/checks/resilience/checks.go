// Package resilience holds the checks of checklist area 11. Error Handling & Resilience.
package resilience

import "github.com/pgreview/pgreview/internal/check"

// Checks lists this area's checks.
var Checks = []*check.Check{
	ConnectionRetry,
	RollbackOnError,
	DeadlockRetry,
	CircuitBreaker,
	GracefulDegradation,
}
