package migrate

import (
	"reflect"
	"testing"
)

func TestSplitStatementsLines(t *testing.T) {
	src := "-- header comment\n\nCREATE TABLE a (id int); -- trailing\n-- lead\nCREATE TABLE b (\n id int -- x\n);\n" +
		"CREATE FUNCTION f() RETURNS int AS $$ select 1; $$ LANGUAGE sql;\n/* c */ select 1;\n-- only a comment\n"
	var got []Statement
	for _, s := range SplitStatements(src, 10) {
		got = append(got, s)
	}
	want := []Statement{
		{"CREATE TABLE a (id int)", 12},
		{"CREATE TABLE b (\n id int -- x\n)", 14},
		{"CREATE FUNCTION f() RETURNS int AS $$ select 1; $$ LANGUAGE sql", 17},
		{"select 1", 18},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %#v", got)
	}
}

func FuzzSplitStatements(f *testing.F) {
	f.Add("select 1; select 2;")
	f.Add("create function f() returns int as $$ begin; end $$ language plpgsql;")
	f.Add("-- c\n/* unterminated")
	f.Add("select 'a;b'; select E'\\';'")
	f.Fuzz(func(t *testing.T, src string) {
		for _, s := range SplitStatements(src, 1) {
			if s.Line < 1 {
				t.Fatalf("line %d < 1", s.Line)
			}
		}
	})
}
