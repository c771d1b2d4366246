package migrate

import (
	"regexp"
	"strings"
)

// PySource is an Alembic revision file as read without Python: its
// identifiers, where upgrade() and downgrade() are, and the op.* calls
// in upgrade() with their lines, so findings can point at the call.
type PySource struct {
	File          string
	Revision      string
	RevisionLine  int
	DownRevisions []string
	DownLine      int
	DependsOn     []string
	UpgradeLine   int
	DowngradeLine int
	// DowngradeEmpty: downgrade() holds only pass, a docstring or comments.
	DowngradeEmpty bool
	// Ops are the op.* (and batch_op.*) calls in upgrade(), in order.
	Ops []PyCall
	// DownOps are the calls in downgrade().
	DownOps []PyCall
}

// PyCall is one op.* call: op.add_column("orders", ...).
type PyCall struct {
	Name string // add_column
	Line int
	Args string // the text between the parentheses
}

var (
	pyRevision = regexp.MustCompile(`(?m)^revision\s*(?::[^=\n]*)?=\s*['"]([^'"]+)['"]`)
	pyDownRev  = regexp.MustCompile(`(?m)^down_revision\s*(?::[^=\n]*)?=\s*(.*)$`)
	pyDepends  = regexp.MustCompile(`(?m)^depends_on\s*(?::[^=\n]*)?=\s*(.*)$`)
	pyDef      = regexp.MustCompile(`(?m)^(?:async\s+)?def\s+(upgrade|downgrade)\s*\(`)
	pyString   = regexp.MustCompile(`['"]([^'"\n]+)['"]`)
	pyOpCall   = regexp.MustCompile(`\b(op|batch_op|\w+_op)\.(\w+)\s*\(`)
)

// ParsePySource reads an Alembic revision file; ok is false when the file
// declares no revision.
func ParsePySource(file, text string) (*PySource, bool) {
	m := pyRevision.FindStringSubmatchIndex(text)
	if m == nil {
		return nil, false
	}
	src := &PySource{File: file, Revision: text[m[2]:m[3]], RevisionLine: lineAt(text, m[0])}
	if d := pyDownRev.FindStringSubmatchIndex(text); d != nil {
		src.DownLine = lineAt(text, d[0])
		src.DownRevisions = pyStrings(continued(text, d[2]))
	}
	if d := pyDepends.FindStringSubmatchIndex(text); d != nil {
		src.DependsOn = pyStrings(continued(text, d[2]))
	}
	for _, d := range pyDef.FindAllStringSubmatchIndex(text, -1) {
		name := text[d[2]:d[3]]
		line := lineAt(text, d[0])
		body, bodyStart := pyBody(text, d[1])
		calls := pyCalls(text, body, bodyStart)
		if name == "upgrade" {
			src.UpgradeLine, src.Ops = line, calls
		} else {
			src.DowngradeLine, src.DownOps = line, calls
			src.DowngradeEmpty = pyEmptyBody(text[body[0]:body[1]])
		}
	}
	return src, true
}

func lineAt(text string, off int) int { return strings.Count(text[:off], "\n") + 1 }

// continued returns the value text from off to the end of the statement,
// following brackets across lines.
func continued(text string, off int) string {
	depth := 0
	for i := off; i < len(text); i++ {
		switch text[i] {
		case '(', '[':
			depth++
		case ')', ']':
			depth--
		case '\n':
			if depth <= 0 {
				return text[off:i]
			}
		}
	}
	return text[off:]
}

func pyStrings(v string) []string {
	if i := strings.Index(v, "#"); i >= 0 && !strings.ContainsAny(v[:i], `'"`) {
		v = v[:i]
	}
	var out []string
	for _, m := range pyString.FindAllStringSubmatch(v, -1) {
		out = append(out, m[1])
	}
	return out
}

// pyBody returns the [start, end) offsets of a def's indented body, which
// starts after the line holding the def's colon.
func pyBody(text string, afterParen int) ([2]int, int) {
	nl := strings.IndexByte(text[afterParen:], '\n')
	if nl < 0 {
		return [2]int{len(text), len(text)}, len(text)
	}
	start := afterParen + nl + 1
	end := len(text)
	off := start
	for off < len(text) {
		next := strings.IndexByte(text[off:], '\n')
		line := text[off:]
		if next >= 0 {
			line = text[off : off+next]
		}
		if strings.TrimSpace(line) != "" && line[0] != ' ' && line[0] != '\t' && line[0] != '#' {
			end = off
			break
		}
		if next < 0 {
			break
		}
		off += next + 1
	}
	return [2]int{start, end}, start
}

func pyEmptyBody(body string) bool {
	body = strings.TrimSpace(body)
	for _, q := range []string{`"""`, `'''`} {
		if strings.HasPrefix(body, q) {
			if end := strings.Index(body[3:], q); end >= 0 {
				body = strings.TrimSpace(body[3+end+3:])
			}
		}
	}
	for _, line := range strings.Split(body, "\n") {
		line = strings.TrimSpace(line)
		if line != "" && line != "pass" && line != "..." && !strings.HasPrefix(line, "#") {
			return false
		}
	}
	return true
}

func pyCalls(text string, body [2]int, _ int) []PyCall {
	var out []PyCall
	seg := text[body[0]:body[1]]
	for _, m := range pyOpCall.FindAllStringSubmatchIndex(seg, -1) {
		open := m[1] // just after "("
		args := matchParen(seg, open)
		out = append(out, PyCall{Name: seg[m[4]:m[5]], Line: lineAt(text, body[0]+m[0]), Args: args})
	}
	return out
}

// matchParen returns the text from off to its closing parenthesis,
// skipping strings.
func matchParen(s string, off int) string {
	depth := 1
	var quote byte
	for i := off; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '(':
			depth++
		case c == ')':
			depth--
			if depth == 0 {
				return s[off:i]
			}
		}
	}
	return s[off:]
}
