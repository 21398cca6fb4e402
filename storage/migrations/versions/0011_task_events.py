"""task events (append-only), a task's officer and document, cancelled tasks out of the tally

Revision ID: 0011
Revises: 0008
Create Date: 2026-11-30

Every change to a task becomes a `task_event` row; the database refuses to update or delete
one (triggers on SQLite and PostgreSQL), so the record survives any code path or SQL prompt.
Each task already there gets a "created" event holding its deadline, so its original
deadline stays recoverable. A task may name its officer (`assignee_id`) and the number of the
document that assigned it. Cancelled tasks leave their unit's figures: the tally triggers of
0008 are replaced by ones that skip `state = 'cancelled'`, and the completion index gains
`state` so the weekly count can skip them without reading the table. A chat dialog (/giao)
keeps its answers in `chatstate.draft` before any task exists.

Batch mode on SQLite rebuilds a table and drops its triggers: a later migration that rebuilds
`task` must call `create_triggers()` from here (tests/test_task_tally.py catches it).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WATCHED = ("plan_id", "lead_unit_id", "deadline", "completed_on", "state")
LIVE = "{row}.state <> 'cancelled'"
SQLITE_DONE = "({row}.completed_on IS NOT NULL)"
SQLITE_LATE = "coalesce({row}.completed_on > {row}.deadline, 0)"
POSTGRES_DONE = "({row}.completed_on IS NOT NULL)::int"
POSTGRES_LATE = "coalesce(({row}.completed_on > {row}.deadline)::int, 0)"


def _sqlite_add(row: str) -> str:
    return (
        "INSERT INTO task_tally (plan_id, unit_id, assigned, done, done_late) "
        f"SELECT {row}.plan_id, {row}.lead_unit_id, 1, {SQLITE_DONE.format(row=row)}, "
        f"{SQLITE_LATE.format(row=row)} WHERE {LIVE.format(row=row)} "
        "ON CONFLICT (plan_id, unit_id) DO UPDATE SET assigned = assigned + 1, "
        "done = done + excluded.done, done_late = done_late + excluded.done_late;"
    )


def _sqlite_remove(row: str) -> str:
    return (
        f"UPDATE task_tally SET assigned = assigned - 1, "
        f"done = done - {SQLITE_DONE.format(row=row)}, "
        f"done_late = done_late - {SQLITE_LATE.format(row=row)} "
        f"WHERE plan_id = {row}.plan_id AND unit_id = {row}.lead_unit_id "
        f"AND {LIVE.format(row=row)};"
    )


POSTGRES_FUNCTION = f"""
CREATE FUNCTION task_tally_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND {LIVE.format(row="OLD")} THEN
        UPDATE task_tally SET assigned = assigned - 1,
            done = done - {POSTGRES_DONE.format(row="OLD")},
            done_late = done_late - {POSTGRES_LATE.format(row="OLD")}
        WHERE plan_id = OLD.plan_id AND unit_id = OLD.lead_unit_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND {LIVE.format(row="NEW")} THEN
        INSERT INTO task_tally AS t (plan_id, unit_id, assigned, done, done_late)
        VALUES (NEW.plan_id, NEW.lead_unit_id, 1, {POSTGRES_DONE.format(row="NEW")},
                {POSTGRES_LATE.format(row="NEW")})
        ON CONFLICT (plan_id, unit_id) DO UPDATE SET assigned = t.assigned + 1,
            done = t.done + EXCLUDED.done, done_late = t.done_late + EXCLUDED.done_late;
    END IF;
    RETURN NULL;
