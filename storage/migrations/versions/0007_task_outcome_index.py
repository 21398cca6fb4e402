"""a covering index for counting a plan's outcomes per unit

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The weekly summary counts every task of the plan by unit and outcome; with all four
    # columns in one index the database never reads the (wide) task rows. It starts with
    # plan_id, so the old single-column index on plan_id is redundant.
    with op.batch_alter_table("task") as batch_op:
        batch_op.create_index(
            "ix_task_plan_outcome", ["plan_id", "lead_unit_id", "deadline", "completed_on"]
        )
        batch_op.drop_index("ix_task_plan_id")


def downgrade() -> None:
    with op.batch_alter_table("task") as batch_op:
        batch_op.create_index("ix_task_plan_id", ["plan_id"])
        batch_op.drop_index("ix_task_plan_outcome")
