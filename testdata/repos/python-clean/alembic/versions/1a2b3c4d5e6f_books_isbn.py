"""books isbn

Revision ID: 1a2b3c4d5e6f
Revises: 0f1e2d3c4b5a
Create Date: 2024-05-09 09:00:00
"""
from alembic import op
import sqlalchemy as sa

revision = "1a2b3c4d5e6f"
down_revision = "0f1e2d3c4b5a"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("SET lock_timeout = '2s'")
    op.add_column("books", sa.Column("isbn", sa.Text, nullable=True))
    with op.get_context().autocommit_block():
        op.create_index("books_isbn_key", "books", ["isbn"], unique=True, postgresql_concurrently=True)


def downgrade():
    with op.get_context().autocommit_block():
        op.drop_index("books_isbn_key", postgresql_concurrently=True)
    op.drop_column("books", "isbn")
