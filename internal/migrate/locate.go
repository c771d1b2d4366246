package migrate

import (
	"path"
	"strings"
)

// locateCall finds the line of the op.* call in an Alembic revision that
// sent sql: the next call (from *cursor) whose name fits what the
// statement does and whose arguments name its table, index or column;
// else any call naming the table; else the `def upgrade` line.
func locateCall(m *Migration, fs []facts, sql string, cursor *int) int {
	src := m.Source
	if src == nil {
		if m.Up != nil {
			return m.Up.Line
		}
		return 0
	}
	names, words := callShape(fs)
	try := func(accept func(PyCall) bool) int {
		for pass := 0; pass < 2; pass++ {
			start, end := *cursor, len(src.Ops)
			if pass == 1 {
				start, end = 0, *cursor
			}
			for i := start; i < end; i++ {
				if accept(src.Ops[i]) {
					*cursor = i + 1
					return src.Ops[i].Line
				}
			}
		}
		return 0
	}
	if line := try(func(c PyCall) bool { return names[c.Name] && mentionsAll(c.Args, words) }); line > 0 {
		return line
	}
	if line := try(func(c PyCall) bool { return c.Name == "execute" && sqlMatches(c.Args, sql) }); line > 0 {
		return line
	}
	if len(words) > 0 {
		if line := try(func(c PyCall) bool { return mentionsAll(c.Args, words[:1]) }); line > 0 {
			return line
		}
	}
	return src.UpgradeLine
}

// callShape is the op names that emit a statement like fs, and the
// identifiers their arguments must mention (the table first).
func callShape(fs []facts) (map[string]bool, []string) {
	names := map[string]bool{}
	var words []string
	rel := func(q string) string { return strings.TrimPrefix(path.Ext(q), ".") }
	for _, f := range fs {
		for _, c := range f.creates {
			names["create_table"] = true
			words = append(words, rel(c))
		}
		if f.table == "" {
			continue
		}
		words = append(words, rel(f.table))
		switch {
		case f.indexBuild:
			names["create_index"] = true
			if f.indexName != "" {
				words = append(words, f.indexName)
			}
		case f.typeChange != "":
			names["alter_column"] = true
			words = append(words, f.typeChange)
		case f.setNotNull != "":
			names["alter_column"] = true
			words = append(words, f.setNotNull)
		case f.constraint != "" && strings.HasPrefix(f.constraint, "FOREIGN"):
			names["create_foreign_key"] = true
		case f.constraint != "":
			names["create_check_constraint"] = true
		case f.uniqueBuild != "":
			names["create_unique_constraint"], names["create_primary_key"], names["add_column"] = true, true, true
		case len(f.renames) > 0:
			names["rename_table"], names["alter_column"] = true, true
		case len(f.drops) > 0:
			names["drop_table"], names["drop_column"] = true, true
		default:
			names["add_column"], names["alter_column"], names["drop_column"] = true, true, true
		}
	}
	return names, words
}

func mentionsAll(args string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(args, `"`+w+`"`) && !strings.Contains(args, `'`+w+`'`) {
			return false
		}
	}
	return true
}

// sqlMatches reports whether an op.execute argument holds sql.
func sqlMatches(args, sql string) bool {
	norm := func(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }
	a, q := norm(args), norm(sql)
	if len(q) > 40 {
		q = q[:40]
	}
	return q != "" && strings.Contains(a, q)
}
