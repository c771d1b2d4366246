package dbsite

import (
	"strings"

	"github.com/pgreview/pgreview/internal/pgurl"
	"github.com/pgreview/pgreview/internal/python"
)

// URLParts is a connection URL built in Python, parsed with each part that
// is not a literal marked, so a check can tell whether the host or the
// password is written in the source or comes from elsewhere.
type URLParts struct {
	Conn pgurl.ConnString
	// Leaves holds, per field ("user", "password", "host", "port",
	// "database", or a parameter name), the non-literal parts it is built
	// from.
	Leaves map[string][]*python.Value
	// Written holds the fields whose text is entirely in the source.
	Written map[string]bool
}

// ParseValueURL parses a Python value as a Postgres URL; ok is false when
// it is not one.
func ParseValueURL(v *python.Value) (URLParts, bool) {
	var leaves []*python.Value
	text := v.Render(func(l *python.Value) string {
		leaves = append(leaves, l)
		return marker(len(leaves) - 1)
	})
	c, ok := pgurl.Parse(text)
	if !ok {
		return URLParts{}, false
	}
	u := URLParts{Conn: c, Leaves: map[string][]*python.Value{}, Written: map[string]bool{}}
	fields := map[string]string{"user": c.User, "password": c.Password(), "host": c.Host(), "port": c.Port, "database": c.Database}
	for k, val := range c.Params {
		if _, clash := fields[k]; !clash {
			fields[k] = val
		}
	}
	for name, val := range fields {
		found := false
		for i, l := range leaves {
			if strings.Contains(val, marker(i)) {
				u.Leaves[name] = append(u.Leaves[name], l)
				found = true
			}
		}
		if !found && val != "" {
			u.Written[name] = true
		}
	}
	return u, true
}

// marker stands for leaf i inside a rendered URL; it survives URL parsing.
func marker(i int) string {
	return "\x02" + string(rune('a'+i%26)) + string(rune('a'+i/26%26)) + "\x03"
}

// Clean returns a field's text with the markers of non-literal parts
// replaced by pgurl.Hole.
func Clean(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\x02' {
			end := strings.IndexByte(s[i:], '\x03')
			if end > 0 {
				b.WriteString(pgurl.Hole)
				i += end
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
