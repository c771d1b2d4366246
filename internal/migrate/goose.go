package migrate

import (
	"context"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/pgreview/pgreview/internal/repo"
)

// goose's file names: a numeric version, an underscore, a name; SQL or Go.
var gooseName = regexp.MustCompile(`^(\d+)_(.+)\.(sql|go)$`)

// gooseAnnotation is `-- +goose Up` and friends; goose lowercases the
// annotation word, so `-- +goose up` works too.
var gooseAnnotation = regexp.MustCompile(`(?i)^--\s*\+goose\s+(.*?)\s*$`)

func gooseScore(r *repo.Repo, dir string) int {
	n := 0
	for _, f := range filesIn(r, dir) {
		if m := gooseName.FindStringSubmatch(path.Base(f.Path)); m != nil {
			if m[3] == "go" && strings.Contains(f.Text(), "goose.Add") || m[3] == "sql" && gooseAnnotation.MatchString(firstAnnotation(f.Text())) {
				n++
			}
		}
	}
	return n
}

// firstAnnotation returns the first line that starts with "-- +goose".
func firstAnnotation(text string) string {
	for _, line := range strings.Split(text, "\n") {
		if gooseAnnotation.MatchString(strings.TrimRight(line, "\r")) {
			return strings.TrimRight(line, "\r")
		}
	}
	return ""
}

// loadGoose reads goose migrations ordered by version. Go migrations are
// compiled into the repo's own binary and cannot be replayed: they are
// listed as skipped and the review carries on without them.
func loadGoose(r *repo.Repo, dir string) (*Plan, error) {
	plan := &Plan{Tool: "goose", Dir: dir, Late: gooseLate, Runner: goose{}, HasDowns: true, Bookkeeping: []string{"public.goose_db_version"}}
	byVersion := map[int64]*Migration{}
	files := map[int64]string{}
	for _, f := range filesIn(r, dir) {
		m := gooseName.FindStringSubmatch(path.Base(f.Path))
		if m == nil {
			continue
		}
		v, err := strconv.ParseInt(m[1], 10, 64)
		if err != nil || v < 1 {
			r.Warn(f.Path, 1, "goose needs a version from 1 to 2^63-1; this file is ignored")
			continue
		}
		if other, dup := files[v]; dup {
			plan.Problems = append(plan.Problems, duplicateVersion(f.Path, m[1], other))
			continue
		}
		files[v] = f.Path
		if m[3] == "go" {
			plan.Skipped = append(plan.Skipped, Skipped{File: f.Path, Line: goMigrationLine(f.Text()),
				Reason: fmt.Sprintf("goose Go migration %s runs only inside the repo's own binary; pgreview cannot replay it, so later migrations are applied without it", m[1])})
			continue
		}
		mig, perr := parseGoose(f.Path, f.Text())
		if perr != nil {
			mig = &Migration{Up: &Script{File: f.Path, Line: perr.Line, Err: perr}}
		}
		mig.Version, mig.Name = m[1], m[2]
		byVersion[v] = mig
	}
	versions := make([]int64, 0, len(byVersion))
	for v := range byVersion {
		versions = append(versions, v)
	}
	sort.Slice(versions, func(i, j int) bool { return versions[i] < versions[j] })
	for _, v := range versions {
		plan.Migrations = append(plan.Migrations, byVersion[v])
	}
	return plan, nil
}

func goMigrationLine(text string) int {
	if i := strings.Index(text, "goose.Add"); i >= 0 {
		return strings.Count(text[:i], "\n") + 1
	}
	return 1
}

