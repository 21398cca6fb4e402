"""Changing one task, always with its event; the notices a change owes, into the outbox.

Every write to a task that decides a figure or who does it (deadline, lead unit, officer,
co-units, cancellation) goes through here and appends a `task_event` row in the same
transaction, so nothing is overwritten without a record of who, when, through what and why."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from nhacviec.base import texts
from nhacviec.base.errors import NhacviecError
from rules.events import NOTIFIED, EventFacts, EventKind, day_text, original_deadline
from rules.recurrence import RecurrenceError, expand_occurrences, parse_recurrence
from rules.series import Occurrence, reconcile
from storage import absence, outbox, repo, tally
from storage.db import connection
from storage.models import (
    Area,
    ChatLink,
    Officer,
    Plan,
    ProgressUpdate,
    Task,
    TaskCoUnit,
    TaskEvent,
    TaskState,
    Unit,
)

if TYPE_CHECKING:
    from storage.task_bulk import BulkResult

NOTICE_PREFIX = "notice:"  # outbox kind of a task's notice: "notice:<event id>"
ADMIN = "admin"


class TaskError(NhacviecError):
    """A change refused; `reason` is a key of texts.TASK_ERRORS, `value` what was wrong."""

    def __init__(self, reason: str, value: str = "") -> None:
        super().__init__(reason, reason=reason)
        self.value = value

    def text(self) -> str:
        if self.reason.startswith("access:"):
            refusal = self.reason.partition(":")[2]
            return texts.ACCESS_REFUSALS[refusal].format(id=self.value)
        return texts.TASK_ERRORS[self.reason].format(value=self.value)


@dataclass(frozen=True)
class Who:
    """Who makes a change, through what, when; `day` is the local date (for notices)."""

    officer: Officer | None
    channel: str
    at: datetime
    day: date
    # The absent officer a substitute acts for (storage.people): "CB012 thay CB009".
    on_behalf: Officer | None = None

    @property
    def actor(self) -> str:
        return self.officer.code if self.officer is not None else ADMIN

    @property
    def officer_id(self) -> int | None:
        return self.officer.id if self.officer is not None else None

    @property
    def on_behalf_id(self) -> int | None:
        return self.on_behalf.id if self.on_behalf is not None else None


@dataclass
class NewTask:
    """A task added one at a time (CLI, chat, web)."""

    plan_id: int
    title: str
    lead_unit_id: int
    deadline: date | None
    authority: str | None = None
    document: str | None = None
    area_id: int | None = None
    assignee_id: int | None = None
    co_unit_ids: list[int] = field(default_factory=list)
    note: str | None = None
    code: str | None = None


# -- events ----------------------------------------------------------------------------------


def record(
    session: Session,
    task: Task,
    who: Who,
    kind: EventKind,
    field_name: str | None = None,
    old: str | None = None,
    new: str | None = None,
    reason: str | None = None,
) -> TaskEvent:
    """Append one event to the task's record (and owe its notices, for the kinds told)."""
    assert task.id is not None, "a task is flushed before its events are written"
    return append_event(session, who, kind, field_name, old, new, reason, task_id=task.id)


def append_event(
    session: Session,
    who: Who,
    kind: EventKind,
    field_name: str | None,
    old: str | None,
    new: str | None,
    reason: str | None,
    *,
    task_id: int | None = None,
    subject_id: int | None = None,
) -> TaskEvent:
    """One row of the append-only record, about a task or (`subject_id`) an officer: who,
    when, through which channel, on whose behalf, and why."""
    event = TaskEvent(
        task_id=task_id,
        subject_id=subject_id,
        at=who.at,
        officer_id=who.officer_id,
        actor=who.actor,
        channel=who.channel,
        kind=kind.value,
        field=field_name,
        old=old,
        new=new,
        reason=reason,
        on_behalf_id=who.on_behalf_id,
    )
    session.add(event)
    session.flush()
    return event


def events_of(session: Session, task_id: int) -> list[TaskEvent]:
    """A task's events, oldest first."""
    return list(
        session.exec(
            select(TaskEvent)
            .where(TaskEvent.task_id == task_id)
            .order_by(col(TaskEvent.at), col(TaskEvent.id))
        ).all()
    )


def first_deadline(session: Session, task: Task) -> date | None:
    """The deadline the task was first given, whatever moved it since."""
    facts = [
        EventFacts(e.kind, e.at, e.field, e.old, e.new) for e in events_of(session, task.id or 0)
    ]
    return original_deadline(facts, task.deadline)


