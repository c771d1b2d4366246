package models

import (
	"fmt"

	"github.com/pgreview/pgreview/internal/catalog"
	"github.com/pgreview/pgreview/internal/check"
)

// TimestampWithoutTZ finds timestamp without time zone columns.
var TimestampWithoutTZ = &check.Check{
	Name:     "timestamp-without-tz",
	Item:     "5.4",
	Severity: check.Good,
	Needs:    check.NeedsCatalog,
	Doc: `Store points in time as timestamptz, not timestamp.

timestamp without time zone keeps no offset: the same instant is stored
differently depending on the time zone of whoever wrote it, and comparisons
with now() (a timestamptz) convert through the session's TimeZone. SQLAlchemy's
DateTime() and SQLModel's datetime fields create it unless timezone=True.
Use timestamptz (DateTime(timezone=True)). With the session's TimeZone set
to the zone the values were written in (usually UTC), PostgreSQL 12+
converts the column without rewriting the table.`,
	Run: runTimestampWithoutTZ,
}

func runTimestampWithoutTZ(p *check.Pass) error {
	columnTypeCheck(p, []uint32{oidTimestamp, oidTimestampA}, func(t *catalog.Table, c *catalog.Column) (msg, fix string) {
		msg = fmt.Sprintf("%s.%s is %s: it stores no time zone, so instants written from different zones are not comparable; use timestamptz",
			t.QualifiedName(), c.Name, c.Type)
		fix = fmt.Sprintf("SET timezone = 'UTC'; ALTER TABLE %s ALTER COLUMN %s TYPE timestamptz; (no rewrite on PostgreSQL 12+ when the values are UTC)",
			qualifiedIdent(t.Schema, t.Name), quoteIdent(c.Name))
		return msg, fix
	})
	return nil
}
