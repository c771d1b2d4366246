package report

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pgreview/pgreview/internal/check"
)

// The parts of the comment that only a pull request review has: the
// findings the base branch has too, folded away, and the schema diff.

// existingView is one item's findings that the base branch has too.
type existingView struct {
	ID, Title string
	Shown     []check.Finding
	Hidden    int
}

func newExistingView(it Item, f fold) (existingView, bool) {
	_, existing := newFirst(it.Findings)
	if len(existing) == 0 {
		return existingView{}, false
	}
	ev := existingView{ID: it.ID, Title: it.Title, Shown: existing}
	if f.MaxExisting >= 0 && len(ev.Shown) > f.MaxExisting {
		ev.Hidden = len(ev.Shown) - f.MaxExisting
		ev.Shown = ev.Shown[:f.MaxExisting]
	}
	return ev, true
}

// orderedItemsNewFirst puts the items with new findings first (worst new
// finding first), then the items that fail on the base branch's findings
// only, then the rest in checklist order.
func orderedItemsNewFirst(items []Item) []Item {
	out := append([]Item(nil), items...)
	rank := func(it Item) int {
		worstNew, anyFinding := check.Severity(0), false
		for _, f := range it.Findings {
			anyFinding = true
			if f.New && f.Severity > worstNew {
				worstNew = f.Severity
			}
		}
		switch {
		case worstNew > 0:
			return 20 + int(worstNew)
		case it.Status == check.StatusError:
			return 15
		case anyFinding:
			return 10
		}
		return 0
	}
	sort.SliceStable(out, func(i, j int) bool { return rank(out[i]) > rank(out[j]) })
	return out
}

// newCounts counts an area's new findings, for its heading.
func newCounts(a AreaView) string {
	var c check.Counts
	for _, it := range a.Items {
		for _, f := range it.Findings {
			if f.New {
				c.Count(f.Severity)
			}
		}
	}
	var parts []string
	for _, s := range check.Severities() {
		if n := c.Of(s); n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", s.Icon(), n))
		}
	}
	return strings.Join(parts, " ")
}

// headlineCompared is the verdict line of a pull request review: the new
// findings by severity, then the verdict.
func headlineCompared(r *Report) string {
	var c check.Counts
	if r.Summary.New != nil {
		c = *r.Summary.New
	}
	var parts []string
	for _, s := range check.Severities() {
		parts = append(parts, fmt.Sprintf("%s %d %s", s.Icon(), c.Of(s), s))
	}
	verdict := "✅ **merge not blocked**"
	if r.Summary.Blocking {
		verdict = "⛔ **merge blocked**"
	}
	return fmt.Sprintf("**New in this pull request: %s** · %s", strings.Join(parts, " · "), verdict)
}

// baseLine says what the review compared with and what it found there,
// in Markdown.
func baseLine(r *Report) string { return describeBase(r, true) }

// describeBase is baseLine, in Markdown (pointing at the comment's
// sections) or as plain text.
func describeBase(r *Report, markdown bool) string {
	b := r.Base
	below, foldedBelow, code := " (below)", "; folded below", "`"
	if !markdown {
		below, foldedBelow, code = "", "", ""
	}
	s := fmt.Sprintf("Compared with the base branch %s%s%s (%s%s%s)", code, mdCode(b.Ref), code, code, shortSHA(b.SHA), code)
	var parts []string
	if b.Existing > 0 {
		blocking := "not blocking"
		if r.FailScope == FailScopeAll {
			blocking = "counted for fail-on: fail-scope all"
		}
		parts = append(parts, fmt.Sprintf("📋 %d finding%s already there (%s%s)", b.Existing, plural(b.Existing), blocking, foldedBelow))
	}
	if b.Fixed > 0 {
		parts = append(parts, fmt.Sprintf("✅ %d fixed by this pull request", b.Fixed))
	}
	if d := r.SchemaDiff; d != nil && len(d.Changes) > 0 {
		parts = append(parts, fmt.Sprintf("🧬 %d schema change%s%s", len(d.Changes), plural(len(d.Changes)), below))
	}
	if len(parts) > 0 {
		s += ": " + strings.Join(parts, " · ")
	}
	return s + "."
}

// schemaView is the schema diff as the lines of a ```diff block.
type schemaView struct {
	Lines []string
	// Hidden counts the changes folded to fit the comment.
	Hidden int
	// Hazardous counts the changes that carry lock hazards.
	Hazardous   int
	Unavailable string
	None        bool
}

func newSchemaView(d *SchemaDiff, f fold) *schemaView {
	if d == nil {
		return nil
	}
	v := &schemaView{Unavailable: d.Unavailable, None: d.Unavailable == "" && len(d.Changes) == 0}
	for i, c := range d.Changes {
		if len(c.Hazards) > 0 {
			v.Hazardous++
		}
		if f.MaxChanges >= 0 && i >= f.MaxChanges {
			v.Hidden++
			continue
		}
		v.Lines = append(v.Lines, diffLine(c))
	}
	return v
}

// diffLine is one change as a line of a diff block: + added, - dropped,
// ! changed (GitHub colours them), with its hazards as a SQL comment.
func diffLine(c SchemaChange) string {
	mark := map[string]string{"added": "+", "dropped": "-", "changed": "!"}[c.Action]
	line := mark + " " + oneLine(c.SQL)
	if c.Action == "changed" && c.Before != "" {
		line += " -- was: " + oneLine(c.Before)
	}
	var hz []string
	for _, h := range c.Hazards {
		where := h.File
		if h.Line > 0 {
			where = fmt.Sprintf("%s:%d", h.File, h.Line)
		}
		hz = append(hz, strings.TrimSpace(h.Check+" "+where))
	}
	if len(hz) > 0 {
		line += "  -- ⚠️ " + strings.Join(hz, ", ")
	}
	// A diff block ends at a fence; nothing in a definition may close it.
	return strings.ReplaceAll(line, "```", "'''")
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// mdCode keeps a value inside `code`: no backticks.
func mdCode(s string) string { return strings.ReplaceAll(mdInline(s), "`", "'") }

func shortSHA(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
