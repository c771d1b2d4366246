from fastapi import FastAPI
from sqlalchemy import text

from app.db import books_by_author, engine, session_scope, shutdown

app = FastAPI(on_shutdown=[shutdown])


@app.get("/healthz")
def healthz():
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    return {"status": "ok"}


@app.get("/authors/{author_id}/books")
def books(author_id: int):
    with session_scope() as session:
        return [dict(r._mapping) for r in books_by_author(session, author_id)]
