"""Tasks written in bulk: a plan's new tasks in one multi-row insert, its changed ones in one
executemany update, co-units likewise; a handful of statements whatever the number of rows.

The per-unit task tally (migration 0008) is kept by the database's row triggers, which fire for
every row of a bulk statement as for any other write.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from storage.models import DeadlineShift, Task, TaskCoUnit

SHIFTS: sa.Table = DeadlineShift.__table__  # type: ignore[attr-defined]

# The columns a plan file decides; progress and completion are never touched by an import.
TASK_FIELDS = (
    "title",
    "area_id",
    "lead_unit_id",
    "authority",
    "deadline",
    "recurrence",
    "series_code",
    "note",
    "document",
    "assignee_id",
)


@dataclass
class TaskRow:
    """One task as the file wants it: its code, its TASK_FIELDS values, its co-units' ids, and
    where it was read (sheet, row)."""

    code: str
    values: dict[str, Any]
    co_units: set[int]
    where: tuple[str, int]
    from_stt: bool = False


@dataclass
class TaskDiff:
    """A task the write changed: (field, old, new) for each field that differs; co-units as
    the field "co_units" with sets of unit ids."""

    row: TaskRow
    fields: list[tuple[str, Any, Any]]
    task_id: int = 0


@dataclass
class BulkResult:
    created: list[str] = field(default_factory=list)
    changed: list[TaskDiff] = field(default_factory=list)
    unchanged: int = 0
    created_ids: dict[str, int] = field(default_factory=dict)
    # Done tasks whose deadline the file would move: kept (row, stored deadline).
    kept_deadlines: list[tuple[TaskRow, Any, int]] = field(default_factory=list)


def write_tasks(session: Session, plan_id: int, rows: list[TaskRow]) -> BulkResult:
    """Make the plan's tasks what `rows` say, comparing with what is stored: new codes inserted,
    changed ones updated, the rest left alone (and counted)."""
    table = Task.__table__  # type: ignore[attr-defined]
    links = TaskCoUnit.__table__  # type: ignore[attr-defined]
    columns = [
        table.c.id,
        table.c.code,
        table.c.state,
        table.c.extended_from,
        *(table.c[f] for f in TASK_FIELDS),
    ]
    existing = {
        row.code: row
        for row in session.execute(sa.select(*columns).where(table.c.plan_id == plan_id))
    }
    current: dict[int, set[int]] = {}
    query = (
        sa.select(links.c.task_id, links.c.unit_id)
        .join(table, table.c.id == links.c.task_id)
        .where(table.c.plan_id == plan_id)
    )
    for task_id, unit_id in session.execute(query):
        current.setdefault(task_id, set()).add(unit_id)

    # Each new task is written with its effective deadline, derived as the database's trigger
    # derives it (migration 0013: the kept shift of a day off, else the deadline). The trigger
    # then has nothing to correct: a task is inserted once, not inserted and then updated
    # (its indexes and the tally written twice).
    shifts: dict[Any, Any] = {
        day: moved for day, moved in session.execute(sa.select(SHIFTS.c.day, SHIFTS.c.moved_to))
    }
    result = BulkResult()
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    new_links: dict[str, set[int]] = {}
    add_links: list[dict[str, int]] = []
    drop_links: list[dict[str, int]] = []
    for task in rows:
        old = existing.get(task.code)
        if old is None:
            deadline = task.values["deadline"]
            inserts.append(
                {"plan_id": plan_id, "code": task.code, "progress": 0, "state": "open"}
                | task.values
                | {"due": shifts.get(deadline, deadline)}
            )
            new_links[task.code] = task.co_units
            result.created.append(task.code)
            continue
        if old.state == "cancelled":
            # Out of the plan: a file does not change it (reopen it first).
            result.unchanged += 1
            continue
        values = task.values
        if old.extended_from is not None and values["deadline"] == old.extended_from:
            # The file still holds the deadline before an approved extension: the extension
            # stays the deadline in force (only a person moves it again, with a reason).
            values = {**values, "deadline": old.deadline}
        if old.state in ("done", "reported") and old.deadline != values["deadline"]:
            # A done task's outcome is settled: a file does not move its deadline (that
            # would turn a late completion into an on-time one); a person may, with a reason.
            result.kept_deadlines.append((task, old.deadline, old.id))
            values = {**values, "deadline": old.deadline}
        diffs = [
            (f, getattr(old, f), values[f]) for f in TASK_FIELDS if getattr(old, f) != values[f]
        ]
        if diffs:
            updates.append({"_id": old.id, **values})
        had = current.get(old.id, set())
        if had != task.co_units:
            diffs.append(("co_units", had, task.co_units))
            add_links += [{"t": old.id, "u": u} for u in task.co_units - had]
            drop_links += [{"t": old.id, "u": u} for u in had - task.co_units]
        if diffs:
            result.changed.append(TaskDiff(task, diffs, old.id))
        else:
            result.unchanged += 1

    if inserts:
        session.execute(table.insert(), inserts)
        ids = {
            code: task_id
            for code, task_id in session.execute(
                sa.select(table.c.code, table.c.id).where(table.c.plan_id == plan_id)
            )
        }
        add_links += [{"t": ids[code], "u": u} for code, units in new_links.items() for u in units]
        result.created_ids = {code: ids[code] for code in result.created}
    if updates:
        session.execute(
            table.update()
            .where(table.c.id == sa.bindparam("_id"))
            .values({f: sa.bindparam(f) for f in TASK_FIELDS}),
            updates,
        )
    if add_links:
        session.execute(
            links.insert().values(task_id=sa.bindparam("t"), unit_id=sa.bindparam("u")),
            add_links,
        )
    if drop_links:
        session.execute(
            links.delete().where(
                links.c.task_id == sa.bindparam("t"), links.c.unit_id == sa.bindparam("u")
            ),
            drop_links,
        )
    return result
