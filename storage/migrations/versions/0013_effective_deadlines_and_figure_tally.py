"""effective deadlines (a day off moves to the next working day) and a finer task tally

Revision ID: 0013
Revises: 0011
Create Date: 2026-11-30

Deadlines. `task.deadline` stays the deadline as written. `task.due` is the effective one,
the deadline every outcome is judged against: a written deadline on a day off moves to the next
working day (Civil Code 2015, art. 148). Which days are off depends on the working-day
calendar and the config, which the database cannot compute: the application keeps
`deadline_shift` (one row per day off: the working day a deadline on it moves to; empty when
the config turns the rule off), and triggers derive `task.due` from it on every insert and on
every change of a deadline or of a shift, whichever code (or person with a SQL prompt) writes.

Tally. The figures (/status, /areas, the weekly summary, the report's summary) read per plan,
lead unit, area and assigning authority: how many tasks, how many completed, how many of those
after their effective deadline, and the progress of the unfinished ones; triggers keep it.
It replaces the per-unit tally of 0008/0011; cancelled tasks stay out of it, as in 0011.
Days-dependent counts (overdue, due soon, completions after a past day) are small ranges of
ix_task_plan_completion.

Batch mode on SQLite rebuilds a table and drops its triggers: a later migration that rebuilds
`task` must call `create_triggers()` of this module again.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = ("plan_id", "unit_id", "area_id", "authority")
# A task's key and contribution to the tally, as SQL over a row alias (NEW or OLD). A task
# without a deadline is done on time (rules.outcome_on): the comparison is NULL and counts 0.
KEY_SQL = (
    "{row}.plan_id, {row}.lead_unit_id, coalesce({row}.area_id, 0), coalesce({row}.authority, '')"
)
WHERE_KEY = (
    "plan_id = {row}.plan_id AND unit_id = {row}.lead_unit_id AND "
    "area_id = coalesce({row}.area_id, 0) AND authority = coalesce({row}.authority, '')"
)
SQLITE = {
    "done": "({row}.completed_on IS NOT NULL)",
    "late": "coalesce({row}.completed_on > {row}.due, 0)",
    "progress": "(CASE WHEN {row}.completed_on IS NULL THEN {row}.progress ELSE 0 END)",
}
POSTGRES = {
    "done": "({row}.completed_on IS NOT NULL)::int",
    "late": "coalesce(({row}.completed_on > {row}.due)::int, 0)",
    "progress": "(CASE WHEN {row}.completed_on IS NULL THEN {row}.progress ELSE 0 END)",
}
WATCHED = (
    "plan_id",
    "lead_unit_id",
    "area_id",
    "authority",
    "due",
    "completed_on",
    "progress",
    "state",
)
# A cancelled task leaves the figures (migration 0011); its record stays.
LIVE = "{row}.state <> 'cancelled'"
# The effective deadline of a row, from the kept shifts.
SHIFTED = (
    "coalesce((SELECT moved_to FROM deadline_shift WHERE day = {row}.deadline), {row}.deadline)"
)


def _add(row: str, sql: dict[str, str], postgres: bool = False) -> str:
    t = "t." if postgres else ""
    return (
        f"INSERT INTO task_tally {'AS t ' if postgres else ''}"
        "(plan_id, unit_id, area_id, authority, assigned, done, done_late, open_progress) "
        f"SELECT {KEY_SQL.format(row=row)}, 1, {sql['done'].format(row=row)}, "
        f"{sql['late'].format(row=row)}, {sql['progress'].format(row=row)} "
        f"WHERE {LIVE.format(row=row)} "
        f"ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET assigned = {t}assigned + 1, "
        f"done = {t}done + excluded.done, done_late = {t}done_late + excluded.done_late, "
        f"open_progress = {t}open_progress + excluded.open_progress;"
    )


def _remove(row: str, sql: dict[str, str]) -> str:
    return (
        f"UPDATE task_tally SET assigned = assigned - 1, "
        f"done = done - {sql['done'].format(row=row)}, "
        f"done_late = done_late - {sql['late'].format(row=row)}, "
        f"open_progress = open_progress - {sql['progress'].format(row=row)} "
        f"WHERE {WHERE_KEY.format(row=row)} AND {LIVE.format(row=row)};"
    )


POSTGRES_TALLY = f"""
CREATE FUNCTION task_tally_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        {_remove("OLD", POSTGRES)}
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        {_add("NEW", POSTGRES, postgres=True)}
    END IF;
    RETURN NULL;
