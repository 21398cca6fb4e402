"""An officer's progress report, `/progress ID N`, read and written on a SQLite file in five
statements on the driver's own cursor, without an ORM session (bot/report_lane.py decides):
who writes, the task locked and read, the report appended, the task moved, the message's id
kept (storage/seen.py); and one more, whether anyone is away today (storage/absence.py).

It is every officer's most frequent message. SQLAlchemy's work around each statement (an ORM
session, an execution context, a result object: 20-60 µs each) costs several times what
SQLite takes to run it (2-5 µs; benchmarks/commands.py). So the statements are the Core ones
repo.record_progress runs, compiled once and run on the connection's sqlite3 cursor with the
columns' own bind processors, inside the connection's transaction: the report written is the
same `progressupdate` row (the story) and the task moved under the same version guard."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql.expression import ClauseElement

from storage import absence, seen
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
# The task's lock taken and the row read in one statement: the database returns what the
# UPDATE touched (SQLite 3.35 and later; with an older one the lane steps aside: `available`).
_LOCK_AND_READ = TAKE_TASK_LOCK.returning(*_TASK_COLUMNS)
_REPORT_COLUMNS = (
    "task_id",
    "officer_id",
    "at",
    "kind",
    "percent",
    "note",
    "channel",
    "on_behalf_id",
)


class OnDriver:
    """A Core statement compiled once for SQLite and run on the connection's sqlite3 cursor,
    in its transaction. Each parameter goes through its column's bind processor (an instant
    is stored as SQLAlchemy stores it); rows come back as SQLite holds them (integers and
    text: only such columns are read here)."""

    def __init__(self, statement: ClauseElement, column_keys: tuple[str, ...] = ()) -> None:
        self.statement = statement
        self.column_keys = list(column_keys) or None
        self._compiled: tuple[str, tuple[str, ...], list[Callable[[Any], Any] | None]] | None
        self._compiled = None

    def _compile(self, conn: Connection) -> tuple[str, tuple[str, ...], list[Any]]:
        if self._compiled is None:
            dialect = conn.dialect
            assert dialect.name == "sqlite" and dialect.paramstyle == "qmark"
            compiled: Any = self.statement.compile(dialect=dialect, column_keys=self.column_keys)
            names = tuple(compiled.positiontup or ())
            processors = [
                compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
                for name in names
            ]
            self._compiled = (str(compiled), names, processors)
        return self._compiled

    def run(self, conn: Connection, params: Mapping[str, Any]) -> Any:
        """The sqlite3 cursor, its statement run with `params`."""
        sql, names, processors = self._compile(conn)
        values = tuple(
            process(params[name]) if process is not None else params[name]
            for name, process in zip(names, processors, strict=True)
        )
        return conn.connection.driver_connection.execute(sql, values)  # type: ignore[union-attr]


_REMEMBER_ON_DRIVER = OnDriver(seen.REMEMBER_ON_SQLITE, ("channel", "message_key", "seen_at"))
_ANY_LEAVE_ON_DRIVER = OnDriver(sa.select(absence.LEAVES_ON.exists()))
_REPORTER_ON_DRIVER = OnDriver(_REPORTER)
_LOCK_AND_READ_ON_DRIVER = OnDriver(_LOCK_AND_READ)
_ADD_PROGRESS_ON_DRIVER = OnDriver(ADD_PROGRESS, _REPORT_COLUMNS)
_MOVE_PROGRESS_ON_DRIVER = OnDriver(MOVE_PROGRESS)


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


def available(engine: Engine) -> bool:
    """Whether the lane can run on `engine`: a SQLite that returns what an UPDATE touched."""
    return engine.dialect.name == "sqlite" and bool(engine.dialect.update_returning)


def reporter(conn: Connection, channel: str, chat_id: str, conversation: str) -> Reporter | None:
    """The officer writing from `chat_id`, None for a chat no active officer is linked to."""
    params = {"channel": channel, "chat_id": chat_id, "conversation": conversation}
    row = _REPORTER_ON_DRIVER.run(conn, params).fetchone()
    return Reporter(row[0], row[1], row[2], bool(row[3])) if row else None


def lock_task(conn: Connection, task_id: int) -> LockedTask | None:
    """The task, locked against every other change until this transaction ends (on SQLite the
    database's write lock: repo.locked_task), then read; None if there is none."""
    rows = _LOCK_AND_READ_ON_DRIVER.run(conn, {"task_id": task_id}).fetchall()
    return LockedTask(*rows[0]) if rows else None


def stand_ins_on(conn: Connection, day: date) -> dict[int, int | None]:
    """absence.stand_ins_on: absent officer id -> who stands in on `day`; on most days in a
    small office nobody is away, and one statement on the driver says so."""
    if not _ANY_LEAVE_ON_DRIVER.run(conn, {"day": day}).fetchone()[0]:
        return {}
    return absence.stand_ins_of_connection(conn, day)


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
    _ADD_PROGRESS_ON_DRIVER.run(
        conn,
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
    moved = _MOVE_PROGRESS_ON_DRIVER.run(
        conn,
        {
            "task_id": task.id,
            "seen": task.version,
            "new_progress": percent,
            "new_version": task.version + 1,
        },
    )
    return moved.rowcount == 1


def remember(conn: Connection, channel: str, message_key: str, at: datetime) -> bool:
    """seen.remember on the driver: False if this message's twin was committed first."""
    params = {"channel": channel, "message_key": message_key, "seen_at": at}
    return int(_REMEMBER_ON_DRIVER.run(conn, params).rowcount) == 1
