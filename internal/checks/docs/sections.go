package docs

import (
	"regexp"
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/dbcode"
	"github.com/pgreview/pgreview/internal/repo"
)

func at(file string, line int) check.Location { return check.Location{File: file, Line: line} }

// section is a heading of a document and the lines under it, up to the
// next heading of the same or a higher level.
type section struct {
	File    string
	Heading repo.Heading
	Lines   []repo.DocLine
}

// sections lists every section of every document whose heading matches re.
func sections(r *repo.Repo, re *regexp.Regexp) []section {
	var out []section
	for _, d := range r.Docs() {
		if dbcode.IsReleaseNotes(d.Path) {
			continue
		}
		for i, h := range d.Headings {
			if !re.MatchString(htmlComment.ReplaceAllString(h.Text, "")) {
				continue
			}
			end := 1 << 30
			for _, next := range d.Headings[i+1:] {
				if next.Level <= h.Level {
					end = next.Line
					break
				}
			}
			h.Text = strings.TrimSpace(htmlComment.ReplaceAllString(h.Text, ""))
			s := section{File: d.Path, Heading: h}
			for _, l := range d.Lines {
				if l.N > h.Line && l.N < end {
					l.Text = htmlComment.ReplaceAllString(l.Text, "")
					s.Lines = append(s.Lines, l)
				}
			}
			out = append(out, s)
		}
	}
	return out
}

// htmlComment is not part of the rendered documentation.
var htmlComment = regexp.MustCompile(`<!--.*?-->`)

var (
	dbTerms  = regexp.MustCompile(`(?i)\b(database|postgres(ql)?|psql|pg_\w+|sql|quer(y|ies)|connection|pool|migration|alembic|index(es)?|vacuum|locks?|deadlock|replica|transaction)\b`)
	hasCode  = regexp.MustCompile("`[^`]+`")
	stepLine = regexp.MustCompile(`^\s*([0-9]+[.)]|[-*])\s+\S`)
)

// mentionsDatabase reports whether a section is about the database.
func (s section) mentionsDatabase() bool {
	if dbTerms.MatchString(s.Heading.Text) {
		return true
	}
	for _, l := range s.Lines {
		if dbTerms.MatchString(l.Text) {
			return true
		}
	}
	return false
}

// actionable: the section gives commands or steps, not only prose.
func (s section) actionable() bool {
	for _, l := range s.Lines {
		if l.Code || hasCode.MatchString(l.Text) || stepLine.MatchString(l.Text) {
			return true
		}
	}
	return false
}

// citeSections cites the sections matching heading that are about the
// database (and, when steps is set, give commands or steps); it reports
// whether it cited any.
func citeSections(p *check.Pass, heading *regexp.Regexp, steps bool, what string) bool {
	cited := false
	for _, s := range sections(p.Repo, heading) {
		if !s.mentionsDatabase() || steps && !s.actionable() {
			continue
		}
		cited = true
		p.Evidence(at(s.File, s.Heading.Line), "%s: %q", what, strings.TrimSpace(s.Heading.Text))
	}
	return cited
}
