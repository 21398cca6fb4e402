"""The counts behind every figure, read from the kept tally instead of from every task; the
plans a date follows; the kept deadline shifts.

`outcome_counts` is `rules.outcome_on` written as SQL: tests/test_outcome_counts.py holds it
equal to `rules.count_outcomes` on both databases, day by day over a year; change both
together."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from rules import Outcome, TaskFacts, outcome_on
from rules.watch import counts_toward_rule
from storage.models import DeadlineShift, Plan, Task, TaskState, TaskTally

TASKS: sa.Table = Task.__table__  # type: ignore[attr-defined]
TALLY: sa.Table = TaskTally.__table__  # type: ignore[attr-defined]
PLANS: sa.Table = Plan.__table__  # type: ignore[attr-defined]
SHIFTS: sa.Table = DeadlineShift.__table__  # type: ignore[attr-defined]


def plan_years_on(conn: Connection, day: date) -> int | None:
    """The year whose plans a date follows: its own year once any plan of it is imported,
    else the latest earlier year that has plans (a plan of a later year never counts: the
    2024 plan imported in December leaves December to the 2023 plans)."""
    return conn.execute(
        sa.select(sa.func.max(PLANS.c.year)).where(PLANS.c.year <= day.year)
    ).scalar()


def plan_ids_on(conn: Connection, day: date) -> list[int]:
    """Every plan the date follows (a CCHC plan, a work programme, ad-hoc tasks of the same
    year), oldest first."""
    year = plan_years_on(conn, day)
    if year is None:
        return []
    return list(
        conn.execute(sa.select(PLANS.c.id).where(PLANS.c.year == year).order_by(PLANS.c.id))
        .scalars()
        .all()
    )


def listed(plan_id: Any, carried_to_year: Any, plan_ids: Sequence[int], year: int | None) -> Any:
    """The tasks a date's lists and reminders show (pass the two `task` columns): those of
    the followed plans, and those carried into the followed year `year` from an earlier one
    (storage/carry.py). Never a figure's filter: a carried task counts only in its own plan's
    year, so the new year's rates do not count it."""
    mine = plan_id.in_(list(plan_ids))
    return mine if year is None else sa.or_(mine, carried_to_year == year)


def plan_year_of(conn: Connection) -> dict[int, int]:
    """Each plan's year, by plan id (a handful of rows): where a carried task comes from."""
    return {pid: year for pid, year in conn.execute(sa.select(PLANS.c.id, PLANS.c.year))}


def plan_ids_of_year(conn: Connection, year: int) -> list[int]:
    return list(
        conn.execute(sa.select(PLANS.c.id).where(PLANS.c.year == year).order_by(PLANS.c.id))
        .scalars()
        .all()
    )


def plan_years(conn: Connection) -> list[int]:
    return list(conn.execute(sa.select(PLANS.c.year).distinct()).scalars().all())


def sync_deadline_shifts(conn: Connection, shifts: Mapping[date, date]) -> int:
    """Make the kept shifts equal `shifts` (day off -> the working day it moves to); triggers
    move the tasks' effective deadlines along. Returns how many shift rows changed."""
    kept = {day: moved for day, moved in conn.execute(sa.select(SHIFTS.c.day, SHIFTS.c.moved_to))}
    gone = [day for day, moved in kept.items() if shifts.get(day) != moved]
    new = [{"day": d, "moved_to": m} for d, m in shifts.items() if kept.get(d) != m]
    for start in range(0, len(gone), 500):
        conn.execute(SHIFTS.delete().where(SHIFTS.c.day.in_(gone[start : start + 500])))
    if new:
        # Upserted: several instances starting at once each write the same shifts.
        insert = pg_insert(SHIFTS) if conn.dialect.name == "postgresql" else sqlite_insert(SHIFTS)
        conn.execute(
            insert.on_conflict_do_update(
                index_elements=[SHIFTS.c.day], set_={"moved_to": insert.excluded.moved_to}
            ),
            new,
        )
    return len(gone) + len(new)


@dataclass(frozen=True, slots=True)
class CountRow:
    """The tasks of one (lead unit, area, authority) of the followed plans on a day, by
    outcome; `progress` sums the progress of the tasks not done on that day."""

    unit_id: int
    area_id: int | None
    authority: str | None
    on_time: int
    late: int
    overdue: int
    due_soon: int
    open: int
    progress: int

    @property
    def assigned(self) -> int:
        return self.on_time + self.late + self.overdue + self.due_soon + self.open

    @property
    def done(self) -> int:
        return self.on_time + self.late


