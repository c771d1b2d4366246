// Package check defines what a pgreview check is, runs checks, and folds
// their outcomes into the checklist's items. A check is a declarative value
// in the style of golang.org/x/tools/go/analysis: a name, the item it feeds,
// its doc, its default severity, what it needs and a Run function.
package check

import (
	"fmt"
	"regexp"
	"strings"
)

// Check is one automated rule.
type Check struct {
	Name string // kebab-case, unique, e.g. "fk-without-index"
	Item string // checklist item ID, e.g. "5.2"
	// Severity is the default severity of the check's findings. A check may
	// set a different one on a finding (e.g. a history that cannot be applied
	// is critical), and config may override it for all findings.
	Severity Severity
	Needs    Needs
	// Doc: the first line is the title; the rest explains why it matters and
	// how to fix it.
	Doc string
	// NewSettings, when set, returns a pointer to the check's settings type,
	// so .pgreview.yml's settings for it are validated before the review.
	NewSettings func() any
	// Run reports findings through the Pass. A returned error means the check
	// itself broke; it becomes status "error", never a finding.
	Run func(*Pass) error
}

// Title is the first line of Doc.
func (c *Check) Title() string {
	title, _, _ := strings.Cut(c.Doc, "\n")
	return strings.TrimSpace(title)
}

func (c *Check) String() string { return c.Name }

var checkName = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)

// Validate reports what is wrong with a set of checks, as go/analysis does
// for analyzers: bad or duplicate names, unknown items, missing docs or Run.
func Validate(checks []*Check) error {
	var errs []string
	seen := map[string]bool{}
	for _, c := range checks {
		switch {
		case c == nil:
			errs = append(errs, "nil check")
			continue
		case !checkName.MatchString(c.Name):
			errs = append(errs, fmt.Sprintf("%q: name is not kebab-case", c.Name))
		case seen[c.Name]:
			errs = append(errs, fmt.Sprintf("%q: duplicate name", c.Name))
		}
		seen[c.Name] = true
		if _, ok := LookupItem(c.Item); !ok {
			errs = append(errs, fmt.Sprintf("%s: unknown item %q", c.Name, c.Item))
		}
		if !c.Severity.Valid() {
			errs = append(errs, fmt.Sprintf("%s: no default severity", c.Name))
		}
		if c.Title() == "" {
			errs = append(errs, fmt.Sprintf("%s: empty doc", c.Name))
		}
		if c.Run == nil {
			errs = append(errs, fmt.Sprintf("%s: nil Run", c.Name))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("invalid checks:\n  %s", strings.Join(errs, "\n  "))
	}
	return nil
}
