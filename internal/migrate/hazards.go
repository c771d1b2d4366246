package migrate

import (
	"fmt"
	"strings"
	"sync"
)

// HazardKind names a way a migration can hurt a live database.
type HazardKind string

const (
	HazardRewrite            HazardKind = "table-rewrite"
	HazardVolatileDefault    HazardKind = "volatile-default"
	HazardIndexNotConcurrent HazardKind = "index-not-concurrent"
	HazardConstraintScan     HazardKind = "constraint-scan"
	HazardSetNotNull         HazardKind = "set-not-null"
	HazardNoLockTimeout      HazardKind = "no-lock-timeout"
	HazardLockHeld           HazardKind = "exclusive-lock-held"
	HazardBreaking           HazardKind = "breaking-change"
	HazardConcurrentlyInTx   HazardKind = "concurrently-in-transaction"
)

// Hazard is one unsafe statement on a table that existed before its
// migration (a table created by the same migration is empty and unused).
type Hazard struct {
	Kind      HazardKind
	Migration string // ID
	File      string
	Line      int
	Table     string // qualified
	Statement string // its first line
	// What says what the statement does, for the message: "changes the
	// type of column email to varchar", "builds index orders_status_idx".
	What string
	// Traced: the trace saw it happen (a rewrite, the lock); otherwise it
	// is read from the SQL alone.
	Traced bool
}

// op is one statement as it ran (or would run): where it is, its SQL,
// whether it ran in a transaction, and what the trace saw it do.
type op struct {
	m      *Migration
	file   string
	line   int
	sql    string
	inTx   bool
	xid    string
	events []Event
	facts  []facts
}

// Hazards is HazardsOf(p, res), computed once and shared by every check
// that reads it.
func (p *Plan) Hazards(res *Result) []Hazard {
	c := &p.hazards
	if res != nil {
		c = &res.hazards
	}
	c.once.Do(func() { c.list = HazardsOf(p, res) })
	return c.list
}

type hazardCache struct {
	once sync.Once
	list []Hazard
}

// HazardsOf analyses the history: the applied migrations with what the
// trace recorded, the others (or all, when no database ran) from their SQL.
// When the plan knows its base branch, only the pull request's new
// migrations are analysed: the others have run against production data
// already (an edited one never runs again there). A table that one of the
// new migrations creates is then new in production too, empty and unused
// until they have all run: what a later one does to it is no hazard.
func HazardsOf(plan *Plan, res *Result) []Hazard {
	if plan == nil {
		return nil
	}
	applied := map[*Migration]*Step{}
	traced := res != nil && res.Traced
	if res != nil {
		for _, s := range res.Steps {
			applied[s.Migration] = s
		}
	}
	var out []Hazard
	createdByPR := map[string]bool{}
	for _, m := range plan.Migrations {
		if !plan.IsNew(m) {
			continue
		}
		created := map[string]bool{}
		if plan.Base != nil {
			created = createdByPR
		}
		var ops []*op
		isTraced := false
		if s, ok := applied[m]; ok && traced {
			ops, isTraced = tracedOps(m, s), true
		} else {
			ops = staticOps(m)
		}
		out = append(out, migrationHazards(m, ops, isTraced, created)...)
	}
	return out
}

// staticOps are a migration's statements as its script runs them (for
// Alembic, as its op.* calls would emit them).
func staticOps(m *Migration) []*op {
	if m.Source != nil {
		return alembicStaticOps(m)
	}
	s := m.Up
	if s == nil || s.Err != nil {
		return nil
	}
	var ops []*op
	inTx := !s.NoTransaction && !s.Autocommit
	for _, st := range s.Statements {
		if s.Autocommit && isTransactionControl(st.SQL) {
			u := strings.ToUpper(strings.TrimSpace(st.SQL))
			inTx = strings.HasPrefix(u, "BEGIN") || strings.HasPrefix(u, "START")
			continue
		}
		ops = append(ops, &op{m: m, file: s.File, line: st.Line, sql: st.SQL, inTx: inTx, facts: statementFacts(st.SQL)})
	}
	return ops
}

