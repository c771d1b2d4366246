from sqlalchemy import BigInteger, Column, Table, Text
from sqlalchemy.orm import declarative_base

Base = declarative_base()

user_roles = Table("user_roles", Base.metadata, Column("user_id", BigInteger), Column("role", Text))


class AuditEntry(Base):
    __tablename__ = "audit_entries"
    id = Column(BigInteger, primary_key=True)
    entry = Column(Text, nullable=False)
