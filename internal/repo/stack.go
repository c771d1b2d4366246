package repo

import "strings"

// Stack is what the repo is built with, for the report's "Current Status"
// block.
type Stack struct {
	Environment string   `json:"environment"`
	Database    string   `json:"database"`
	ORM         []string `json:"orm"`
	Driver      []string `json:"driver"`
	Migrations  []string `json:"migrations"`
	Testing     []string `json:"testing"`
}

type marker struct {
	label string
	deps  []string
}

var (
	ormMarkers = []marker{
		{"SQLAlchemy", []string{"sqlalchemy", "flask-sqlalchemy"}},
		{"SQLModel", []string{"sqlmodel"}},
		{"Django ORM", []string{"django"}},
		{"Tortoise ORM", []string{"tortoise-orm"}},
		{"Peewee", []string{"peewee"}},
		{"GORM", []string{"gorm.io/gorm"}},
		{"sqlx", []string{"github.com/jmoiron/sqlx"}},
		{"sqlc", []string{"github.com/sqlc-dev/"}},
		{"ent", []string{"entgo.io/ent"}},
		{"bun", []string{"github.com/uptrace/bun"}},
	}
	driverMarkers = []marker{
		{"psycopg3", []string{"psycopg", "psycopg-binary", "psycopg-pool"}},
		{"psycopg2", []string{"psycopg2", "psycopg2-binary"}},
		{"asyncpg (async)", []string{"asyncpg"}},
		{"pg8000", []string{"pg8000"}},
		{"pgx", []string{"github.com/jackc/pgx/"}},
		{"lib/pq", []string{"github.com/lib/pq"}},
	}
	migrationMarkers = []marker{
		{"alembic", []string{"alembic"}},
		{"golang-migrate", []string{"github.com/golang-migrate/migrate/"}},
		{"goose", []string{"github.com/pressly/goose/"}},
		{"atlas", []string{"ariga.io/atlas"}},
	}
	testingMarkers = []marker{
		{"pytest", []string{"pytest"}},
		{"py-pglite", []string{"py-pglite"}},
		{"pytest-postgresql", []string{"pytest-postgresql"}},
		{"testcontainers", []string{"testcontainers", "github.com/testcontainers/testcontainers-go"}},
		{"factory_boy", []string{"factory-boy"}},
		{"pgtestdb", []string{"github.com/peterldowns/pgtestdb"}},
		{"testify", []string{"github.com/stretchr/testify"}},
	}
	frameworkMarkers = []marker{
		{"FastAPI", []string{"fastapi"}},
		{"Flask", []string{"flask"}},
		{"Django", []string{"django"}},
		{"Starlette", []string{"starlette"}},
		{"Gin", []string{"github.com/gin-gonic/gin"}},
		{"Echo", []string{"github.com/labstack/echo/"}},
		{"chi", []string{"github.com/go-chi/chi"}},
	}
)

func (r *Repo) matchMarkers(ms []marker) []string {
	var out []string
	for _, m := range ms {
		if r.HasDependency(m.deps...) {
			out = append(out, m.label)
		}
	}
	return out
}

// DetectStack reads the stack from declared dependencies and files. The
// Database field is filled in later by whoever knows the server version.
func (r *Repo) DetectStack() Stack {
	return cached(r, "stack", func() Stack {
		s := Stack{
			ORM:        r.matchMarkers(ormMarkers),
			Driver:     r.matchMarkers(driverMarkers),
			Migrations: r.matchMarkers(migrationMarkers),
			Testing:    r.matchMarkers(testingMarkers),
		}
		var env []string
		if len(r.FilesOf(KindPython)) > 0 {
			env = append(env, "Python")
		}
		if len(r.FilesOf(KindGo)) > 0 {
			env = append(env, "Go")
		}
		env = append(env, r.matchMarkers(frameworkMarkers)...)
		if len(r.FilesOf(KindCompose)) > 0 {
			env = append(env, "Docker Compose")
		} else if len(r.FilesOf(KindDockerfile)) > 0 {
			env = append(env, "Docker")
		}
		if len(r.FilesOf(KindWorkflow)) > 0 {
			env = append(env, "GitHub Actions")
		}
		s.Environment = strings.Join(env, ", ")
		return s
	})
}