// parseGoose splits a goose SQL file the way goose's own parser does: the
// Up and Down sections, statements ending at a line that ends with a
// semicolon, StatementBegin/End blocks kept whole, and NO TRANSACTION.
func parseGoose(file, text string) (*Migration, *ScriptError) {
	var up, down *Script
	var cur *Script
	noTx := false
	inBlock := false
	var buf []string
	startLine := 0
	flush := func(end int) {
		sql := strings.TrimSpace(strings.Join(buf, "\n"))
		sql = strings.TrimSuffix(sql, ";")
		if cur != nil && strings.TrimSpace(sql) != "" {
			cur.Statements = append(cur.Statements, Statement{SQL: strings.TrimSpace(sql), Line: startLine})
		}
		buf, startLine = nil, 0
	}
	lines := strings.Split(text, "\n")
	for i, raw := range lines {
		line := strings.TrimRight(raw, "\r")
		n := i + 1
		if m := gooseAnnotation.FindStringSubmatch(line); m != nil {
			switch strings.ToLower(m[1]) {
			case "up":
				flush(n)
				up = &Script{File: file, Line: n}
				cur = up
			case "down":
				flush(n)
				down = &Script{File: file, Line: n}
				cur = down
			case "statementbegin":
				flush(n)
				inBlock = true
			case "statementend":
				if !inBlock {
					return nil, &ScriptError{File: file, Line: n, Message: "`-- +goose StatementEnd` without a StatementBegin; goose refuses this file"}
				}
				flush(n)
				inBlock = false
			case "no transaction":
				noTx = true
			case "envsub on", "envsub off":
			default:
				return nil, &ScriptError{File: file, Line: n, Message: fmt.Sprintf("unknown goose annotation %q; goose refuses this file", m[1])}
			}
			continue
		}
		if cur == nil {
			continue
		}
		trimmed := strings.TrimSpace(line)
		if !inBlock && len(buf) == 0 && (trimmed == "" || strings.HasPrefix(trimmed, "--")) {
			continue
		}
		if len(buf) == 0 {
			startLine = n
		}
		buf = append(buf, line)
		if !inBlock && endsWithSemicolon(line) {
			flush(n)
		}
	}
	if inBlock {
		return nil, &ScriptError{File: file, Line: 1, Message: "`-- +goose StatementBegin` is never ended; goose refuses this file"}
	}
	flush(len(lines))
	if up == nil {
		return nil, &ScriptError{File: file, Line: 1, Message: "no `-- +goose Up` annotation; goose refuses this file"}
	}
	up.NoTransaction = noTx
	mig := &Migration{Up: up}
	if down != nil {
		down.NoTransaction = noTx
		down.Empty = len(down.Statements) == 0
		mig.Down = down
	}
	return mig, nil
}

// endsWithSemicolon is goose's rule: the line, without a trailing
// -- comment, ends with a semicolon.
func endsWithSemicolon(line string) bool {
	prev := ""
	for _, word := range strings.Fields(line) {
		if strings.HasPrefix(word, "--") {
			break
		}
		prev = word
	}
	return strings.HasSuffix(prev, ";")
}

// goose applies each file in a transaction (unless NO TRANSACTION) with
// its goose_db_version row inserted in the same transaction.
type goose struct{}

const gooseTable = `CREATE TABLE IF NOT EXISTS goose_db_version (
    id integer PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY,
    version_id bigint NOT NULL,
    is_applied boolean NOT NULL,
    tstamp timestamp NOT NULL DEFAULT now()
)`

func (g goose) Open(ctx context.Context, db *Session) (Applier, error) {
	err := pgx.BeginFunc(ctx, db.Conn, func(tx pgx.Tx) error {
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT to_regclass('goose_db_version') IS NOT NULL`).Scan(&exists); err != nil || exists {
			return err
		}
		if _, err := tx.Exec(ctx, gooseTable); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, true)`)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("create goose_db_version: %w", err)
	}
	return sqlRunner{up: g.up, down: g.down}.Open(ctx, db)
}

func (goose) up(ctx context.Context, conn *pgx.Conn, m *Migration) ([]ExecutedStatement, error) {
	return ExecScript(ctx, conn, m.Up, "", "INSERT INTO goose_db_version (version_id, is_applied) VALUES ("+literal(m.Version)+"::bigint, true)")
}

func (goose) down(ctx context.Context, conn *pgx.Conn, m *Migration) ([]ExecutedStatement, error) {
	return ExecScript(ctx, conn, m.Down, "", "DELETE FROM goose_db_version WHERE version_id = "+literal(m.Version)+"::bigint")
}

// gooseLate: goose refuses a missing migration below the current version.
var gooseLate = LateRule{Effect: `goose stops on databases already at %[1]s ("found 1 missing migrations before current version") unless run with -allow-missing`}