DIMENSIONS = ("unit", "area", "authority")


def outcome_counts(
    conn: Connection,
    plan_ids: Sequence[int],
    on: date,
    due_soon_days: int,
    by: Sequence[str] = ("unit",),
    extension_counts_late: bool = False,
) -> list[CountRow]:
    """How many tasks of the plans have each outcome on `on`, judged against the effective
    deadline, per lead unit, area and/or assigning authority (`by`, of DIMENSIONS; the
    others are left None), counted by the database. With `extension_counts_late`
    ([approvals] extension_counts_late), a task given an extension is judged against the
    effective deadline it had before it (rules.approvals.judged).

    A completed task's outcome never changes, so most of the answer is kept ready: TaskTally
    (kept by triggers) has the tasks, completed tasks, late completions and the progress of
    unfinished tasks, added up here in the database. Two small ranges of
    ix_task_plan_completion supply the rest: unfinished tasks whose deadline is past or soon,
    and completions after `on` (a past day, a preview), which `on` does not yet know of.
    Whatever is left is open."""
    if not plan_ids:
        return []
    t = TASKS
    ids = list(plan_ids)
    # A cancelled task left the figures (migration 0011): the index holds `state` for this.
    mine = sa.and_(t.c.plan_id.in_(ids), t.c.state != TaskState.CANCELLED)
    soon = on + timedelta(days=due_soon_days)
    late = sa.case((t.c.completed_on > t.c.due, 1), else_=0)
    pressing = sa.case((t.c.due <= soon, 1), else_=0)
    overdue = sa.case((t.c.due < on, 1), else_=0)
    # Grouped by expressions (`+ 0`, `coalesce`), never by bare columns: otherwise SQLite,
    # once ANALYZEd, walks the whole table in the order of another index (ix_task_unit_state)
    # to save sorting what is usually a few rows.
    task_keys = {
        "unit": (t.c.lead_unit_id + sa.literal_column("0")).label("unit"),
        "area": sa.func.coalesce(t.c.area_id, 0).label("area"),
        "authority": sa.func.coalesce(t.c.authority, "").label("authority"),
    }
    tally_keys = {"unit": TALLY.c.unit_id, "area": TALLY.c.area_id, "authority": TALLY.c.authority}
    dims = [d for d in DIMENSIONS if d in by]
    group = [task_keys[d] for d in dims]
    kept = conn.execute(
        sa.select(
            *(tally_keys[d] for d in dims),
            sa.func.sum(TALLY.c.assigned),
            sa.func.sum(TALLY.c.done),
            sa.func.sum(TALLY.c.done_late),
            sa.func.sum(TALLY.c.open_progress),
        )
        .where(TALLY.c.plan_id.in_(ids), TALLY.c.assigned > 0)
        .group_by(*(tally_keys[d] for d in dims))
    ).all()
    n = len(dims)
    # Completed after `on`: on `on` they were still unfinished. None when `on` is today.
    later = {
        tuple(r[:n]): tuple(int(v or 0) for v in r[n:])
        for r in conn.execute(
            sa.select(
                *group,
                sa.func.count(),
                sa.func.sum(late),
                sa.func.sum(pressing),
                sa.func.sum(overdue),
                sa.func.sum(t.c.progress),
            )
            .where(mine, t.c.completed_on > on)
            .group_by(*group)
        )
    }
    unfinished = {
        tuple(r[:n]): (int(r[n]), int(r[n + 1] or 0))
        for r in conn.execute(
            sa.select(*group, sa.func.count(), sa.func.sum(overdue))
            .where(mine, t.c.completed_on.is_(None), t.c.due <= soon)
            .group_by(*group)
        )
    }
    changed = (
        _extension_changes(conn, mine, group, on, due_soon_days) if extension_counts_late else {}
    )
    rows = []
    for r in kept:
        key = tuple(r[:n])
        assigned, done_ever, late_ever, open_progress = (int(v or 0) for v in r[n:])
        if not assigned:
            continue
        done_after, late_after, pressing_after, overdue_after, progress_after = later.get(
            key, (0, 0, 0, 0, 0)
        )
        pressing_open, overdue_open = unfinished.get(key, (0, 0))
        done, done_late = done_ever - done_after, late_ever - late_after
        pressing_now = pressing_open + pressing_after
        overdue_now = overdue_open + overdue_after
        named = dict(zip(dims, key, strict=True))
        moved = changed.get(key, {})
        rows.append(
            CountRow(
                unit_id=named.get("unit", 0),
                area_id=named.get("area") or None,
                authority=named.get("authority") or None,
                on_time=done - done_late + moved.get(Outcome.DONE_ON_TIME, 0),
                late=done_late + moved.get(Outcome.DONE_LATE, 0),
                overdue=overdue_now + moved.get(Outcome.OVERDUE, 0),
                due_soon=pressing_now - overdue_now + moved.get(Outcome.DUE_SOON, 0),
                open=assigned - done - pressing_now + moved.get(Outcome.OPEN, 0),
                progress=open_progress + progress_after,
            )
        )
    return rows


