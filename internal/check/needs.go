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
)

// Live reports whether the check needs a running database.
func (n Needs) Live() bool { return n&(NeedsCatalog|NeedsMigrations) != 0 }

func (n Needs) String() string {
	var parts []string
	if n&NeedsCatalog != 0 {
		parts = append(parts, "catalog")
	}
	if n&NeedsMigrations != 0 {
		parts = append(parts, "migrations")
	}
	if len(parts) == 0 {
		return "repo"
	}
	return strings.Join(parts, "+")
}