// tracedOps pairs the statements pgreview ran with the trace's events
// (matched by the query text the server saw), or, for tools that ran
// their own SQL (Alembic, a command), builds the statements from the
// events and finds each one's line in the revision file.
func tracedOps(m *Migration, s *Step) []*op {
	var ops []*op
	if len(s.Statements) > 0 {
		for _, st := range s.Statements {
			ops = append(ops, &op{m: m, file: st.File, line: st.Line, sql: st.SQL, inTx: st.InTransaction, facts: statementFacts(st.SQL)})
		}
		i := 0
		for _, e := range s.Events {
			for j := i; j < len(ops); j++ {
				if strings.TrimSpace(ops[j].sql) == strings.TrimSpace(e.Query) {
					ops[j].events = append(ops[j].events, e)
					ops[j].xid, i = e.Xid, j
					break
				}
			}
		}
		return ops
	}
	cursor := 0
	for _, e := range s.Events {
		if n := len(ops); n > 0 && ops[n-1].sql == e.Query && ops[n-1].xid == e.Xid {
			ops[n-1].events = append(ops[n-1].events, e)
			continue
		}
		o := &op{m: m, file: m.File(), sql: e.Query, xid: e.Xid, events: []Event{e}, facts: statementFacts(e.Query)}
		o.inTx = true
		o.line = locateCall(m, o.facts, e.Query, &cursor)
		ops = append(ops, o)
	}
	// Statements of one transaction share an xid; a statement alone in its
	// xid (CREATE INDEX CONCURRENTLY in an autocommit block) ran outside.
	for i, o := range ops {
		if o.facts != nil && len(o.facts) == 1 && o.facts[0].concurrent {
			prevSame := i > 0 && ops[i-1].xid == o.xid
			nextSame := i+1 < len(ops) && ops[i+1].xid == o.xid
			o.inTx = prevSame || nextSame
		}
	}
	return ops
}

// migrationHazards applies the rules to one migration's statements.
// migrationHazards judges m's statements; created holds the tables that
// are new (created by m, or by the pull request before it), and gets m's.
func migrationHazards(m *Migration, ops []*op, traced bool, created map[string]bool) []Hazard {
	var out []Hazard
	lockTimeout, localTimeout := "0", false
	timeoutReported := false
	var held *heldLock // an ACCESS EXCLUSIVE lock held in the open transaction
	add := func(o *op, kind HazardKind, table, what string, wasTraced bool) {
		out = append(out, Hazard{Kind: kind, Migration: m.ID(), File: o.file, Line: o.line, Table: table, Statement: firstLine(o.sql), What: what, Traced: wasTraced})
	}
	for _, o := range ops {
		timeout := lockTimeout
		if len(o.events) > 0 {
			timeout = o.events[0].LockTimeout
		}
		// A lock held by an earlier statement ends with its transaction.
		if held != nil && (!o.inTx || o.xid != "" && held.xid != "" && o.xid != held.xid) {
			held = nil
		}
		for _, f := range o.facts {
			if f.lockTimeout != nil {
				lockTimeout, localTimeout = *f.lockTimeout, f.localSet && o.inTx
			}
			for _, c := range f.creates {
				created[c] = true
			}
			if f.dml && held != nil && !held.reported {
				h := held.h
				h.What = fmt.Sprintf("takes ACCESS EXCLUSIVE on %s and holds it until commit while line %d changes rows", h.Table, o.line)
				out = append(out, h)
				held.reported = true
			}
			if f.table == "" || created[f.table] {
				continue
			}
			t := f.table
			slow := ""
			switch {
			case f.indexBuild && !f.concurrent:
				add(o, HazardIndexNotConcurrent, t, fmt.Sprintf("builds index %s on %s without CONCURRENTLY, blocking writes to %s for the whole build", orUnnamed(f.indexName), t, t), traced && hasLock(o, "ShareLock"))
				slow = "builds an index"
			case f.indexBuild && f.concurrent && o.inTx:
				add(o, HazardConcurrentlyInTx, t, fmt.Sprintf("runs CREATE INDEX CONCURRENTLY on %s inside a transaction block, where Postgres refuses it", t), false)
			}
			if f.constraint != "" {
				add(o, HazardConstraintScan, t, fmt.Sprintf("adds %s to %s without NOT VALID: every row is checked while writes are blocked", f.constraint, t), false)
				slow = "validates a constraint"
			}
			if f.uniqueBuild != "" {
				add(o, HazardConstraintScan, t, fmt.Sprintf("adds %s to %s, building its index while holding ACCESS EXCLUSIVE (reads and writes blocked)", f.uniqueBuild, t), false)
				slow = "builds a unique index"
			}
			if f.setNotNull != "" {
				add(o, HazardSetNotNull, t, fmt.Sprintf("sets %s.%s NOT NULL, scanning the whole table under ACCESS EXCLUSIVE", t, f.setNotNull), false)
				slow = "scans for NULLs"
			}
			rewrite := rewriteOf(o)
			switch {
			case f.volatileDef != "" && (!traced || rewrite != nil):
				add(o, HazardVolatileDefault, t, fmt.Sprintf("adds column %s with volatile default %s: every row gets its own value, so %s is rewritten under ACCESS EXCLUSIVE", f.volatileDef, f.volatileFn, t), rewrite != nil)
				slow = "rewrites the table"
			case traced && rewrite != nil:
				add(o, HazardRewrite, t, fmt.Sprintf("rewrites %s (%s) under ACCESS EXCLUSIVE: reads and writes wait for a full copy of the table", t, rewriteReason(rewrite.RewriteReason, f)), true)
				slow = "rewrites the table"
			case !traced && f.typeChange != "" && !binaryCompatibleTarget(f.typeTarget):
				add(o, HazardRewrite, t, fmt.Sprintf("changes the type of %s.%s to %s, which rewrites the table under ACCESS EXCLUSIVE unless the old type is binary-compatible", t, f.typeChange, f.typeTarget), false)
				slow = "rewrites the table"
			}
			for _, d := range f.drops {
				add(o, HazardBreaking, t, "drops "+d+": running application instances that still use it fail until they are redeployed", false)
			}
			for _, r := range f.renames {
				add(o, HazardBreaking, t, "renames "+r+": running application instances that use the old name fail until they are redeployed", false)
			}
			takesAE := f.alters && (!traced || len(o.events) == 0 || hasLock(o, "AccessExclusiveLock"))
			if takesAE && timeout == "0" && !timeoutReported {
				timeoutReported = true
				add(o, HazardNoLockTimeout, t, fmt.Sprintf("takes ACCESS EXCLUSIVE on %s with no lock_timeout: if it waits behind a long query, every read and write of %s queues behind it", t, t), traced && len(o.events) > 0)
			}
			if held != nil && !held.reported && slow != "" {
				h := held.h
				h.What = fmt.Sprintf("takes ACCESS EXCLUSIVE on %s and holds it until commit while line %d %s", h.Table, o.line, slow)
				out = append(out, h)
				held.reported = true
			}
			if takesAE && held == nil && o.inTx {
				held = &heldLock{h: Hazard{Kind: HazardLockHeld, Migration: m.ID(), File: o.file, Line: o.line, Table: t, Statement: firstLine(o.sql), Traced: traced}, xid: o.xid}
			}
		}
		if !o.inTx && localTimeout {
			lockTimeout, localTimeout = "0", false
		}
	}
	return out
}

