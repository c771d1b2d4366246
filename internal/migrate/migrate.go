// Package migrate finds a repository's migration history, applies it to
// the review database the way the repo's own tool would, and records what
// happened: which migrations applied, where one failed, what each
// statement locked and rewrote (trace.go), and whether every down undoes
// its up (roundtrip.go).
package migrate

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Plan is a repository's migration history as found on disk.
type Plan struct {
	Tool       string // "golang-migrate", "goose", "alembic", ...
	Dir        string // repo-relative directory
	Migrations []*Migration
	// Runner applies this plan's migrations.
	Runner Runner
	// HasDowns says whether the tool has down migrations at all (plain
	// SQL, Prisma and init scripts do not), so a missing down matters.
	HasDowns bool
	// Problems are history defects found while reading it (duplicate
	// versions, broken chains); see history.go.
	Problems []HistoryProblem
	// Skipped are migrations that exist but cannot be replayed (goose Go
	// migrations, init shell scripts).
	Skipped []Skipped
	// Setup is what the postgres image runs at first start, before this
	// history: the init scripts the compose db service mounts. Nil when
	// there are none, or when they are the history itself.
	Setup *Plan
	// Late is what the tool does with a new migration ordered before one
	// a database already ran (see BaseProblems).
	Late LateRule
	// Base is the base branch's view of the history, when known.
	Base *Base
	// Bookkeeping are the tool's own tables ("public.schema_migrations"),
	// left out of round-trip comparisons: tools create them on first use
	// and never drop them.
	Bookkeeping []string

	hazards hazardCache // of the static analysis
}

// Skipped is a migration pgreview cannot replay, and why.
type Skipped struct {
	File   string
	Line   int
	Reason string
}

// Migration is one step of the history.
type Migration struct {
	// Version orders the migration as its tool does.
	Version string
	Name    string
	Up      *Script
	// Down is nil when the migration has no down.
	Down *Script
	// Parents are the versions this one follows, for tools with a graph
	// (Alembic's down_revision); empty for linear histories.
	Parents []string
	// Source is set by runners that do not run SQL themselves (Alembic):
	// the revision file as read statically.
	Source *PySource

	// prev is the version before this one in a linear history: what the
	// tool's bookkeeping says after this migration's down.
	prev string
}

// File is the migration's main file (its up script).
func (m *Migration) File() string {
	if m.Up != nil {
		return m.Up.File
	}
	return ""
}

// ID is a short, human name: "0003_add_orders".
func (m *Migration) ID() string {
	if m.Name == "" {
		return m.Version
	}
	return m.Version + "_" + m.Name
}

// Script is one direction of a migration: SQL statements from a file.
type Script struct {
	File string // repo-relative
	// Line is the first line of this script in File (a file may hold
	// several sections, as goose and dbmate files do).
	Line       int
	Statements []Statement
	// NoTransaction: the tool runs the statements outside a transaction.
	NoTransaction bool
	// Autocommit: the tool runs each statement on its own, the way psql -f
	// does; BEGIN and COMMIT in the script are sent as written.
	Autocommit bool
	// Shell: a shell script the tool runs as a process (an init script);
	// it has no statements of its own, the trace sees what it sends.
	Shell bool
	// Empty is true for a down that exists but does nothing
	// (`downgrade(): pass`, an empty `-- migrate:down` section).
	Empty bool
	// Err is set when the tool would refuse the script before running it
	// (an unknown Flyway placeholder, a goose file without Up): applying
	// it fails with this error, at its file and line.
	Err *ScriptError
}

// ScriptError is a script the tool refuses to run.
type ScriptError struct {
	File    string
	Line    int
	Message string
}

func (e *ScriptError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Message) }

// Statement is one SQL statement and where it is in its file.
type Statement struct {
	SQL  string
	Line int // 1-based line in the file where the statement starts
}

// Runner applies a plan's migrations the way the repo's tool would. Open
// starts a session (a connection, or a long-lived tool process); every
// Applier is closed by Apply on every path.
type Runner interface {
	Open(ctx context.Context, db *Session) (Applier, error)
}

// Applier applies one migration at a time in either direction, including
// the tool's bookkeeping table. It returns the statements it ran, for the
// trace; appliers that hand the work to another process return none.
type Applier interface {
	Up(ctx context.Context, m *Migration) ([]ExecutedStatement, error)
	Down(ctx context.Context, m *Migration) ([]ExecutedStatement, error)
	Close() error
}

// Session is the review database as a runner sees it.
type Session struct {
	// Conn is Apply's own connection, for runners that speak SQL.
	Conn *pgx.Conn
	// URL connects to the review database (for runners that start a
	// process); it holds the password, so never print it: use Redacted.
	URL string
	// Env is the environment for processes that runners start (nil: the
	// current process's environment).
	Env []string
	// Log reports progress; never nil.
	Log func(format string, args ...any)
}

