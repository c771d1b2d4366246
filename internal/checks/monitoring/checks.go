// Package monitoring holds the checks of checklist area 9. Performance & Monitoring.
package monitoring

import "github.com/pgreview/pgreview/internal/check"

// Checks lists this area's checks.
var Checks = []*check.Check{
	QueryInstrumentation,
	PoolMetrics,
	MemorySettings,
	MetricsExporter,
	PgStatStatements,
	SlowQueryLogging,
}
