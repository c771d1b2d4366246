from fastapi import FastAPI

from app.db import find_orders, get_session

app = FastAPI()


@app.get("/orders")
def orders(status: str):
    session = get_session()
    try:
        return [dict(r._mapping) for r in find_orders(session, status)]
    except Exception:
        pass
