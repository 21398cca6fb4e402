"""Queries for TCCB's follow-up: self-scores per area, inspections of units, and the rows the
period reports list (tasks with their details, the progress history)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
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
    Plan,
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


def scored_plans(session: Session, plans: Sequence[Plan]) -> list[Plan]:
    """The plans of `plans` whose areas may be self-scored (those that have areas), in their
    order; all of them when none has any."""
    ids = [p.id for p in plans if p.id is not None]
    with_areas = set(
        session.exec(select(Area.plan_id).where(col(Area.plan_id).in_(ids)).distinct()).all()
    )
    return [p for p in plans if p.id in with_areas] or list(plans)


def scored_plan(session: Session, plans: Sequence[Plan]) -> Plan | None:
    """The plan whose areas a self-score is recorded on, as /score and the web page choose it:
    the first of the date's plans that has areas (a CCHC plan, not a work programme)."""
    found = scored_plans(session, plans)
    return found[0] if found else None


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


def co_units(session: Session, plan_ids: int | list[int]) -> dict[int, list[str]]:
    """The co-operating units of the plans' tasks that have any, by task (columns only: a
    report of 100,000 tasks builds no ORM object and keeps nothing for the others)."""
    ids = [plan_ids] if isinstance(plan_ids, int) else plan_ids
    co: dict[int, list[str]] = {}
    for task_id, code in session.execute(
        sa.select(col(TaskCoUnit.task_id), col(Unit.code))
        .join(Unit, col(Unit.id) == TaskCoUnit.unit_id)
        .join(Task, col(Task.id) == TaskCoUnit.task_id)
        .where(col(Task.plan_id).in_(ids))
        .order_by(col(Unit.code))
    ):
        co.setdefault(task_id, []).append(code)
    return co


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
    session: Session, plan_ids: int | list[int], since: datetime | None, until: datetime
) -> Iterator[HistoryRow]:
    """The progress reports on the plans' tasks made in [since, until), oldest first, read
    as they are written out (a year of a province's history does not fit in memory twice)."""
    ids = [plan_ids] if isinstance(plan_ids, int) else plan_ids
    u = ProgressUpdate
    query = (
        sa.select(
            col(u.at),
            col(Task.id),
            col(Task.code),
            col(Task.title),
            col(Unit.code),
            col(Officer.code),
            col(Officer.name),
            col(u.kind),
            col(u.percent),
            col(u.note),
            col(u.channel),
        )
        .join(Task, col(Task.id) == u.task_id)
        .join(Unit, col(Unit.id) == Task.lead_unit_id)
        .outerjoin(Officer, col(Officer.id) == u.officer_id)
        .where(col(Task.plan_id).in_(ids), col(u.at) < until)
        .order_by(col(u.at), col(u.id))
    )
    if since is not None:
        query = query.where(col(u.at) >= since)
    for row in session.execute(query.execution_options(yield_per=2000)):
        yield HistoryRow(
            at=aware(row[0]),  # type: ignore[arg-type]
            task_id=row[1],
            task_code=row[2],
            title=row[3],
            unit=row[4],
            officer_code=row[5] or "",
            officer_name=row[6] or "",
            kind=row[7],
            percent=row[8],
            note=row[9],
            channel=row[10],
        )


def event_rows(
    session: Session, plan_ids: int | list[int], since: datetime | None, until: datetime
) -> list[HistoryRow]:
    """The tasks' events (created, deadline moved, reassigned, cancelled…) made in
    [since, until), as history rows: the note says what changed and why."""
    ids = [plan_ids] if isinstance(plan_ids, int) else plan_ids
    query = (
        select(TaskEvent, Task, Unit, Officer)
        .join(Task, col(Task.id) == TaskEvent.task_id)
        .join(Unit, col(Unit.id) == Task.lead_unit_id)
        .outerjoin(Officer, col(Officer.id) == TaskEvent.officer_id)
        .where(col(Task.plan_id).in_(ids), col(TaskEvent.at) < until)
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


def progress_as_of(
    session: Session, plan_ids: int | list[int], until: datetime
) -> tuple[dict[int, int], dict[int, str]]:
    """Each task's percent as last reported before `until` (tasks never reported are left
    out), and its last note before then."""
    ids = [plan_ids] if isinstance(plan_ids, int) else plan_ids
    u = ProgressUpdate
    latest: dict[int, int] = {}
    notes: dict[int, str] = {}
    for task_id, percent, note in session.execute(
        sa.select(col(u.task_id), col(u.percent), col(u.note))
        .join(Task, col(Task.id) == u.task_id)
        .where(col(Task.plan_id).in_(ids), col(u.at) < until)
        .order_by(col(u.at), col(u.id))
        .execution_options(yield_per=5000)
    ):
        if percent is not None:
            latest[task_id] = percent
        if note:
            notes[task_id] = note
    return latest, notes
