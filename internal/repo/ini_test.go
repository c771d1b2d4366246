package repo

import "testing"

const sampleINI = `# alembic
[alembic]
script_location = %(here)s/alembic
SQLAlchemy.URL = postgresql://app@db/app  ; not a comment for configparser
version_path_separator: os
hooks =
    black
    ruff

[logger_root]
level = WARN
`

func TestParseINI(t *testing.T) {
	f, err := ParseINI("alembic.ini", []byte(sampleINI))
	if err != nil {
		t.Fatal(err)
	}
	url, ok := f.Get("alembic", "sqlalchemy.url")
	if !ok || url.Line != 4 || url.Value != "postgresql://app@db/app  ; not a comment for configparser" {
		t.Fatalf("url: %+v", url)
	}
	if k, _ := f.Get("alembic", "script_location"); k.Value != "%(here)s/alembic" || k.Line != 3 {
		t.Errorf("script_location: %+v", k)
	}
	if k, _ := f.Get("alembic", "version_path_separator"); k.Value != "os" || k.Line != 5 {
		t.Errorf("colon delimiter: %+v", k)
	}
	if s := f.Section("logger_root"); s == nil || s.Line != 10 {
		t.Errorf("section: %+v", s)
	}
}

func FuzzParseINI(f *testing.F) {
	f.Add(sampleINI)
	f.Add("[a\nb=\n  c\n[]\n=\n")
	f.Fuzz(func(t *testing.T, src string) {
		ParseINI("x.ini", []byte(src))
	})
}