# -- reading -------------------------------------------------------------------------------


_CO_UNITS = sa.select(TaskCoUnit.__table__.c.unit_id).where(  # type: ignore[attr-defined]
    TaskCoUnit.__table__.c.task_id == sa.bindparam("task_id")  # type: ignore[attr-defined]
)


def co_unit_ids(session: Session, task_id: int) -> list[int]:
    """The task's co-units (every access decision on a task reads them)."""
    return list(connection(session).execute(_CO_UNITS, {"task_id": task_id}).scalars())


def co_units_by_task(session: Session, task_ids: Sequence[int]) -> dict[int, list[int]]:
    """The co-units of each task, in one query."""
    found: dict[int, list[int]] = {}
    if not task_ids:
        return found
    for task_id, unit_id in session.exec(
        select(TaskCoUnit.task_id, TaskCoUnit.unit_id).where(
            col(TaskCoUnit.task_id).in_(list(task_ids))
        )
    ).all():
        found.setdefault(task_id, []).append(unit_id)
    return found


def open_co_tasks_of_unit(
    session: Session, unit_id: int, plan_ids: int | list[int], carried_into: int | None = None
) -> list[Task]:
    """Open tasks of other units that `unit_id` co-operates on (phối hợp) in the plans (and,
    with `carried_into`, those carried into that year), by deadline."""
    ids = [plan_ids] if isinstance(plan_ids, int) else plan_ids
    return list(
        session.exec(
            select(Task)
            .join(TaskCoUnit, col(TaskCoUnit.task_id) == Task.id)
            .where(
                TaskCoUnit.unit_id == unit_id,
                tally.listed(col(Task.plan_id), col(Task.carried_to_year), ids, carried_into),
                Task.state == TaskState.OPEN,
            )
            .order_by(col(Task.deadline).is_(None), col(Task.deadline), col(Task.id))
        ).all()
    )


def next_code(session: Session, plan_id: int, prefix: str = "GV") -> str:
    """A fresh code for a task added one at a time: GV-1, GV-2, … within the plan."""
    codes = session.exec(
        select(Task.code).where(Task.plan_id == plan_id, col(Task.code).like(f"{prefix}-%"))
    ).all()
    numbers = [
        int(c.split("-", 1)[1])
        for c in codes
        if c.split("-", 1)[1].isascii() and c.split("-", 1)[1].isdigit()
    ]
    return f"{prefix}-{max(numbers, default=0) + 1}"


@dataclass(frozen=True)
class StoryLine:
    """One line of a task's story: an event or a progress note."""

    at: datetime
    who: str
    channel: str
    kind: str  # an EventKind, or "progress" / "done" for a progress note
    field: str | None = None
    old: str | None = None
    new: str | None = None
    reason: str | None = None
    percent: int | None = None


def story(session: Session, task_id: int) -> list[StoryLine]:
    """Events and progress notes of a task, newest first."""
    lines = [
        StoryLine(
            e.at,
            texts.on_behalf(e.actor, _officer_code(session, e.on_behalf_id)),
            e.channel,
            e.kind,
            e.field,
            e.old,
            e.new,
            e.reason,
        )
        for e in events_of(session, task_id)
    ]
    for p, code in session.exec(
        select(ProgressUpdate, Officer.code)
        .outerjoin(Officer, col(Officer.id) == ProgressUpdate.officer_id)
        .where(ProgressUpdate.task_id == task_id)
        .order_by(col(ProgressUpdate.at), col(ProgressUpdate.id))
    ).all():
        # A substitute's note reads "CB012 thay CB009".
        who = texts.on_behalf(code or ADMIN, _officer_code(session, p.on_behalf_id))
        lines.append(StoryLine(p.at, who, p.channel, p.kind, reason=p.note, percent=p.percent))
    # Oldest first (stable: same-moment entries keep the order they were written in), then
    # turned around.
    return list(reversed(sorted(lines, key=lambda s: s.at)))


# -- writing -------------------------------------------------------------------------------


def _unit_code(session: Session, unit_id: int | None) -> str | None:
    unit = session.get(Unit, unit_id) if unit_id else None
    return unit.code if unit else None


def _officer_code(session: Session, officer_id: int | None) -> str | None:
    officer = session.get(Officer, officer_id) if officer_id else None
    return officer.code if officer else None


