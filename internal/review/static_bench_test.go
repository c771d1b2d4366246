package review_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks"
	"github.com/pgreview/pgreview/internal/migrate"
	"github.com/pgreview/pgreview/internal/repo"
	"github.com/pgreview/pgreview/internal/repo/repotest"
)

// pyModule is a realistic application module: imports, a settings read,
// an engine, a model, queries (bound and formatted), a loop, a handler.
const pyModule = `import os
from typing import Optional

from fastapi import APIRouter, Depends
from sqlalchemy import Column, ForeignKey, Integer, String, create_engine, text
from sqlalchemy.orm import Session, declarative_base, relationship

from app.core.config import settings
from app.db import get_session

Base = declarative_base()
router = APIRouter()
TABLE_%[1]d = "items_%[1]d"
POOL = int(os.getenv("POOL_SIZE", "5"))


class Item%[1]d(Base):
    __tablename__ = "items_%[1]d"
    id = Column(Integer, primary_key=True)
    name = Column(String(100), nullable=False)
    owner_id = Column(Integer, ForeignKey("users.id"))
    owner = relationship("User")


def find_%[1]d(session: Session, name: str) -> Optional[Item%[1]d]:
    rows = session.execute(text("SELECT id FROM items_%[1]d WHERE name = :n"), {"n": name})
    for r in rows:
        if r.id > 10:
            return session.get(Item%[1]d, r.id)
    return None


def count_%[1]d(session: Session) -> int:
    return session.execute(text(f"SELECT count(*) FROM {TABLE_%[1]d}")).scalar()


@router.get("/items/%[1]d/{name}")
def read_%[1]d(name: str, session: Session = Depends(get_session)):
    try:
        item = find_%[1]d(session, name)
    except Exception:
        session.rollback()
        raise
    return {"id": item.id if item else None, "url": settings.DATABASE_URL}


def report_%[1]d(session: Session, since: str):
    q = "SELECT * FROM items_%[1]d WHERE created > '%%s'" %% since
    return [dict(r._mapping) for r in session.execute(text(q))]
`

const pySettings = `from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    DATABASE_URL: str
    POOL_SIZE: int = 5


settings = Settings()
`

const pyDB = `from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from app.core.config import settings

engine = create_engine(settings.DATABASE_URL, pool_size=settings.POOL_SIZE, pool_pre_ping=True)
SessionLocal = sessionmaker(bind=engine)


def get_session():
    s = SessionLocal()
    try:
        yield s
    finally:
        s.close()
`

const sqlMigration = `-- migration %[1]d
CREATE TABLE items_%[1]d (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL,
    owner_id bigint REFERENCES users (id),
    created timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX items_%[1]d_owner_idx ON items_%[1]d (owner_id);
COMMENT ON TABLE items_%[1]d IS 'generated';
`

// generateRepo writes a repository of nPy Python modules and nSQL
// migrations, with the compose file and dependencies of a real project.
func generateRepo(b *testing.B, nPy, nSQL int) string {
	b.Helper()
	root := b.TempDir()
	write := func(name, content string) { repotest.Write(b, root, map[string]string{name: content}) }
	for i := 0; i < nPy; i++ {
		write(fmt.Sprintf("app/api/mod%02d/items_%d.py", i%50, i), fmt.Sprintf(pyModule, i))
	}
	for i := 0; i < nSQL; i++ {
		write(fmt.Sprintf("db/migrations/%06d_items_%d.up.sql", i+1, i), fmt.Sprintf(sqlMigration, i))
	}
	write("app/core/config.py", pySettings)
	write("app/db.py", pyDB)
	write("app/__init__.py", "")
	write("requirements.txt", "fastapi==0.110.0\nSQLAlchemy==2.0.29\npsycopg[binary]==3.1.18\npydantic-settings==2.2.1\n")
	write("docker-compose.yml", "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?}\n    ports: [\"127.0.0.1:5432:5432\"]\n  api:\n    build: .\n    depends_on: [db]\n")
	write("Dockerfile", "FROM python:3.12-slim\nCMD [\"uvicorn\", \"app.main:app\", \"--workers\", \"4\"]\n")
	write("README.md", "# app\n\nRuns on PostgreSQL 16.\n")
	return root
}

// BenchmarkStaticReview runs every static check on a generated repository
// of 2,000 Python files and 1,000 SQL files, from discovery on (each
// iteration opens the repository afresh, so every parse is counted). It
// reports the time against a baseline measured in the same run: reading
// every file of the repository once.
func BenchmarkStaticReview(b *testing.B) {
	root := generateRepo(b, 2000, 1000)
	var static []*check.Check
	for _, c := range checks.All() {
		if !c.Needs.Live() {
			static = append(static, c)
		}
	}

	baseline := measure(func() {
		filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				os.ReadFile(p)
			}
			return nil
		})
	})

	b.ResetTimer()
	var total time.Duration
	for i := 0; i < b.N; i++ {
		total += measure(func() {
			r, err := repo.Open(root)
			if err != nil {
				b.Fatal(err)
			}
			plan, _ := migrate.Detect(r, migrate.Config{})
			results := check.Run(context.Background(), static, &check.Input{Repo: r, Migrations: plan})
			for _, res := range results {
				if res.Status == check.StatusError {
					b.Fatalf("%s broke: %s", res.Check.Name, res.Reason)
				}
			}
		})
	}
	per := total / time.Duration(b.N)
	b.ReportMetric(per.Seconds(), "s/review")
	b.ReportMetric(float64(per)/float64(baseline), "x-read-all")
	fmt.Printf("BenchmarkStaticReview: %d static checks, 2000 Python + 1000 SQL files, GOMAXPROCS=%d: %s per review; reading every file once: %s; ratio %.1fx (target: under 2 s on 2 cores)\n",
		len(static), runtime.GOMAXPROCS(0), per.Round(time.Millisecond), baseline.Round(time.Millisecond), float64(per)/float64(baseline))
}

func measure(fn func()) time.Duration {
	start := time.Now()
	fn()
	return time.Since(start)
}
