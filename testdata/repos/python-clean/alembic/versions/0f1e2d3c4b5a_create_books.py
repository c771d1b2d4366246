"""create authors and books

Revision ID: 0f1e2d3c4b5a
Revises:
Create Date: 2024-05-02 09:00:00
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "0f1e2d3c4b5a"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "authors",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        comment="People who wrote at least one book.",
    )
    op.create_table(
        "books",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column("author_id", sa.BigInteger, sa.ForeignKey("authors.id"), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("metadata", postgresql.JSONB),
        sa.Column("published_at", sa.DateTime(timezone=True)),
        comment="One row per edition.",
    )
    op.create_index("books_author_id_idx", "books", ["author_id"])


def downgrade():
    op.drop_index("books_author_id_idx")
    op.drop_table("books")
    op.drop_table("authors")
