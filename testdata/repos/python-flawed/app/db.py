import os

from sqlalchemy import create_engine, text
from sqlalchemy.orm import sessionmaker

DB_PASSWORD = os.getenv("DB_PASSWORD", "s3cr3t-Shop-2024")
DATABASE_URL = f"postgresql://shop:{DB_PASSWORD}@localhost:5432/shop"


def get_session():
    # A new engine (and pool) on every call.
    engine = create_engine(DATABASE_URL)
    return sessionmaker(bind=engine)()


def find_orders(session, status):
    return session.execute(text(f"SELECT id, total_cents FROM orders WHERE status = '{status}'")).fetchall()


def count_rows(session, table):
    return session.execute(text("SELECT count(*) FROM %s" % table)).scalar()
