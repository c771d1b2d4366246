package check

import "fmt"

// ItemResult is the outcome of one checklist item: the fold of the
// outcomes of the checks that feed it.
type ItemResult struct {
	Item *Item
	Area *Area
	// Status is the highest-ranked status among the item's checks (see
	// statusRank); an item with no checks is manual.
	Status Status
	// Severity is the highest severity among the findings; zero when none.
	Severity Severity
	Findings []Finding
	Evidence []Evidence
	// Notes explain non-pass outcomes: why a check was skipped, what a
	// human should look for, what crashed.
	Notes  []string
	Checks []string
}

// Disabled marks a Result for a check turned off in config. It is listed
// in the item's notes but does not decide its status.
const disabledReason = "disabled in config"

// DisabledResult is the Result recorded for a check disabled by config.
func DisabledResult(c *Check) Result {
	return Result{Check: c, Status: StatusSkipped, Reason: disabledReason}
}

// Aggregate folds check results into the checklist's items, in checklist
// order. Findings must already have suppressions applied.
func Aggregate(results []Result) []ItemResult {
	byItem := map[string][]Result{}
	for _, r := range results {
		byItem[r.Check.Item] = append(byItem[r.Check.Item], r)
	}
	var out []ItemResult
	for a := range Areas {
		area := &Areas[a]
		for i := range area.Items {
			out = append(out, foldItem(area, &area.Items[i], byItem[area.Items[i].ID]))
		}
	}
	return out
}

func foldItem(area *Area, item *Item, rs []Result) ItemResult {
	ir := ItemResult{Item: item, Area: area}
	decided := false
	// Evidence that one check cites settles what another check could only
	// leave to a human: 9.1 passes on pg_stat_statements even when no
	// instrumentation was found in the code.
	settled := false
	for _, r := range rs {
		if r.Status == StatusPass && len(r.Evidence) > 0 && r.Reason != disabledReason {
			settled = true
		}
	}
	for _, r := range rs {
		ir.Checks = append(ir.Checks, r.Check.Name)
		ir.Findings = append(ir.Findings, r.Findings...)
		ir.Evidence = append(ir.Evidence, r.Evidence...)
		for _, f := range r.Findings {
			if f.Severity > ir.Severity {
				ir.Severity = f.Severity
			}
		}
		if r.Reason != "" {
			ir.Notes = append(ir.Notes, fmt.Sprintf("%s: %s", r.Check.Name, r.Reason))
		}
		if r.Reason == disabledReason {
			continue
		}
		status := r.Status
		// A check that found nothing once its findings were suppressed passes.
		if status == StatusFail && len(r.Findings) == 0 {
			status = StatusPass
		}
		if status == StatusManual && settled {
			status = StatusPass
		}
		if !decided || status.Worse(ir.Status) {
			ir.Status = status
			decided = true
		}
	}
	switch {
	case len(rs) == 0:
		ir.Status = StatusManual
		ir.Notes = append(ir.Notes, item.Hint)
	case !decided:
		ir.Status = StatusSkipped
	case ir.Status == StatusManual && len(ir.Notes) == 0:
		ir.Notes = append(ir.Notes, item.Hint)
	}
	SortFindings(ir.Findings)
	return ir
}

// Counts are findings counted per severity.
type Counts struct {
	Critical  int `json:"critical"`
	Important int `json:"important"`
	Good      int `json:"good"`
	Info      int `json:"info"`
}

// Summary counts findings per severity.
type Summary struct {
	Counts
	Blocking bool `json:"blocking"`
	// New counts only the findings that are new: set when the review
	// compared the pull request with its base branch.
	New *Counts `json:"new,omitempty"`
}

// Count adds a finding of severity s.
func (s *Counts) Count(sev Severity) {
	switch sev {
	case Critical:
		s.Critical++
	case Important:
		s.Important++
	case Good:
		s.Good++
	case Info:
		s.Info++
	}
}

// Of returns the count for one severity.
func (s Counts) Of(sev Severity) int {
	switch sev {
	case Critical:
		return s.Critical
	case Important:
		return s.Important
	case Good:
		return s.Good
	case Info:
		return s.Info
	}
	return 0
}

// Total is the number of findings counted.
func (s Counts) Total() int { return s.Critical + s.Important + s.Good + s.Info }
