package migrate

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// SplitStatements splits SQL into statements with their starting lines,
// using the real Postgres scanner, so semicolons in strings, comments and
// dollar-quoted bodies are handled as Postgres handles them. firstLine is
// the file line that src starts on.
func SplitStatements(src string, firstLine int) []Statement {
	parts, err := pg_query.SplitWithScanner(src, true)
	if err != nil {
		// The scanner only fails on unterminated quotes; let Postgres say
		// what is wrong with the whole text.
		if strings.TrimSpace(src) == "" {
			return nil
		}
		return []Statement{{SQL: src, Line: firstLine + leadingBlankLines(src)}}
	}
	var out []Statement
	pos := 0
	for _, p := range parts {
		if isOnlyComments(p) {
			continue
		}
		i := strings.Index(src[pos:], p)
		if i < 0 { // should not happen: parts are substrings
			out = append(out, Statement{SQL: p, Line: firstLine})
			continue
		}
		start := pos + i
		skip := leadingComments(p)
		out = append(out, Statement{SQL: p[skip:], Line: firstLine + strings.Count(src[:start+skip], "\n")})
		pos = start + len(p)
	}
	return out
}

// leadingComments returns the length of the whitespace and comments that
// open s, so a statement's line is the line of its first keyword.
func leadingComments(s string) int {
	i := 0
	for i < len(s) {
		switch {
		case s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r':
			i++
		case strings.HasPrefix(s[i:], "--"):
			end := strings.IndexByte(s[i:], '\n')
			if end < 0 {
				return i
			}
			i += end + 1
		case strings.HasPrefix(s[i:], "/*"):
			end := strings.Index(s[i+2:], "*/")
			if end < 0 {
				return i
			}
			i += end + 4
		default:
			return i
		}
	}
	return i
}

func leadingBlankLines(s string) int {
	trimmed := strings.TrimLeft(s, " \t\r\n")
	return strings.Count(s[:len(s)-len(trimmed)], "\n")
}

// isOnlyComments reports whether a piece holds no SQL, only comments.
func isOnlyComments(s string) bool {
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "--") {
			return strings.HasPrefix(line, "/*") && strings.HasSuffix(line, "*/") && !strings.Contains(line[2:len(line)-2], "*/")
		}
	}
	return true
}
