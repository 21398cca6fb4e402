"""per-unit task tallies kept by triggers, and an index for the counts they leave over

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25

The weekly 30% figures count every task of the plan per unit. Counting a million tasks from
an index took about 0.35 s a Monday; a done task's outcome never changes, so the database now
keeps per (plan, lead unit) how many tasks there are, how many are completed and how many of
those were completed after their deadline. Triggers keep the tally on every insert, delete and
update of the columns it depends on, whichever code (or person with a SQL prompt) writes.

Batch mode on SQLite rebuilds a table and drops its triggers: a later migration that rebuilds
`task` must create these triggers again (`create_triggers`).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A task's contribution to the tally, as SQL over a row alias (NEW or OLD). A task without a
# deadline is done on time (rules.outcome_on): the comparison is NULL and counts 0.
SQLITE_DONE = "({row}.completed_on IS NOT NULL)"
SQLITE_LATE = "coalesce({row}.completed_on > {row}.deadline, 0)"
POSTGRES_DONE = "({row}.completed_on IS NOT NULL)::int"
POSTGRES_LATE = "coalesce(({row}.completed_on > {row}.deadline)::int, 0)"
WATCHED = ("plan_id", "lead_unit_id", "deadline", "completed_on")


def _sqlite_add(row: str) -> str:
    return (
        "INSERT INTO task_tally (plan_id, unit_id, assigned, done, done_late) "
        f"VALUES ({row}.plan_id, {row}.lead_unit_id, 1, {SQLITE_DONE.format(row=row)}, "
        f"{SQLITE_LATE.format(row=row)}) "
        "ON CONFLICT (plan_id, unit_id) DO UPDATE SET assigned = assigned + 1, "
        "done = done + excluded.done, done_late = done_late + excluded.done_late;"
    )


def _sqlite_remove(row: str) -> str:
    return (
        f"UPDATE task_tally SET assigned = assigned - 1, "
        f"done = done - {SQLITE_DONE.format(row=row)}, "
        f"done_late = done_late - {SQLITE_LATE.format(row=row)} "
        f"WHERE plan_id = {row}.plan_id AND unit_id = {row}.lead_unit_id;"
    )


POSTGRES_FUNCTION = f"""
CREATE FUNCTION task_tally_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE task_tally SET assigned = assigned - 1,
            done = done - {POSTGRES_DONE.format(row="OLD")},
            done_late = done_late - {POSTGRES_LATE.format(row="OLD")}
        WHERE plan_id = OLD.plan_id AND unit_id = OLD.lead_unit_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
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


def create_triggers() -> None:
    """The triggers that keep `task_tally` equal to a count of `task`."""
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


def upgrade() -> None:
    # What the tally cannot know: tasks not completed (by deadline, for the overdue and due
    # soon counts) and completions after the day counted (a past day, a preview). Both are
    # ranges of this index, read without touching the table. Plain index operations: batch
    # mode could rebuild the table and lose the triggers below.
    op.create_index(
        "ix_task_plan_completion", "task", ["plan_id", "completed_on", "deadline", "lead_unit_id"]
    )
    op.drop_index("ix_task_plan_outcome", table_name="task")
    op.create_table(
        "task_tally",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("assigned", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("done_late", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("plan_id", "unit_id"),
    )
    # The tasks already there, counted once; from here on the triggers keep count.
    op.execute(
        "INSERT INTO task_tally (plan_id, unit_id, assigned, done, done_late) "
        "SELECT plan_id, lead_unit_id, count(*), "
        "sum(CASE WHEN completed_on IS NOT NULL THEN 1 ELSE 0 END), "
        "sum(CASE WHEN completed_on > deadline THEN 1 ELSE 0 END) "
        "FROM task GROUP BY plan_id, lead_unit_id"
    )
    create_triggers()


def downgrade() -> None:
    drop_triggers()
    op.drop_table("task_tally")
    op.create_index(
        "ix_task_plan_outcome", "task", ["plan_id", "lead_unit_id", "deadline", "completed_on"]
    )
    op.drop_index("ix_task_plan_completion", table_name="task")
