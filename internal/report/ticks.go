package report

import (
	"fmt"
	"regexp"
)

// itemMark is the hidden comment at the end of a manual item's line. It
// survives GitHub's task-list edits, which only flip "[ ]" to "[x]".
func itemMark(id, fingerprint string) string {
	return fmt.Sprintf("<!-- pgreview:item %s %s -->", id, fingerprint)
}

var tickedLine = regexp.MustCompile(`(?m)^- \[[xX]\] .*<!-- pgreview:item ([0-9]+\.[0-9]+) ([0-9a-f]+) -->`)

// TicksFrom reads a previous comment and returns, for every manual item
// whose box is ticked, the fingerprint it was ticked against. Pass the
// result as MarkdownOptions.Ticks.
func TicksFrom(body string) map[string]string {
	ticks := map[string]string{}
	for _, m := range tickedLine.FindAllStringSubmatch(body, -1) {
		ticks[m[1]] = m[2]
	}
	return ticks
}
