"""Queries for TCCB's follow-up: self-scores per area, inspections of units, and the rows the
period reports list (tasks with their details, the progress history)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from nhacviec.base import texts
from rules import InspectionFacts, ScoreEntry
from storage.models import (
    Area,
    AreaSelfScore,
    Inspection,
    Officer,
    ProgressUpdate,
    Task,
    TaskCoUnit,
    TaskEvent,
    Unit,
    aware,
)


def area_by_code(session: Session, plan_id: int, code: str) -> Area | None:
    return session.exec(
        select(Area).where(Area.plan_id == plan_id, sa.func.upper(Area.code) == code.upper())
    ).first()


def add_self_score(
    session: Session,
    area: Area,
    officer: Officer | None,
    points: float,
    note: str | None,
    at: datetime,
    channel: str,
) -> AreaSelfScore:
    """Append a self-score; earlier ones stay as history."""
    row = AreaSelfScore(
        area_id=area.id,  # type: ignore[arg-type]
        points=points,
        note=note,
        officer_id=officer.id if officer else None,
        at=at,
        channel=channel,
    )
    session.add(row)
    session.flush()
    return row


def score_entries(session: Session, plan_id: int) -> list[ScoreEntry]:
    """Every self-score of a plan's areas, oldest first, as the rules see them."""
    rows = session.exec(
        select(AreaSelfScore, Area, Officer)
        .join(Area, col(Area.id) == AreaSelfScore.area_id)
        .outerjoin(Officer, col(Officer.id) == AreaSelfScore.officer_id)
        .where(Area.plan_id == plan_id)
        .order_by(col(AreaSelfScore.at), col(AreaSelfScore.id))
    ).all()
    return [
        ScoreEntry(
            area=area.code,
            points=score.points,
            at=aware(score.at),  # type: ignore[arg-type]
            note=score.note,
            officer=officer.name if officer else "",
        )
        for score, area, officer in rows
    ]


def add_inspection(
    session: Session,
    unit: Unit,
    officer: Officer | None,
    on: date,
    note: str | None,
    at: datetime,
    channel: str,
) -> Inspection:
    row = Inspection(
        unit_id=unit.id,  # type: ignore[arg-type]
        inspected_on=on,
        note=note,
        officer_id=officer.id if officer else None,
        recorded_at=at,
        channel=channel,
    )
    session.add(row)
    session.flush()
    return row


@dataclass(frozen=True)
class InspectionRow:
    unit: str
    unit_name: str
    on: date
    note: str | None
    officer: str


def inspections_of_year(session: Session, year: int) -> list[InspectionRow]:
    """The inspections dated in `year`, in date order."""
    rows = session.exec(
        select(Inspection, Unit, Officer)
        .join(Unit, col(Unit.id) == Inspection.unit_id)
        .outerjoin(Officer, col(Officer.id) == Inspection.officer_id)
        .where(
            col(Inspection.inspected_on) >= date(year, 1, 1),
            col(Inspection.inspected_on) <= date(year, 12, 31),
        )
        .order_by(col(Inspection.inspected_on), col(Inspection.id))
    ).all()
    return [
        InspectionRow(
            unit=unit.code,
            unit_name=unit.name,
            on=inspection.inspected_on,
            note=inspection.note,
            officer=officer.name if officer else "",
        )
        for inspection, unit, officer in rows
    ]


def inspection_facts(rows: list[InspectionRow]) -> list[InspectionFacts]:
    return [InspectionFacts(unit=r.unit, on=r.on) for r in rows]


@dataclass(frozen=True)
class TaskDetails:
    """What a report lists of a task besides its facts."""

    authority: str | None
    co_units: list[str]
    series_code: str | None


