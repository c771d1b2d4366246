package repo

import (
	"errors"
	"regexp"
	"strings"
	"unicode/utf8"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	pgparser "github.com/pganalyze/pg_query_go/v6/parser"
)

// psqlMeta matches psql meta-commands (\connect, \set), which init
// scripts may hold and which are not SQL.
var psqlMeta = regexp.MustCompile(`(?m)^[ \t]*\\.*$`)

// CheckSQLSyntax parses every .sql file once with the Postgres parser and
// records a warning, with the file and line, for each that does not
// parse. Without a database this is the only place such a file is
// noticed; with one, the migration that holds it also fails to apply.
func (r *Repo) CheckSQLSyntax() {
	cached(r, "sqlsyntax", func() bool {
		files := r.FilesOf(KindSQL)
		parallel(len(files), func(i int) {
			f := files[i]
			b, err := f.Bytes()
			if err != nil || strings.Contains(string(b), "${") {
				return // unreadable (already warned) or a template (Flyway placeholders)
			}
			src := psqlMeta.ReplaceAllStringFunc(string(b), func(m string) string { return strings.Repeat(" ", len(m)) })
			if _, err := pg_query.Parse(src); err != nil {
				var pe *pgparser.Error
				line := 0
				if errors.As(err, &pe) && pe.Cursorpos > 0 {
					line = lineOfChar(src, pe.Cursorpos)
				}
				r.Warn(f.Path, line, "does not parse as PostgreSQL: %v; the review reads the rest of the repository, and a migration holding it will fail to apply", err)
			}
		})
		return true
	})
}

// lineOfChar returns the 1-based line of the pos-th character (1-based,
// as Postgres counts them) of s.
func lineOfChar(s string, pos int) int {
	line, n := 1, 0
	for i := 0; i < len(s); {
		n++
		if n >= pos {
			break
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == '\n' {
			line++
		}
		i += size
	}
	return line
}