// sqlRunner adapts per-migration functions over Apply's connection.
type sqlRunner struct {
	up, down func(ctx context.Context, conn *pgx.Conn, m *Migration) ([]ExecutedStatement, error)
}

func (r sqlRunner) Open(_ context.Context, db *Session) (Applier, error) {
	return sqlApplier{r: r, conn: db.Conn}, nil
}

type sqlApplier struct {
	r    sqlRunner
	conn *pgx.Conn
}

func (a sqlApplier) Up(ctx context.Context, m *Migration) ([]ExecutedStatement, error) {
	return a.r.up(ctx, a.conn, m)
}

func (a sqlApplier) Down(ctx context.Context, m *Migration) ([]ExecutedStatement, error) {
	if a.r.down == nil || m.Down == nil {
		return nil, errNoDown(m)
	}
	return a.r.down(ctx, a.conn, m)
}

func (sqlApplier) Close() error { return nil }

// Result is what applying a plan did. Its JSON form is the report's
// "migrations" block.
type Result struct {
	Tool string `json:"tool"`
	Dir  string `json:"dir"`
	// Runner says what applied the history when it is not pgreview itself:
	// "alembic 1.8.1 on /usr/bin/python3 (Python 3.11.2)".
	Runner    string        `json:"runner,omitempty"`
	Found     int           `json:"found"`
	Applied   int           `json:"applied"`
	Failed    *Failure      `json:"failed"`
	Roundtrip Roundtrip     `json:"roundtrip"`
	Duration  time.Duration `json:"-"`
	// Setup lists the init scripts applied before the history, as the
	// image runs them at first start; SetupSkipped says why they were not.
	Setup        []string `json:"-"`
	SetupSkipped string   `json:"-"`
	// SetupConflict is set when the history, on top of the init scripts,
	// failed to create what they had already created; this result is
	// then the history applied without them.
	SetupConflict *SetupConflict `json:"-"`
	// Steps are the applied migrations in order, with their statements
	// and what the trace saw them do.
	Steps []*Step `json:"-"`
	// Traced is true when the event-trigger trace ran; when false,
	// TraceUnavailable says why (a non-superuser database, say).
	Traced           bool   `json:"-"`
	TraceUnavailable string `json:"-"`
	// Trips are the per-migration round-trip outcomes.
	Trips []*Trip `json:"-"`
	// Phases is where the time went (up, down, reup, schema, trace), for
	// the benchmark and -v.
	Phases map[string]time.Duration `json:"-"`

	// origins maps objects to the statement that created them.
	origins map[string]origin
	hazards hazardCache
}

// Roundtrip is the outcome of up/down/up for every migration with a down.
type Roundtrip struct {
	Checked  bool     `json:"checked"`
	OK       bool     `json:"ok"`
	Problems []string `json:"problems"`
}

// Config is the migrations section of .pgreview.yml (plus the
// --migrate-command flag).
type Config struct {
	Tool         string
	Dir          string
	Command      string
	Placeholders map[string]string
	// Base, when set, gives the base branch's files, so edits to
	// migrations that were already applied elsewhere can be found.
	Base *Base
}

// Step is one applied migration.
type Step struct {
	Migration  *Migration
	Statements []ExecutedStatement
	Duration   time.Duration
	// Events are what the trace recorded while the migration ran.
	Events []Event
}

// ExecutedStatement is a statement that ran, and how long it took.
type ExecutedStatement struct {
	Statement
	File     string
	Duration time.Duration
	// InTransaction: the statement ran inside a transaction block.
	InTransaction bool
}

// Failure says where the history stopped applying.
type Failure struct {
	Migration string `json:"migration"`
	File      string `json:"file"`
	Line      int    `json:"line"`
	Statement string `json:"statement"`
	SQLState  string `json:"sqlstate"`
	Error     string `json:"error"`
	// InitScript: what failed is an init script run before the history
	// (Result.Setup), so no migration was applied.
	InitScript bool `json:"init_script,omitempty"`
}

// SetupConflict is a history that cannot run on the database its init
// scripts make: Failure is where it failed on top of them (Scripts).
type SetupConflict struct {
	Failure *Failure
	Scripts []string
}

// Origin returns the migration file and line of the statement that
// created object ("public.orders", "public.orders.user_id"), when the
// history created it.
func (r *Result) Origin(object string) (file string, line int, ok bool) {
	if r == nil || r.origins == nil {
		return "", 0, false
	}
	o, ok := r.originOf(object)
	return o.file, o.line, ok
}

type origin struct {
	file string
	line int
}
