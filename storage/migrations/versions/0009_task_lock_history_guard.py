"""a version on each task, and triggers that keep the progress history append-only

Revision ID: 0009
Revises: 0015
Create Date: 2026-11-30

Two officers' `/done` on one task at once were both recorded. Every change to a task now takes
the task's lock first (storage.repo.locked_task); the version column makes any write that
skipped it fail instead of overwriting (SQLAlchemy's version_id_col: UPDATE … WHERE version =
the version read).

Progress history decides completion figures that rate people: the database itself refuses to
UPDATE or DELETE a row of it, whoever asks (a SQL prompt included).

Batch mode on SQLite rebuilds a table and drops its triggers: a later migration that rebuilds
`progressupdate` must call `create_history_guard()` again (and one that rebuilds `task`,
0011's `create_triggers()`). This one only adds a column, without rebuilding anything.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REFUSAL = "progress history is append-only: rows cannot be changed or deleted"

POSTGRES_FUNCTION = f"""
CREATE FUNCTION progressupdate_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{REFUSAL}' USING ERRCODE = 'restrict_violation';
END
$$
"""


def create_history_guard() -> None:
    """Triggers refusing every UPDATE and DELETE of a progress history row (and TRUNCATE on
    PostgreSQL, which deletes without row triggers)."""
    if op.get_context().dialect.name == "postgresql":
        op.execute(POSTGRES_FUNCTION)
        op.execute(
            "CREATE TRIGGER progressupdate_append_only BEFORE UPDATE OR DELETE ON progressupdate "
            "FOR EACH ROW EXECUTE FUNCTION progressupdate_refuse()"
        )
        op.execute(
            "CREATE TRIGGER progressupdate_no_truncate BEFORE TRUNCATE ON progressupdate "
            "FOR EACH STATEMENT EXECUTE FUNCTION progressupdate_refuse()"
        )
        return
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER progressupdate_no_{event.lower()} BEFORE {event} ON progressupdate "
            f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
        )


def drop_history_guard() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP TRIGGER progressupdate_append_only ON progressupdate")
        op.execute("DROP TRIGGER progressupdate_no_truncate ON progressupdate")
        op.execute("DROP FUNCTION progressupdate_refuse()")
        return
    op.execute("DROP TRIGGER progressupdate_no_update")
    op.execute("DROP TRIGGER progressupdate_no_delete")


def upgrade() -> None:
    # A plain ALTER TABLE ADD COLUMN (no batch): rebuilding `task` would drop its triggers (0011).
    op.add_column("task", sa.Column("version", sa.Integer(), nullable=False, server_default="0"))
    create_history_guard()


def downgrade() -> None:
    drop_history_guard()
    # SQLite 3.35+ drops a column in place; the task table is not rebuilt.
    op.drop_column("task", "version")