def check_assignee(session: Session, assignee_id: int | None, lead_unit_id: int) -> None:
    """A named officer is an active officer of the lead unit."""
    if assignee_id is None:
        return
    officer = session.get(Officer, assignee_id)
    if officer is None or not officer.active:
        raise TaskError("no_officer", str(assignee_id))
    if officer.unit_id != lead_unit_id:
        raise TaskError("assignee_other_unit", officer.code)


def add_task(session: Session, new: NewTask, who: Who) -> Task:
    """Add one task with its "created" event, and tell the people concerned."""
    if not new.title.strip():
        raise TaskError("no_title")
    check_assignee(session, new.assignee_id, new.lead_unit_id)
    co_units = [u for u in dict.fromkeys(new.co_unit_ids) if u != new.lead_unit_id]
    task = Task(
        plan_id=new.plan_id,
        code=new.code or next_code(session, new.plan_id),
        title=new.title.strip(),
        lead_unit_id=new.lead_unit_id,
        deadline=new.deadline,
        authority=new.authority,
        document=new.document,
        area_id=new.area_id,
        assignee_id=new.assignee_id,
        note=new.note,
    )
    session.add(task)
    session.flush()
    for unit_id in co_units:
        session.add(TaskCoUnit(task_id=task.id or 0, unit_id=unit_id))
    created(session, task, who, notify=True)
    return task


def created(
    session: Session, task: Task, who: Who, notify: bool, reason: str | None = None
) -> TaskEvent:
    """The "created" event of a task just inserted (its deadline kept as the original)."""
    session.flush()
    event = record(
        session, task, who, EventKind.CREATED, "deadline", None, day_text(task.deadline), reason
    )
    if notify:
        owe_notices(session, task, event, who)
    return event


# Fields `change` knows, with the event kind a change of each leaves.
FIELDS: dict[str, EventKind] = {
    "title": EventKind.EDITED,
    "deadline": EventKind.DEADLINE_CHANGED,
    "lead_unit": EventKind.REASSIGNED,
    "assignee": EventKind.REASSIGNED,
    "co_units": EventKind.EDITED,
    "authority": EventKind.EDITED,
    "document": EventKind.EDITED,
    "area": EventKind.EDITED,
    "note": EventKind.EDITED,
}


def _current(session: Session, task: Task, name: str) -> str | None:
    """A field's value as an event keeps it: dates ISO, units and officers by code."""
    if name == "deadline":
        return day_text(task.deadline)
    if name == "lead_unit":
        return _unit_code(session, task.lead_unit_id)
    if name == "assignee":
        return _officer_code(session, task.assignee_id)
    if name == "co_units":
        codes = [_unit_code(session, u) for u in co_unit_ids(session, task.id or 0)]
        return ", ".join(sorted(c for c in codes if c)) or None
    if name == "area":
        area = session.get(Area, task.area_id) if task.area_id else None
        return area.code if area else None
    value = getattr(task, name)
    return str(value) if value is not None else None


def _lock(session: Session, task: Task) -> None:
    """Take the task's lock and read it afresh (storage.repo.locked_task): of two changes to
    one task at once, the second sees the first (a /done racing a cancel, two edits)."""
    if task.id is not None:
        repo.locked_task(session, task.id)


