package migrate

import "testing"

// TestSendableWhole: a script goes in one round trip only when it runs in
// one transaction that none of its statements ends or starts.
func TestSendableWhole(t *testing.T) {
	for _, c := range []struct {
		script *Script
		want   bool
	}{
		{&Script{Statements: []Statement{{SQL: "CREATE TABLE t (id int)"}, {SQL: "select 1"}}}, true},
		{&Script{Statements: []Statement{{SQL: "-- Begin here\nCREATE TABLE t (id int)"}}}, true},
		{&Script{Statements: []Statement{{SQL: "CREATE TABLE t (id int)"}, {SQL: "commit;"}}}, false},
		{&Script{Statements: []Statement{{SQL: "-- done\n/* really */ COMMIT"}}}, false},
		{&Script{Statements: []Statement{{SQL: "BEGIN\nTRANSACTION"}}}, false},
		{&Script{Statements: []Statement{{SQL: "start transaction"}}}, false},
		{&Script{Statements: []Statement{{SQL: "PREPARE TRANSACTION 'x'"}}}, false},
		{&Script{NoTransaction: true, Statements: []Statement{{SQL: "CREATE INDEX CONCURRENTLY i ON t (id)"}}}, false},
		{&Script{Autocommit: true, Statements: []Statement{{SQL: "CREATE TABLE t (id int)"}}}, false},
	} {
		if got := sendableWhole(c.script); got != c.want {
			t.Errorf("sendableWhole(%+v) = %v, want %v", c.script, got, c.want)
		}
	}
}