def effective_days(conn: Connection, days: Iterable[date | None]) -> dict[date, date]:
    """Each written day as the kept shifts move it (a day off to the next working day), the
    way the triggers derive `task.due`; a day not moved maps to itself."""
    wanted = {day for day in days if day is not None}
    if not wanted:
        return {}
    moved = dict(
        conn.execute(
            sa.select(SHIFTS.c.day, SHIFTS.c.moved_to).where(SHIFTS.c.day.in_(sorted(wanted)))
        ).all()
    )
    return {day: moved.get(day, day) for day in wanted}


def original_deadline(extended_from: Any) -> sa.ColumnElement[date]:
    """The effective deadline a task had before its extension: its written deadline moved off a
    day off as the kept shifts say, as `task.due` is for the deadline in force."""
    shifted = sa.select(SHIFTS.c.moved_to).where(SHIFTS.c.day == extended_from).scalar_subquery()
    # Looked up only for the few tasks given an extension, not for every row a report reads.
    return sa.case(
        (extended_from.is_(None), sa.null()), else_=sa.func.coalesce(shifted, extended_from)
    )


def _extension_changes(
    conn: Connection,
    mine: sa.ColumnElement[bool],
    group: Sequence[sa.ColumnElement[object]],
    on: date,
    due_soon_days: int,
) -> dict[tuple[object, ...], dict[Outcome, int]]:
    """How each key's outcomes move when the tasks given an extension (a handful, read from
    their partial index) are judged against the deadline they had before it."""
    t = TASKS
    n = len(group)
    changes: dict[tuple[object, ...], dict[Outcome, int]] = {}
    for r in conn.execute(
        sa.select(*group, t.c.due, t.c.completed_on, original_deadline(t.c.extended_from)).where(
            # A range, not IS NOT NULL, for the planner's guess on a table not yet analyzed
            # (see storage.approvals.waiting); it implies the partial index's predicate.
            mine,
            t.c.extended_from.between(date(1900, 1, 1), date(9999, 12, 31)),
        )
    ):
        facts: Any = r[n:]
        due, completed_on, before = facts
        in_force = outcome_on(TaskFacts(0, "", "", due, completed_on), on, due_soon_days)
        judged = outcome_on(TaskFacts(0, "", "", before, completed_on), on, due_soon_days)
        if in_force != judged:
            moved = changes.setdefault(tuple(r[:n]), {})
            moved[in_force] = moved.get(in_force, 0) - 1
            moved[judged] = moved.get(judged, 0) + 1
    return changes


def by_unit(
    rows: Iterable[CountRow], unit_codes: Mapping[int, str], counted: Sequence[str] = ()
) -> dict[str, dict[Outcome, int]]:
    """The rows added up per unit code, as `rules.count_outcomes` gives them; every unit of
    `unit_codes` appears, with no task or some. With `counted`, only the tasks of those
    assigning authorities (and those with none recorded) count (rules.counts_toward_rule)."""
    counts: dict[str, dict[Outcome, int]] = {code: {} for code in unit_codes.values()}
    matched: dict[str | None, bool] = {}
    for r in rows:
        if r.authority not in matched:
            matched[r.authority] = counts_toward_rule(r.authority, counted)
        if not matched[r.authority]:
            continue
        per_unit = counts.setdefault(unit_codes.get(r.unit_id, ""), {})
        for outcome, n in (
            (Outcome.DONE_ON_TIME, r.on_time),
            (Outcome.DONE_LATE, r.late),
            (Outcome.OVERDUE, r.overdue),
            (Outcome.DUE_SOON, r.due_soon),
            (Outcome.OPEN, r.open),
        ):
            if n:
                per_unit[outcome] = per_unit.get(outcome, 0) + n
    return counts
