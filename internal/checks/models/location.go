package models

import (
	"strings"

	"github.com/pgreview/pgreview/internal/catalog"
)

func columnNames(t *catalog.Table, nums []int16) []string {
	var out []string
	for _, n := range nums {
		if c := t.Column(n); c != nil {
			out = append(out, c.Name)
		}
	}
	return out
}

func quoteAll(cols []string) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = quoteIdent(c)
	}
	return out
}

// quoteIdent quotes an identifier only when Postgres needs it to.
func quoteIdent(s string) string {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
		}
	}
	return s
}

// qualifiedIdent quotes schema.name for SQL in a fix.
func qualifiedIdent(schema, name string) string { return quoteIdent(schema) + "." + quoteIdent(name) }