def change(
    session: Session,
    task: Task,
    name: str,
    value: Any,
    who: Who,
    reason: str | None = None,
    notify: bool = True,
) -> TaskEvent | None:
    """Set one field of a task, with its event; None if the value is what it was already.

    `value` is a date for the deadline, a Unit for the lead unit, an Officer (or None) for the
    officer, a list of Units for the co-units, an Area for the area, text otherwise."""
    if name not in FIELDS:
        raise TaskError("bad_field", name)
    _lock(session, task)
    if task.state == TaskState.CANCELLED:
        raise TaskError("cancelled", str(task.id))
    old = _current(session, task, name)
    if name == "deadline":
        task.deadline = value
    elif name == "lead_unit":
        task.lead_unit_id = value.id
        for link in session.exec(
            select(TaskCoUnit).where(TaskCoUnit.task_id == task.id, TaskCoUnit.unit_id == value.id)
        ).all():
            # The new lead is no longer a co-unit of its own task: recorded as such.
            co_before = _current(session, task, "co_units")
            session.delete(link)
            session.flush()
            co_after = _current(session, task, "co_units")
            record(session, task, who, EventKind.EDITED, "co_units", co_before, co_after, reason)
        if task.assignee_id is not None:
            officer = session.get(Officer, task.assignee_id)
            if officer is not None and officer.unit_id != value.id:
                # A named officer belongs to the lead unit: the task goes to the new unit.
                task.assignee_id = None
                session.add(task)
                session.flush()
                record(
                    session,
                    task,
                    who,
                    EventKind.REASSIGNED,
                    "assignee",
                    officer.code,
                    None,
                    reason,
                )
    elif name == "assignee":
        check_assignee(session, value.id if value else None, task.lead_unit_id)
        task.assignee_id = value.id if value else None
    elif name == "co_units":
        wanted = {u.id for u in value if u.id != task.lead_unit_id}
        links = session.exec(select(TaskCoUnit).where(TaskCoUnit.task_id == task.id)).all()
        have = {link.unit_id for link in links}
        for link in links:
            if link.unit_id not in wanted:
                session.delete(link)
        for unit_id in wanted - have:
            session.add(TaskCoUnit(task_id=task.id or 0, unit_id=unit_id or 0))
    elif name == "area":
        task.area_id = value.id if value else None
    elif name == "title":
        if not str(value).strip():
            raise TaskError("no_title")
        task.title = str(value).strip()
    else:
        setattr(task, name, (str(value).strip() or None) if value is not None else None)
    session.add(task)
    session.flush()
    new = _current(session, task, name)
    if new == old:
        return None
    event = record(session, task, who, FIELDS[name], name, old, new, reason)
    if notify:
        owe_notices(session, task, event, who, previous=(name, old))
    return event


def cancel(session: Session, task: Task, who: Who, reason: str, notify: bool = True) -> TaskEvent:
    """Take an open task out of the plan and its unit's figures; the reason is kept."""
    _lock(session, task)
    if task.state == TaskState.CANCELLED:
        raise TaskError("cancelled", str(task.id))
    if task.state == TaskState.DONE:
        raise TaskError("done", str(task.id))
    if task.state == TaskState.REPORTED:
        # Confirmed or returned first (rules.access refuses it too): else the approver would
        # still be asked about a task no longer in the plan.
        raise TaskError("awaiting", str(task.id))
    if not reason.strip():
        raise TaskError("no_reason")
    task.state = TaskState.CANCELLED
    # An extension asked and not yet decided is moot: nobody is asked to decide it any more
    # (the request stays in the task's story; the cancellation event says why).
    task.extension_to, task.extension_step = None, None
    session.add(task)
    session.flush()
    event = record(
        session, task, who, EventKind.CANCELLED, "state", "open", "cancelled", reason.strip()
    )
    if notify:
        owe_notices(session, task, event, who)
    return event


def reopen(
    session: Session, task: Task, who: Who, reason: str | None, notify: bool = True
) -> TaskEvent:
    """Bring a cancelled task back into the plan (and its unit's figures)."""
    _lock(session, task)
    if task.state != TaskState.CANCELLED:
        raise TaskError("not_cancelled", str(task.id))
    task.state = TaskState.OPEN
    session.add(task)
    session.flush()
    event = record(session, task, who, EventKind.REOPENED, "state", "cancelled", "open", reason)
    if notify:
        owe_notices(session, task, event, who)
    return event


# -- series ----------------------------------------------------------------------------------

SERIES_REMOVED = texts.SERIES_REMOVED


def series_occurrences(session: Session, plan_id: int, series_code: str) -> list[Task]:
    return list(
        session.exec(
            select(Task).where(Task.plan_id == plan_id, Task.series_code == series_code)
        ).all()
    )


@dataclass
class SeriesResult:
    created: list[Task] = field(default_factory=list)
    changed: list[Task] = field(default_factory=list)
    cancelled: list[Task] = field(default_factory=list)
    unchanged: list[Task] = field(default_factory=list)


