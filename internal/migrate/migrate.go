// Package migrate finds a repository's migration history, applies it to
// the review database the way the repo's own tool would, and records what
// happened: which migrations applied, where one failed, and (see trace.go)
// what each statement locked and rewrote.
package migrate

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// Plan is a repository's migration history as found on disk.
type Plan struct {
	Tool       string // "golang-migrate", "plain", ...
	Dir        string // repo-relative directory
	Migrations []*Migration
	// Runner applies this plan's migrations.
	Runner Runner
}

// Migration is one step of the history.
type Migration struct {
	// Version orders the migration as its tool does.
	Version string
	Name    string
	Up      *Script
	// Down is nil when the migration has no down.
	Down *Script
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
}

// Statement is one SQL statement and where it is in its file.
type Statement struct {
	SQL  string
	Line int // 1-based line in the file where the statement starts
}

// Runner applies one migration in one direction over conn, the way the
// repo's migration tool would, including the tool's bookkeeping table.
// It returns the statements it ran, for the trace; runners that hand the
// work to another process (Alembic) return none.
type Runner interface {
	Up(ctx context.Context, conn *pgx.Conn, m *Migration) ([]ExecutedStatement, error)
	Down(ctx context.Context, conn *pgx.Conn, m *Migration) ([]ExecutedStatement, error)
}

// Result is what applying a plan did. Its JSON form is the report's
// "migrations" block.
type Result struct {
	Tool      string        `json:"tool"`
	Dir       string        `json:"dir"`
	Found     int           `json:"found"`
	Applied   int           `json:"applied"`
	Failed    *Failure      `json:"failed"`
	Roundtrip Roundtrip     `json:"roundtrip"`
	Duration  time.Duration `json:"-"`
	// Steps are the applied migrations in order, with their statements.
	Steps []*Step `json:"-"`

	// origins maps objects to the statement that created them.
	origins map[string]origin
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
}

// Step is one applied migration.
type Step struct {
	Migration  *Migration
	Statements []ExecutedStatement
	Duration   time.Duration
}

// ExecutedStatement is a statement that ran, and how long it took.
type ExecutedStatement struct {
	Statement
	File     string
	Duration time.Duration
}

// Failure says where the history stopped applying.
type Failure struct {
	Migration string `json:"migration"`
	File      string `json:"file"`
	Line      int    `json:"line"`
	Statement string `json:"statement"`
	SQLState  string `json:"sqlstate"`
	Error     string `json:"error"`
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
