"""Officers come and go: deactivate, move to another unit, change role, leave and substitutes.

Every change is an officer event in the one append-only record (`task_event` with no task,
`subject_id` the officer), written by the same code whether it comes from chat, the CLI or an
import. Tasks named to an officer follow the rules of storage.tasks (their own events)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from nhacviec.base import texts
from nhacviec.base.errors import NhacviecError
from rules.events import EventKind
from rules.leave import LeaveError, check_leave
from rules.roles import Role
from storage import outbox
from storage import tasks as task_store
from storage.absence import leave_facts
from storage.models import ChatLink, Leave, Officer, Task, TaskEvent, TaskState, Unit
from storage.tasks import Who


class PeopleError(NhacviecError):
    """A change to an officer refused: `reason` is a key of texts.PEOPLE_ERRORS."""

    def __init__(self, reason: str, value: str = "") -> None:
        super().__init__(reason, reason=reason)
        self.value = value

    def text(self) -> str:
        return texts.PEOPLE_ERRORS[self.reason].format(value=self.value)


def _unit_code(session: Session, unit_id: int | None) -> str:
    unit = session.get(Unit, unit_id) if unit_id else None
    return unit.code if unit else ""


def record_officer(
    session: Session,
    subject: Officer,
    who: Who,
    kind: EventKind,
    field_name: str,
    old: str | None,
    new: str | None,
    reason: str | None = None,
) -> TaskEvent:
    """Append one event about an officer (no task) to the record."""
    return task_store.append_event(
        session, who, kind, field_name, old, new, reason, subject_id=subject.id
    )


def officer_events(session: Session, officer_id: int) -> list[TaskEvent]:
    """Events about an officer, oldest first."""
    return list(
        session.exec(
            select(TaskEvent)
            .where(TaskEvent.subject_id == officer_id)
            .order_by(col(TaskEvent.at), col(TaskEvent.id))
        ).all()
    )


def find_officer(session: Session, code: str, active_only: bool = False) -> Officer:
    import sqlalchemy as sa

    officer = session.exec(
        select(Officer).where(sa.func.upper(Officer.code) == code.strip().upper())
    ).first()
    if officer is None or (active_only and not officer.active):
        raise PeopleError("no_officer", code.strip())
    return officer


def find_unit(session: Session, code: str) -> Unit:
    import sqlalchemy as sa

    unit = session.exec(
        select(Unit).where(sa.func.upper(Unit.code) == code.strip().upper())
    ).first()
    if unit is None:
        raise PeopleError("no_unit", code.strip())
    return unit


@dataclass(frozen=True)
class OfficerRow:
    officer: Officer
    unit_code: str
    links: int
    is_head: bool


def list_officers(
    session: Session, unit_code: str | None = None, include_inactive: bool = False
) -> list[OfficerRow]:
    """Officers (active ones unless asked), by unit and code, with their chat count."""
    query = select(Officer, Unit).join(Unit, col(Unit.id) == Officer.unit_id)
    if unit_code:
        query = query.where(Officer.unit_id == find_unit(session, unit_code).id)
    if not include_inactive:
        query = query.where(col(Officer.active))
    rows = []
    for officer, unit in session.exec(query.order_by(col(Unit.code), col(Officer.code))).all():
        links = len(session.exec(select(ChatLink).where(ChatLink.officer_id == officer.id)).all())
        rows.append(OfficerRow(officer, unit.code, links, unit.head_id == officer.id))
    return rows


def open_tasks_named_to(session: Session, officer_id: int) -> list[Task]:
    return list(
        session.exec(
            select(Task)
            .where(Task.assignee_id == officer_id, Task.state == TaskState.OPEN)
            .order_by(col(Task.id))
        ).all()
    )


def _unlink(session: Session, officer: Officer) -> int:
    links = session.exec(select(ChatLink).where(ChatLink.officer_id == officer.id)).all()
    for link in links:
        session.delete(link)
    session.flush()
    return len(links)


def _step_down_as_head(session: Session, officer: Officer) -> str | None:
    """A head who leaves their unit is its head no more; returns the unit's code."""
    unit = session.get(Unit, officer.unit_id)
    if unit is not None and unit.head_id == officer.id:
        unit.head_id = None
        session.add(unit)
        session.flush()
        return unit.code
    return None


