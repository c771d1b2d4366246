from sqlalchemy import BigInteger, Column, DateTime, ForeignKey, Integer, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()


class Order(Base):
    __tablename__ = "orders"
    id = Column(BigInteger, primary_key=True)
    account_id = Column(BigInteger, ForeignKey("accounts.id"), nullable=False)
    placed_at = Column(DateTime(timezone=True), nullable=False, server_default=func.now())
    total_cents = Column(BigInteger, nullable=False)
    details = Column(JSONB, nullable=False, server_default="{}")
    lines = relationship("OrderLine", back_populates="order")


class OrderLine(Base):
    __tablename__ = "order_lines"
    order_id = Column(BigInteger, ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True)
    line_no = Column(Integer, primary_key=True)
    sku = Column(Text, nullable=False)
    quantity = Column(Integer, nullable=False)
    order = relationship("Order", back_populates="lines")
