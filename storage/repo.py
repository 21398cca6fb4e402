"""The queries the rest of nhacviec needs, so no other layer writes SQL."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.orm.util import identity_key
from sqlmodel import Session, col, select

from nhacviec.base import texts
from nhacviec.base.errors import NhacviecError
from rules import AreaFacts, TaskFacts
from storage import outbox, tally
from storage.db import connection
from storage.models import (
    Area,
    ChatLink,
    ChatState,
    GroupLinkCode,
    LinkCode,
    Officer,
    Plan,
    ProgressUpdate,
    Task,
    TaskState,
    Unit,
    UnitGroupChat,
    aware,
)

# Why an unlinked group's unsent reminders were expired (outbox.last_error, for the admin).
GROUP_UNLINKED = texts.GROUP_UNLINKED

# Ids are INTEGER columns: PostgreSQL's hold 32 bits (SQLite's 64). A larger number names
# no row, and chat and the web refuse it before asking the database.
MAX_ID = 2**31 - 1

# Letters and digits that cannot be confused on a phone screen (no 0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

TASKS: sa.Table = Task.__table__  # type: ignore[attr-defined]
CHAT_STATES: sa.Table = ChatState.__table__  # type: ignore[attr-defined]
PROGRESS: sa.Table = ProgressUpdate.__table__  # type: ignore[attr-defined]

# The statements every chat command runs, built once with bound parameters: building a
# statement and its cache key costs SQLAlchemy several times what SQLite takes to run it
# (benchmarks/commands.py). Each still runs through the session, in its transaction.
_OFFICER_FOR_CHAT = (
    select(Officer)
    .join(ChatLink, col(ChatLink.officer_id) == Officer.id)
    .where(
        ChatLink.channel == sa.bindparam("channel"),
        ChatLink.chat_id == sa.bindparam("chat_id"),
        col(Officer.active),
    )
)
_CHAT_STATE_WHERE = (
    CHAT_STATES.c.channel == sa.bindparam("channel"),
    CHAT_STATES.c.chat_id == sa.bindparam("chat_id"),
)
_ANY_CHAT_STATE = sa.select(CHAT_STATES.c.id).where(*_CHAT_STATE_WHERE).limit(1)
_CLEAR_CHAT_STATES = sa.delete(CHAT_STATES).where(*_CHAT_STATE_WHERE)
_TASK_BY_ID = select(Task).where(col(Task.id) == sa.bindparam("task_id"))
_FRESH_TASK = _TASK_BY_ID.execution_options(populate_existing=True)
_FRESH_TASK_FOR_UPDATE = _FRESH_TASK.with_for_update()
TAKE_TASK_LOCK = (
    sa.update(TASKS).where(TASKS.c.id == sa.bindparam("task_id")).values(version=TASKS.c.version)
)
ADD_PROGRESS = sa.insert(PROGRESS)
# The version guard the ORM's version_id_col keeps, written out: the row moves only if no
# other transaction changed it since it was read.
_TASK_AS_SEEN = sa.update(TASKS).where(
    TASKS.c.id == sa.bindparam("task_id"), TASKS.c.version == sa.bindparam("seen")
)
MOVE_PROGRESS = _TASK_AS_SEEN.values(
    progress=sa.bindparam("new_progress"), version=sa.bindparam("new_version")
)
_MOVE_TO_DONE = _TASK_AS_SEEN.values(
    progress=sa.bindparam("new_progress"),
    version=sa.bindparam("new_version"),
    state=sa.bindparam("new_state"),
    completed_at=sa.bindparam("new_completed_at"),
    completed_on=sa.bindparam("new_completed_on"),
)


def current_plan(session: Session, year: int | None = None) -> Plan | None:
    """The plan of `year`, or the newest plan."""
    query = select(Plan)
    if year is not None:
        query = query.where(Plan.year == year)
    return session.exec(query.order_by(col(Plan.year).desc(), col(Plan.id).desc())).first()


def plan_for_new_task(session: Session, today: date, deadline: date | None) -> Plan | None:
    """The plan a task added by hand (/giao, `nhacviec task add`, the web form) joins: one of
    its deadline's year, so it is reminded, listed and counted in the year it is due (a task
    given in December for December stays with the December plans even once next year's plan
    is imported); without a deadline, or before any plan of that year exists, one of the plans
    today follows; the newest of them, as before several plans were followed."""
    if deadline is not None:
        plan = current_plan(session, deadline.year)
        if plan is not None:
            return plan
    year = tally.plan_years_on(session.connection(), today)
    return current_plan(session, year) if year is not None else current_plan(session)


def plans_on(session: Session, day: date) -> list[Plan]:
    """Every plan a date follows (storage.tally.plan_ids_on): the plans of its year, or,
    before any is imported, those of the latest earlier year. Oldest first."""
    ids = tally.plan_ids_on(session.connection(), day)
    return _plans(session, ids)


def plans_of_year(session: Session, year: int) -> list[Plan]:
    return _plans(session, tally.plan_ids_of_year(session.connection(), year))


def plan_year_of(session: Session) -> dict[int, int]:
    """Each plan's year, by plan id: the year a carried task belongs to."""
    return tally.plan_year_of(session.connection())


