// Package docs holds the checks of checklist area 12. Documentation & Maintenance.
package docs

import "github.com/pgreview/pgreview/internal/check"

// Checks lists this area's checks.
var Checks = []*check.Check{
	APIDocs,
	TroubleshootingGuide,
	TuningGuide,
	Runbooks,
	SchemaComments,
}
