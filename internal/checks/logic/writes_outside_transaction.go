package logic

import (
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/dbcode"
	"github.com/pgreview/pgreview/internal/python"
)

// WritesOutsideTransaction finds related writes that commit separately.
var WritesOutsideTransaction = &check.Check{
	Name:     "writes-outside-transaction",
	Item:     "6.2",
	Severity: check.Important,
	Doc: `Write what belongs together in one transaction.

Two writes in one operation (an order and its first event, both legs of a
transfer) that commit separately can half-happen: when the second fails the
first stays, and the data is inconsistent. In Go every pool.Exec / db.Exec
outside a transaction commits on its own, and so does every asyncpg
conn.execute outside "async with conn.transaction()"; with a SQLAlchemy
session a commit() between two writes splits them. Put them in one
transaction:

  err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
      if _, err := tx.Exec(ctx, updateOrder, id); err != nil {
          return err
      }
      _, err := tx.Exec(ctx, insertEvent, id)
      return err
  })

  with Session(engine) as session, session.begin():
      session.add(user)
      session.flush()  # user.id is set here, without committing
      session.add(Profile(user_id=user.id))`,
	Run: runWritesOutsideTransaction,
}

func runWritesOutsideTransaction(p *check.Pass) error {
	if dbcode.NoDatabase(p) {
		return nil
	}
	px := dbcode.PythonIndex(p.Repo)
	for _, pm := range px.AppModules() {
		for _, f := range pm.Funcs {
			pf := px.Func(f)
			if pf == nil {
				continue
			}
			pythonSplitCommits(p, pm, pf)
			asyncpgAutocommit(p, pm, pf)
		}
	}
	for _, f := range dbcode.GoIndex(p.Repo).AppFiles() {
		for _, fn := range f.Funcs {
			var first *dbcode.GoCall
			for _, c := range fn.Calls {
				if c.Handle != dbcode.HandlePool || c.Loop != nil || c.Conditional || c.Deferred || !writes(c.Op) {
					continue
				}
				if first == nil {
					first = c
					continue
				}
				p.Reportf(at(f.Path, c.Line), "%s writes twice outside a transaction (%s at line %d, then %s): each statement commits on its own, so when this one fails the first stays; run both in one transaction (pgx.BeginFunc, or db.BeginTx with a deferred Rollback)", fn.Name, describeGo(first), first.Line, describeGo(c))
				break
			}
		}
	}
	return nil
}

func writes(op dbcode.Op) bool { return op == dbcode.OpWrite || op == dbcode.OpBulkWrite }

// pythonSplitCommits reports a function that writes, commits, writes
// again and commits again on the same session, unconditionally.
func pythonSplitCommits(p *check.Pass, pm *dbcode.PyModule, pf *dbcode.PyFunc) {
	type segment struct{ write, commit *dbcode.PyCall }
	open := map[string]*dbcode.PyCall{} // receiver -> first write since its last commit
	var done []segment
	for _, c := range pf.Calls {
		if len(c.Loops) > 0 || c.Conditional || c.Handler != nil {
			continue
		}
		switch {
		case writes(c.Op):
			if open[c.Recv] == nil {
				open[c.Recv] = c
			}
		case c.Op == dbcode.OpCommit && open[c.Recv] != nil:
			seg := segment{write: open[c.Recv], commit: c}
			delete(open, c.Recv)
			for _, d := range done {
				if d.commit.Recv == c.Recv {
					p.Reportf(at(pm.Path, c.Line), "%s() commits twice: the write at line %d is committed at line %d, the write at line %d separately here, so when this commit fails the first write stays; flush() to get generated keys and commit once (or use \"with session.begin():\")", pf.Name, d.write.Line, d.commit.Line, seg.write.Line)
					return
				}
			}
			done = append(done, seg)
		}
	}
}

// asyncpgAutocommit reports two writes of one function on an asyncpg
// connection or pool outside "async with conn.transaction()": asyncpg
// commits every statement on its own unless a transaction is open.
func asyncpgAutocommit(p *check.Pass, pm *dbcode.PyModule, pf *dbcode.PyFunc) {
	if !pm.ImportsAny("asyncpg") || pm.ImportsAny("sqlalchemy", "sqlmodel", "databases") {
		return
	}
	first := map[string]*dbcode.PyCall{}
	for _, c := range pf.Calls {
		if !c.Await || c.Op != dbcode.OpWrite || c.Method != "execute" || len(c.Loops) > 0 || c.Conditional || c.Handler != nil || inTransaction(c) {
			continue
		}
		if strings.Contains(strings.ToLower(c.Recv), "session") {
			continue
		}
		f := first[c.Recv]
		if f == nil {
			first[c.Recv] = c
			continue
		}
		p.Reportf(at(pm.Path, c.Line), "%s() writes twice through asyncpg outside a transaction (%s at line %d, then %s): asyncpg commits each statement on its own, so when this one fails the first stays; wrap both in \"async with %s.transaction():\"", pf.Name, describe(f), f.Line, describe(c), c.Recv)
		return
	}
}

// inTransaction: the call runs inside "with x.transaction()" (asyncpg,
// psycopg) or "with x.begin()".
func inTransaction(c *dbcode.PyCall) bool {
	for _, w := range c.With {
		if w != nil && w.Kind == python.CallExpr && (w.Call.Method == "transaction" || w.Call.Method == "begin") {
			return true
		}
	}
	return false
}
