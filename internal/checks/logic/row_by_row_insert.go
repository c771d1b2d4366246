package logic

import (
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/dbcode"
	"github.com/pgreview/pgreview/internal/python"
)

// RowByRowInsert finds INSERT statements executed once per row.
var RowByRowInsert = &check.Check{
	Name:     "row-by-row-insert",
	Item:     "6.5",
	Severity: check.Good,
	Doc: `Insert many rows with one statement, not one per row.

An INSERT executed inside "for row in rows" pays a round trip, a parse and
a plan per row. Send the rows together:

  session.execute(insert(Order), rows)            # SQLAlchemy: executemany
  cur.executemany("INSERT ...", rows)              # psycopg
  with cur.copy("COPY orders (a, b) FROM STDIN") as copy: ...
  await conn.copy_records_to_table("orders", records=rows)   # asyncpg
  pool.CopyFrom(ctx, pgx.Identifier{"orders"}, cols, pgx.CopyFromRows(rows))  // pgx

ORM session.add() in a loop followed by one commit is fine: the unit of
work batches those inserts.`,
	Run: runRowByRowInsert,
}

func runRowByRowInsert(p *check.Pass) error {
	if dbcode.NoDatabase(p) {
		return nil
	}
	px := dbcode.PythonIndex(p.Repo)
	for _, pm := range px.AppModules() {
		for _, c := range pm.Calls {
			if c.Op != dbcode.OpWrite || c.Verb() != "INSERT" || (c.Method != "execute" && c.Method != "exec_driver_sql") {
				continue
			}
			l := innerLoop(c.Call)
			if !overData(l) || batched(l) || manyRows(c.Params) {
				continue
			}
			p.Reportf(at(pm.Path, c.Line), "%s inserts one row per item of %s (loop at line %d); pass all rows to one execute (executemany), or use COPY for large loads", describe(c), l.Iter.Text, l.Line)
		}
	}
	for _, f := range dbcode.GoIndex(p.Repo).AppFiles() {
		for _, fn := range f.Funcs {
			for _, c := range fn.Calls {
				if c.Op != dbcode.OpWrite || c.Loop == nil || !goLoopOverData(c.Loop) || !strings.HasPrefix(strings.ToUpper(strings.TrimSpace(c.SQL)), "INSERT") {
					continue
				}
				p.Reportf(at(f.Path, c.Line), "%s inserts one row per iteration of the loop at line %d; use CopyFrom (COPY) or queue the rows in one pgx.Batch", describeGo(c), goLoopLine(f, c.Loop))
			}
		}
	}
	return nil
}

// manyRows: the parameters are a literal list of rows, an executemany.
func manyRows(params *python.Expr) bool {
	if params == nil || params.Kind != python.Tuple || len(params.Parts) < 2 {
		return false
	}
	for _, part := range params.Parts {
		if part.Kind != python.Dict && part.Kind != python.Tuple {
			return false
		}
	}
	return true
}
