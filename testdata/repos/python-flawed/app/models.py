from sqlalchemy import JSON, BigInteger, Column, DateTime, ForeignKey, Integer, String, Table, func
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()


class User(Base):
    __tablename__ = "users"

    id = Column(Integer, primary_key=True)
    email = Column(String(320), nullable=False)
    password = Column(String(255), nullable=False)
    created_at = Column(DateTime, server_default=func.now())
    orders = relationship("Order", back_populates="user")


class Order(Base):
    __tablename__ = "orders"

    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("users.id"), nullable=False)
    total_cents = Column(BigInteger, nullable=False)
    payload = Column(JSON)
    status = Column(String(20), nullable=False, server_default="new")
    user = relationship("User", back_populates="orders")


# Tags are attached to orders; the association table has no key.
order_tags = Table(
    "order_tags",
    Base.metadata,
    Column("order_id", Integer, ForeignKey("orders.id"), nullable=False),
    Column("tag", String(40), nullable=False),
)


class AdminUser(User):
    """Admins live in the users table too."""

    can_refund = Column(Integer)
