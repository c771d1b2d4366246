// Package logic holds the checks of checklist area 6. Controllers & Business Logic.
package logic

import "github.com/pgreview/pgreview/internal/check"

// Checks lists this area's checks.
var Checks = []*check.Check{
	SwallowedDBException,
	IgnoredDBError,
	CommitInLoop,
	WritesOutsideTransaction,
	QueryInLoop,
	LazyLoadInLoop,
	CacheLayer,
	RowByRowInsert,
}
