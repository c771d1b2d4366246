package check

import (
	"fmt"
	"strings"
)

// Severity is how bad a finding is. The zero value is not a severity, so a
// check that forgets to set one is caught by Validate.
type Severity int

const (
	Info Severity = iota + 1
	Good
	Important
	Critical
)

var severityNames = map[Severity]string{
	Info:      "info",
	Good:      "good",
	Important: "important",
	Critical:  "critical",
}

var severityIcons = map[Severity]string{
	Info:      "ℹ️",
	Good:      "🟢",
	Important: "🟡",
	Critical:  "🔴",
}

func (s Severity) String() string {
	if n, ok := severityNames[s]; ok {
		return n
	}
	return fmt.Sprintf("severity(%d)", int(s))
}

// Icon is the checklist's marker for the severity.
func (s Severity) Icon() string { return severityIcons[s] }

// Label is the upper-case name used in the checklist, e.g. CRITICAL.
func (s Severity) Label() string { return strings.ToUpper(s.String()) }

func (s Severity) Valid() bool { return s >= Info && s <= Critical }

// ParseSeverity reads one of critical|important|good|info.
func ParseSeverity(s string) (Severity, error) {
	for sev, name := range severityNames {
		if strings.EqualFold(s, name) {
			return sev, nil
		}
	}
	return 0, fmt.Errorf("unknown severity %q (want critical, important, good or info)", s)
}

// Severities lists the severities from worst to mildest.
func Severities() []Severity { return []Severity{Critical, Important, Good, Info} }

func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Status is the outcome of one checklist item.
type Status string

const (
	StatusPass    Status = "pass"
	StatusFail    Status = "fail"
	StatusManual  Status = "manual"
	StatusSkipped Status = "skipped"
	StatusNA      Status = "n/a"
	StatusError   Status = "error"
)

// statusRank orders statuses for aggregation: the item takes the highest
// rank among its checks. A skipped check outranks a passing one so that an
// item is never called "pass" when part of it could not be checked.
var statusRank = map[Status]int{
	StatusNA:      0,
	StatusPass:    1,
	StatusSkipped: 2,
	StatusManual:  3,
	StatusError:   4,
	StatusFail:    5,
}

// Worse reports whether a outranks b.
func (a Status) Worse(b Status) bool { return statusRank[a] > statusRank[b] }