def apply_series(
    session: Session,
    plan: Plan,
    series_code: str,
    dates: Sequence[date],
    rule: str,
    values: dict[str, Any],
    who: Who,
    notify: bool,
    reason: str | None = None,
) -> SeriesResult:
    """Make the stored occurrences of a series follow `dates`, one per period (rules.series):
    open ones moved (with a deadline event), done ones kept, new periods added, open ones of
    removed periods cancelled with an event. `values` (title, lead unit, …) are set on new
    and open occurrences."""
    stored = series_occurrences(session, plan.id or 0, series_code)
    by_id = {t.id: t for t in stored}
    occurrences = [
        Occurrence(t.id or 0, occurrence_number(t.code), t.deadline, t.state)
        for t in stored
        if t.deadline is not None
    ]
    steps = reconcile(occurrences, dates, rule)
    result = SeriesResult()
    touched: set[int] = set()
    for task_id, day in steps.reopen:
        task = by_id[task_id]
        reopen(session, task, who, reason, notify=notify)
        change(session, task, "deadline", day, who, reason, notify=notify)
        touched.add(task_id)
    for task_id, day in steps.move:
        change(session, by_id[task_id], "deadline", day, who, reason, notify=notify)
        touched.add(task_id)
    for task_id in steps.cancel:
        cancel(session, by_id[task_id], who, SERIES_REMOVED, notify=notify)
        result.cancelled.append(by_id[task_id])
    for number, day in steps.create:
        task = Task(
            plan_id=plan.id or 0,
            code=f"{series_code}#{number}",
            title="",
            lead_unit_id=0,
            deadline=day,
            recurrence=rule,
            series_code=series_code,
        )
        for key, value in values.items():
            if key != "co_units":
                setattr(task, key, value)
        session.add(task)
        session.flush()
        for unit in values.get("co_units", []):
            if unit.id != task.lead_unit_id:
                session.add(TaskCoUnit(task_id=task.id or 0, unit_id=unit.id))
        created(session, task, who, notify=notify)
        result.created.append(task)
    gone = {t.id for t in result.cancelled}
    for task in stored:
        if task.id in gone:
            continue
        if task.state != TaskState.OPEN:
            result.unchanged.append(task)  # done (kept as it was) or cancelled before
            continue
        if set_fields(session, task, values, who, notify) or task.id in touched:
            result.changed.append(task)
        else:
            result.unchanged.append(task)
    return result


def occurrence_number(code: str) -> int:
    tail = code.rpartition("#")[2]
    return int(tail) if tail.isascii() and tail.isdigit() else 0


def set_fields(
    session: Session, task: Task, values: dict[str, Any], who: Who, notify: bool
) -> bool:
    """Set several fields (by the names `change` knows, or `recurrence`), each with its event
    when it changes; True if any changed."""
    changed = False
    names = {
        "lead_unit_id": "lead_unit",
        "area_id": "area",
        "assignee_id": "assignee",
    }
    for key, value in values.items():
        name = names.get(key, key)
        if name == "recurrence":
            if task.recurrence != value:
                task.recurrence = value
                session.add(task)
                record(session, task, who, EventKind.EDITED, "recurrence", None, value)
                changed = True
            continue
        if name == "series_code":
            continue
        if name == "lead_unit":
            value = session.get(Unit, value)
        elif name == "area":
            value = session.get(Area, value) if value else None
        elif name == "assignee":
            value = session.get(Officer, value) if value else None
        if task.state == TaskState.CANCELLED:
            continue
        if change(session, task, name, value, who, notify=notify) is not None:
            changed = True
    return changed


# -- notices -----------------------------------------------------------------------------------


def recipients(session: Session, task: Task) -> tuple[list[int], list[int]]:
    """Who is told about a task: (lead side, co-units). The lead side is the named officer,
    else every active officer of the lead unit and its head; co-units: their active officers."""

    def unit_people(unit_id: int) -> list[int]:
        ids = set(
            session.exec(
                select(Officer.id).where(Officer.unit_id == unit_id, col(Officer.active))
            ).all()
        )
        unit = session.get(Unit, unit_id)
        head = session.get(Officer, unit.head_id) if unit and unit.head_id else None
        if head is not None and head.active:
            ids.add(head.id)
        return sorted(i for i in ids if i is not None)

    named = task.assignee_id
    lead = [named] if named is not None else unit_people(task.lead_unit_id)
    co: list[int] = []
    for unit_id in co_unit_ids(session, task.id or 0):
        co += [i for i in unit_people(unit_id) if i not in lead and i not in co]
    return lead, co


