"""The database written back as a plan workbook in the import layout (docs/import-format.md):
importing the exported file changes nothing.

Every text cell is written as text, so a title starting with `=` stays a title, never a formula.
"""

from __future__ import annotations

import io
from collections import defaultdict
from datetime import date
from typing import Any

import sqlalchemy as sa
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from sqlmodel import Session, col, select

from nhacviec.base import texts
from rules import expand_occurrences
from rules.roles import Role
from storage import repo
from storage.importer import ROLE_NAMES
from storage.models import Area, Officer, Plan, Task, TaskCoUnit, Unit
from storage.sheets import COLUMNS, KIND_NAMES

# The columns written per sheet, in order. Their headers are the import's own labels (the first
# synonym of each field in storage/sheets.py), so an exported file imports again unchanged.
EXPORTED_FIELDS = {
    "plan": ("code", "name", "year", "document", "agency"),
    "area": ("code", "name", "parent", "max_score", "target_score", "last_year_score"),
    "unit": ("code", "name", "head"),
    "officer": ("code", "name", "unit", "role"),
    "task": (
        "code",
        "title",
        "area",
        "lead_unit",
        "co_units",
        "authority",
        "deadline",
        "recurrence",
        "note",
    ),
}
HEADERS = {
    KIND_NAMES[kind]: [COLUMNS[kind][name][0] for name in names]
    for kind, names in EXPORTED_FIELDS.items()
}


class ExportError(ValueError):
    """Nothing to export."""


def _cell(ws: WriteOnlyWorksheet, value: Any) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the text starts with
    elif isinstance(value, date):
        cell.number_format = "DD/MM/YYYY"
    return cell


def _sheet(book: Workbook, title: str, rows: list[list[Any]]) -> None:
    ws = book.create_sheet(title)
    ws.append([_cell(ws, h) for h in HEADERS[title]])
    for row in rows:
        ws.append([_cell(ws, v) for v in row])


def export_plan(session: Session, plan_code: str | None = None) -> tuple[Plan, bytes]:
    """The plan (the newest, or `plan_code`) with every unit and officer, as .xlsx bytes."""
    plan = (
        session.exec(select(Plan).where(Plan.code == plan_code)).first()
        if plan_code
        else repo.current_plan(session)
    )
    if plan is None:
        raise ExportError(
            texts.export_unknown_plan(plan_code) if plan_code else texts.EXPORT_NO_PLAN
        )
    units = session.exec(select(Unit).order_by(col(Unit.id))).all()
    officers = session.exec(select(Officer).order_by(col(Officer.id))).all()
    areas = session.exec(select(Area).where(Area.plan_id == plan.id).order_by(col(Area.id))).all()
    unit_code = {u.id: u.code for u in units}
    officer_code = {o.id: o.code for o in officers}
    area_code = {a.id: a.code for a in areas}

    book = Workbook(write_only=True)
    _sheet(
        book, KIND_NAMES["plan"], [[plan.code, plan.name, plan.year, plan.document, plan.agency]]
    )
    _sheet(
        book,
        KIND_NAMES["area"],
        [
            [a.code, a.name, a.parent_code, a.max_score, a.target_score, a.last_year_score]
            for a in areas
        ],
    )
    _sheet(
        book,
        KIND_NAMES["unit"],
        [[u.code, u.name, officer_code.get(u.head_id) if u.head_id else None] for u in units],
    )
    _sheet(
        book,
        KIND_NAMES["officer"],
        [[o.code, o.name, unit_code[o.unit_id], ROLE_NAMES[Role(o.role)]] for o in officers],
    )
    _sheet(book, KIND_NAMES["task"], _task_rows(session, plan, unit_code, area_code))
    out = io.BytesIO()
    book.save(out)
    return plan, out.getvalue()


def _task_rows(
    session: Session, plan: Plan, unit_code: dict[Any, str], area_code: dict[Any, str]
) -> list[list[Any]]:
    tasks = session.exec(select(Task).where(Task.plan_id == plan.id).order_by(col(Task.id))).all()
    links: dict[int, list[str]] = defaultdict(list)
    query = (
        sa.select(TaskCoUnit.task_id, TaskCoUnit.unit_id)  # type: ignore[call-overload]
        .join(Task, Task.id == TaskCoUnit.task_id)
        .where(Task.plan_id == plan.id)
        .order_by(TaskCoUnit.unit_id)
    )
    for task_id, unit_id in session.execute(query):
        links[task_id].append(unit_code[unit_id])
    series: dict[str, list[Task]] = defaultdict(list)
    for task in tasks:
        if task.series_code and task.recurrence:
            series[task.series_code].append(task)
    rows: list[list[Any]] = []
    written: set[str] = set()
    for task in tasks:
        group = series.get(task.series_code or "")
        if group and _one_row(group, plan.year):
            if task.series_code in written:
                continue
            written.add(task.series_code or "")
            first = min(group, key=lambda t: t.deadline or date.max)
            rows.append(_row(first, task.series_code or "", links, unit_code, area_code))
            continue
        # A series whose occurrences were changed one by one: each its own row, as it is now.
        rows.append(_row(task, task.code, links, unit_code, area_code, recurrence=False))
    return rows


def _one_row(group: list[Task], year: int) -> bool:
    """Whether a series is still exactly what its first deadline and rule expand to, so one row
    with its rule imports back to the same tasks."""
    first = min(group, key=lambda t: t.deadline or date.max)
    if first.deadline is None or first.recurrence is None:
        return False
    dates = expand_occurrences(first.deadline, first.recurrence, date(year, 12, 31))
    expected = {f"{first.series_code}#{n}": d for n, d in enumerate(dates, start=1)}
    same = ("title", "area_id", "lead_unit_id", "authority", "note", "recurrence")
    return {t.code: t.deadline for t in group} == expected and all(
        getattr(t, f) == getattr(first, f) for t in group for f in same
    )


def _row(
    task: Task,
    code: str,
    links: dict[int, list[str]],
    unit_code: dict[Any, str],
    area_code: dict[Any, str],
    recurrence: bool = True,
) -> list[Any]:
    return [
        code,
        task.title,
        area_code.get(task.area_id),
        unit_code[task.lead_unit_id],
        "; ".join(links.get(task.id or 0, [])) or None,
        task.authority,
        task.deadline,
        task.recurrence if recurrence else None,
        task.note,
    ]
