package models

import (
	"fmt"

	"github.com/pgreview/pgreview/internal/catalog"
	"github.com/pgreview/pgreview/internal/check"
)

// MoneyType finds money columns.
var MoneyType = &check.Check{
	Name:     "money-type",
	Item:     "5.4",
	Severity: check.Good,
	Needs:    check.NeedsCatalog,
	Doc: `Do not use the money type.

money's input, output and fractional precision follow the server's
lc_monetary setting: a dump restored on a server with another locale reads
different amounts, and it holds no currency. Drivers return it as a
formatted string. Store amounts as numeric(p, s) (with a currency column if
needed) or as integer minor units (cents).`,
	Run: runMoneyType,
}

func runMoneyType(p *check.Pass) error {
	columnTypeCheck(p, []uint32{oidMoney, oidMoneyArray}, func(t *catalog.Table, c *catalog.Column) (msg, fix string) {
		msg = fmt.Sprintf("%s.%s is money: its value depends on the server's lc_monetary locale; use numeric(12, 2) or integer cents",
			t.QualifiedName(), c.Name)
		fix = fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s TYPE numeric(12, 2); (rewrites the table)",
			qualifiedIdent(t.Schema, t.Name), quoteIdent(c.Name))
		return msg, fix
	})
	return nil
}