@dataclass(frozen=True)
class Outcome:
    """What a lifecycle change did, for the reply."""

    officer: Officer
    tasks: int = 0  # tasks named to the officer that moved or were left to the unit
    links: int = 0  # chats unlinked
    head_of: str | None = None  # the unit they were head of (no more)


def deactivate(session: Session, officer: Officer, who: Who, reason: str | None) -> Outcome:
    """The officer leaves (retires, transfers out): inactive, their chats unlinked, the open
    tasks named to them left with their unit (no officer named), their leaves and standing-in
    ended; each change recorded."""
    if not officer.active:
        raise PeopleError("already_inactive", officer.code)
    tasks = open_tasks_named_to(session, officer.id or 0)
    for task in tasks:
        task_store.change(
            session, task, "assignee", None, who, reason or texts.OFFICER_LEFT_REASON
        )
    links = _unlink(session, officer)
    outbox.expire_officer_rows(session.connection(), officer.id or 0, texts.OFFICER_INACTIVE)
    head_of = _step_down_as_head(session, officer)
    for leave in session.exec(
        select(Leave).where(
            Leave.officer_id == officer.id,
            col(Leave.cancelled_at).is_(None),
            col(Leave.ends_on) >= who.day,
        )
    ).all():
        leave.cancelled_at, leave.cancelled_by = who.at, who.actor
        session.add(leave)
    for leave in session.exec(select(Leave).where(Leave.substitute_id == officer.id)).all():
        if leave.cancelled_at is None and leave.ends_on >= who.day:
            leave.substitute_id = None  # the head stands in from now on
            session.add(leave)
    officer.active = False
    session.add(officer)
    session.flush()
    record_officer(
        session, officer, who, EventKind.OFFICER_DEACTIVATED, "active", "1", "0", reason
    )
    return Outcome(officer, len(tasks), links, head_of)


def move(
    session: Session,
    officer: Officer,
    unit: Unit,
    who: Who,
    move_tasks: bool,
    reason: str | None = None,
) -> Outcome:
    """The officer goes to `unit`. The open tasks named to them go with them (the new unit
    leads them) when `move_tasks`, else stay with the old unit (no officer named)."""
    if not officer.active:
        raise PeopleError("already_inactive", officer.code)
    if unit.id == officer.unit_id:
        raise PeopleError("same_unit", unit.code)
    old_code = _unit_code(session, officer.unit_id)
    tasks = open_tasks_named_to(session, officer.id or 0)
    head_of = _step_down_as_head(session, officer)
    why = reason or texts.officer_moved_reason(officer.code, unit.code)
    if not move_tasks:
        for task in tasks:
            task_store.change(session, task, "assignee", None, who, why)
    officer.unit_id = unit.id or 0
    session.add(officer)
    session.flush()
    if move_tasks:
        for task in tasks:
            task_store.change(session, task, "lead_unit", unit, who, why)
    record_officer(
        session, officer, who, EventKind.OFFICER_MOVED, "unit", old_code, unit.code, reason
    )
    return Outcome(officer, len(tasks), 0, head_of)


def set_role(
    session: Session, officer: Officer, role: str, who: Who, reason: str | None = None
) -> Outcome:
    """Change the officer's role (công chức, trưởng đơn vị, TCCB, …), recorded."""
    try:
        wanted = Role(role)
    except ValueError as exc:
        raise PeopleError("bad_role", role) from exc
    if officer.role == wanted.value:
        raise PeopleError("same_role", texts.ROLE_NAMES.get(wanted.value, wanted.value))
    old = officer.role
    officer.role = wanted.value
    session.add(officer)
    session.flush()
    record_officer(
        session, officer, who, EventKind.OFFICER_ROLE, "role", old, wanted.value, reason
    )
    return Outcome(officer)


