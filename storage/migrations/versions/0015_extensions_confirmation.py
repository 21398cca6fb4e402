"""extensions (gia hạn), completions awaiting confirmation, evidence attached to tasks

Revision ID: 0015
Revises: 0011
Create Date: 2026-11-30

A task may carry one extension request waiting for its approver (`extension_to`, the step
whose turn it is in `extension_step`), the deadline it had before an approved extension
(`extended_from`; `deadline` is the one in force, so the tally triggers follow it), and a
completion reported but not yet confirmed (`state = 'reported'`, `reported_on`,
`confirm_step`). The whole exchange is in `task_event`. Evidence (a document number, a photo,
a file) goes in `task_evidence`, append-only like the events.

Plain ADD COLUMN on `task`: batch mode would rebuild it and drop the tally triggers.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY_MESSAGE = "task_evidence is append-only"


def upgrade() -> None:
    op.add_column("task", sa.Column("extension_to", sa.Date(), nullable=True))
    op.add_column("task", sa.Column("extension_step", sa.String(length=8), nullable=True))
    op.add_column("task", sa.Column("extended_from", sa.Date(), nullable=True))
    op.add_column("task", sa.Column("reported_on", sa.Date(), nullable=True))
    op.add_column("task", sa.Column("confirm_step", sa.String(length=8), nullable=True))
    op.create_index("ix_task_extension_step", "task", ["extension_step"])
    op.create_index("ix_task_confirm_step", "task", ["confirm_step"])
    op.create_table(
        "task_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("document_number", sa.String(length=64), nullable=True),
        sa.Column("filename", sa.String(length=128), nullable=True),
        sa.Column("original_name", sa.String(length=255), nullable=True),
        sa.Column("content_type", sa.String(length=128), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["task_id"], ["task.id"]),
        sa.ForeignKeyConstraint(["officer_id"], ["officer.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_task_evidence_task_id", "task_evidence", ["task_id"])
    if op.get_context().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION task_evidence_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER task_evidence_append_only BEFORE UPDATE OR DELETE ON task_evidence "
            "FOR EACH ROW EXECUTE FUNCTION task_evidence_refuse()"
        )
    else:
        for what in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER task_evidence_no_{what.lower()} BEFORE {what} ON task_evidence "
                f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
            )


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP TRIGGER task_evidence_append_only ON task_evidence")
        op.execute("DROP FUNCTION task_evidence_refuse()")
    op.drop_table("task_evidence")
    # A completion awaiting confirmation goes back to open: older code knows no such state.
    op.execute("UPDATE task SET state = 'open' WHERE state = 'reported'")
    op.drop_index("ix_task_confirm_step", table_name="task")
    op.drop_index("ix_task_extension_step", table_name="task")
    for name in ("confirm_step", "reported_on", "extended_from", "extension_step", "extension_to"):
        op.drop_column("task", name)
