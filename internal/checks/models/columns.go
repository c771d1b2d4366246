package models

import (
	"github.com/pgreview/pgreview/internal/catalog"
	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/locate"
)

// Type OIDs the type checks look for (pg_type.dat); arrays of them count.
const (
	oidInt2        = 21
	oidInt4        = 23
	oidInt8        = 20
	oidJSON        = 114
	oidJSONArray   = 199
	oidMoney       = 790
	oidMoneyArray  = 791
	oidBpchar      = 1042
	oidBpcharArray = 1014
	oidVarchar     = 1043
	oidVarcharArr  = 1015
	oidTimestamp   = 1114
	oidTimestampA  = 1115
)

// columnTypeCheck reports every column declared on an application table
// (not inherited, not on a partition) whose base type is one of oids, at
// the column and its model, with the message and fix that finding gives.
func columnTypeCheck(p *check.Pass, oids []uint32, finding func(t *catalog.Table, c *catalog.Column) (msg, fix string)) {
	want := map[uint32]bool{}
	for _, o := range oids {
		want[o] = true
	}
	loc := locate.New(p)
	for _, t := range reviewableTables(p.Catalog) {
		for _, c := range t.Columns {
			if !c.Inherited && want[c.BaseTypeOID] {
				msg, fix := finding(t, c)
				p.Report(columnFinding(loc, t, c, msg, fix))
			}
		}
	}
}

func columnFinding(loc *locate.Locator, t *catalog.Table, c *catalog.Column, msg, fix string) check.Finding {
	return check.Finding{Location: loc.Column(t, c.Name), Message: msg, Fix: fix, Related: loc.Model(t, c.Name)}
}
