package check

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
)

// Run runs checks concurrently on in and returns one Result per check, in
// the order given. Live checks are skipped with in.LiveUnavailable when the
// live inputs they need are missing. A panicking check becomes an error.
func Run(ctx context.Context, checks []*Check, in *Input) []Result {
	results := make([]Result, len(checks))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, c := range checks {
		if reason := missingInput(c, in); reason != "" {
			results[i] = Result{Check: c, Status: StatusSkipped, Reason: reason}
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			if err := ctx.Err(); err != nil {
				results[i] = Result{Check: c, Status: StatusError, Reason: err.Error()}
				return
			}
			results[i] = runOne(c, in)
		}()
	}
	wg.Wait()
	return results
}

func missingInput(c *Check, in *Input) string {
	reason := in.LiveUnavailable
	if reason == "" {
		reason = "no database was available"
	}
	if c.Needs&NeedsCatalog != 0 && in.Catalog == nil {
		return reason
	}
	if c.Needs&NeedsMigrations != 0 && in.Applied == nil {
		return reason
	}
	return ""
}

func runOne(c *Check, in *Input) (r Result) {
	p := &Pass{Input: in, Check: c}
	defer func() {
		if v := recover(); v != nil {
			r = p.result(fmt.Errorf("check %s panicked: %v\n%s", c.Name, v, firstFrames(debug.Stack(), 12)))
		}
	}()
	return p.result(c.Run(p))
}

func firstFrames(stack []byte, n int) string {
	lines := strings.Split(string(stack), "\n")
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}

// SortFindings orders findings worst first, then by location.
func SortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Severity != b.Severity {
			return a.Severity > b.Severity
		}
		if a.Item != b.Item {
			return itemLess(a.Item, b.Item)
		}
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Object != b.Object {
			return a.Object < b.Object
		}
		return a.Message < b.Message
	})
}

// itemLess orders item IDs numerically: 2.1 < 10.1.
func itemLess(a, b string) bool {
	var a1, a2, b1, b2 int
	fmt.Sscanf(a, "%d.%d", &a1, &a2)
	fmt.Sscanf(b, "%d.%d", &b1, &b2)
	if a1 != b1 {
		return a1 < b1
	}
	return a2 < b2
}
