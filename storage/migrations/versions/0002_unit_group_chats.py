"""unit group chats: one-time group link codes and the groups linked to a unit

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "grouplinkcode",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("used_channel", sa.String(length=16), nullable=True),
        sa.Column("used_chat_id", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    with op.batch_alter_table("grouplinkcode", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_grouplinkcode_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "unitgroupchat",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("chat_id", sa.String(length=64), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("channel", "chat_id"),
    )
    with op.batch_alter_table("unitgroupchat", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_unitgroupchat_unit_id"), ["unit_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("unitgroupchat", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unitgroupchat_unit_id"))
    op.drop_table("unitgroupchat")
    with op.batch_alter_table("grouplinkcode", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grouplinkcode_unit_id"))
    op.drop_table("grouplinkcode")