def _plans(session: Session, ids: list[int]) -> list[Plan]:
    if not ids:
        return []
    return list(session.exec(select(Plan).where(col(Plan.id).in_(ids)).order_by(col(Plan.id))))


def officers_with_units(session: Session) -> list[tuple[Officer, str]]:
    """Every officer with their unit's code, by officer code."""
    rows = session.exec(
        select(Officer, Unit)
        .join(Unit, col(Unit.id) == Officer.unit_id)
        .order_by(col(Officer.code))
    ).all()
    return [(o, u.code) for o, u in rows]


def get_unit(session: Session, unit_id: int | None) -> Unit | None:
    return session.get(Unit, unit_id) if unit_id is not None else None


def get_task(session: Session, task_id: int) -> Task | None:
    """The task with this id; None for an id no database could hold (not an error)."""
    if not 0 < task_id <= MAX_ID:
        return None
    # session.get's own load builds its statement anew each time; the one above is cached.
    known = session.identity_map.get(identity_key(Task, task_id))
    if isinstance(known, Task):
        return known
    return session.exec(_TASK_BY_ID, params={"task_id": task_id}).first()


def all_units(session: Session) -> list[Unit]:
    return list(session.exec(select(Unit)).all())


def chat_state(session: Session, channel: str, conversation: str) -> ChatState | None:
    """The question the bot is waiting to have answered in this conversation, if any."""
    return session.exec(
        select(ChatState).where(ChatState.channel == channel, ChatState.chat_id == conversation)
    ).first()


def save_chat_state(session: Session, state: ChatState) -> None:
    session.add(state)


def drop_chat_state(session: Session, state: ChatState) -> None:
    session.delete(state)


def clear_chat_states(session: Session, channel: str, conversation: str) -> None:
    """Forget any question pending in this conversation (a new command replaces it). This
    runs before every command: a read on the unique index first, and a DELETE only when there
    is something to forget, so a command that writes nothing else never takes SQLite's one
    write lock (and one that does takes it only when it writes)."""
    where = {"channel": channel, "chat_id": conversation}
    conn = connection(session)
    if conn.execute(_ANY_CHAT_STATE, where).first() is not None:
        conn.execute(_CLEAR_CHAT_STATES, where)


def unit_by_code(session: Session, code: str) -> Unit | None:
    return session.exec(select(Unit).where(sa.func.upper(Unit.code) == code.upper())).first()


def officer_by_code(session: Session, code: str) -> Officer | None:
    return session.exec(select(Officer).where(sa.func.upper(Officer.code) == code.upper())).first()


def units_by_id(session: Session) -> dict[int, Unit]:
    return {u.id: u for u in session.exec(select(Unit)).all() if u.id is not None}


def officer_for_chat(session: Session, channel: str, chat_id: str) -> Officer | None:
    """The active officer a chat is linked to, if any (one indexed query: every command
    starts here)."""
    return session.exec(_OFFICER_FOR_CHAT, params={"channel": channel, "chat_id": chat_id}).first()


def chat_links(session: Session, officer_id: int) -> list[ChatLink]:
    return list(session.exec(select(ChatLink).where(ChatLink.officer_id == officer_id)).all())


