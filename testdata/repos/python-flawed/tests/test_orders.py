from app.db import get_session


def test_orders_exist():
    session = get_session()
    session.execute("DELETE FROM orders")
    session.commit()