END
$$
"""
POSTGRES_DUE = f"""
CREATE FUNCTION task_due_derive() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.due := {SHIFTED.format(row="NEW")};
    RETURN NEW;
END
$$
"""
POSTGRES_SHIFT = """
CREATE FUNCTION deadline_shift_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE task SET due = deadline WHERE deadline = OLD.day AND due IS DISTINCT FROM deadline;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE task SET due = NEW.moved_to
        WHERE deadline = NEW.day AND due IS DISTINCT FROM NEW.moved_to;
    END IF;
    RETURN NULL;
END
$$
"""


def create_triggers() -> None:
    """The triggers that derive `task.due` and keep `task_tally` equal to a count of `task`."""
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in WATCHED)
    if op.get_context().dialect.name == "postgresql":
        op.execute(POSTGRES_DUE)
        op.execute(
            "CREATE TRIGGER task_due_keep BEFORE INSERT OR UPDATE OF deadline ON task "
            "FOR EACH ROW EXECUTE FUNCTION task_due_derive()"
        )
        op.execute(POSTGRES_SHIFT)
        op.execute(
            "CREATE TRIGGER deadline_shift_keep AFTER INSERT OR DELETE OR UPDATE "
            "ON deadline_shift FOR EACH ROW EXECUTE FUNCTION deadline_shift_follow()"
        )
        op.execute(POSTGRES_TALLY)
        # `UPDATE OF` fires only for columns named in the UPDATE: `due` is set by the BEFORE
        # trigger when `deadline` is, so a change of `deadline` must fire it too.
        op.execute(
            "CREATE TRIGGER task_tally_keep AFTER INSERT OR DELETE OR UPDATE OF "
            f"{', '.join((*WATCHED, 'deadline'))} ON task "
            "FOR EACH ROW EXECUTE FUNCTION task_tally_apply()"
        )
        return
    derive = (
        f"UPDATE task SET due = {SHIFTED.format(row='NEW')} "
        f"WHERE id = NEW.id AND due IS NOT {SHIFTED.format(row='NEW')};"
    )
    op.execute(f"CREATE TRIGGER task_due_insert AFTER INSERT ON task BEGIN {derive} END")
    op.execute(
        "CREATE TRIGGER task_due_update AFTER UPDATE OF deadline ON task "
        f"WHEN OLD.deadline IS NOT NEW.deadline BEGIN {derive} END"
    )
    op.execute(
        "CREATE TRIGGER deadline_shift_insert AFTER INSERT ON deadline_shift BEGIN "
        "UPDATE task SET due = NEW.moved_to WHERE deadline = NEW.day AND due IS NOT NEW.moved_to;"
        " END"
    )
    op.execute(
        "CREATE TRIGGER deadline_shift_delete AFTER DELETE ON deadline_shift BEGIN "
        "UPDATE task SET due = deadline WHERE deadline = OLD.day AND due IS NOT deadline; END"
    )
    op.execute(
        "CREATE TRIGGER deadline_shift_update AFTER UPDATE ON deadline_shift BEGIN "
        f"UPDATE task SET due = {SHIFTED.format(row='task')} "
        "WHERE deadline IN (OLD.day, NEW.day); END"
    )
    op.execute(
        f"CREATE TRIGGER task_tally_insert AFTER INSERT ON task BEGIN {_add('NEW', SQLITE)} END"
    )
    op.execute(
        f"CREATE TRIGGER task_tally_delete AFTER DELETE ON task BEGIN {_remove('OLD', SQLITE)} END"
    )
    op.execute(
        f"CREATE TRIGGER task_tally_update AFTER UPDATE OF {', '.join(WATCHED)} ON task "
        f"WHEN {changed} BEGIN {_remove('OLD', SQLITE)} {_add('NEW', SQLITE)} END"
    )


def drop_triggers() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP TRIGGER task_tally_keep ON task")
        op.execute("DROP FUNCTION task_tally_apply()")
        op.execute("DROP TRIGGER task_due_keep ON task")
        op.execute("DROP FUNCTION task_due_derive()")
        op.execute("DROP TRIGGER deadline_shift_keep ON deadline_shift")
        op.execute("DROP FUNCTION deadline_shift_follow()")
        return
    for name in (
        "task_tally_insert",
        "task_tally_delete",
        "task_tally_update",
        "task_due_insert",
        "task_due_update",
        "deadline_shift_insert",
        "deadline_shift_delete",
        "deadline_shift_update",
    ):
        op.execute(f"DROP TRIGGER {name}")


def _drop_0011_triggers() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP TRIGGER task_tally_keep ON task")
        op.execute("DROP FUNCTION task_tally_apply()")
        return
    for name in ("task_tally_insert", "task_tally_delete", "task_tally_update"):
        op.execute(f"DROP TRIGGER {name}")


def upgrade() -> None:
    _drop_0011_triggers()
    op.drop_table("task_tally")
    # Plain ALTER and index operations: batch mode could rebuild the table.
    op.add_column("task", sa.Column("due", sa.Date(), nullable=True))
    op.execute("UPDATE task SET due = deadline")
    op.create_table(
        "deadline_shift",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("moved_to", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("day"),
    )
    # The reminder scan's open tasks by effective deadline; the shifts' tasks by written one.
    op.drop_index("ix_task_state_deadline", table_name="task")
    op.create_index("ix_task_state_due", "task", ["state", "due"])
    op.create_index("ix_task_deadline", "task", ["deadline"])
    # The figures' day-dependent ranges (unfinished by effective deadline, completions after a
    # day), read from the index alone, grouped by the tally's key.
    op.drop_index("ix_task_plan_completion", table_name="task")
    op.create_index(
        "ix_task_plan_completion",
        "task",
        ["plan_id", "completed_on", "due", "lead_unit_id", "area_id", "authority", "state"],
    )
    op.create_table(
        "task_tally",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("authority", sa.String(), nullable=False),
        sa.Column("assigned", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("done_late", sa.Integer(), nullable=False),
        sa.Column("open_progress", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(*KEY),
        # On SQLite the rows live in the key's own b-tree: summing 16,000 of them reads
        # one index instead of an index and the table (13 ms -> 2 ms).
        sqlite_with_rowid=False,
    )
    op.execute(
        "INSERT INTO task_tally "
        "(plan_id, unit_id, area_id, authority, assigned, done, done_late, open_progress) "
        "SELECT plan_id, lead_unit_id, coalesce(area_id, 0), coalesce(authority, ''), count(*), "
        "sum(CASE WHEN completed_on IS NOT NULL THEN 1 ELSE 0 END), "
        "sum(CASE WHEN completed_on > due THEN 1 ELSE 0 END), "
        "sum(CASE WHEN completed_on IS NULL THEN progress ELSE 0 END) "
        "FROM task WHERE state <> 'cancelled' "
        "GROUP BY plan_id, lead_unit_id, coalesce(area_id, 0), coalesce(authority, '')"
    )
    create_triggers()


def downgrade() -> None:
    drop_triggers()
    op.drop_table("task_tally")
    op.drop_index("ix_task_plan_completion", table_name="task")
    op.drop_index("ix_task_deadline", table_name="task")
    op.drop_index("ix_task_state_due", table_name="task")
    op.create_index("ix_task_state_deadline", "task", ["state", "deadline"])
    op.drop_table("deadline_shift")
    # A plain DROP COLUMN (SQLite 3.35+): a batch rebuild would drop `task` itself, which
    # task_event's foreign key refuses.
    op.drop_column("task", "due")
    # 0011's per-unit tally, counted again, its triggers and its completion index.
    import importlib

    events_0011 = importlib.import_module("storage.migrations.versions.0011_task_events")
    op.create_index(
        "ix_task_plan_completion",
        "task",
        ["plan_id", "completed_on", "deadline", "lead_unit_id", "state"],
    )
    op.create_table(
        "task_tally",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("assigned", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("done_late", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("plan_id", "unit_id"),
    )
    op.execute(
        "INSERT INTO task_tally (plan_id, unit_id, assigned, done, done_late) "
        "SELECT plan_id, lead_unit_id, count(*), "
        "sum(CASE WHEN completed_on IS NOT NULL THEN 1 ELSE 0 END), "
        "sum(CASE WHEN completed_on > deadline THEN 1 ELSE 0 END) "
        "FROM task WHERE state <> 'cancelled' GROUP BY plan_id, lead_unit_id"
    )
    events_0011.create_triggers()
