// Package docker holds the checks of checklist area 7. Docker & Infrastructure.
package docker

import "github.com/pgreview/pgreview/internal/check"

// Checks lists this area's checks.
var Checks = []*check.Check{
	UnpinnedPostgresImage,
	PostgresVersionMismatch,
	DBDataVolume,
	DBPortExposed,
	DBHealthcheck,
	DBResourceLimits,
}
