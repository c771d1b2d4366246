package check

import "strings"

// Needs says what a check reads besides the repository's files.
type Needs uint

const (
	// NeedsRepo is the default: the check reads repository files only.
	NeedsRepo Needs = 0
	// NeedsCatalog: the live schema after the migrations were applied.
	NeedsCatalog Needs = 1 << iota
	// NeedsMigrations: the result of applying the migrations (trace, round trip).
	NeedsMigrations
	// PrefersMigrations: the check reads the applied result when a
	// database ran (Input.Applied) and falls back to reading the files when
	// none did; it is never skipped.
	PrefersMigrations
)

// Live reports whether the check needs a running database.
func (n Needs) Live() bool { return n&(NeedsCatalog|NeedsMigrations) != 0 }

// AfterApply reports whether the check runs after the migrations were
// applied (when a database is available): live checks, and checks that
// prefer the applied result.
func (n Needs) AfterApply() bool { return n.Live() || n&PrefersMigrations != 0 }

func (n Needs) String() string {
	var parts []string
	if n&NeedsCatalog != 0 {
		parts = append(parts, "catalog")
	}
	if n&NeedsMigrations != 0 {
		parts = append(parts, "migrations")
	}
	if n&PrefersMigrations != 0 {
		parts = append(parts, "migrations if available")
	}
	if len(parts) == 0 {
		return "repo"
	}
	return strings.Join(parts, "+")
}
