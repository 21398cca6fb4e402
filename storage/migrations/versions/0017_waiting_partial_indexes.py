"""the tasks waiting for a decision found through partial indexes

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-30

`extension_step` and `confirm_step` are NULL on all but a handful of tasks. After `ANALYZE`,
SQLite judged a plain index on them useless (every row shares the NULL) and read the whole task
table for each morning's "what waits for you" (1.9 s at 1.1M tasks, the largest part of the
scan). An index holding only the non-NULL rows is as small as what waits, and both databases
use it for `IS NOT NULL`. The same for `extended_from`: the figures judge the tasks given an
extension again when finishing within one counts as late ([approvals] extension_counts_late).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("extension_step", "confirm_step")


def upgrade() -> None:
    extended = sa.text("extended_from IS NOT NULL")
    op.create_index(
        "ix_task_extended_from",
        "task",
        ["extended_from"],
        sqlite_where=extended,
        postgresql_where=extended,
    )
    for column in COLUMNS:
        op.drop_index(f"ix_task_{column}", table_name="task")
        waiting = sa.text(f"{column} IS NOT NULL")
        op.create_index(
            f"ix_task_{column}_waiting",
            "task",
            [column],
            sqlite_where=waiting,
            postgresql_where=waiting,
        )


def downgrade() -> None:
    op.drop_index("ix_task_extended_from", table_name="task")
    for column in COLUMNS:
        op.drop_index(f"ix_task_{column}_waiting", table_name="task")
        op.create_index(f"ix_task_{column}", "task", [column])
