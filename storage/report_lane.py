"""An officer's progress report, `/progress ID N`, read and written in a handful of Core
statements on one connection, without an ORM session (bot/report_lane.py decides).

It is every officer's most frequent message, and an ORM session costs several times what
SQLite takes to run its statements (benchmarks/commands.py). The report written is the one
repo.record_progress writes, through the same statements: a `progressupdate` row (the story)
and the task moved under the version guard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from storage.models import ChatLink, Officer, TaskState
from storage.repo import ADD_PROGRESS, CHAT_STATES, MOVE_PROGRESS, TAKE_TASK_LOCK, TASKS

OFFICERS: sa.Table = Officer.__table__  # type: ignore[attr-defined]
CHAT_LINKS: sa.Table = ChatLink.__table__  # type: ignore[attr-defined]

# Who writes (the active officer the chat is linked to), and whether a question the bot asked
# waits in this conversation (a command replaces it: the full path clears it).
_REPORTER = sa.select(
    OFFICERS.c.id,
    OFFICERS.c.unit_id,
    OFFICERS.c.role,
    sa.exists()
    .where(
        CHAT_STATES.c.channel == sa.bindparam("channel"),
        CHAT_STATES.c.chat_id == sa.bindparam("conversation"),
    )
    .label("pending"),
).where(
    CHAT_LINKS.c.officer_id == OFFICERS.c.id,
    CHAT_LINKS.c.channel == sa.bindparam("channel"),
    CHAT_LINKS.c.chat_id == sa.bindparam("chat_id"),
    OFFICERS.c.active,
)
_TASK_COLUMNS = (
    TASKS.c.id,
    TASKS.c.title,
    TASKS.c.lead_unit_id,
    TASKS.c.assignee_id,
    TASKS.c.state,
    TASKS.c.progress,
    TASKS.c.version,
)
# The task's lock taken and the row read in one statement where the database returns what
# an UPDATE touched (SQLite 3.35 and later); else the lock, then the read.
_LOCK_AND_READ = TAKE_TASK_LOCK.returning(*_TASK_COLUMNS)
_READ_TASK = sa.select(*_TASK_COLUMNS).where(TASKS.c.id == sa.bindparam("task_id"))


@dataclass(frozen=True, slots=True)
class Reporter:
    """The active officer a chat is linked to, and whether a question waits for its answer."""

    officer_id: int
    unit_id: int
    role: str
    pending: bool


@dataclass(frozen=True, slots=True)
class LockedTask:
    """What a progress report is decided on, read under the task's lock."""

    id: int
    title: str
    lead_unit_id: int
    assignee_id: int | None
    state: str
    progress: int
    version: int

    @property
    def open(self) -> bool:
        return self.state == TaskState.OPEN.value


def reporter(conn: Connection, channel: str, chat_id: str, conversation: str) -> Reporter | None:
    """The officer writing from `chat_id`, None for a chat no active officer is linked to."""
    row = conn.execute(
        _REPORTER, {"channel": channel, "chat_id": chat_id, "conversation": conversation}
    ).first()
    return Reporter(row.id, row.unit_id, row.role, bool(row.pending)) if row else None


def lock_task(conn: Connection, task_id: int) -> LockedTask | None:
    """The task, locked against every other change until this transaction ends (on SQLite the
    database's write lock: repo.locked_task), then read; None if there is none."""
    params = {"task_id": task_id}
    if conn.dialect.update_returning:
        row = conn.execute(_LOCK_AND_READ, params).first()
    else:
        conn.execute(TAKE_TASK_LOCK, params)
        row = conn.execute(_READ_TASK, params).first()
    if row is None:
        return None
    state = row.state.value if isinstance(row.state, TaskState) else str(row.state)
    return LockedTask(
        row.id, row.title, row.lead_unit_id, row.assignee_id, state, row.progress, row.version
    )


def append_progress(
    conn: Connection,
    task: LockedTask,
    officer_id: int,
    percent: int,
    note: str | None,
    channel: str,
    at: datetime,
) -> bool:
    """The report appended and the task's progress moved, as repo.record_progress does for a
    report below 100%; False (nothing kept: the caller rolls back) if the task changed since
    it was read, which its lock rules out."""
    conn.execute(
        ADD_PROGRESS,
        {
            "task_id": task.id,
            "officer_id": officer_id,
            "at": at,
            "kind": "progress",
            "percent": percent,
            "note": note,
            "channel": channel,
            "on_behalf_id": None,
        },
    )
    moved = conn.execute(
        MOVE_PROGRESS,
        {
            "task_id": task.id,
            "seen": task.version,
            "new_progress": percent,
            "new_version": task.version + 1,
        },
    )
    return moved.rowcount == 1
