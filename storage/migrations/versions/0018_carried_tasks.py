"""unfinished tasks of a closed year carried into the new year

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01

`task.carried_to_year` names the year a task was carried into (`nhacviec plan carry-over`):
the views of that year (reminders, /tasks, /status's task list) show it, while it stays in its
own plan, so every figure of the year it belongs to is unchanged and the new year's rates do
not count it. The carrying itself is a `task_event` ("carried_over"), written by
storage/carry.py.

Plain ADD COLUMN on `task`: batch mode would rebuild it and drop the triggers of 0013 (tally,
effective deadline) and 0011.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("task", sa.Column("carried_to_year", sa.Integer(), nullable=True))


def downgrade() -> None:
    # SQLite 3.35+ drops a column in place; the task table is not rebuilt.
    op.drop_column("task", "carried_to_year")