def owe_notices(
    session: Session,
    task: Task,
    event: TaskEvent,
    who: Who,
    previous: tuple[str, str | None] | None = None,
) -> int:
    """One outbox row per recipient and chat for an event people are told about (assigned,
    reassigned, deadline moved, cancelled, reopened): keyed by the event, so it is written
    and sent once. The person who made the change is not told. Returns rows written."""
    if event.kind not in NOTIFIED:
        return 0
    lead, co = recipients(session, task)
    if previous is not None and previous[0] in ("lead_unit", "assignee") and previous[1]:
        # The unit or officer the task was taken from hears of it too.
        extra: list[int | None]
        if previous[0] == "assignee":
            gone = session.exec(select(Officer.id).where(Officer.code == previous[1])).first()
            extra = [gone] if gone is not None else []
        else:
            old_unit = session.exec(select(Unit).where(Unit.code == previous[1])).first()
            extra = [o.id for o in officers_of_unit(session, old_unit.id or 0)] if old_unit else []
        co += [i for i in extra if i is not None and i not in lead and i not in co]
    unit = session.get(Unit, task.lead_unit_id)
    body = texts.task_notice(
        event.kind,
        task.id or 0,
        task.title,
        unit.name if unit else "",
        task.deadline,
        event.field,
        event.old,
        event.new,
        event.reason,
        who.actor,
    )
    rows = []
    people = _standing_in(session, [(i, False) for i in lead] + [(i, True) for i in co], who.day)
    wanted = [i for i, _, _ in people if i != who.officer_id]
    links = _links(session, wanted)
    for officer_id, is_co, absent_code in people:
        if officer_id == who.officer_id:
            continue
        text = body + ("\n" + texts.NOTICE_CO_UNIT if is_co else "")
        if absent_code is not None:
            text += "\n" + texts.NOTICE_STANDING_IN.format(code=absent_code)
        buttons = [task.id] if not is_co and task.state == TaskState.OPEN else []
        payload = json.dumps(
            [{"chars": len(text), "tasks": buttons, "hint": None}], ensure_ascii=False
        )
        for channel, chat_id in links.get(officer_id, []):
            rows.append(
                {
                    "officer_id": officer_id,
                    "kind": f"{NOTICE_PREFIX}{event.id}",
                    "day": who.day,
                    "channel": channel,
                    "chat_id": chat_id,
                    "text": text,
                    "payload": payload,
                }
            )
    if not rows:
        return 0
    return outbox.write_outbox(session.connection(), rows, who.at)


def _standing_in(
    session: Session, people: list[tuple[int, bool]], day: date
) -> list[tuple[int, bool, str | None]]:
    """The notice's recipients on `day`, as the digests go: an officer on leave is told through
    whoever stands in (the substitute, else the unit head: rules.leave), who is told once and
    which absent officer it is for; an absent officer nobody stands in for is told directly."""
    stand_in_of = absence.stand_ins_on(session, day)
    routed: list[tuple[int, bool, str | None]] = []
    seen: set[int] = set()
    for officer_id, is_co in people:
        target, absent_code = officer_id, None
        stand_in = stand_in_of.get(officer_id)
        if stand_in is not None:
            absent = session.get(Officer, officer_id)
            target, absent_code = stand_in, (absent.code if absent else str(officer_id))
        if target in seen:
            continue
        seen.add(target)
        routed.append((target, is_co, absent_code))
    return routed


def _links(session: Session, officer_ids: Iterable[int]) -> dict[int, list[tuple[str, str]]]:
    """Each officer's newest chat on each channel."""
    ids = list(officer_ids)
    if not ids:
        return {}
    newest: dict[tuple[int, str], str] = {}
    for link in session.exec(
        select(ChatLink)
        .where(col(ChatLink.officer_id).in_(ids))
        .order_by(col(ChatLink.linked_at), col(ChatLink.id))
    ).all():
        newest[(link.officer_id, link.channel)] = link.chat_id
    found: dict[int, list[tuple[str, str]]] = {}
    for (officer_id, channel), chat_id in sorted(newest.items()):
        found.setdefault(officer_id, []).append((channel, chat_id))
    return found


def notice_rows(session: Session, task_id: int) -> list[Any]:
    """The notice rows written for a task's events (for tests and the admin)."""
    event_ids = [e.id for e in events_of(session, task_id)]
    kinds = [f"{NOTICE_PREFIX}{i}" for i in event_ids]
    if not kinds:
        return []
    o = outbox.OUTBOX
    return list(session.connection().execute(sa.select(o).where(o.c.kind.in_(kinds))))


# -- typed values ----------------------------------------------------------------------------


def parse_day(text: str) -> date:
    """dd/mm/yyyy -> the date; TaskError otherwise."""
    try:
        return datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except ValueError as exc:
        raise TaskError("bad_day", text.strip()) from exc


