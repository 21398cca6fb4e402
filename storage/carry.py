"""Carrying a closed year's unfinished tasks into the new year (`nhacviec plan carry-over`).

A carried task keeps its one identity: its plan, and so every figure of the year it belongs
to, is unchanged (a carried task done in January counts as done late in its own year), and the
new year's rates never count it. `task.carried_to_year` only puts it in the new year's lists
and reminders (storage.tally.listed: the scan, /tasks, /status's list of a unit's tasks), marked
"(chuyển từ 2023)". Each task carried gets one append-only `carried_over` event: who, when,
through which channel, why, from which year into which."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, select

from nhacviec.base import texts
from nhacviec.base.errors import NhacviecError
from rules.events import EventKind
from storage import tally
from storage.models import Plan, Task, TaskState, Unit
from storage.tasks import Who, record

# Done and cancelled tasks are never carried; a completion waiting for confirmation is.
UNFINISHED = (TaskState.OPEN, TaskState.REPORTED)


class CarryError(NhacviecError):
    """A carry-over refused; `reason` is a key of texts.CARRY_REASONS."""

    def __init__(self, reason: str, from_year: int, to_year: int) -> None:
        super().__init__(reason, reason=reason, from_year=from_year, to_year=to_year)


@dataclass(frozen=True, slots=True)
class CarriedTask:
    """One task carried (or, in a preview, to be carried)."""

    id: int
    code: str
    title: str
    unit: str
    due: date | None
    plan: str


@dataclass
class CarryResult:
    from_year: int
    to_year: int
    applied: bool
    tasks: list[CarriedTask] = field(default_factory=list)

    def per_unit(self) -> dict[str, int]:
        """How many tasks each lead unit has carried, by unit code."""
        counts: dict[str, int] = {}
        for task in self.tasks:
            counts[task.unit] = counts.get(task.unit, 0) + 1
        return dict(sorted(counts.items()))


def carry_over(
    session: Session,
    from_year: int,
    to_year: int,
    who: Who,
    reason: str | None = None,
    apply: bool = True,
) -> CarryResult:
    """Carry the unfinished tasks listed in `from_year` into `to_year` (with `apply`; else
    only say which). Listed in `from_year`: a task of its plans not carried anywhere yet, or a
    task an earlier carry-over brought into it. Done and cancelled tasks never move. A task
    already carried into `to_year` is not carried again, so a second run carries nothing.

    Refused (CarryError) when `from_year` is not before `to_year`, when `to_year` has no plan
    (its views would not exist: import its plan first), or `from_year` none."""
    if from_year >= to_year:
        raise CarryError("carry_order", from_year, to_year)
    conn = session.connection()
    if not tally.plan_ids_of_year(conn, to_year):
        raise CarryError("carry_no_plan_to", from_year, to_year)
    from_plans = tally.plan_ids_of_year(conn, from_year)
    if not from_plans:
        raise CarryError("carry_no_plan_from", from_year, to_year)
    rows = session.exec(
        select(Task, Unit.code, Plan.code)
        .join(Unit, col(Unit.id) == Task.lead_unit_id)
        .join(Plan, col(Plan.id) == Task.plan_id)
        .where(
            col(Task.state).in_(UNFINISHED),
            sa.or_(
                sa.and_(col(Task.plan_id).in_(from_plans), col(Task.carried_to_year).is_(None)),
                col(Task.carried_to_year) == from_year,
            ),
        )
        .order_by(col(Unit.code), col(Task.due).is_(None), col(Task.due), col(Task.id))
    ).all()
    result = CarryResult(from_year, to_year, applied=apply)
    why = reason or texts.carry_default_reason(from_year, to_year)
    for task, unit_code, plan_code in rows:
        result.tasks.append(
            CarriedTask(task.id or 0, task.code, task.title, unit_code, task.due, plan_code)
        )
        if not apply:
            continue
        task.carried_to_year = to_year
        session.add(task)
        try:
            # The version check (storage.models.Task) refuses a task changed meanwhile: two
            # carry-overs at once never both record one.
            session.flush()
        except StaleDataError as exc:
            raise CarryError("carry_conflict", from_year, to_year) from exc
        record(
            session,
            task,
            who,
            EventKind.CARRIED_OVER,
            "carried_to_year",
            str(from_year),
            str(to_year),
            why,
        )
    return result
