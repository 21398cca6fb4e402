"""The queries behind the web page: a unit's tasks with filters, one task with its story, and
the per-area counts of the overview, so that nhacviec.web runs no SQL of its own.

Lists take the plans a date follows (storage.tally.plan_ids_on, as /status and /tasks do) and
the year they belong to: a unit's list also holds the tasks carried into that year from a
closed one (storage.tally.listed), each marked with the year it belongs to."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, col, select

from rules import TaskFacts
from storage import tally
from storage.db import Engine
from storage.importer import ImportSummary, import_file, import_sheets, read_file
from storage.models import (
    Area,
    Officer,
    Plan,
    ProgressUpdate,
    Task,
    TaskCoUnit,
    TaskEvidence,
    Unit,
    aware,
)


@dataclass(frozen=True)
class TaskFilter:
    """What a unit's task list is narrowed to; None leaves a criterion out."""

    area: str | None = None  # a top-level area code: its sub-criteria are included
    authority: str | None = None
    due_from: date | None = None
    due_to: date | None = None
    assignee_id: int | None = None  # the officer named on the task (người thụ lý)
    unassigned: bool = False  # only the tasks that name no officer (the whole unit handles them)


@dataclass(frozen=True)
class TaskRow:
    """One line of a unit's task list."""

    facts: TaskFacts
    authority: str | None
    state: str
    recurrence: str | None
    assignee: str | None = None  # the named officer's name; None: the whole unit
    carried_from: int | None = None  # carried from this closed year (listed, not counted)


def units(session: Session) -> list[Unit]:
    return list(session.exec(select(Unit).order_by(col(Unit.code))).all())


def _listed(plan_ids: Sequence[int], carried_into: int | None) -> sa.ColumnElement[bool]:
    """The tasks a date's lists show: those of the followed plans, and those carried into the
    followed year `carried_into` (storage.tally.listed)."""
    return tally.listed(col(Task.plan_id), col(Task.carried_to_year), plan_ids, carried_into)


def unit_tasks(
    session: Session,
    plan_ids: Sequence[int],
    unit_id: int,
    where: TaskFilter,
    carried_into: int | None = None,
) -> list[TaskRow]:
    """The tasks a unit leads in the plans (and, with `carried_into`, those carried into that
    year, each with the year it belongs to) that match `where`, by deadline (none last)."""
    ids = list(plan_ids)
    query = (
        sa.select(
            Task,
            col(Area.code),
            col(Unit.code),
            col(Officer.name),
            col(Plan.year),
            # The deadline before an extension, effective like `due` (the figures judge by it).
            tally.original_deadline(col(Task.extended_from)),
        )
        .join(Unit, col(Unit.id) == Task.lead_unit_id)
        .join(Plan, col(Plan.id) == Task.plan_id)
        .outerjoin(Area, col(Area.id) == Task.area_id)
        .outerjoin(Officer, col(Officer.id) == Task.assignee_id)
        .where(_listed(ids, carried_into), col(Task.lead_unit_id) == unit_id)
    )
    if where.area:
        query = query.where(
            sa.or_(
                sa.func.upper(Area.code) == where.area.upper(),
                sa.func.upper(Area.parent_code) == where.area.upper(),
            )
        )
    if where.authority:
        query = query.where(col(Task.authority) == where.authority)
    # By the effective deadline, the one the lists show and the figures judge by.
    if where.due_from:
        query = query.where(col(Task.due) >= where.due_from)
    if where.due_to:
        query = query.where(col(Task.due) <= where.due_to)
    if where.unassigned:
        query = query.where(col(Task.assignee_id).is_(None))
    elif where.assignee_id is not None:
        query = query.where(col(Task.assignee_id) == where.assignee_id)
    query = query.order_by(col(Task.due).is_(None), col(Task.due), col(Task.id))
    return [
        TaskRow(
            facts=TaskFacts(
                id=task.id or 0,
                code=task.code,
                unit=unit_code,
                deadline=task.due,
                completed_on=task.completed_on,
                progress=task.progress,
                area=area_code,
                title=task.title,
                extended_from=before,
                written=task.deadline if task.deadline != task.due else None,
                authority=task.authority,
            ),
            authority=task.authority,
            state=task.state,
            recurrence=task.recurrence,
            assignee=assignee,
            carried_from=None if task.plan_id in ids else year,
        )
        for task, area_code, unit_code, assignee, year, before in session.execute(query).all()
    ]


def assignees(
    session: Session, plan_ids: Sequence[int], unit_id: int, carried_into: int | None = None
) -> list[Officer]:
    """The choices of the unit page's "người thụ lý" filter: the unit's active officers, and
    any officer still named on one of the tasks its list shows (moved away or gone since), by
    code."""
    named = (
        sa.select(col(Task.assignee_id))
        .where(
            _listed(plan_ids, carried_into),
            col(Task.lead_unit_id) == unit_id,
            col(Task.assignee_id).is_not(None),
        )
        .distinct()
    )
    return list(
        session.exec(
            select(Officer)
            .where(
                sa.or_(
                    sa.and_(col(Officer.unit_id) == unit_id, col(Officer.active)),
                    col(Officer.id).in_(named),
                )
            )
            .order_by(col(Officer.code))
        ).all()
    )