def imported(
    session: Session, officer: Officer, old_unit_id: int, old_role: str, who: Who
) -> None:
    """An import changed an officer's unit or role: recorded as the CLI and chat record it
    (the tasks named to a moved officer stay with the old unit, as a file says nothing)."""
    if officer.unit_id != old_unit_id:
        for task in open_tasks_named_to(session, officer.id or 0):
            if task.lead_unit_id != officer.unit_id:
                task_store.change(
                    session, task, "assignee", None, who, texts.BY_IMPORT_REASON, False
                )
        record_officer(
            session,
            officer,
            who,
            EventKind.OFFICER_MOVED,
            "unit",
            _unit_code(session, old_unit_id),
            _unit_code(session, officer.unit_id),
            texts.BY_IMPORT_REASON,
        )
    if officer.role != old_role:
        record_officer(
            session,
            officer,
            who,
            EventKind.OFFICER_ROLE,
            "role",
            old_role,
            officer.role,
            texts.BY_IMPORT_REASON,
        )


# -- leave -------------------------------------------------------------------------------------


def leave_text(leave: Leave, substitute_code: str | None) -> str:
    """How a leave is kept in its events: yyyy-mm-dd..yyyy-mm-dd[ CODE]."""
    text = f"{leave.starts_on.isoformat()}..{leave.ends_on.isoformat()}"
    return f"{text} {substitute_code}" if substitute_code else text


def leaves_of(session: Session, officer_id: int, since: date | None = None) -> list[Leave]:
    """An officer's leaves not cancelled (ending on or after `since`), earliest first."""
    query = select(Leave).where(Leave.officer_id == officer_id, col(Leave.cancelled_at).is_(None))
    if since is not None:
        query = query.where(col(Leave.ends_on) >= since)
    return list(session.exec(query.order_by(col(Leave.starts_on))).all())


def add_leave(
    session: Session,
    officer: Officer,
    first: date,
    last: date,
    substitute: Officer | None,
    who: Who,
) -> Leave:
    """Record a leave (checked by rules.leave.check_leave) and its event."""
    if substitute is not None and not substitute.active:
        raise PeopleError("no_officer", substitute.code)
    existing = [leave_facts(x) for x in leaves_of(session, officer.id or 0, first)]
    try:
        check_leave(
            officer.id or 0, first, last, substitute.id if substitute else None, who.day, existing
        )
    except LeaveError as err:
        raise PeopleError(f"leave_{err.reason}", officer.code) from err
    leave = Leave(
        officer_id=officer.id or 0,
        starts_on=first,
        ends_on=last,
        substitute_id=substitute.id if substitute else None,
        created_at=who.at,
        created_by=who.actor,
        channel=who.channel,
    )
    session.add(leave)
    session.flush()
    record_officer(
        session,
        officer,
        who,
        EventKind.LEAVE_SET,
        "leave",
        None,
        leave_text(leave, substitute.code if substitute else None),
    )
    return leave


def cancel_leave(session: Session, officer: Officer, who: Who) -> Leave:
    """Cancel the officer's current or next leave (the earliest not yet over)."""
    found = leaves_of(session, officer.id or 0, who.day)
    if not found:
        raise PeopleError("no_leave", officer.code)
    leave = found[0]
    leave.cancelled_at, leave.cancelled_by = who.at, who.actor
    session.add(leave)
    session.flush()
    substitute = session.get(Officer, leave.substitute_id) if leave.substitute_id else None
    record_officer(
        session,
        officer,
        who,
        EventKind.LEAVE_CANCELLED,
        "leave",
        leave_text(leave, substitute.code if substitute else None),
        None,
    )
    return leave