def new_link_code(session: Session, officer: Officer, now: datetime, days: int) -> LinkCode:
    """A fresh one-time code for `officer`, valid for `days` days."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        if session.exec(select(LinkCode).where(LinkCode.code == code)).first() is None:
            break
    assert officer.id is not None
    link = LinkCode(
        code=code, officer_id=officer.id, created_at=now, expires_at=now + timedelta(days=days)
    )
    session.add(link)
    session.flush()
    return link


class LinkError(NhacviecError):
    """Why a link code was refused; `reason` is one of: unknown, used, expired."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason, reason=reason)


_Code = TypeVar("_Code", LinkCode, GroupLinkCode)


def _claim_code(session: Session, model: type[_Code], code: str, now: datetime) -> _Code:
    """The unused, unexpired one-time code `code` of `model`, locked for this transaction."""
    link = session.exec(
        select(model).where(model.code == code.strip().upper()).with_for_update()
    ).first()
    if link is None:
        raise LinkError("unknown")
    if link.used_at is not None:
        raise LinkError("used")
    if aware(link.expires_at) < now:  # type: ignore[operator]
        raise LinkError("expired")
    return link


def consume_link_code(
    session: Session, code: str, channel: str, chat_id: str, now: datetime
) -> Officer:
    """Link the chat to the code's officer; a code works once, before it expires. A chat
    linked to someone else before is moved to this officer."""
    link = _claim_code(session, LinkCode, code, now)
    officer = session.get(Officer, link.officer_id)
    if officer is None or not officer.active:
        raise LinkError("unknown")
    link.used_at, link.used_channel, link.used_chat_id = now, channel, chat_id
    existing = session.exec(
        select(ChatLink).where(ChatLink.channel == channel, ChatLink.chat_id == chat_id)
    ).first()
    if existing is not None:
        existing.officer_id, existing.linked_at = link.officer_id, now
    else:
        session.add(
            ChatLink(officer_id=link.officer_id, channel=channel, chat_id=chat_id, linked_at=now)
        )
    session.flush()
    return officer


def facts_of(session: Session, task: Task, unit_code: str = "") -> TaskFacts:
    """One task as the rules and the figures see it (as `iter_task_facts` reads them): judged
    against its effective deadline, the written one kept in `written` when it differs, and the
    effective deadline it had before an extension. Derived from the kept shifts, not from
    `task.due`, which the ORM does not refresh after a change in the same session."""
    moved = tally.effective_days(session.connection(), (task.deadline, task.extended_from))
    due = moved.get(task.deadline) if task.deadline is not None else None
    return TaskFacts(
        id=task.id or 0,
        code=task.code,
        unit=unit_code,
        deadline=due,
        completed_on=task.completed_on,
        progress=task.progress,
        title=task.title,
        extended_from=moved.get(task.extended_from) if task.extended_from else None,
        written=task.deadline if task.deadline != due else None,
        authority=task.authority,
    )


def task_facts(
    session: Session,
    plan_ids: int | list[int],
    unit_id: int | None = None,
    carried_into: int | None = None,
) -> list[TaskFacts]:
    """Every task of the plans (of one lead unit, if given), as the rules see it: `deadline`
    is the effective deadline, `written` the deadline as assigned when they differ. With
    `carried_into` (a list, never a figure), also the tasks carried into that year, each with
    the year it belongs to in `carried_from`."""
    return list(iter_task_facts(session, plan_ids, unit_id, carried_into=carried_into))


