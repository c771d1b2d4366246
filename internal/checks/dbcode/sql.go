// Package dbcode finds what a repository's code does with the database:
// which Python and Go calls read, write, commit, roll back or open a
// transaction, on which session, connection or pool, in which function,
// loop and error handler. The logic, resilience and testing checks read
// this one index, built once per repository from the parse-once models.
package dbcode

import (
	"regexp"
	"strings"
)

// Op is what a database call does.
type Op int

const (
	OpNone      Op = iota
	OpRead         // SELECT, session.get/query/scalars, pgx Query
	OpWrite        // INSERT/UPDATE/DELETE, session.add/delete/merge
	OpDDL          // CREATE/ALTER/DROP
	OpExecute      // execute of a statement we cannot read
	OpCommit       // commit
	OpRollback     // rollback
	OpBegin        // begin a transaction (session.begin, pool.Begin, conn.transaction)
	OpFlush        // session.flush
	OpClose        // close a session or connection
	OpBulkWrite    // executemany, COPY, pgx CopyFrom/Batch
	OpPing         // a liveness probe (pool.Ping)
)

var opNames = map[Op]string{
	OpRead: "read", OpWrite: "write", OpDDL: "ddl", OpExecute: "execute", OpCommit: "commit",
	OpRollback: "rollback", OpBegin: "begin", OpFlush: "flush", OpClose: "close",
	OpBulkWrite: "bulk write", OpPing: "ping",
}

func (o Op) String() string { return opNames[o] }

// Work reports whether the call does database work that can fail with a
// data or connection error: queries, writes, commits, flushes.
func (o Op) Work() bool {
	switch o {
	case OpRead, OpWrite, OpDDL, OpExecute, OpCommit, OpFlush, OpBulkWrite:
		return true
	}
	return false
}

// Query reports whether the call sends a statement (not a transaction
// control call).
func (o Op) Query() bool {
	switch o {
	case OpRead, OpWrite, OpDDL, OpExecute, OpBulkWrite:
		return true
	}
	return false
}

var (
	sqlComment = regexp.MustCompile(`(?s)^(\s+|--[^\n]*\n?|/\*.*?\*/)+`)
	firstWord  = regexp.MustCompile(`^[A-Za-z]+`)
	dmlInWith  = regexp.MustCompile(`(?i)\)\s*(INSERT|UPDATE|DELETE|MERGE)\b`)
)

// SQLOp classifies a statement by its first keyword. ok is false when the
// text does not start like SQL.
func SQLOp(sql string) (op Op, ok bool) {
	s := sqlComment.ReplaceAllString(sql, "")
	switch strings.ToUpper(firstWord.FindString(s)) {
	case "SELECT", "SHOW", "EXPLAIN", "VALUES", "TABLE":
		return OpRead, true
	case "WITH":
		if dmlInWith.MatchString(s) {
			return OpWrite, true
		}
		return OpRead, true
	case "INSERT", "UPDATE", "DELETE", "MERGE", "UPSERT", "TRUNCATE":
		return OpWrite, true
	case "COPY":
		return OpBulkWrite, true
	case "CREATE", "ALTER", "DROP", "GRANT", "REVOKE", "COMMENT", "REINDEX", "VACUUM", "ANALYZE", "CLUSTER", "REFRESH":
		return OpDDL, true
	case "BEGIN", "START":
		return OpBegin, true
	case "COMMIT", "END":
		return OpCommit, true
	case "ROLLBACK", "ABORT":
		return OpRollback, true
	case "SET", "RESET", "LOCK", "CALL", "DO", "NOTIFY", "LISTEN", "PREPARE", "EXECUTE", "DISCARD", "SAVEPOINT", "RELEASE":
		return OpExecute, true
	}
	return OpNone, false
}

// SQLHead is the start of a statement on one line, for messages.
func SQLHead(sql string) string {
	s := strings.Join(strings.Fields(sql), " ")
	if len(s) > 64 {
		s = s[:61] + "…"
	}
	return s
}

// Table is the table a simple INSERT, UPDATE, DELETE or TRUNCATE names.
func Table(sql string) string {
	m := tableRe.FindStringSubmatch(sqlComment.ReplaceAllString(sql, ""))
	if m == nil {
		return ""
	}
	return strings.Trim(m[1], `"`)
}

var whereRe = regexp.MustCompile(`\bWHERE\b`)

var tableRe = regexp.MustCompile(`(?i)^(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?|DROP\s+TABLE(?:\s+IF\s+EXISTS)?)\s+(?:ONLY\s+)?([A-Za-z_"][\w."]*)`)

// CreatedTables lists the tables that CREATE TABLE statements in a text
// create, schema-qualified names reduced to the table.
func CreatedTables(text string) []string {
	var out []string
	for _, m := range createTable.FindAllStringSubmatch(text, -1) {
		out = append(out, BareTable(m[1]))
	}
	return out
}

var createTable = regexp.MustCompile(`(?i)\bCREATE\s+(?:(?:GLOBAL\s+|LOCAL\s+)?(?:TEMP|TEMPORARY|UNLOGGED)\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([A-Za-z_"][\w."]*)`)

// BareTable drops the schema and quotes: public."Orders" -> orders.
func BareTable(name string) string {
	if i := strings.LastIndex(name, "."); i >= 0 {
		name = name[i+1:]
	}
	return strings.ToLower(strings.Trim(name, `"`))
}

// WipesTable reports whether a statement empties a table: TRUNCATE, or a
// DELETE without a WHERE clause.
func WipesTable(sql string) bool {
	s := strings.ToUpper(sqlComment.ReplaceAllString(sql, ""))
	switch {
	case strings.HasPrefix(s, "TRUNCATE"):
		return true
	case strings.HasPrefix(s, "DELETE"):
		return !whereRe.MatchString(s)
	case strings.HasPrefix(s, "DROP TABLE"), strings.HasPrefix(s, "DROP SCHEMA"), strings.HasPrefix(s, "DROP DATABASE"):
		return true
	}
	return false
}
