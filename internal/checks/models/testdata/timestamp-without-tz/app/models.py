from sqlalchemy import BigInteger, Column, Date, DateTime
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Event(Base):
    __tablename__ = "events"
    id = Column(BigInteger, primary_key=True)
    happened_at = Column(DateTime, nullable=False)
    recorded_at = Column(DateTime(timezone=True), nullable=False)
    day = Column(Date, nullable=False)
