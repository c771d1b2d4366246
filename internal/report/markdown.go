package report

import (
	"embed"
	"fmt"
	"sort"
	"strings"
	"text/template"

	"github.com/pgreview/pgreview/internal/check"
)

//go:embed templates/*.tmpl
var templates embed.FS

// Marker identifies pgreview's PR comment.
const Marker = "<!-- pgreview:comment -->"

var commentTmpl = template.Must(template.New("comment.md.tmpl").Funcs(template.FuncMap{
	"icon":        func(s check.Severity) string { return s.Icon() },
	"sev":         func(s string) check.Severity { v, _ := check.ParseSeverity(s); return v },
	"where":       func(f check.Finding) string { return f.Location.String() },
	"where1":      func(l check.Location) string { return l.String() },
	"md":          mdInline,
	"list":        listOrNone,
	"statusLabel": statusLabel,
	"headline":    headline,
	"database":    database,
	"migrations":  migrationsLine,
	"areaCounts":  areaCounts,
	"ordered":     orderedItems,
	"allPass":     allPass,
	"join":        strings.Join,
	// pull request reviews (comment_pr.go)
	"headlineCompared": headlineCompared,
	"baseLine":         baseLine,
	"newCounts":        newCounts,
	"noNew":            noNew,
}).ParseFS(templates, "templates/comment.md.tmpl"))

// renderComment executes the template on one view of the report.
func renderComment(v *commentView) (string, error) {
	var b strings.Builder
	if err := commentTmpl.Execute(&b, v); err != nil {
		return "", err
	}
	return collapseBlankLines(b.String()), nil
}

// collapseBlankLines keeps template whitespace from piling up.
func collapseBlankLines(s string) string {
	for strings.Contains(s, "\n\n\n") {
		s = strings.ReplaceAll(s, "\n\n\n", "\n\n")
	}
	return strings.TrimLeft(s, "\n")
}

// mdInline makes text safe inside a Markdown list item: no line breaks,
// no stray HTML.
func mdInline(s string) string {
	s = strings.ReplaceAll(s, "\r", "")
	s = strings.ReplaceAll(s, "\n", " ")
	s = strings.ReplaceAll(s, "<", "&lt;")
	return strings.ReplaceAll(s, ">", "&gt;")
}

func listOrNone(xs []string) string {
	if len(xs) == 0 {
		return "not detected"
	}
	return strings.Join(xs, ", ")
}

func statusLabel(s check.Status) string {
	switch s {
	case check.StatusPass:
		return "✅ pass"
	case check.StatusFail:
		return "❌ fail"
	case check.StatusManual:
		return "✋ manual"
	case check.StatusSkipped:
		return "⏭️ skipped"
	case check.StatusNA:
		return "n/a"
	case check.StatusError:
		return "💥 error"
	}
	return string(s)
}

func headline(r *Report) string {
	var parts []string
	for _, s := range check.Severities() {
		parts = append(parts, fmt.Sprintf("%s %d %s", s.Icon(), r.Summary.Of(s), s))
	}
	verdict := "✅ **merge not blocked**"
	if r.Summary.Blocking {
		verdict = "⛔ **merge blocked**"
	}
	return fmt.Sprintf("**%s** · %s", strings.Join(parts, " · "), verdict)
}

func database(r *Report) string {
	s := r.Repo.Stack.Database
	if s == "" {
		s = "PostgreSQL"
	}
	if r.Engine.Kind == "none" || r.Engine.Kind == "" {
		return fmt.Sprintf("%s · no live review: %s", s, mdInline(r.Engine.Reason))
	}
	return fmt.Sprintf("%s · reviewed on PostgreSQL %s via %s", s, r.Engine.ServerVersion, engineName(r.Engine))
}

func engineName(e Engine) string {
	if e.Image != "" {
		return fmt.Sprintf("%s (`%s`)", e.Kind, e.Image)
	}
	return e.Kind
}

func migrationsLine(r *Report) string {
	m := r.Migrations
	if m == nil {
		if len(r.Repo.Stack.Migrations) > 0 {
			return listOrNone(r.Repo.Stack.Migrations)
		}
		return "none found"
	}
	s := fmt.Sprintf("%s · `%s` · %d/%d applied", m.Tool, m.Dir, m.Applied, m.Found)
	if n := len(m.Setup); n > 0 {
		s += fmt.Sprintf(" after %d init script%s", n, plural(n))
	} else if m.SetupSkipped != "" {
		s += " without its init scripts"
	}
	if r.Compared() {
		s += fmt.Sprintf(" · %d new in this pull request", len(m.New))
		if len(m.Edited) > 0 {
			s += fmt.Sprintf(" · 🔴 %d edited", len(m.Edited))
		}
	}
	if m.Failed != nil {
		s += " · ❌ failed"
	}
	if m.Roundtrip.Checked {
		if m.Roundtrip.OK {
			s += " · round trip ✅"
		} else {
			s += " · round trip ❌"
		}
	}
	return s
}

func areaCounts(a AreaView) string {
	counts := map[check.Severity]int{}
	for _, it := range a.Items {
		for _, f := range it.Findings {
			counts[f.Severity]++
		}
	}
	var parts []string
	for _, s := range check.Severities() {
		if counts[s] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", s.Icon(), counts[s]))
		}
	}
	return strings.Join(parts, " ")
}

// orderedItems puts failed items first (worst first), then the rest in
// checklist order.
func orderedItems(items []Item) []Item {
	out := append([]Item(nil), items...)
	rank := func(it Item) int {
		if it.Status == check.StatusFail || it.Status == check.StatusError {
			sev, _ := check.ParseSeverity(it.Severity)
			return 10 + int(sev)
		}
		return 0
	}
	sort.SliceStable(out, func(i, j int) bool { return rank(out[i]) > rank(out[j]) })
	return out
}

// allPass reports whether the review found nothing at all: no findings
// and no item that failed or broke. The comment then says so plainly.
func allPass(r *Report) bool {
	if len(r.Findings) > 0 {
		return false
	}
	for _, it := range r.Items {
		if it.Status == check.StatusFail || it.Status == check.StatusError {
			return false
		}
	}
	return true
}

// noNew reports whether a pull request review found nothing new: no new
// finding and no item that broke.
func noNew(r *Report) bool {
	if r.Summary.New != nil && r.Summary.New.Total() > 0 {
		return false
	}
	for _, it := range r.Items {
		if it.Status == check.StatusError {
			return false
		}
	}
	return true
}
