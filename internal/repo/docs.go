package repo

import (
	"regexp"
	"strings"
)

// Doc is one documentation file (Markdown or reStructuredText): its
// headings and its lines, numbered as in the file, so checks can cite
// "README.md:42 (## Backups)".
type Doc struct {
	Path     string
	Headings []Heading
	Lines    []DocLine
}

// Heading is a section title.
type Heading struct {
	Level int // 1 for "#" or a "===" underline, 2 for "##" or "---", ...
	Text  string
	Line  int
}

// DocLine is one line of a document.
type DocLine struct {
	N    int // 1-based line number
	Text string
	// Code is true inside a fenced (``` or ~~~) or indented code block.
	Code bool
}

// DocMatch is a line that matched a search, with the section it is in.
type DocMatch struct {
	DocLine
	// Heading is the nearest heading above the line; nil before the first.
	Heading *Heading
}

// Docs parses every Markdown and reStructuredText file once, in path order.
func (r *Repo) Docs() []*Doc {
	return cached(r, "docs", func() []*Doc {
		return parseFiles(r, KindMarkdown, func(f *File, b []byte) (*Doc, bool) {
			return ParseDoc(f.Path, b), true
		})
	})
}

// ParseDoc reads headings and lines from a document. It never fails: what
// is not a heading is text.
func ParseDoc(path string, src []byte) *Doc {
	d := &Doc{Path: path}
	rst := strings.HasSuffix(strings.ToLower(path), ".rst")
	lines := strings.Split(strings.ReplaceAll(string(src), "\r\n", "\n"), "\n")
	var fence string // the opening fence of the code block we are in
	prevBlank := true
	frontMatter := !rst && len(lines) > 1 && strings.TrimSpace(lines[0]) == "---"
	for i, text := range lines {
		n := i + 1
		trimmed := strings.TrimSpace(text)
		if frontMatter {
			// YAML front matter is metadata, not headings.
			d.Lines = append(d.Lines, DocLine{N: n, Text: text})
			if i > 0 && trimmed == "---" {
				frontMatter = false
			}
			continue
		}
		if fence != "" {
			d.Lines = append(d.Lines, DocLine{N: n, Text: text, Code: true})
			if strings.HasPrefix(trimmed, fence) && strings.Trim(trimmed, fence[:1]) == "" {
				fence = ""
			}
			continue
		}
		if f := openingFence(trimmed); f != "" && !rst {
			fence = f
			d.Lines = append(d.Lines, DocLine{N: n, Text: text, Code: true})
			continue
		}
		indented := prevBlank && (strings.HasPrefix(text, "    ") || strings.HasPrefix(text, "\t")) && trimmed != ""
		d.Lines = append(d.Lines, DocLine{N: n, Text: text, Code: indented && !rst})
		prevBlank = trimmed == "" || indented
		if indented {
			continue
		}
		if lvl, title := atxHeading(trimmed); lvl > 0 && !rst {
			d.Headings = append(d.Headings, Heading{Level: lvl, Text: title, Line: n})
			continue
		}
		// A setext (Markdown) or adorned (reST) title: text underlined by
		// a line of one repeated punctuation character.
		if i > 0 && trimmed != "" && isUnderline(trimmed, rst) {
			prev := strings.TrimSpace(lines[i-1])
			if prev == "" || isUnderline(prev, rst) || len(d.Lines) < 2 || d.Lines[len(d.Lines)-2].Code {
				continue
			}
			if len(d.Headings) > 0 && d.Headings[len(d.Headings)-1].Line == n-1 {
				continue
			}
			d.Headings = append(d.Headings, Heading{Level: underlineLevel(trimmed[0], rst), Text: prev, Line: n - 1})
		}
	}
	return d
}

func openingFence(trimmed string) string {
	for _, f := range []string{"```", "~~~"} {
		if strings.HasPrefix(trimmed, f) {
			n := len(trimmed) - len(strings.TrimLeft(trimmed, f[:1]))
			return strings.Repeat(f[:1], n)
		}
	}
	return ""
}

func atxHeading(trimmed string) (int, string) {
	lvl := 0
	for lvl < len(trimmed) && trimmed[lvl] == '#' {
		lvl++
	}
	if lvl == 0 || lvl > 6 || lvl < len(trimmed) && trimmed[lvl] != ' ' && trimmed[lvl] != '\t' {
		return 0, ""
	}
	title := strings.TrimSpace(strings.TrimRight(strings.TrimSpace(trimmed[lvl:]), "#"))
	return lvl, title
}

func isUnderline(s string, rst bool) bool {
	if len(s) < 2 && !(len(s) == 1 && !rst) {
		return false
	}
	c := s[0]
	if rst {
		if !strings.ContainsRune("=-~^\"'`#*+:._", rune(c)) {
			return false
		}
	} else if c != '=' && c != '-' {
		return false
	}
	return strings.Trim(s, string(c)) == ""
}

// underlineLevel: Markdown has two; reST levels follow the order in which
// adornments appear, which we approximate with the usual convention.
func underlineLevel(c byte, rst bool) int {
	switch c {
	case '=', '#':
		return 1
	case '-':
		return 2
	case '~', '^':
		return 3
	}
	if rst {
		return 4
	}
	return 2
}

// SectionAt returns the nearest heading above line n, or nil.
func (d *Doc) SectionAt(n int) *Heading {
	var h *Heading
	for i := range d.Headings {
		if d.Headings[i].Line > n {
			break
		}
		h = &d.Headings[i]
	}
	return h
}

// Grep returns the lines that match re, code blocks included, each with
// its section.
func (d *Doc) Grep(re *regexp.Regexp) []DocMatch {
	var out []DocMatch
	for _, l := range d.Lines {
		if re.MatchString(l.Text) {
			out = append(out, DocMatch{DocLine: l, Heading: d.SectionAt(l.N)})
		}
	}
	return out
}

// HeadingsMatching returns the headings whose text matches re.
func (d *Doc) HeadingsMatching(re *regexp.Regexp) []Heading {
	var out []Heading
	for _, h := range d.Headings {
		if re.MatchString(h.Text) {
			out = append(out, h)
		}
	}
	return out
}

// Section returns the lines under heading h, up to the next heading of the
// same or a higher level.
func (d *Doc) Section(h Heading) []DocLine {
	end := len(d.Lines) + 1
	for _, o := range d.Headings {
		if o.Line > h.Line && o.Level <= h.Level {
			end = o.Line
			break
		}
	}
	start := h.Line
	rst := strings.HasSuffix(strings.ToLower(d.Path), ".rst")
	if start < len(d.Lines) && isUnderline(strings.TrimSpace(d.Lines[start].Text), rst) {
		start++ // the title's underline
	}
	var out []DocLine
	for _, l := range d.Lines {
		if l.N > start && l.N < end {
			out = append(out, l)
		}
	}
	return out
}
