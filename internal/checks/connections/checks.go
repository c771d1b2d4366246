// Package connections holds the checks of checklist area 2. Connection Management.
package connections

import "github.com/pgreview/pgreview/internal/check"

// Checks lists this area's checks.
var Checks = []*check.Check{
	EnginePerRequest,
	PoolNeverClosed,
	AsyncDriverMismatch,
	PoolExceedsMaxConnections,
	TimeoutsMissing,
	NoConnectionHealthCheck,
}
