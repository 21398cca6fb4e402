"""outbox rows for unit group chats: officer_id optional, unit_id, the group key

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # SQLite rebuilds the table (batch mode) and copies the rows; PostgreSQL alters in place.
    # Existing rows are officers' digests: they keep officer_id and get no unit_id.
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.alter_column("officer_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("unit_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_outbox_unit_id_unit", "unit", ["unit_id"], ["id"])
        batch_op.create_check_constraint(
            "ck_outbox_one_recipient", "(officer_id IS NULL) <> (unit_id IS NULL)"
        )
    # A partial unique index: only group rows are keyed by it (and pay for it).
    op.create_index(
        "uq_outbox_group_key",
        "outbox",
        ["day", "kind", "unit_id", "channel", "chat_id"],
        unique=True,
        sqlite_where=sa.text("unit_id IS NOT NULL"),
        postgresql_where=sa.text("unit_id IS NOT NULL"),
    )


def downgrade() -> None:
    # Group rows have no officer to fall back to: they go with the column.
    op.execute(sa.text("DELETE FROM outbox WHERE officer_id IS NULL"))
    op.drop_index("uq_outbox_group_key", table_name="outbox")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint("ck_outbox_one_recipient", type_="check")
        batch_op.drop_constraint("fk_outbox_unit_id_unit", type_="foreignkey")
        batch_op.drop_column("unit_id")
        batch_op.alter_column("officer_id", existing_type=sa.Integer(), nullable=False)