def task_details(session: Session, plan_id: int) -> dict[int, TaskDetails]:
    tasks = session.exec(select(Task).where(Task.plan_id == plan_id)).all()
    co: dict[int, list[str]] = {}
    for task_id, code in session.execute(
        sa.select(col(TaskCoUnit.task_id), col(Unit.code))
        .join(Unit, col(Unit.id) == TaskCoUnit.unit_id)
        .join(Task, col(Task.id) == TaskCoUnit.task_id)
        .where(col(Task.plan_id) == plan_id)
        .order_by(col(Unit.code))
    ).all():
        co.setdefault(task_id, []).append(code)
    return {
        t.id: TaskDetails(t.authority, co.get(t.id, []), t.series_code)
        for t in tasks
        if t.id is not None
    }


@dataclass(frozen=True)
class HistoryRow:
    """One progress report, with who made it."""

    at: datetime  # aware, UTC
    task_id: int
    task_code: str
    title: str
    unit: str
    officer_code: str
    officer_name: str
    kind: str
    percent: int | None
    note: str | None
    channel: str


def history(
    session: Session, plan_id: int, since: datetime | None, until: datetime
) -> list[HistoryRow]:
    """The progress reports on a plan's tasks made in [since, until), oldest first."""
    query = (
        select(ProgressUpdate, Task, Unit, Officer)
        .join(Task, col(Task.id) == ProgressUpdate.task_id)
        .join(Unit, col(Unit.id) == Task.lead_unit_id)
        .outerjoin(Officer, col(Officer.id) == ProgressUpdate.officer_id)
        .where(Task.plan_id == plan_id, col(ProgressUpdate.at) < until)
        .order_by(col(ProgressUpdate.at), col(ProgressUpdate.id))
    )
    if since is not None:
        query = query.where(col(ProgressUpdate.at) >= since)
    return [
        HistoryRow(
            at=aware(update.at),  # type: ignore[arg-type]
            task_id=task.id or 0,
            task_code=task.code,
            title=task.title,
            unit=unit.code,
            officer_code=officer.code if officer else "",
            officer_name=officer.name if officer else "",
            kind=update.kind,
            percent=update.percent,
            note=update.note,
            channel=update.channel,
        )
        for update, task, unit, officer in session.exec(query).all()
    ] + _event_rows(session, plan_id, since, until)


def _event_rows(
    session: Session, plan_id: int, since: datetime | None, until: datetime
) -> list[HistoryRow]:
    """The tasks' events (created, deadline moved, reassigned, cancelled…) made in
    [since, until), as history rows: the note says what changed and why."""
    query = (
        select(TaskEvent, Task, Unit, Officer)
        .join(Task, col(Task.id) == TaskEvent.task_id)
        .join(Unit, col(Unit.id) == Task.lead_unit_id)
        .outerjoin(Officer, col(Officer.id) == TaskEvent.officer_id)
        .where(Task.plan_id == plan_id, col(TaskEvent.at) < until)
        .order_by(col(TaskEvent.at), col(TaskEvent.id))
    )
    if since is not None:
        query = query.where(col(TaskEvent.at) >= since)
    return [
        HistoryRow(
            at=aware(event.at),  # type: ignore[arg-type]
            task_id=task.id or 0,
            task_code=task.code,
            title=task.title,
            unit=unit.code,
            officer_code=officer.code if officer else event.actor,
            officer_name=officer.name if officer else "",
            kind=event.kind,
            percent=None,
            note=texts.event_text(event.kind, event.field, event.old, event.new, event.reason),
            channel=event.channel,
        )
        for event, task, unit, officer in session.exec(query).all()
    ]


def progress_as_of(session: Session, plan_id: int, until: datetime) -> dict[int, int]:
    """Each task's percent as last reported before `until` (tasks never reported are left out)."""
    latest: dict[int, int] = {}
    for update in session.exec(
        select(ProgressUpdate)
        .join(Task, col(Task.id) == ProgressUpdate.task_id)
        .where(
            col(Task.plan_id) == plan_id,
            col(ProgressUpdate.at) < until,
            col(ProgressUpdate.percent).is_not(None),
        )
        .order_by(col(ProgressUpdate.at), col(ProgressUpdate.id))
    ).all():
        latest[update.task_id] = update.percent or 0
    return latest
