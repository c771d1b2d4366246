package migrate

import (
	"context"
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/pgreview/pgreview/internal/repo"
)

// sqitchScore finds sqitch.plan files; dir is the plan's directory.
func sqitchScore(r *repo.Repo, dir string) int {
	if r.File(path.Join(dir, "sqitch.plan")) != nil || dir == "." && r.File("sqitch.plan") != nil {
		return 100
	}
	return 0
}

var sqitchTopDir = regexp.MustCompile(`(?m)^\s*top_dir\s*=\s*(\S+)`)

// loadSqitch reads sqitch.plan: one change per line, deployed in plan
// order from deploy/<change>.sql and reverted from revert/<change>.sql.
// A change reworked after a tag keeps its old scripts as <change>@<tag>.
func loadSqitch(r *repo.Repo, dir string) (*Plan, error) {
	planFile := path.Join(dir, "sqitch.plan")
	f := r.File(planFile)
	if f == nil {
		return nil, fmt.Errorf("%s not found", planFile)
	}
	top := dir
	if conf := r.File(path.Join(dir, "sqitch.conf")); conf != nil {
		if m := sqitchTopDir.FindStringSubmatch(conf.Text()); m != nil {
			top = path.Clean(path.Join(dir, m[1]))
		}
	}
	plan := &Plan{Tool: "sqitch", Dir: dir, Late: sqitchLate, Runner: sqitch{}, HasDowns: true}
	var changes []*sqitchChange
	tags := map[string]int{} // "@tag": how many changes the plan lists before it
	project := ""
	for i, line := range strings.Split(f.Text(), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "%"):
			if k, v, ok := strings.Cut(line[1:], "="); ok && strings.TrimSpace(k) == "project" {
				project = strings.TrimSpace(v)
			}
		case strings.HasPrefix(line, "@"):
			tag := strings.Fields(line)[0]
			tags[tag] = len(changes)
			for _, c := range changes { // the tag closes every untagged change before it
				if c.tag == "" {
					c.tag = tag
				}
			}
		default:
			name := strings.Fields(line)[0]
			c := &sqitchChange{name: name, line: i + 1}
			c.requires, c.conflicts = sqitchDeps(strings.TrimPrefix(line, name))
			changes = append(changes, c)
		}
	}
	plan.Problems = append(plan.Problems, sqitchDependencyProblems(planFile, project, changes, tags)...)
	latest := map[string]int{}
	for i, c := range changes {
		latest[c.name] = i
	}
	for i, c := range changes {
		script := c.name
		if latest[c.name] != i { // reworked later: the old version is kept as name@tag
			script = c.name + c.tag
		}
		up := sqitchScript(r, path.Join(top, "deploy", script+".sql"))
		down := sqitchScript(r, path.Join(top, "revert", script+".sql"))
		if up == nil {
			plan.Problems = append(plan.Problems, HistoryProblem{Kind: ProblemMissingParent, File: planFile, Line: c.line, Object: c.name,
				Message: fmt.Sprintf("change %s has no deploy script %s; sqitch cannot deploy this plan", c.name, path.Join(top, "deploy", script+".sql"))})
			continue
		}
		plan.Migrations = append(plan.Migrations, &Migration{Version: fmt.Sprint(i + 1), Name: c.name, Up: up, Down: down, prev: project})
	}
	return plan, nil
}

type sqitchChange struct {
	name string
	tag  string // the first tag after the change: its scripts' suffix once reworked
	line int
	// requires and conflicts are the [dep !conflict] list after the name.
	requires, conflicts []string
}

// sqitchDeps reads the dependency list that may follow a change name:
// "[users roles@v1.0 !legacy]", conflicts marked with "!".
func sqitchDeps(rest string) (requires, conflicts []string) {
	rest = strings.TrimSpace(rest)
	end := strings.IndexByte(rest, ']')
	if !strings.HasPrefix(rest, "[") || end < 0 {
		return nil, nil
	}
	for _, d := range strings.Fields(rest[1:end]) {
		if c, ok := strings.CutPrefix(d, "!"); ok {
			conflicts = append(conflicts, c)
		} else {
			requires = append(requires, d)
		}
	}
	return requires, conflicts
}

