import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session
from testcontainers.postgres import PostgresContainer


@pytest.fixture(scope="session")
def engine():
    with PostgresContainer("postgres:15-alpine") as pg:
        yield create_engine(pg.get_connection_url())


@pytest.fixture
def session(engine):
    # Each test runs in a transaction that is rolled back.
    conn = engine.connect()
    tx = conn.begin()
    s = Session(bind=conn)
    yield s
    s.close()
    tx.rollback()
    conn.close()
