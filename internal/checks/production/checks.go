// Package production holds the checks of checklist area 10. Production Readiness.
package production

import "github.com/pgreview/pgreview/internal/check"

// Checks lists this area's checks.
var Checks = []*check.Check{
	BackupProcedure,
	HighAvailability,
	DisasterRecovery,
	UpgradeProcedure,
	AutovacuumDisabled,
}