var sqitchChangeID = regexp.MustCompile(`^[0-9a-f]{40}$`)

// sqitchDependencyProblems checks dependencies the way sqitch does before
// it deploys anything. Reading the plan, it refuses a change that requires
// itself or a change not planned before it (change@tag: planned before the
// tag). Deploying, it refuses a change that conflicts with one deployed
// before it, and on a new database everything earlier in the plan is.
// Dependencies on other projects or on change IDs are left to sqitch, as
// its plan check leaves them.
func sqitchDependencyProblems(planFile, project string, changes []*sqitchChange, tags map[string]int) []HistoryProblem {
	first, last := map[string]int{}, map[string]int{} // 1-based positions
	for i, c := range changes {
		if first[c.name] == 0 {
			first[c.name] = i + 1
		}
		last[c.name] = i + 1
	}
	local := func(dep string) (string, bool) {
		if p, name, ok := strings.Cut(dep, ":"); ok {
			return name, p == project
		}
		return dep, !sqitchChangeID.MatchString(dep)
	}
	var out []HistoryProblem
	problem := func(c *sqitchChange, msg string, args ...any) {
		out = append(out, HistoryProblem{Kind: ProblemDependency, File: planFile, Line: c.line, Object: c.name, Message: fmt.Sprintf(msg, args...)})
	}
	for i, c := range changes {
		pos := i + 1
		for _, dep := range c.requires {
			name, ok := local(dep)
			if !ok {
				continue
			}
			change, tag, tagged := strings.Cut(name, "@")
			switch {
			case tagged && change == "": // @tag: the tag is earlier in the plan
				if at, ok := tags[name]; ok && at < pos {
					continue
				}
			case tagged:
				if at, ok := tags["@"+tag]; ok && at < pos && first[change] > 0 && first[change] <= at {
					continue
				}
			case first[name] > 0 && first[name] < pos:
				continue
			}
			switch {
			case name == c.name:
				problem(c, "sqitch refuses this plan: change %s requires itself; remove %s from its own dependency list", c.name, dep)
			case !tagged && first[name] > pos:
				problem(c, "sqitch refuses this plan: change %s is planned %d change(s) before %s, which it requires; move %s below %s in %s",
					c.name, last[name]-pos, name, c.name, name, path.Base(planFile))
			default:
				problem(c, "sqitch refuses this plan: change %s requires %s, which is not planned before it; add that change to the plan or correct the name", c.name, dep)
			}
		}
		for _, dep := range c.conflicts {
			name, ok := local(dep)
			if !ok {
				continue
			}
			change, _, _ := strings.Cut(name, "@")
			if at := first[change]; at > 0 && at < pos {
				problem(c, "sqitch refuses to deploy this plan on a new database: change %s conflicts with %s, which the plan deploys before it; drop the conflict, or revert %s before %s is deployed",
					c.name, change, change, c.name)
			}
		}
	}
	return out
}

// sqitchScript reads a script the way sqitch runs it: psql -f, each
// statement on its own, the script's BEGIN and COMMIT as written.
func sqitchScript(r *repo.Repo, p string) *Script {
	f := r.File(p)
	if f == nil {
		return nil
	}
	s := &Script{File: p, Line: 1, Autocommit: true}
	s.Statements, s.Err = psqlStatements(p, f.Text())
	return s
}

