package migrations

import (
	"fmt"

	"github.com/pgreview/pgreview/internal/check"
)

// MissingDown reports migrations without a down, for tools that have
// downs (not Prisma, plain SQL or init scripts, which have none by design).
var MissingDown = &check.Check{
	Name:     "missing-down",
	Item:     "4.4",
	Severity: check.Important,
	Doc: `A migration has no down migration.

Without a down, a bad deploy can only be fixed forward, under pressure. For
Flyway, undo (U) scripts are optional: only a repo that writes them for some
versions is held to all.`,
	Run: runMissingDown,
}

func runMissingDown(p *check.Pass) error {
	plan := p.Migrations
	if plan == nil || !plan.HasDowns {
		p.NotApplicable("the migration tool has no down migrations")
		return nil
	}
	for _, m := range plan.Migrations {
		if m.Down != nil || m.Up == nil || m.Up.Err != nil || m.Version == "" {
			continue
		}
		line, want := 1, ""
		switch plan.Tool {
		case "golang-migrate":
			want = fmt.Sprintf("add %s_%s.down.sql", m.Version, m.Name)
		case "goose":
			line, want = m.Up.Line, "add a `-- +goose Down` section"
		case "dbmate":
			line, want = m.Up.Line, "add a `-- migrate:down` section"
		case "flyway":
			want = fmt.Sprintf("add U%s__%s.sql", m.Version, m.Name)
		case "sqitch":
			want = "add revert/" + m.Name + ".sql"
		case "alembic":
			line, want = m.Up.Line, "add a downgrade() that undoes upgrade()"
		}
		p.Report(check.Finding{Location: check.Location{File: m.File(), Line: line},
			Message: fmt.Sprintf("migration %s has no down migration; %s", m.ID(), want)})
	}
	return nil
}