def iter_task_facts(
    session: Session,
    plan_ids: int | list[int],
    unit_id: int | None = None,
    ordered: bool = False,
    carried_into: int | None = None,
) -> Iterator[TaskFacts]:
    """The same, read as they are used (a report of 100,000 tasks never holds them all):
    `ordered` by lead unit code, effective deadline (none last) and id, as a report lists
    them."""
    ids = [plan_ids] if isinstance(plan_ids, int) else plan_ids
    year_of = tally.plan_year_of(session.connection()) if carried_into is not None else {}
    query = (
        sa.select(
            col(Task.id),
            col(Task.code),
            col(Unit.code),
            col(Task.due),
            col(Task.completed_on),
            col(Task.progress),
            col(Area.code),
            col(Task.title),
            col(Task.deadline),
            col(Task.authority),
            # The effective deadline before an extension, off days off like `due`.
            tally.original_deadline(col(Task.extended_from)),
            col(Task.plan_id),
        )
        .join(Unit, col(Unit.id) == Task.lead_unit_id)
        .outerjoin(Area, col(Area.id) == Task.area_id)
        # A cancelled task left the plan's figures (its record stays).
        .where(
            tally.listed(col(Task.plan_id), col(Task.carried_to_year), ids, carried_into),
            col(Task.state) != TaskState.CANCELLED,
        )
    )
    if unit_id is not None:
        query = query.where(col(Task.lead_unit_id) == unit_id)
    if ordered:
        query = query.order_by(
            col(Unit.code), col(Task.due).is_(None), col(Task.due), col(Task.id)
        )
    # The few distinct units, areas and authorities are kept once each, not once per task.
    shared: dict[str, str] = {}
    for r in session.execute(query.execution_options(yield_per=5000)):
        yield TaskFacts(
            id=r[0],
            code=r[1],
            unit=shared.setdefault(r[2], r[2]),
            deadline=r[3],
            completed_on=r[4],
            progress=r[5],
            area=shared.setdefault(r[6], r[6]) if r[6] is not None else None,
            title=r[7],
            written=r[8] if r[8] != r[3] else None,
            authority=shared.setdefault(r[9], r[9]) if r[9] is not None else None,
            extended_from=r[10],
            carried_from=year_of.get(r[11]) if year_of and r[11] not in ids else None,
        )


def area_rows(session: Session, plan_ids: list[int]) -> list[tuple[int, int, AreaFacts]]:
    """(area id, plan id, the area) of every area of the plans."""
    areas = session.exec(select(Area).where(col(Area.plan_id).in_(plan_ids))).all()
    return [
        (
            a.id or 0,
            a.plan_id,
            AreaFacts(
                code=a.code,
                name=a.name,
                parent=a.parent_code,
                max_score=a.max_score,
                target_score=a.target_score,
                last_year_score=a.last_year_score,
            ),
        )
        for a in areas
    ]


def area_facts(session: Session, plan_id: int) -> list[AreaFacts]:
    areas = session.exec(select(Area).where(Area.plan_id == plan_id)).all()
    return [
        AreaFacts(
            code=a.code,
            name=a.name,
            parent=a.parent_code,
            max_score=a.max_score,
            target_score=a.target_score,
            last_year_score=a.last_year_score,
        )
        for a in areas
    ]


def open_tasks_of_unit(
    session: Session, unit_id: int, plan_ids: int | list[int], carried_into: int | None = None
) -> list[Task]:
    """A unit's unfinished tasks of the plans (and, with `carried_into`, those carried into
    that year), the earliest effective deadline first (no deadline last)."""
    ids = [plan_ids] if isinstance(plan_ids, int) else plan_ids
    return list(
        session.exec(
            select(Task)
            .where(
                Task.lead_unit_id == unit_id,
                tally.listed(col(Task.plan_id), col(Task.carried_to_year), ids, carried_into),
                Task.state == TaskState.OPEN,
            )
            .order_by(col(Task.due).is_(None), col(Task.due), col(Task.id))
        ).all()
    )


def tasks_of_unit(session: Session, unit_id: int, plan_id: int) -> list[Task]:
    return list(
        session.exec(
            select(Task)
            .where(Task.lead_unit_id == unit_id, Task.plan_id == plan_id)
            .order_by(col(Task.deadline).is_(None), col(Task.deadline), col(Task.id))
        ).all()
    )


def locked_task(session: Session, task_id: int) -> Task | None:
    """The task, freshly read and locked against every other change until this transaction
    ends; None if there is none. Every change to a task (progress, completion, snooze, and
    later confirmations and extensions) starts here, so of two at once the second sees what
    the first did."""
    if not 0 < task_id <= MAX_ID:
        return None
    params = {"task_id": task_id}
    if session.get_bind().dialect.name == "postgresql":
        return session.exec(_FRESH_TASK_FOR_UPDATE, params=params).first()
    # SQLite has no row locks: a write takes the database's one write lock, waits for another
    # writer to commit first, and holds it until this transaction ends. The read after it is
    # the newest committed row (the read of a deferred transaction that starts with a write).
    connection(session).execute(TAKE_TASK_LOCK, params)
    return session.exec(_FRESH_TASK, params=params).first()


class TaskAlreadyDone(NhacviecError):
    """The task was completed (by someone else a moment ago, or earlier), or cancelled:
    nothing recorded."""

    reason = "already_done"

    def __init__(self, task: Task) -> None:
        super().__init__(f"task {task.id} is done")
        self.task = task


