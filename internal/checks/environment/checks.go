// Package environment holds the checks of checklist area 1. Environment & Configuration.
package environment

import "github.com/pgreview/pgreview/internal/check"

// Checks lists this area's checks.
var Checks = []*check.Check{
	EnvFileCommitted,
	EnvExampleMissing,
	DBURLUnescapedPassword,
	DBHostLocalhost,
	PoolSettingsImplicit,
	SSLModeDisabled,
	SSLModeUnset,
}
