from sqlalchemy import BigInteger, Column, DateTime, ForeignKey, Identity, Index, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()


class Author(Base):
    __tablename__ = "authors"
    __table_args__ = {"comment": "People who wrote at least one book."}

    id = Column(BigInteger, Identity(always=True), primary_key=True)
    name = Column(Text, nullable=False)
    created_at = Column(DateTime(timezone=True), server_default=func.now(), nullable=False)
    books = relationship("Book", back_populates="author", lazy="selectin")


class Book(Base):
    __tablename__ = "books"
    # Named as the migrations name them, so autogenerate sees no difference.
    __table_args__ = (
        Index("books_author_id_idx", "author_id"),
        Index("books_isbn_key", "isbn", unique=True),
        {"comment": "One row per edition."},
    )

    id = Column(BigInteger, Identity(always=True), primary_key=True)
    author_id = Column(BigInteger, ForeignKey("authors.id"), nullable=False)
    title = Column(Text, nullable=False)
    metadata_ = Column("metadata", JSONB)
    published_at = Column(DateTime(timezone=True))
    isbn = Column(Text)
    author = relationship("Author", back_populates="books")
