"""What a form that adds or edits a task offers to choose from (every unit, every area of the
plan, the active officers), so that the web forms run no SQL of their own. The writes go
through storage.tasks, like the chat's and the command line's."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from storage.models import Area, Officer, Plan, Unit


@dataclass(frozen=True)
class OfficerChoice:
    """An active officer as a form lists them: code, name and unit code."""

    code: str
    name: str
    unit: str


def plan_of(session: Session, plan_id: int) -> Plan | None:
    return session.get(Plan, plan_id)


def areas(session: Session, plan_ids: int | Sequence[int]) -> list[Area]:
    """Every area of the plans, sub-criteria included (a task may belong to one), one per
    code (the first plan's of `plan_ids`), by code."""
    ids = [plan_ids] if isinstance(plan_ids, int) else list(plan_ids)
    found = session.exec(select(Area).where(col(Area.plan_id).in_(ids))).all()
    by_code: dict[str, Area] = {}
    for area in sorted(found, key=lambda a: ids.index(a.plan_id)):
        by_code.setdefault(area.code, area)
    return sorted(by_code.values(), key=lambda a: (_numbers(a.code), a.code))


def _numbers(code: str) -> list[int]:
    """`1.10` after `1.9`: an area code read as its numbers."""
    return [int(p) if p.isascii() and p.isdigit() else 0 for p in code.split(".")]


def active_officers(session: Session, unit_id: int | None = None) -> list[OfficerChoice]:
    """The active officers (of one unit when given), by unit and code."""
    query = (
        select(Officer.code, Officer.name, Unit.code)
        .join(Unit, col(Unit.id) == Officer.unit_id)
        .where(col(Officer.active))
    )
    if unit_id is not None:
        query = query.where(Officer.unit_id == unit_id)
    rows = session.exec(query.order_by(col(Unit.code), col(Officer.code))).all()
    return [OfficerChoice(code, name, unit) for code, name, unit in rows]


def officer_code(session: Session, officer_id: int | None) -> str:
    """The code of an officer (the task's named officer), "" for none."""
    officer = session.get(Officer, officer_id) if officer_id is not None else None
    return officer.code if officer is not None else ""
