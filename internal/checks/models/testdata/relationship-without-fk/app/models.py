from sqlalchemy import BigInteger, Column, ForeignKey, Table
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()

user_roles = Table(
    "user_roles",
    Base.metadata,
    Column("user_id", BigInteger, ForeignKey("users.id"), primary_key=True),
    Column("role_id", BigInteger, ForeignKey("roles.id"), primary_key=True),
)


class User(Base):
    __tablename__ = "users"
    id = Column(BigInteger, primary_key=True)
    orders = relationship("Order", back_populates="user")  # want `relationship User.orders links public.users and public.orders, but the schema has no foreign key between them: nothing stops orphaned rows \(the model Order declares user_id → public.users \(id\); the migrations never created it\)`
    addresses = relationship("Address")  # near-miss: backed by a foreign key
    roles = relationship("Role", secondary=user_roles)  # want `relationship User.roles goes through public.user_roles, but no foreign key links public.user_roles to public.roles`
    audits = relationship("Audit", primaryjoin="User.id == foreign(Audit.user_id)", viewonly=True)  # near-miss: an explicit join needs no foreign key


class Order(Base):
    __tablename__ = "orders"
    id = Column(BigInteger, primary_key=True)
    user_id = Column(BigInteger, ForeignKey("users.id"), nullable=False)
    user = relationship("User", back_populates="orders")  # near-miss: the same missing foreign key is reported once


class Address(Base):
    __tablename__ = "addresses"
    id = Column(BigInteger, primary_key=True)
    user_id = Column(BigInteger, ForeignKey("users.id"), nullable=False)


class Role(Base):
    __tablename__ = "roles"
    id = Column(BigInteger, primary_key=True)


class Audit(Base):
    __tablename__ = "audit"
    id = Column(BigInteger, primary_key=True)
    user_id = Column(BigInteger)
