package github

import (
	"fmt"
	"sort"

	"github.com/pgreview/pgreview/internal/check"
)

// MaxAnnotationsPerLevel is how many annotations of one level GitHub
// shows for a step; the rest are dropped, so we choose.
const MaxAnnotationsPerLevel = 10

// Annotation is one ::error/::warning/::notice workflow command.
type Annotation struct {
	Level   string // error, warning or notice
	File    string
	Line    int
	Title   string
	Message string
}

// levelOf maps a severity to an annotation level.
func levelOf(s check.Severity) string {
	switch s {
	case check.Critical:
		return "error"
	case check.Important:
		return "warning"
	}
	return "notice"
}

// ChooseAnnotations picks at most perLevel findings for each level: the
// pull request's own findings before the base branch's, then worst first,
// and among equals those on the PR's changed lines, then in its changed
// files. changed may be nil.
func ChooseAnnotations(findings []check.Finding, changed ChangedLines, perLevel int) []Annotation {
	type cand struct {
		f     check.Finding
		file  string
		line  int
		place int // 0 changed line, 1 changed file, 2 other file, 3 no file
		order int
	}
	byLevel := map[string][]cand{}
	for i, f := range findings {
		file, line := f.File, f.Line
		if file == "" {
			// Schema findings point at the migration that made the object.
			for _, rel := range f.Related {
				if rel.File != "" {
					file, line = rel.File, rel.Line
					break
				}
			}
		}
		c := cand{f: f, file: file, line: line, order: i, place: 3}
		switch {
		case file != "" && line > 0 && changed.Has(file, line):
			c.place = 0
		case file != "" && changed.Has(file, 0):
			c.place = 1
		case file != "":
			c.place = 2
		}
		lvl := levelOf(f.Severity)
		byLevel[lvl] = append(byLevel[lvl], c)
	}
	var out []Annotation
	for _, lvl := range []string{"error", "warning", "notice"} {
		cs := byLevel[lvl]
		sort.SliceStable(cs, func(i, j int) bool {
			a, b := cs[i], cs[j]
			if a.f.New != b.f.New {
				return a.f.New
			}
			if a.f.Severity != b.f.Severity {
				return a.f.Severity > b.f.Severity
			}
			if a.place != b.place {
				return a.place < b.place
			}
			return a.order < b.order
		})
		if len(cs) > perLevel {
			cs = cs[:perLevel]
		}
		for _, c := range cs {
			msg := c.f.Message
			if c.f.Object != "" && c.f.File == "" {
				msg = c.f.Object + ": " + msg
			}
			if c.f.Fix != "" {
				msg += "\nFix: " + c.f.Fix
			}
			title := fmt.Sprintf("pgreview %s: %s (item %s)", c.f.Severity, c.f.Check, c.f.Item)
			if !c.f.New {
				title += ", already on the base branch"
			}
			out = append(out, Annotation{Level: lvl, File: c.file, Line: c.line, Message: msg, Title: title})
		}
	}
	return out
}
