package migrate

import (
	"regexp"
	"sort"
	"strings"

	"github.com/pgreview/pgreview/internal/python"
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
	// Call is the call in the shared Python model.
	Call *python.Call
	// Table is the table of a batch_op call (with op.batch_alter_table("t")).
	Table string
	// Autocommit: inside `with op.get_context().autocommit_block():`.
	Autocommit bool
}

// batchTable is the table of `with op.batch_alter_table("t") as batch_op:`.
var batchTable = regexp.MustCompile(`batch_alter_table\(\s*(?:table_name\s*=\s*)?['"]([^'"]+)['"]`)

// PySourceOf reads an Alembic revision from the repo's shared Python
// model; ok is false when the module declares no revision.
func PySourceOf(m *python.Module) (*PySource, bool) {
	rev, line := moduleString(m, "revision")
	if rev == "" {
		return nil, false
	}
	src := &PySource{File: m.Path, Revision: rev, RevisionLine: line}
	src.DownRevisions, src.DownLine = moduleStrings(m, "down_revision")
	src.DependsOn, _ = moduleStrings(m, "depends_on")
	if f := m.FuncNamed("upgrade"); f != nil && f.Parent == nil && f.Class == nil {
		src.UpgradeLine, src.Ops = f.Line, opCalls(f)
	}
	if f := m.FuncNamed("downgrade"); f != nil && f.Parent == nil && f.Class == nil {
		src.DowngradeLine, src.DownOps, src.DowngradeEmpty = f.Line, opCalls(f), f.BodyIsEmpty
	}
	return src, true
}

// moduleAssign is the last module-level assignment to name.
func moduleAssign(m *python.Module, name string) *python.Assign {
	var last *python.Assign
	for _, a := range m.Assigns {
		if a.Func != nil || a.Class != nil {
			continue
		}
		for _, t := range a.Targets {
			if t == name {
				last = a
			}
		}
	}
	return last
}

func moduleString(m *python.Module, name string) (string, int) {
	a := moduleAssign(m, name)
	if a == nil || a.Value == nil || a.Value.Kind != python.Str {
		return "", 0
	}
	return a.Value.Value, a.Line
}

// moduleStrings reads None, "rev" or ("a", "b") (a tuple or a list).
func moduleStrings(m *python.Module, name string) ([]string, int) {
	a := moduleAssign(m, name)
	if a == nil || a.Value == nil {
		return nil, 0
	}
	var out []string
	switch a.Value.Kind {
	case python.Str:
		out = []string{a.Value.Value}
	case python.Tuple:
		for _, p := range a.Value.Parts {
			if p.Kind == python.Str {
				out = append(out, p.Value)
			}
		}
	}
	return out, a.Line
}

// opCalls are the op.* and batch_op.* calls of a function, in order, with
// their arguments' source text for matching statements to calls.
func opCalls(f *python.Func) []PyCall {
	var out []PyCall
	for _, c := range f.Calls {
		recv, _, ok := strings.Cut(c.Callee, ".")
		if !ok || strings.Count(c.Callee, ".") != 1 || recv != "op" && !strings.HasSuffix(recv, "_op") {
			continue
		}
		var args []string
		for _, a := range c.Args {
			args = append(args, a.Text)
		}
		for _, k := range c.Kwargs {
			if k.Value != nil {
				args = append(args, k.Name+"="+k.Value.Text)
			}
		}
		pc := PyCall{Name: c.Method, Line: c.Line, Args: strings.Join(args, ", "), Call: c}
		for _, w := range c.With {
			if strings.Contains(w.Text, "autocommit_block") {
				pc.Autocommit = true
			}
			if m := batchTable.FindStringSubmatch(w.Text); m != nil {
				pc.Table = m[1]
			}
		}
		if pc.Table != "" { // so statements on the batch's table match the call
			pc.Args = `"` + pc.Table + `", ` + pc.Args
		}
		out = append(out, pc)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Line < out[j].Line })
	return out
}
