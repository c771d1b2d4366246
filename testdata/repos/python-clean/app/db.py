from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.orm import sessionmaker

from app import settings

# One engine per process, created at import and disposed at shutdown.
engine = create_engine(
    settings.DATABASE_URL,
    pool_size=settings.POOL_SIZE,
    max_overflow=5,
    pool_recycle=1800,
    pool_timeout=10,
    pool_pre_ping=True,
    connect_args={"connect_timeout": 5, "options": "-c statement_timeout=30000"},
)
SessionLocal = sessionmaker(bind=engine)


@contextmanager
def session_scope():
    session = SessionLocal()
    try:
        yield session
        session.commit()
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()


def books_by_author(session, author_id):
    # Values are bound as parameters.
    return session.execute(text("SELECT id, title FROM books WHERE author_id = :a"), {"a": author_id}).fetchall()


def shutdown():
    engine.dispose()
