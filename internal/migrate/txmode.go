package migrate

import (
	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// sentAsOneQuery sets how a script runs when its tool sends the whole file
// as one simple-protocol query (golang-migrate, Prisma, dbmate with
// transaction:false): several statements share one implicit transaction,
// a single statement runs on its own, and a script with its own BEGIN and
// COMMIT runs as written.
func sentAsOneQuery(s *Script) {
	switch {
	case hasTransactionControl(s.Statements):
		s.Autocommit = true
	case len(s.Statements) <= 1:
		s.NoTransaction = true
	}
}

// hasTransactionControl reports whether statements include BEGIN, COMMIT
// or ROLLBACK.
func hasTransactionControl(stmts []Statement) bool {
	for _, st := range stmts {
		if isTransactionControl(st.SQL) {
			return true
		}
	}
	return false
}

func isTransactionControl(sql string) bool {
	tree, err := pg_query.Parse(sql)
	if err != nil || len(tree.Stmts) != 1 {
		return false
	}
	_, ok := tree.Stmts[0].Stmt.Node.(*pg_query.Node_TransactionStmt)
	return ok
}

// nonTransactional reports whether Postgres refuses to run sql inside a
// transaction block (CREATE INDEX CONCURRENTLY, VACUUM, CREATE DATABASE...).
func nonTransactional(sql string) bool {
	tree, err := pg_query.Parse(sql)
	if err != nil || len(tree.Stmts) != 1 {
		return false
	}
	switch n := tree.Stmts[0].Stmt.Node.(type) {
	case *pg_query.Node_IndexStmt:
		return n.IndexStmt.Concurrent
	case *pg_query.Node_DropStmt:
		return n.DropStmt.Concurrent
	case *pg_query.Node_ReindexStmt:
		for _, p := range n.ReindexStmt.Params {
			if p.GetDefElem().GetDefname() == "concurrently" {
				return true
			}
		}
	case *pg_query.Node_VacuumStmt, *pg_query.Node_CreatedbStmt, *pg_query.Node_DropdbStmt,
		*pg_query.Node_CreateTableSpaceStmt, *pg_query.Node_DropTableSpaceStmt, *pg_query.Node_AlterSystemStmt,
		*pg_query.Node_CreateSubscriptionStmt, *pg_query.Node_DropSubscriptionStmt:
		return true
	case *pg_query.Node_AlterTableStmt:
		for _, c := range n.AlterTableStmt.Cmds {
			if c.GetAlterTableCmd().GetSubtype() == pg_query.AlterTableType_AT_DetachPartition && c.GetAlterTableCmd().GetDef().GetPartitionCmd().GetConcurrent() {
				return true
			}
		}
	}
	return false
}