END
$$
"""

APPEND_ONLY_MESSAGE = "task_event is append-only"
POSTGRES_APPEND_ONLY = f"""
CREATE FUNCTION task_event_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}';
END
$$
"""


def create_triggers() -> None:
    """The triggers that keep `task_tally` equal to a count of the tasks not cancelled."""
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in WATCHED)
    if op.get_context().dialect.name == "postgresql":
        op.execute(POSTGRES_FUNCTION)
        op.execute(
            "CREATE TRIGGER task_tally_keep AFTER INSERT OR DELETE OR UPDATE OF "
            f"{', '.join(WATCHED)} ON task FOR EACH ROW EXECUTE FUNCTION task_tally_apply()"
        )
        return
    op.execute(
        f"CREATE TRIGGER task_tally_insert AFTER INSERT ON task BEGIN {_sqlite_add('NEW')} END"
    )
    op.execute(
        f"CREATE TRIGGER task_tally_delete AFTER DELETE ON task BEGIN {_sqlite_remove('OLD')} END"
    )
    op.execute(
        f"CREATE TRIGGER task_tally_update AFTER UPDATE OF {', '.join(WATCHED)} ON task "
        f"WHEN {changed} BEGIN {_sqlite_remove('OLD')} {_sqlite_add('NEW')} END"
    )


def drop_triggers() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP TRIGGER task_tally_keep ON task")
        op.execute("DROP FUNCTION task_tally_apply()")
        return
    for name in ("task_tally_insert", "task_tally_delete", "task_tally_update"):
        op.execute(f"DROP TRIGGER {name}")


def _recount() -> None:
    op.execute("DELETE FROM task_tally")
    op.execute(
        "INSERT INTO task_tally (plan_id, unit_id, assigned, done, done_late) "
        "SELECT plan_id, lead_unit_id, count(*), "
        "sum(CASE WHEN completed_on IS NOT NULL THEN 1 ELSE 0 END), "
        "sum(CASE WHEN completed_on > deadline THEN 1 ELSE 0 END) "
        "FROM task WHERE state <> 'cancelled' GROUP BY plan_id, lead_unit_id"
    )


def upgrade() -> None:
    postgres = op.get_context().dialect.name == "postgresql"
    op.create_table(
        "task_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("field", sa.String(length=32), nullable=True),
        sa.Column("old", sa.String(), nullable=True),
        sa.Column("new", sa.String(), nullable=True),
        sa.Column("reason", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(["task_id"], ["task.id"]),
        sa.ForeignKeyConstraint(["officer_id"], ["officer.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_task_event_task_id", "task_event", ["task_id"])
    # Plain ADD COLUMN: batch mode would rebuild `task` and drop its triggers.
    op.add_column("task", sa.Column("document", sa.String(), nullable=True))
    op.add_column("task", sa.Column("assignee_id", sa.Integer(), nullable=True))
    op.create_index("ix_task_assignee_id", "task", ["assignee_id"])
    with op.batch_alter_table("chatstate") as batch:
        batch.alter_column("task_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("draft", sa.String(), nullable=True))

    # Every task so far: its creation, with the deadline it has now (all that is known).
    deadline = "to_char(deadline, 'YYYY-MM-DD')" if postgres else "deadline"
    op.execute(
        "INSERT INTO task_event (task_id, at, actor, channel, kind, field, new) "
        f"SELECT id, CURRENT_TIMESTAMP, 'admin', 'migration', 'created', 'deadline', {deadline} "
        "FROM task ORDER BY id"
    )
    if postgres:
        op.execute(POSTGRES_APPEND_ONLY)
        op.execute(
            "CREATE TRIGGER task_event_append_only BEFORE UPDATE OR DELETE ON task_event "
            "FOR EACH ROW EXECUTE FUNCTION task_event_refuse()"
        )
    else:
        for what in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER task_event_no_{what.lower()} BEFORE {what} ON task_event "
                f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
            )

    # The weekly count skips cancelled tasks from the index alone.
    op.drop_index("ix_task_plan_completion", table_name="task")
    op.create_index(
        "ix_task_plan_completion",
        "task",
        ["plan_id", "completed_on", "deadline", "lead_unit_id", "state"],
    )
    drop_triggers()
    create_triggers()
    _recount()


def downgrade() -> None:
    from importlib import import_module

    tally_0008 = import_module("storage.migrations.versions.0008_task_tally")
    drop_triggers()
    # Cancelled tasks come back as open ones: 0008 knows no cancellation.
    op.execute("UPDATE task SET state = 'open' WHERE state = 'cancelled'")
    tally_0008.create_triggers()
    op.drop_index("ix_task_plan_completion", table_name="task")
    op.create_index(
        "ix_task_plan_completion", "task", ["plan_id", "completed_on", "deadline", "lead_unit_id"]
    )
    _recount()
    op.execute("DELETE FROM chatstate WHERE task_id IS NULL")
    with op.batch_alter_table("chatstate") as batch:
        batch.drop_column("draft")
        batch.alter_column("task_id", existing_type=sa.Integer(), nullable=False)
    op.drop_index("ix_task_assignee_id", table_name="task")
    op.drop_column("task", "assignee_id")
    op.drop_column("task", "document")
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP TRIGGER task_event_append_only ON task_event")
        op.execute("DROP FUNCTION task_event_refuse()")
    op.drop_table("task_event")
