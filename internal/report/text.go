package report

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/pgreview/pgreview/internal/check"
)

// TextOptions control the terminal rendering.
type TextOptions struct {
	Color bool
}

type palette struct{ red, yellow, green, blue, dim, bold, reset string }

func newPalette(on bool) palette {
	if !on {
		return palette{}
	}
	return palette{"\x1b[31m", "\x1b[33m", "\x1b[32m", "\x1b[34m", "\x1b[2m", "\x1b[1m", "\x1b[0m"}
}

func (p palette) sev(s check.Severity) string {
	switch s {
	case check.Critical:
		return p.red
	case check.Important:
		return p.yellow
	case check.Good:
		return p.green
	}
	return p.blue
}

// WriteText renders the report for a terminal: grouped by area, areas
// and items worst first, passing items folded into a count.
func WriteText(w io.Writer, r *Report, opts TextOptions) error {
	c := newPalette(opts.Color)
	b := &strings.Builder{}
	fmt.Fprintf(b, "%spgreview %s%s · Database Setup Review of %s\n", c.bold, r.Tool.Version, c.reset, r.Repo.Path)
	fmt.Fprintf(b, "Engine:      %s\n", engineLine(r))
	fmt.Fprintf(b, "Migrations:  %s\n", strings.ReplaceAll(migrationsLine(r), "`", ""))
	s := r.Repo.Stack
	fmt.Fprintf(b, "Stack:       %s · ORM: %s · driver: %s · testing: %s\n",
		orDash(s.Environment), listOrNone(s.ORM), listOrNone(s.Driver), listOrNone(s.Testing))
	if r.Compared() {
		fmt.Fprintf(b, "Base:        %s\n", strings.TrimSuffix(describeBase(r, false), "."))
		for _, n := range r.Base.Notes {
			fmt.Fprintf(b, "             %s\n", n)
		}
	}
	if f := migrationFailure(r); f != "" {
		fmt.Fprintf(b, "%s%s%s\n", c.red, f, c.reset)
	}
	b.WriteString("\n")

	areas := r.Areas()
	sort.SliceStable(areas, func(i, j int) bool { return areas[i].Worst() > areas[j].Worst() })
	for _, a := range areas {
		var passed int
		var lines []string
		for _, it := range orderedItems(a.Items) {
			switch it.Status {
			case check.StatusPass, check.StatusNA:
				passed++
				continue
			case check.StatusFail:
				sev, _ := check.ParseSeverity(it.Severity)
				lines = append(lines, fmt.Sprintf("  %s✗ %s %s [%s]%s", c.sev(sev), it.ID, it.Title, it.Severity, c.reset))
				added, existing := it.Findings, []check.Finding(nil)
				if r.Compared() {
					added, existing = newFirst(it.Findings)
				}
				for _, f := range append(added, existing...) {
					onBase := ""
					if r.Compared() && !f.New {
						onBase = " [on the base branch]"
					}
					lines = append(lines, fmt.Sprintf("      %s%-9s%s %s%s  %s(%s)%s%s",
						c.sev(f.Severity), f.Severity, c.reset, locPrefix(f.Location), f.Message, c.dim, f.Check, onBase, c.reset))
					if f.Fix != "" {
						lines = append(lines, fmt.Sprintf("                fix: %s", f.Fix))
					}
				}
			default:
				lines = append(lines, fmt.Sprintf("  %s%s %s %s (%s)%s", c.dim, statusGlyph(it.Status), it.ID, it.Title, it.Status, c.reset))
				if it.Status == check.StatusManual {
					continue // the hint is in the markdown and JSON reports
				}
				for _, n := range it.Notes {
					lines = append(lines, fmt.Sprintf("      %s%s%s", c.dim, n, c.reset))
				}
			}
		}
		fmt.Fprintf(b, "%s%s. %s%s", c.bold, a.ID, a.Name, c.reset)
		if passed > 0 {
			fmt.Fprintf(b, "  %s(%d passed)%s", c.green, passed, c.reset)
		}
		b.WriteString("\n")
		for _, l := range lines {
			b.WriteString(l + "\n")
		}
	}
	if d := r.SchemaDiff; d != nil {
		fmt.Fprintf(b, "\n%sThis PR changes the schema%s\n", c.bold, c.reset)
		switch {
		case d.Unavailable != "":
			fmt.Fprintf(b, "  not compared: %s\n", d.Unavailable)
		case len(d.Changes) == 0:
			b.WriteString("  no changes\n")
		}
		for _, ch := range d.Changes {
			fmt.Fprintf(b, "  %s\n", diffLine(ch))
		}
	}
	if len(r.Warnings) > 0 {
		fmt.Fprintf(b, "\n%sWarnings%s\n", c.bold, c.reset)
		for _, wn := range r.Warnings {
			fmt.Fprintf(b, "  %s\n", wn.String())
		}
	}
	if len(r.Suppressed) > 0 {
		fmt.Fprintf(b, "\n%d finding(s) suppressed (see --format json)\n", len(r.Suppressed))
	}
	b.WriteString("\n")
	counts, scope := r.Summary.Counts, ""
	if r.Compared() && r.Summary.New != nil {
		b.WriteString("New: ")
		counts, scope = *r.Summary.New, ", new findings only"
		if r.FailScope == FailScopeAll {
			scope = ", every finding"
		}
	}
	for _, sev := range check.Severities() {
		fmt.Fprintf(b, "%s%d %s%s  ", c.sev(sev), counts.Of(sev), sev, c.reset)
	}
	if r.Summary.Blocking {
		fmt.Fprintf(b, "· %sblocking%s (fail-on %s%s)\n", c.red+c.bold, c.reset, r.FailOn, scope)
	} else {
		fmt.Fprintf(b, "· not blocking (fail-on %s%s)\n", r.FailOn, scope)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func engineLine(r *Report) string {
	e := r.Engine
	if e.Kind == "none" || e.Kind == "" {
		return "none: " + e.Reason
	}
	s := fmt.Sprintf("%s, PostgreSQL %s", e.Kind, e.ServerVersion)
	if e.Image != "" {
		s += " (" + e.Image + ")"
	}
	if e.Reason != "" {
		s += " · " + e.Reason
	}
	return s
}

func migrationFailure(r *Report) string {
	if r.Migrations == nil || r.Migrations.Failed == nil {
		return ""
	}
	f := r.Migrations.Failed
	state := "" // a process (a migrate command, an init script) may give none
	if f.SQLState != "" {
		state = " (SQLSTATE " + f.SQLState + ")"
	}
	what := "Migration " + f.Migration
	if f.InitScript { // run by the image before any migration
		what = "Init script"
	}
	return fmt.Sprintf("%s failed at %s:%d%s: %s", what, f.File, f.Line, state, f.Error)
}

func locPrefix(l check.Location) string {
	if s := l.String(); s != "" {
		return s + ": "
	}
	return ""
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func statusGlyph(s check.Status) string {
	switch s {
	case check.StatusManual:
		return "?"
	case check.StatusSkipped:
		return "-"
	case check.StatusError:
		return "!"
	}
	return " "
}