@dataclass(frozen=True)
class ProgressRecord:
    """What an officer reported, to be appended to a task's history."""

    task: Task
    officer: Officer | None
    percent: int
    note: str | None
    channel: str
    at: datetime
    on: date
    on_behalf: Officer | None = None  # the absent officer a substitute reports for
    # The caller took the task's lock in this transaction (locked_task) and `task` is what it
    # read then: it is not locked and read a second time.
    locked: bool = False


@dataclass(frozen=True)
class Recorded:
    """A report appended: the task's progress before it, and the id of the row added."""

    before: int
    update_id: int


def record_progress(session: Session, record: ProgressRecord) -> Recorded:
    """Append the report and move the task, under the task's lock: 100% completes it on the
    local date `on`. A done task takes no more reports: TaskAlreadyDone, nothing written.

    Written as two statements built once (the report is every officer's most frequent
    command), under the same version guard the ORM keeps; the session's task is left as the
    database now has it."""
    task = record.task if record.locked else locked_task(session, record.task.id or 0)
    if task is None:
        raise LookupError(f"no task {record.task.id}")
    if task.state != TaskState.OPEN:  # done, or cancelled a moment ago
        raise TaskAlreadyDone(task)
    before = task.progress
    done = record.percent >= 100
    conn = connection(session)
    added = conn.execute(
        ADD_PROGRESS,
        {
            "task_id": task.id,
            "officer_id": record.officer.id if record.officer else None,
            "at": record.at,
            "kind": "done" if done else "progress",
            "percent": record.percent,
            "note": record.note,
            "channel": record.channel,
            "on_behalf_id": record.on_behalf.id if record.on_behalf else None,
        },
    )
    moved: dict[str, object] = {"new_progress": record.percent, "new_version": task.version + 1}
    if done:
        moved |= {
            "new_state": TaskState.DONE.value,
            "new_completed_at": record.at,
            "new_completed_on": record.on,
        }
    params = {"task_id": task.id, "seen": task.version, **moved}
    if conn.execute(_MOVE_TO_DONE if done else MOVE_PROGRESS, params).rowcount != 1:
        raise StaleDataError(f"task {task.id} changed since it was read")
    for name, value in moved.items():
        set_committed_value(task, name.removeprefix("new_"), value)
    key = added.inserted_primary_key
    return Recorded(before=before, update_id=int(key[0]) if key else 0)


def snooze_task(session: Session, task: Task, until: date) -> Task | None:
    """No reminder of this task before `until` (the officer pressed "remind me tomorrow"),
    under its lock; None if it is gone, done or cancelled meanwhile."""
    locked = locked_task(session, task.id or 0)
    if locked is None or locked.state != TaskState.OPEN:
        return None
    locked.snoozed_until = until
    session.add(locked)
    session.flush()
    return locked


def progress_history(session: Session, task_id: int) -> list[ProgressUpdate]:
    return list(
        session.exec(
            select(ProgressUpdate)
            .where(ProgressUpdate.task_id == task_id)
            .order_by(col(ProgressUpdate.at), col(ProgressUpdate.id))
        ).all()
    )


def last_notes(session: Session, task_ids: list[int]) -> dict[int, str]:
    """The newest non-empty note of each task."""
    if not task_ids:
        return {}
    rows = session.exec(
        select(ProgressUpdate)
        .where(col(ProgressUpdate.task_id).in_(task_ids), col(ProgressUpdate.note).is_not(None))
        .order_by(col(ProgressUpdate.at), col(ProgressUpdate.id))
    ).all()
    return {r.task_id: r.note for r in rows if r.note}


# -- unit group chats: a unit links its group with a one-time code ---------------------------