def unit_by_code(session: Session, code: str) -> Unit:
    unit = session.exec(
        select(Unit).where(sa.func.upper(Unit.code) == code.strip().upper())
    ).first()
    if unit is None:
        raise TaskError("no_unit", code.strip())
    return unit


def units_by_codes(session: Session, text: str) -> list[Unit]:
    """`VP, TCCB` (commas, semicolons or spaces) -> the units; "-" or nothing -> none."""
    codes = [c for c in text.replace(";", ",").replace(",", " ").split() if c != "-"]
    return [unit_by_code(session, c) for c in dict.fromkeys(codes)]


def officer_by_code(session: Session, code: str) -> Officer:
    officer = session.exec(
        select(Officer).where(sa.func.upper(Officer.code) == code.strip().upper())
    ).first()
    if officer is None or not officer.active:
        raise TaskError("no_officer", code.strip())
    return officer


def resolve(session: Session, task: Task, name: str, text: str) -> Any:
    """A typed value for field `name` as `change` takes it ("-" empties an optional one)."""
    text = text.strip()
    empty = text in ("", "-")
    if name == "deadline":
        return None if empty else parse_day(text)
    if name == "lead_unit":
        return unit_by_code(session, text)
    if name == "assignee":
        return None if empty else officer_by_code(session, text)
    if name == "co_units":
        return [] if empty else units_by_codes(session, text)
    if name == "area":
        return None if empty else area_by_code(session, task.plan_id, text)
    if name not in FIELDS:
        raise TaskError("bad_field", name)
    return None if empty and name != "title" else text


def task_by_id(session: Session, raw: str) -> Task:
    text = raw.strip().lstrip("#")
    # ASCII digits only, bounded: `²` passes isdigit but not int(), and PostgreSQL's INTEGER
    # holds no more than repo.MAX_ID.
    number = int(text) if text.isascii() and text.isdigit() and len(text) <= 12 else 0
    task = repo.get_task(session, number)
    if task is None:
        raise TaskError("no_task", text)
    return task


def current_text(session: Session, task: Task, name: str) -> str:
    """A field's current value as a user reads it."""
    return texts.event_value(name, _current(session, task, name))


def officers_of_unit(session: Session, unit_id: int) -> list[Officer]:
    """A unit's active officers, by code."""
    return list(
        session.exec(
            select(Officer)
            .where(Officer.unit_id == unit_id, col(Officer.active))
            .order_by(col(Officer.code))
        ).all()
    )


def notice_rows_of_event(session: Session, event_id: int) -> list[Any]:
    o = outbox.OUTBOX
    return list(
        session.connection().execute(
            sa.select(o.c.id).where(o.c.kind == f"{NOTICE_PREFIX}{event_id}")
        )
    )


CO_PROGRESS = "co_progress"  # a co-unit's progress note: the task's own percent is not moved


def co_progress(
    session: Session,
    task: Task,
    officer: Officer,
    percent: int,
    note: str | None,
    channel: str,
    at: datetime,
    on_behalf: Officer | None = None,
) -> ProgressUpdate:
    """A co-operating unit reports on its part of a task: appended to the task's story."""
    update = ProgressUpdate(
        task_id=task.id or 0,
        officer_id=officer.id,
        on_behalf_id=on_behalf.id if on_behalf else None,
        at=at,
        kind=CO_PROGRESS,
        percent=percent,
        note=note,
        channel=channel,
    )
    session.add(update)
    session.flush()
    return update


def area_by_code(session: Session, plan_id: int, code: str) -> Area:
    area = session.exec(
        select(Area).where(Area.plan_id == plan_id, Area.code == code.strip())
    ).first()
    if area is None:
        raise TaskError("no_area", code.strip())
    return area


@dataclass(frozen=True)
class SeriesEdit:
    """What editing a series did: its code and the occurrences moved, added, cancelled."""

    code: str
    moved: int
    added: int
    cancelled: int


