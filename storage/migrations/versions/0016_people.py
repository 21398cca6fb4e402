"""officers' leave and substitutes; officer events in task_event; who stood in for whom

Revision ID: 0016
Revises: 0014
Create Date: 2026-11-30

An officer's leave (nghỉ phép, đi học, công tác) is a row of `leave`: from, to, the substitute
(or none: the head stands in) and who recorded it; a cancelled leave keeps its row with
`cancelled_at`. Officer lifecycle changes (deactivated, moved to another unit, role changed,
leave recorded or cancelled) are events in the one append-only record, `task_event`: its
`task_id` becomes optional and `subject_id` names the officer the event is about.
`on_behalf_id` (on `task_event` and `progressupdate`) names the absent officer a substitute
acted for, so the story reads "CB012 thay CB009".

SQLite rebuilds `task_event` to make `task_id` optional, which drops its append-only
triggers: they are created again here.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY_MESSAGE = "task_event is append-only"


def _sqlite_append_only(create: bool) -> None:
    for what in ("UPDATE", "DELETE"):
        name = f"task_event_no_{what.lower()}"
        if create:
            op.execute(
                f"CREATE TRIGGER {name} BEFORE {what} ON task_event "
                f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
            )
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")


def upgrade() -> None:
    sqlite = op.get_context().dialect.name == "sqlite"
    op.create_table(
        "leave",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("substitute_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_by", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(["officer_id"], ["officer.id"]),
        sa.ForeignKeyConstraint(["substitute_id"], ["officer.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_leave_officer_id", "leave", ["officer_id"])
    op.create_index("ix_leave_dates", "leave", ["ends_on", "starts_on"])
    op.add_column("progressupdate", sa.Column("on_behalf_id", sa.Integer(), nullable=True))
    if sqlite:
        _sqlite_append_only(create=False)
    with op.batch_alter_table("task_event") as batch:
        batch.alter_column("task_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("subject_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("on_behalf_id", sa.Integer(), nullable=True))
    op.create_index("ix_task_event_subject_id", "task_event", ["subject_id"])
    if sqlite:
        _sqlite_append_only(create=True)


def downgrade() -> None:
    sqlite = op.get_context().dialect.name == "sqlite"
    op.drop_index("ix_task_event_subject_id", table_name="task_event")
    if sqlite:
        _sqlite_append_only(create=False)
    else:
        # Officer events have no task: they cannot stay once task_id is required again.
        op.execute("ALTER TABLE task_event DISABLE TRIGGER task_event_append_only")
    op.execute("DELETE FROM task_event WHERE task_id IS NULL")
    if not sqlite:
        op.execute("ALTER TABLE task_event ENABLE TRIGGER task_event_append_only")
    with op.batch_alter_table("task_event") as batch:
        batch.drop_column("on_behalf_id")
        batch.drop_column("subject_id")
        batch.alter_column("task_id", existing_type=sa.Integer(), nullable=False)
    if sqlite:
        _sqlite_append_only(create=True)
    op.drop_column("progressupdate", "on_behalf_id")
    op.drop_index("ix_leave_dates", table_name="leave")
    op.drop_index("ix_leave_officer_id", table_name="leave")
    op.drop_table("leave")
