package migrations

import (
	"fmt"
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/migrate"
)

// RoundtripFails reports down migrations that fail or do not undo their
// up: pgreview runs up, down, up for every migration with a down and
// compares the schema after the down with the one before the up.
var RoundtripFails = &check.Check{
	Name:     "roundtrip-fails",
	Item:     "4.4",
	Severity: check.Important,
	Needs:    check.PrefersMigrations,
	Doc: `A down migration fails or does not undo its up.

For every migration with a down, pgreview runs up, down, up on a real
Postgres and compares the full schema (tables, columns, types, defaults,
constraints, indexes, sequences, enums, functions, triggers, views,
extensions) after the down with the schema before the up. Leftovers mean a
rollback leaves the database in a state no migration expects; a failing down
means there is no rollback. Without a database, only downs that are empty
(` + "`downgrade(): pass`" + `) are reported.`,
	Run: runRoundtripFails,
}

func runRoundtripFails(p *check.Pass) error {
	plan := p.Migrations
	if plan == nil || !plan.HasDowns {
		p.NotApplicable("the migration tool has no down migrations")
		return nil
	}
	tripped := map[*migrate.Migration]bool{}
	if p.Applied != nil {
		for _, t := range p.Applied.Trips {
			tripped[t.Migration] = true
			if !t.OK() {
				p.Report(tripFinding(t))
			}
		}
	}
	for _, m := range plan.Migrations {
		if m.Down == nil || !m.Down.Empty || tripped[m] {
			continue
		}
		p.Report(check.Finding{Location: downLocation(m),
			Message: fmt.Sprintf("the down migration of %s is empty: it cannot undo the up", m.ID()),
			Fix:     "Write the down as the exact inverse of the up, in reverse order (drop what the up created)."})
	}
	return nil
}

func downLocation(m *migrate.Migration) check.Location {
	return check.Location{File: m.Down.File, Line: max(m.Down.Line, 1)}
}

func tripFinding(t *migrate.Trip) check.Finding {
	m := t.Migration
	f := check.Finding{Location: downLocation(m)}
	down := "the down migration of " + m.ID()
	if m.Source != nil {
		down = "downgrade() of " + m.Version
	}
	var parts []string
	switch {
	case t.DownFailed != nil:
		d := t.DownFailed
		f.Location = check.Location{File: d.File, Line: max(d.Line, 1)}
		msg := fmt.Sprintf("%s fails: %s", down, d.Error)
		if d.SQLState != "" {
			msg += " (SQLSTATE " + d.SQLState + ")"
		}
		parts = append(parts, msg)
	case m.Down.Empty && len(t.Diff.Added) > 0:
		parts = append(parts, fmt.Sprintf("%s does nothing: the round trip leaves %s", down, strings.Join(migrate.Names(t.Diff.Added), ", ")))
	case len(t.Diff.Added) > 0:
		parts = append(parts, fmt.Sprintf("%s leaves %s behind", down, strings.Join(migrate.Summarize(t.Diff.Added), ", ")))
	}
	if len(t.Diff.Removed) > 0 {
		parts = append(parts, fmt.Sprintf("%s drops %s, which existed before the up", down, strings.Join(migrate.Summarize(t.Diff.Removed), ", ")))
	}
	if len(t.Diff.Changed) > 0 {
		parts = append(parts, fmt.Sprintf("%s does not restore %s", down, strings.Join(migrate.Summarize(t.Diff.Changed), ", ")))
	}
	if r := t.ReupFailed; r != nil {
		parts = append(parts, fmt.Sprintf("the up fails when applied again after the down, at %s:%d: %s", r.File, r.Line, r.Error))
	}
	f.Message = strings.Join(parts, "; ")
	for _, objs := range [][]migrate.SchemaObject{t.Diff.Added, t.Diff.Removed, t.Diff.Changed} {
		for _, o := range objs {
			if f.Object == "" && o.Kind == "table" {
				f.Object = o.Name
			}
		}
	}
	f.Fix = "Make the down the exact inverse of the up, in reverse order: drop what the up created, recreate what it dropped, restore what it altered."
	return f
}
