package modeldiff

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/pgreview/pgreview/internal/engine/enginetest"
	"github.com/pgreview/pgreview/internal/repo"
	"github.com/pgreview/pgreview/internal/repo/repotest"
)

func TestMain(m *testing.M) { enginetest.Main(m) }

func writeRepo(t *testing.T, files map[string]string) *repo.Repo {
	t.Helper()
	r, err := repo.Open(repotest.Dir(t, files))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

var alembicProject = map[string]string{
	"alembic.ini": "[alembic]\nscript_location = migrations\n",
	"migrations/env.py": `from alembic import context
from app.models import Base

target_metadata = Base.metadata
`,
	"migrations/versions/0001_init.py": "revision = '0001'\n",
	"app/__init__.py":                  "",
	"app/models.py": `import os

from sqlalchemy import BigInteger, Column, ForeignKey, Text, String
from sqlalchemy.orm import declarative_base

print("importing models")  # modules may print at import
DATABASE_URL = os.environ["DATABASE_URL"]  # and read the URL

Base = declarative_base()


class User(Base):
    __tablename__ = "users"
    id = Column(BigInteger, primary_key=True)
    email = Column(String(320), nullable=False)
    nickname = Column(Text)


class Order(Base):
    __tablename__ = "orders"
    id = Column(BigInteger, primary_key=True)
    user_id = Column(BigInteger, ForeignKey("users.id"), nullable=False)
`,
}

func TestCompareWithAlembic(t *testing.T) {
	url := enginetest.Database(t)
	enginetest.Exec(t, url, `
		CREATE TABLE users (id bigint PRIMARY KEY, email varchar(255));
		CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL);
		CREATE TABLE legacy (id bigint PRIMARY KEY);
		CREATE TABLE schema_migrations (version bigint PRIMARY KEY);`)
	r := writeRepo(t, alembicProject)
	if !Applies(r) {
		t.Fatal("an Alembic project with models")
	}
	res := Compare(context.Background(), r, url, Options{})
	if res.Skipped != "" {
		t.Fatalf("skipped: %s", res.Skipped)
	}
	if res.From != "migrations/env.py target_metadata" || strings.Join(res.Metadata, ",") != "app.models:Base.metadata" {
		t.Errorf("metadata %v from %s", res.Metadata, res.From)
	}
	var got []string
	for _, d := range res.Diffs {
		got = append(got, d.Op+" "+d.QualifiedTable()+" "+d.Column+" "+d.Detail)
	}
	sort.Strings(got)
	want := []string{
		"add_column public.users nickname TEXT",
		"add_fk public.orders  user_id -> users.id",
		"modify_nullable public.users email True -> False",
		"modify_type public.users email VARCHAR(255) -> VARCHAR(320)",
		"remove_table public.legacy  ",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("diffs:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestCompareNamesTheMissingModule(t *testing.T) {
	url := enginetest.Database(t)
	files := map[string]string{}
	for k, v := range alembicProject {
		files[k] = v
	}
	files["app/models.py"] = "import sqlmodel_not_installed_anywhere\n" + files["app/models.py"]
	res := Compare(context.Background(), writeRepo(t, files), url, Options{})
	if !strings.Contains(res.Skipped, `no module named "sqlmodel_not_installed_anywhere"`) || !strings.Contains(res.Skipped, "PGREVIEW_PYTHON") {
		t.Fatalf("skip reason: %q", res.Skipped)
	}
}

// Importing the models runs the repository's code: it sees the review
// database's URL and the example env file's placeholders, not pgreview's
// own environment.
func TestScriptEnvironment(t *testing.T) {
	t.Setenv("GITHUB_TOKEN", "ghs_must_not_leak")
	files := map[string]string{}
	for k, v := range alembicProject {
		files[k] = v
	}
	files[".env.example"] = "SECRET_KEY=change-me\n"
	files["app/models.py"] = `import os
assert "GITHUB_TOKEN" not in os.environ, "leaked"
assert os.environ["SECRET_KEY"] == "change-me"
` + files["app/models.py"]
	url := enginetest.Database(t)
	enginetest.Exec(t, url, "CREATE TABLE users (id bigint PRIMARY KEY, email varchar(320) NOT NULL, nickname text); CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id))")
	res := Compare(context.Background(), writeRepo(t, files), url, Options{})
	if res.Skipped != "" || len(res.Diffs) != 0 {
		t.Fatalf("skipped %q, diffs %+v", res.Skipped, res.Diffs)
	}
}