def edit_series(
    session: Session,
    task: Task,
    who: Who,
    first: date | None = None,
    rule_text: str | None = None,
    reason: str | None = None,
) -> SeriesEdit:
    """Change the first deadline or the rule of the series `task` belongs to (any of its
    occurrences names it) and reconcile its occurrences by period (apply_series)."""
    if task.series_code is None or task.recurrence is None:
        raise TaskError("not_series", str(task.id))
    plan = session.get(Plan, task.plan_id)
    assert plan is not None
    stored = series_occurrences(session, task.plan_id, task.series_code)
    live = sorted(
        (t for t in stored if t.state != TaskState.CANCELLED and t.deadline is not None),
        key=lambda t: t.deadline or date.max,
    )
    try:
        rule = parse_recurrence(rule_text) if rule_text else task.recurrence
    except RecurrenceError as exc:
        raise TaskError("bad_rule", rule_text or "") from exc
    start = first or (live[0].deadline if live else task.deadline)
    if start is None:
        raise TaskError("bad_day", "")
    dates = expand_occurrences(start, rule, date(plan.year, 12, 31))
    if not dates:
        raise TaskError("series_empty", texts.d(start))
    model = next((t for t in live if t.state == TaskState.OPEN), task)
    values: dict[str, Any] = {
        "title": model.title,
        "area_id": model.area_id,
        "lead_unit_id": model.lead_unit_id,
        "assignee_id": model.assignee_id,
        "authority": model.authority,
        "document": model.document,
        "note": model.note,
        "recurrence": rule,
        "co_units": [
            u for u in (session.get(Unit, i) for i in co_unit_ids(session, model.id or 0)) if u
        ],
    }
    result = apply_series(
        session, plan, task.series_code, dates, rule, values, who, notify=True, reason=reason
    )
    moved = sum(1 for t in result.changed)
    return SeriesEdit(task.series_code, moved, len(result.created), len(result.cancelled))


# -- a file import's changes, written in bulk (storage/task_bulk.py) --------------------------

# Task columns as the fields `change` names them, with the kind of event a change leaves.
_COLUMN_FIELDS = {
    "lead_unit_id": "lead_unit",
    "assignee_id": "assignee",
    "area_id": "area",
}


def record_bulk(session: Session, plan_id: int, result: BulkResult, who: Who) -> int:
    """The events of a bulk task write (an import): one "created" event per new task, written
    in one statement, and one event per changed field of each changed task, with its notices.
    Returns how many events were written."""
    when = who.at
    if result.created_ids:
        deadlines = {
            task_id: deadline
            for task_id, deadline in session.execute(
                sa.select(col(Task.id), col(Task.deadline)).where(
                    col(Task.id).in_(list(result.created_ids.values()))
                )
            ).all()
        }
        events: sa.Table = TaskEvent.__table__  # type: ignore[attr-defined]
        session.execute(
            events.insert(),
            [
                {
                    "task_id": task_id,
                    "at": when,
                    "officer_id": who.officer_id,
                    "actor": who.actor,
                    "channel": who.channel,
                    "kind": EventKind.CREATED.value,
                    "field": "deadline",
                    "old": None,
                    "new": day_text(deadlines.get(task_id)),
                    "reason": None,
                }
                for task_id in result.created_ids.values()
            ],
        )
    if not result.changed:
        return len(result.created_ids)
    session.expire_all()  # the bulk update wrote past the identity map
    units = {u.id: u.code for u in session.exec(select(Unit)).all()}
    officers = {o.id: o.code for o in session.exec(select(Officer)).all()}
    areas = {a.id: a.code for a in session.exec(select(Area).where(Area.plan_id == plan_id))}
    shown: dict[str, dict[Any, str]] = {
        "lead_unit_id": units,
        "assignee_id": officers,
        "area_id": areas,
    }
    written = len(result.created_ids)
    for diff in result.changed:
        task = session.get(Task, diff.task_id)
        if task is None:
            continue
        for column, old, new in diff.fields:
            if column == "series_code":
                continue
            name = _COLUMN_FIELDS.get(column, column)
            if column == "co_units":
                old_text = ", ".join(sorted(units.get(u, str(u)) for u in old)) or None
                new_text = ", ".join(sorted(units.get(u, str(u)) for u in new)) or None
            elif column == "deadline":
                old_text, new_text = day_text(old), day_text(new)
            elif column in shown:
                old_text = shown[column].get(old) if old is not None else None
                new_text = shown[column].get(new) if new is not None else None
            else:
                old_text = str(old) if old is not None else None
                new_text = str(new) if new is not None else None
            kind = FIELDS.get(name, EventKind.EDITED)
            event = record(session, task, who, kind, name, old_text, new_text)
            written += 1
            owe_notices(session, task, event, who, previous=(name, old_text))
    return written