def _fresh_code(session: Session) -> str:
    """A random code that is neither an officer's nor a group's link code."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        taken = session.exec(select(LinkCode.id).where(LinkCode.code == code)).first()
        taken = (
            taken
            or session.exec(select(GroupLinkCode.id).where(GroupLinkCode.code == code)).first()
        )
        if taken is None:
            return code


def new_group_code(session: Session, unit: Unit, now: datetime, days: int) -> GroupLinkCode:
    """A fresh one-time code that links a group chat to `unit`, valid for `days` days."""
    assert unit.id is not None
    link = GroupLinkCode(
        code=_fresh_code(session),
        unit_id=unit.id,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    session.add(link)
    session.flush()
    return link


def is_group_code(session: Session, code: str) -> bool:
    """Whether `code` is a group link code (an officer's code with the same text wins)."""
    code = code.strip().upper()
    if session.exec(select(LinkCode.id).where(LinkCode.code == code)).first() is not None:
        return False
    return (
        session.exec(select(GroupLinkCode.id).where(GroupLinkCode.code == code)).first()
        is not None
    )


def consume_group_code(
    session: Session, code: str, channel: str, chat_id: str, now: datetime
) -> Unit:
    """Link the group chat to the code's unit; a code works once, before it expires. A group
    linked to another unit before is moved to this one."""
    link = _claim_code(session, GroupLinkCode, code, now)
    unit = session.get(Unit, link.unit_id)
    if unit is None:
        raise LinkError("unknown")
    link.used_at, link.used_channel, link.used_chat_id = now, channel, chat_id
    existing = session.exec(
        select(UnitGroupChat).where(
            UnitGroupChat.channel == channel, UnitGroupChat.chat_id == chat_id
        )
    ).first()
    if existing is not None:
        existing.unit_id, existing.linked_at = link.unit_id, now
    else:
        session.add(
            UnitGroupChat(unit_id=link.unit_id, channel=channel, chat_id=chat_id, linked_at=now)
        )
    session.flush()
    return unit


def unit_group_chats(session: Session, unit_id: int, channel: str) -> list[str]:
    """The chat ids of the groups a unit linked on `channel`, oldest link first."""
    return list(
        session.exec(
            select(UnitGroupChat.chat_id)
            .where(UnitGroupChat.unit_id == unit_id, UnitGroupChat.channel == channel)
            .order_by(col(UnitGroupChat.linked_at), col(UnitGroupChat.id))
        ).all()
    )


def unit_for_group_chat(session: Session, channel: str, chat_id: str) -> Unit | None:
    """The unit a group chat belongs to, if it was linked."""
    return session.exec(
        select(Unit)
        .join(UnitGroupChat, col(UnitGroupChat.unit_id) == Unit.id)
        .where(UnitGroupChat.channel == channel, UnitGroupChat.chat_id == chat_id)
    ).first()


def move_group_chat(session: Session, channel: str, old_chat_id: str, new_chat_id: str) -> bool:
    """Follow a group that changed its id (a Telegram group upgraded to a supergroup)."""
    # Its reminders too, even if the link moved already (the upgrade's service message).
    outbox.move_group_rows(session.connection(), channel, old_chat_id, new_chat_id)
    row = session.exec(
        select(UnitGroupChat).where(
            UnitGroupChat.channel == channel, UnitGroupChat.chat_id == old_chat_id
        )
    ).first()
    if row is None:
        return False
    clash = session.exec(
        select(UnitGroupChat).where(
            UnitGroupChat.channel == channel, UnitGroupChat.chat_id == new_chat_id
        )
    ).first()
    if clash is not None:
        session.delete(row)
    else:
        row.chat_id = new_chat_id
        session.add(row)
    session.flush()
    return True


def unlink_group_chats(
    session: Session, unit: Unit, channel: str | None = None, chat_id: str | None = None
) -> list[UnitGroupChat]:
    """Stop a unit's group chats getting its digest: those on `channel` (all channels by
    default), or only `chat_id`. Their reminders not yet sent are expired, not sent to a chat
    that no longer wants them. Returns the links removed."""
    query = select(UnitGroupChat).where(UnitGroupChat.unit_id == unit.id)
    if channel is not None:
        query = query.where(UnitGroupChat.channel == channel)
    if chat_id is not None:
        query = query.where(UnitGroupChat.chat_id == chat_id)
    links = list(session.exec(query.order_by(col(UnitGroupChat.id))).all())
    for link in links:
        outbox.expire_group_rows(session.connection(), link.channel, link.chat_id, GROUP_UNLINKED)
        session.delete(link)
    session.flush()
    return links


def unlink_group_chat(session: Session, channel: str, chat_id: str) -> Unit | None:
    """The bot was removed from a group chat: unlink it from its unit, if it was linked."""
    unit = unit_for_group_chat(session, channel, chat_id)
    if unit is None:
        return None
    unlink_group_chats(session, unit, channel, chat_id)
    return unit
