package migrate

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"
)

// The trace is tool-agnostic: event triggers see the DDL of our own
// connection, of an Alembic process and of a custom command alike.
//
//go:embed trace.sql
var traceSQL string

const removeTraceSQL = `
DROP EVENT TRIGGER IF EXISTS _pgreview_trace_ddl;
DROP EVENT TRIGGER IF EXISTS _pgreview_trace_drop;
DROP EVENT TRIGGER IF EXISTS _pgreview_trace_rewrite;
DROP SCHEMA IF EXISTS _pgreview_trace CASCADE`

// TraceSchema is the schema that holds the trace while migrations run.
const TraceSchema = "_pgreview_trace"

// Event is one thing the trace saw: a DDL command ("ddl"), an object it
// dropped ("drop"), or a table rewrite ("rewrite").
type Event struct {
	ID         int64
	Kind       string // ddl, drop, rewrite
	Tag        string // command tag: "ALTER TABLE"
	ObjectType string // "table", "index", "table column", ...
	Identity   string // "public.orders", "public.orders.status"
	ObjID      uint32
	// RelID is the relation the command is about: the table itself, or
	// the table of an index.
	RelID uint32
	// Xid is the transaction it ran in ("" outside one).
	Xid string
	// Query is the client's statement as the server received it.
	Query string
	// started is when that statement started: the same for every event
	// of one run of it, so two runs of the same text can be told apart.
	started string
	// Locks are the relation locks the backend held at that moment.
	Locks         []Lock
	LockTimeout   string
	RewriteReason int
	// Original: a drop event for the object the statement named (not a
	// dependent dropped with it).
	Original bool
}

// Lock is a relation lock.
type Lock struct {
	Rel  uint32
	Mode string // "AccessExclusiveLock", ...
}

// installTrace creates the trace objects. It fails when the role may not
// create event triggers (they need a superuser).
func installTrace(ctx context.Context, conn *pgx.Conn) error {
	if _, err := conn.Exec(ctx, removeTraceSQL); err != nil {
		return err
	}
	_, err := conn.Exec(ctx, traceSQL)
	return err
}

// removeTrace drops every trace object, so none shows up in the catalog.
func removeTrace(ctx context.Context, conn *pgx.Conn) error {
	_, err := conn.Exec(ctx, removeTraceSQL)
	return err
}

// traceLog reads the trace's log in order. Its rows are never deleted: a
// DELETE leaves dead rows that every later read scans again, while reading
// past the last id seen goes through the primary key and touches only the
// new rows.
type traceLog struct{ seen int64 }

const readEventsSQL = `SELECT id, event, coalesce(tag, ''), coalesce(object_type, ''),
	coalesce(identity, ''), coalesce(objid, 0), coalesce(relid, 0), coalesce(xid, ''), coalesce(query, ''), coalesce(started::text, ''),
	coalesce(locks, '[]'), coalesce(lock_timeout, ''), coalesce(rewrite_reason, 0), coalesce(original, false)
	FROM _pgreview_trace.log WHERE id > $1 ORDER BY id`

// take reads what the trace logged since the last read.
func (l *traceLog) take(ctx context.Context, conn *pgx.Conn) ([]Event, error) {
	rows, err := conn.Query(ctx, readEventsSQL, l.seen)
	if err != nil {
		return nil, fmt.Errorf("read the trace: %w", err)
	}
	return l.scan(rows)
}

// queue adds the read to a batch; its rows go to scan.
func (l *traceLog) queue(b *pgx.Batch) { b.Queue(readEventsSQL, l.seen) }

func (l *traceLog) scan(rows pgx.Rows) ([]Event, error) {
	events, err := scanEvents(rows)
	if err != nil {
		return nil, err
	}
	if n := len(events); n > 0 {
		l.seen = events[n-1].ID
	}
	return events, nil
}

func scanEvents(rows pgx.Rows) ([]Event, error) {
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var locks []byte
		if err := rows.Scan(&e.ID, &e.Kind, &e.Tag, &e.ObjectType, &e.Identity, &e.ObjID, &e.RelID, &e.Xid, &e.Query, &e.started, &locks, &e.LockTimeout, &e.RewriteReason, &e.Original); err != nil {
			return nil, fmt.Errorf("read the trace: %w", err)
		}
		e.Locks = parseLocks(locks)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read the trace: %w", err)
	}
	return out, nil
}

func parseLocks(b []byte) []Lock {
	var raw [][2]any
	if json.Unmarshal(b, &raw) != nil {
		return nil
	}
	out := make([]Lock, 0, len(raw))
	for _, l := range raw {
		var rel uint32
		switch v := l[0].(type) {
		case float64:
			rel = uint32(v)
		case string:
			n, _ := strconv.ParseUint(v, 10, 32)
			rel = uint32(n)
		}
		mode, _ := l[1].(string)
		out = append(out, Lock{Rel: rel, Mode: mode})
	}
	return out
}
