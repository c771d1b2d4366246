// Package security holds the checks of checklist area 8. Security.
package security

import "github.com/pgreview/pgreview/internal/check"

// Checks lists this area's checks.
var Checks = []*check.Check{
	CommittedCredentials,
	TrustAuth,
	SQLInjection,
}
