from sqlalchemy import text

from app.db import get_session
from app.models import Order


def place_order(user_id, total_cents):
    session = get_session()
    session.add(Order(user_id=user_id, total_cents=total_cents))
    session.commit()


def import_orders(session, rows):
    for row in rows:
        session.add(Order(**row))
        session.commit()


def add_lines(session, order_id, skus):
    for sku in skus:
        session.execute(
            text("INSERT INTO order_lines (order_id, sku, quantity) VALUES (:o, :s, 1)"),
            {"o": order_id, "s": sku},
        )
    session.commit()


def customer_emails(session):
    orders = session.query(Order).all()
    return [o.user.email for o in orders]
