"""orders status

Revision ID: c3d4e5f6a7b8
Revises: b2c3d4e5f6a7
Create Date: 2024-03-15 10:00:00
"""
from alembic import op
import sqlalchemy as sa

revision = "c3d4e5f6a7b8"
down_revision = "b2c3d4e5f6a7"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("orders", sa.Column("status", sa.String(20), nullable=False, server_default="new"))
    op.create_index("orders_status_idx", "orders", ["status"])
    op.alter_column("users", "email", type_=sa.String(320))
    op.alter_column("orders", "total_cents", type_=sa.BigInteger)


def downgrade():
    op.alter_column("orders", "total_cents", type_=sa.Integer)
    op.alter_column("users", "email", type_=sa.String(255))
    op.drop_index("orders_status_idx")
    op.drop_column("orders", "status")