type heldLock struct {
	h        Hazard
	xid      string
	reported bool
}

func orUnnamed(s string) string {
	if s == "" {
		return "(unnamed)"
	}
	return s
}

// hasLock reports whether the trace saw the statement hold a lock of
// mode on the relation its commands were about.
func hasLock(o *op, mode string) bool {
	for _, e := range o.events {
		if e.RelID == 0 || e.Kind != "ddl" {
			continue
		}
		for _, l := range e.Locks {
			if l.Mode == mode && l.Rel == e.RelID {
				return true
			}
		}
	}
	return false
}

func rewriteOf(o *op) *Event {
	for i, e := range o.events {
		if e.Kind == "rewrite" {
			return &o.events[i]
		}
	}
	return nil
}

// rewriteReason explains pg_event_trigger_table_rewrite_reason().
func rewriteReason(reason int, f facts) string {
	switch {
	case reason&4 != 0 && f.typeChange != "":
		return "the type of column " + f.typeChange + " changes to " + f.typeTarget
	case reason&4 != 0:
		return "a column type changes"
	case reason&2 != 0:
		return "a new column needs a value per row"
	case reason&1 != 0:
		return "its persistence changes (LOGGED/UNLOGGED)"
	case reason&8 != 0:
		return "its access method changes"
	}
	return "reason " + itoa(reason)
}

// binaryCompatibleTarget: changing to these types is often free
// (varchar(n) widening, varchar to text); without the trace pgreview
// cannot tell, so it says nothing rather than guess.
func binaryCompatibleTarget(t string) bool {
	switch t {
	case "varchar", "text", "numeric", "bpchar", "varbit", "citext":
		return true
	}
	return false
}