// psqlStatements splits a psql script; psql meta-commands (\set, \i)
// cannot be replayed without psql and stop the script with their line.
func psqlStatements(file, text string) ([]Statement, *ScriptError) {
	for i, line := range strings.Split(text, "\n") {
		if t := strings.TrimSpace(line); strings.HasPrefix(t, `\`) {
			return nil, &ScriptError{File: file, Line: i + 1, Message: fmt.Sprintf("psql meta-command `%s` cannot be replayed without psql; move it out of the script or run the history with --migrate-command", firstLine(t))}
		}
	}
	return SplitStatements(text, 1), nil
}

// sqitch keeps its registry in the sqitch schema; the review records each
// deployed change in sqitch.changes and sqitch.events as sqitch does.
type sqitch struct{}

const sqitchRegistry = `
CREATE SCHEMA IF NOT EXISTS sqitch;
CREATE TABLE IF NOT EXISTS sqitch.projects (project text PRIMARY KEY, uri text UNIQUE, created_at timestamptz NOT NULL DEFAULT clock_timestamp(), creator_name text NOT NULL, creator_email text NOT NULL);
CREATE TABLE IF NOT EXISTS sqitch.changes (change_id text PRIMARY KEY, script_hash text, change text NOT NULL, project text NOT NULL REFERENCES sqitch.projects(project) ON UPDATE CASCADE, note text NOT NULL DEFAULT '', committed_at timestamptz NOT NULL DEFAULT clock_timestamp(), committer_name text NOT NULL, committer_email text NOT NULL, planned_at timestamptz NOT NULL, planner_name text NOT NULL, planner_email text NOT NULL);
CREATE TABLE IF NOT EXISTS sqitch.events (event text NOT NULL CHECK (event IN ('deploy', 'revert', 'fail', 'merge')), change_id text NOT NULL, change text NOT NULL, project text NOT NULL REFERENCES sqitch.projects(project) ON UPDATE CASCADE, note text NOT NULL DEFAULT '', requires text[] NOT NULL DEFAULT '{}', conflicts text[] NOT NULL DEFAULT '{}', tags text[] NOT NULL DEFAULT '{}', committed_at timestamptz NOT NULL DEFAULT clock_timestamp(), committer_name text NOT NULL, committer_email text NOT NULL, planned_at timestamptz NOT NULL, planner_name text NOT NULL, planner_email text NOT NULL, PRIMARY KEY (change_id, committed_at));`

func (s sqitch) Open(ctx context.Context, db *Session) (Applier, error) {
	if _, err := db.Conn.Exec(ctx, sqitchRegistry); err != nil {
		return nil, fmt.Errorf("create the sqitch registry: %w", err)
	}
	return sqlRunner{up: s.up, down: s.down}.Open(ctx, db)
}

// record is sqitch's registry update for a deployed or reverted change.
func (sqitch) record(m *Migration, event string) string {
	project := m.prev
	if project == "" {
		project = "pgreview"
	}
	id := literal(project + ":" + m.Version + ":" + m.Name)
	who := "'pgreview', 'pgreview@localhost'"
	q := fmt.Sprintf("INSERT INTO sqitch.projects (project, creator_name, creator_email) VALUES (%s, %s) ON CONFLICT DO NOTHING", literal(project), who)
	if event == "deploy" {
		q += fmt.Sprintf("; INSERT INTO sqitch.changes (change_id, change, project, committer_name, committer_email, planned_at, planner_name, planner_email) VALUES (%s, %s, %s, %s, now(), %s)", id, literal(m.Name), literal(project), who, who)
	} else {
		q += "; DELETE FROM sqitch.changes WHERE change_id = " + id
	}
	q += fmt.Sprintf("; INSERT INTO sqitch.events (event, change_id, change, project, committer_name, committer_email, planned_at, planner_name, planner_email) VALUES (%s, %s, %s, %s, %s, now(), %s)", literal(event), id, literal(m.Name), literal(project), who, who)
	return q
}

func (s sqitch) up(ctx context.Context, conn *pgx.Conn, m *Migration) ([]ExecutedStatement, error) {
	return ExecScript(ctx, conn, m.Up, "", s.record(m, "deploy"))
}

func (s sqitch) down(ctx context.Context, conn *pgx.Conn, m *Migration) ([]ExecutedStatement, error) {
	return ExecScript(ctx, conn, m.Down, "", s.record(m, "revert"))
}

// sqitchLate: sqitch deploys from a database's last deployed change on.
var sqitchLate = LateRule{Effect: "sqitch deploys only the changes planned after a database's last deployed one, so databases already at %[1]s never get it"}
