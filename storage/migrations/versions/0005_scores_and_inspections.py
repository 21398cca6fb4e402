"""self-scores per area and inspections of units

Revision ID: 0005
Revises: 0003
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "areaselfscore",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("points", sa.Float(), nullable=False),
        sa.Column("note", sa.String(), nullable=True),
        sa.Column("officer_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["area.id"]),
        sa.ForeignKeyConstraint(["officer_id"], ["officer.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("areaselfscore", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_areaselfscore_area_id"), ["area_id"], unique=False)

    op.create_table(
        "inspection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("inspected_on", sa.Date(), nullable=False),
        sa.Column("note", sa.String(), nullable=True),
        sa.Column("officer_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"]),
        sa.ForeignKeyConstraint(["officer_id"], ["officer.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("inspection", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inspection_unit_id"), ["unit_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_inspection_inspected_on"), ["inspected_on"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("inspection", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspection_inspected_on"))
        batch_op.drop_index(batch_op.f("ix_inspection_unit_id"))
    op.drop_table("inspection")
    with op.batch_alter_table("areaselfscore", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_areaselfscore_area_id"))
    op.drop_table("areaselfscore")