def authorities(
    session: Session, plan_ids: Sequence[int], unit_id: int, carried_into: int | None = None
) -> list[str]:
    """The assigning authorities named on the tasks a unit's list shows, for the filter's
    choices."""
    return [
        a
        for a in session.exec(
            select(Task.authority)
            .where(
                _listed(plan_ids, carried_into),
                Task.lead_unit_id == unit_id,
                col(Task.authority).is_not(None),
            )
            .distinct()
            .order_by(col(Task.authority))
        ).all()
        if a
    ]


def top_areas(session: Session, plan_ids: Sequence[int]) -> list[Area]:
    """The top-level areas of the plans, one per code (the first plan's, as the overview's
    figures take them), by code: a filter by area code matches the tasks of every plan."""
    found = session.exec(
        select(Area)
        .where(col(Area.plan_id).in_(list(plan_ids)), col(Area.parent_code).is_(None))
        .order_by(col(Area.code), col(Area.plan_id))
    ).all()
    by_code: dict[str, Area] = {}
    for area in found:
        by_code.setdefault(area.code, area)
    return list(by_code.values())


@dataclass(frozen=True)
class NoteRow:
    """One progress report on a task, with who made it."""

    at: datetime
    officer: str
    kind: str
    percent: int | None
    note: str | None
    channel: str


@dataclass(frozen=True)
class TaskPage:
    task: Task
    unit: Unit
    area: Area | None
    co_units: list[Unit]
    notes: list[NoteRow]  # newest first


def task_page(session: Session, task_id: int) -> TaskPage | None:
    """One task with its lead and co-operating units, its area and its progress reports."""
    task = session.get(Task, task_id)
    if task is None:
        return None
    unit = session.get(Unit, task.lead_unit_id)
    assert unit is not None
    area = session.get(Area, task.area_id) if task.area_id else None
    co_units = list(
        session.exec(
            select(Unit)
            .join(TaskCoUnit, col(TaskCoUnit.unit_id) == Unit.id)
            .where(TaskCoUnit.task_id == task_id)
            .order_by(col(Unit.code))
        ).all()
    )
    notes = [
        NoteRow(
            at=aware(update.at) or update.at,
            officer=officer.name if officer else "",
            kind=update.kind,
            percent=update.percent,
            note=update.note,
            channel=update.channel,
        )
        for update, officer in session.exec(
            select(ProgressUpdate, Officer)
            .outerjoin(Officer, col(Officer.id) == ProgressUpdate.officer_id)
            .where(ProgressUpdate.task_id == task_id)
            .order_by(col(ProgressUpdate.at).desc(), col(ProgressUpdate.id).desc())
        ).all()
    ]
    return TaskPage(task=task, unit=unit, area=area, co_units=co_units, notes=notes)


@dataclass(frozen=True)
class EvidenceRow:
    """One piece of a task's evidence as the task page lists it, with who added it."""

    evidence: TaskEvidence
    officer: str  # the name; "" when added by the admin or an import


def task_evidence(session: Session, task_id: int) -> list[EvidenceRow]:
    """A task's evidence (document numbers, files), oldest first, with who added each."""
    return [
        EvidenceRow(evidence=row, officer=officer.name if officer else "")
        for row, officer in session.exec(
            select(TaskEvidence, Officer)
            .outerjoin(Officer, col(Officer.id) == TaskEvidence.officer_id)
            .where(TaskEvidence.task_id == task_id)
            .order_by(col(TaskEvidence.at), col(TaskEvidence.id))
        ).all()
    ]


@dataclass(frozen=True)
class CompletionRow:
    """A completion reported through a chat or the CLI."""

    at: datetime
    task_id: int
    title: str
    unit: str
    deadline: date | None
    completed_on: date | None
    officer: str
    note: str | None


def recent_completions(
    session: Session,
    plan_ids: Sequence[int],
    since: datetime,
    unit_id: int | None,
    carried_into: int | None = None,
) -> list[CompletionRow]:
    """Completions reported since `since` on the plans' tasks (and, with `carried_into`, the
    tasks carried into that year), of one lead unit or all, newest first."""
    query = (
        select(ProgressUpdate, Task, Unit, Officer)
        .join(Task, col(Task.id) == ProgressUpdate.task_id)
        .join(Unit, col(Unit.id) == Task.lead_unit_id)
        .outerjoin(Officer, col(Officer.id) == ProgressUpdate.officer_id)
        .where(
            _listed(plan_ids, carried_into),
            ProgressUpdate.kind == "done",
            col(ProgressUpdate.at) >= since,
        )
        .order_by(col(ProgressUpdate.at).desc(), col(ProgressUpdate.id).desc())
    )
    if unit_id is not None:
        query = query.where(Task.lead_unit_id == unit_id)
    return [
        CompletionRow(
            at=aware(update.at) or update.at,
            task_id=task.id or 0,
            title=task.title,
            unit=unit.code,
            deadline=task.due,
            completed_on=task.completed_on,
            officer=officer.name if officer else "",
            note=update.note,
        )
        for update, task, unit, officer in session.exec(query).all()
    ]


def preview_import(engine: Engine, path: Path) -> ImportSummary:
    """What importing `path` would add and change, field by field, with nothing written (the
    importer's dry run). ImportFailed lists every problem."""
    return import_file(engine, path, dry_run=True)


def apply_import(session: Session, path: Path) -> ImportSummary:
    """Import `path` in the caller's transaction."""
    return import_sheets(session, read_file(path))
