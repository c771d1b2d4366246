package repo

import (
	"testing"

	"github.com/pgreview/pgreview/internal/repo/repotest"
)

func writeRepo(t *testing.T, files map[string]string) *Repo {
	t.Helper()
	r, err := Open(repotest.Dir(t, files))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

const ciWorkflow = `name: CI
on:
  push:
  pull_request:
env:
  GOFLAGS: -mod=mod
jobs:
  lint:
    runs-on: ubuntu-latest
    container: golang:1.26
    steps:
      - uses: actions/checkout@v4
  test:
    name: Tests
    runs-on: [self-hosted, linux]
    env:
      DATABASE_URL: postgres://app:app@localhost:5432/app
    services:
      redis:
        image: redis:7
      db:
        image: postgres:15-alpine
        env:
          POSTGRES_USER: app
          POSTGRES_DB: app
        ports:
          - 5432:5432
        options: >-
          --health-cmd pg_isready
    steps:
      - uses: actions/setup-go@v5
        with:
          go-version: "1.26"
      - name: Test
        id: test
        run: go test ./...
`

func TestWorkflowsParsesJobsServicesAndSteps(t *testing.T) {
	r := writeRepo(t, map[string]string{".github/workflows/ci.yml": ciWorkflow})
	ws := r.Workflows()
	if len(ws) != 1 {
		t.Fatalf("workflows: %d", len(ws))
	}
	w := ws[0]
	if w.Name != "CI" || len(w.On) != 2 || w.On[1] != "pull_request" || len(w.Env) != 1 || len(w.Jobs) != 2 {
		t.Fatalf("workflow: %+v", w)
	}
	lint, test := w.Jobs[0], w.Jobs[1]
	if lint.ID != "lint" || lint.RunsOn[0].Raw != "ubuntu-latest" || lint.Container == nil || lint.Container.Image.Raw != "golang:1.26" {
		t.Fatalf("lint job: %+v", lint)
	}
	if test.Name != "Tests" || test.Line != 13 || len(test.RunsOn) != 2 || test.RunsOn[1].Raw != "linux" || len(test.Services) != 2 {
		t.Fatalf("test job: %+v", test)
	}
	db := test.Services[1]
	if db.Name != "db" || db.Job != "test" || db.Line != 21 || db.Image.Raw != "postgres:15-alpine" || db.Image.Line != 22 ||
		db.EnvValue("POSTGRES_DB") != "app" || len(db.Ports) != 1 || db.Options.Raw != "--health-cmd pg_isready" {
		t.Fatalf("db service: %+v", db)
	}
	if len(test.Steps) != 2 || test.Steps[0].With["go-version"].Raw != "1.26" || test.Steps[1].Run.Raw != "go test ./..." || test.Steps[1].ID != "test" {
		t.Fatalf("steps: %+v %+v", test.Steps[0], test.Steps[1])
	}
	if got := r.WorkflowPostgres(); got != db {
		t.Fatalf("WorkflowPostgres = %+v, want the db service", got)
	}
}

func TestWorkflowPostgresSkipsExpressions(t *testing.T) {
	r := writeRepo(t, map[string]string{".github/workflows/matrix.yaml": `on: push
jobs:
  test:
    runs-on: {group: big, labels: [linux-x64]}
    strategy:
      matrix:
        pg: [14, 15]
    services:
      postgres:
        image: postgres:${{ matrix.pg }}
`, ".github/workflows/broken.yml": "jobs: [\n"})
	if got := r.WorkflowPostgres(); got != nil {
		t.Fatalf("WorkflowPostgres = %+v, want nil for a matrix image", got)
	}
	ws := r.Workflows()
	if len(ws) != 1 || ws[0].Jobs[0].RunsOn[0].Raw != "linux-x64" {
		t.Fatalf("workflows: %+v", ws)
	}
	if len(r.Warnings()) != 1 {
		t.Fatalf("want one warning for the broken file, got %v", r.Warnings())
	}
}
