"""The queries of the reminder scan and the outbox dispatcher.

Claiming is atomic so that two dispatchers (two processes, two hosts) never send a row twice:
PostgreSQL selects with `FOR UPDATE SKIP LOCKED`, SQLite claims with one conditional UPDATE
(SQLite serialises writers). A claimed row is `sending` with `claimed_at`, its lease: the sender
renews it while its batch runs and checks it right before each send (`hold_claim`); if the
sender dies, the row is claimable again once the lease has run out. A claim is not an attempt:
`attempts` counts the sends that failed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from rules import Outcome
from storage import tally
from storage.models import (
    ChatLink,
    Officer,
    OutboxMessage,
    OutboxState,
    ReminderScan,
    Task,
    TaskCoUnit,
    TaskState,
    Unit,
    UnitGroupChat,
    aware,
)

OUTBOX: sa.Table = OutboxMessage.__table__  # type: ignore[attr-defined]
SCANS: sa.Table = ReminderScan.__table__  # type: ignore[attr-defined]
TASKS: sa.Table = Task.__table__  # type: ignore[attr-defined]


def utc(moment: datetime) -> datetime:
    """Timestamps are stored in UTC: SQLite keeps a datetime's wall time and drops its zone."""
    return moment.astimezone(UTC)


# -- what the scan reads -------------------------------------------------------------------


@dataclass(frozen=True)
class OpenTaskRow:
    id: int
    code: str
    title: str
    unit_id: int
    deadline: date
    progress: int
    snoozed_until: date | None


@dataclass(frozen=True)
class LinkRow:
    officer_id: int
    channel: str
    chat_id: str
    linked_at: datetime
    id: int


def plan_ids_on(conn: Connection, day: date) -> list[int]:
    """The plans reminders follow on `day`: every plan of the date's year
    (storage.tally.plan_ids_on), as everywhere else."""
    return tally.plan_ids_on(conn, day)


def plan_year_on(conn: Connection, day: date) -> int | None:
    """The year whose plans `day` follows (storage.tally.plan_years_on): the tasks carried
    into it are reminded too."""
    return tally.plan_years_on(conn, day)


def plan_year_of(conn: Connection) -> dict[int, int]:
    return tally.plan_year_of(conn)


def units(conn: Connection) -> list[Any]:
    table: sa.Table = Unit.__table__  # type: ignore[attr-defined]
    return list(conn.execute(sa.select(table.c.id, table.c.code, table.c.name, table.c.head_id)))


def active_officers(conn: Connection) -> list[Any]:
    table: sa.Table = Officer.__table__  # type: ignore[attr-defined]
    return list(
        conn.execute(
            sa.select(table.c.id, table.c.name, table.c.unit_id, table.c.role, table.c.code).where(
                table.c.active.is_(True)
            )
        )
    )


def open_tasks_due_by(
    conn: Connection,
    plan_ids: int | Sequence[int],
    day: date,
    horizon: date,
    carried_into: int | None = None,
) -> list[Any]:
    """Open tasks of the plans (and those carried into the year `carried_into`) with an
    effective deadline on or before `horizon` (which covers every overdue task and every lead
    day owed by `day`), not snoozed past `day`. Served by the (state, due) index: closed tasks
    and far deadlines are never read. `deadline` is the effective deadline, `written` the
    deadline as assigned."""
    ids = [plan_ids] if isinstance(plan_ids, int) else list(plan_ids)
    t = TASKS
    return list(
        conn.execute(
            sa.select(
                t.c.id,
                t.c.code,
                t.c.title,
                t.c.lead_unit_id,
                t.c.due.label("deadline"),
                t.c.progress,
                t.c.snoozed_until,
                t.c.deadline.label("written"),
                t.c.assignee_id,
                t.c.plan_id,
            ).where(*_due_by(ids, day, horizon, carried_into))
        )
    )


def _due_by(plan_ids: list[int], day: date, horizon: date, carried_into: int | None) -> list[Any]:
    t = TASKS
    return [
        t.c.state == TaskState.OPEN,
        t.c.due <= horizon,
        tally.listed(t.c.plan_id, t.c.carried_to_year, plan_ids, carried_into),
        sa.or_(t.c.snoozed_until.is_(None), t.c.snoozed_until <= day),
    ]


def co_units_due_by(
    conn: Connection,
    plan_ids: int | Sequence[int],
    day: date,
    horizon: date,
    carried_into: int | None = None,
) -> list[Any]:
    """(task id, co-unit id) of the tasks `open_tasks_due_by` reads: the co-operating units
    (phối hợp) whose officers are reminded too."""
    co: sa.Table = TaskCoUnit.__table__  # type: ignore[attr-defined]
    ids = [plan_ids] if isinstance(plan_ids, int) else list(plan_ids)
    return list(
        conn.execute(
            sa.select(co.c.task_id, co.c.unit_id)
            .join(TASKS, TASKS.c.id == co.c.task_id)
            .where(*_due_by(ids, day, horizon, carried_into))
        )
    )


def plan_outcome_counts(
    conn: Connection,
    plan_ids: int | Sequence[int],
    on: date,
    due_soon_days: int,
    unit_codes: dict[int, str],
    counted: Sequence[str] = (),
    extension_counts_late: bool = False,
) -> dict[str, dict[Outcome, int]]:
    """How many tasks of each lead unit of the plans have each outcome on `on`, counted by
    the database from the kept tally (storage.tally.outcome_counts); with `counted`, only the
    tasks of those assigning authorities; with `extension_counts_late`, a task given an
    extension judged against the deadline it had before."""
    ids = [plan_ids] if isinstance(plan_ids, int) else list(plan_ids)
    by = ("unit", "authority") if counted else ("unit",)
    rows = tally.outcome_counts(conn, ids, on, due_soon_days, by, extension_counts_late)
    return tally.by_unit(rows, unit_codes, counted)


def chat_links(conn: Connection) -> list[LinkRow]:
    """Every chat link, oldest first."""
    table: sa.Table = ChatLink.__table__  # type: ignore[attr-defined]
    rows = conn.execute(
        sa.select(
            table.c.officer_id, table.c.channel, table.c.chat_id, table.c.linked_at, table.c.id
        ).order_by(table.c.linked_at, table.c.id)
    )
    return [LinkRow(r[0], r[1], r[2], aware(r[3]) or r[3], r[4]) for r in rows]


@dataclass(frozen=True)
class GroupChatRow:
    unit_id: int
    unit_code: str
    channel: str
    chat_id: str


def group_chats(conn: Connection) -> list[GroupChatRow]:
    """Every unit group chat with its unit's code, oldest link first: one query for all."""
    groups: sa.Table = UnitGroupChat.__table__  # type: ignore[attr-defined]
    unit: sa.Table = Unit.__table__  # type: ignore[attr-defined]
    rows = conn.execute(
        sa.select(groups.c.unit_id, unit.c.code, groups.c.channel, groups.c.chat_id)
        .join(unit, unit.c.id == groups.c.unit_id)
        .order_by(groups.c.linked_at, groups.c.id)
    )
    return [GroupChatRow(r[0], r[1], r[2], r[3]) for r in rows]


# -- what the scan writes ------------------------------------------------------------------


GROUP_KEY = ["day", "kind", "unit_id", "channel", "chat_id"]


def _insert_ignoring_duplicates(conn: Connection, group: bool) -> Any:
    if conn.dialect.name == "postgresql":
        stmt = postgresql.insert(OUTBOX)
        if group:
            # The partial unique index uq_outbox_group_key, named by its columns and predicate.
            return stmt.on_conflict_do_nothing(
                index_elements=GROUP_KEY, index_where=OUTBOX.c.unit_id.is_not(None)
            )
        return stmt.on_conflict_do_nothing(constraint="uq_outbox_key")
    if conn.dialect.name == "sqlite":
        return sqlite.insert(OUTBOX).on_conflict_do_nothing()
    raise RuntimeError(
        f"nhacviec stores its outbox in SQLite or PostgreSQL, not {conn.dialect.name}"
    )


def write_outbox(conn: Connection, rows: Sequence[dict[str, Any]], now: datetime) -> int:
    """Insert the rows whose key is new: (day, kind, officer, channel) for an officer's row,
    (day, kind, unit, channel, chat) for a unit group's row (`unit_id` set). A row already
    there (an earlier scan, another instance) is left untouched. Returns how many were
    written."""
    if not rows:
        return 0
    now = utc(now)
    extra = {
        "state": OutboxState.PENDING,
        "attempts": 0,
        "parts_sent": 0,
        "message_ids": "",
        "next_attempt_at": now,
        "created_at": now,
    }
    officers = [{**row, **extra} for row in rows if row.get("unit_id") is None]
    groups = [{**row, **extra} for row in rows if row.get("unit_id") is not None]
    return _insert_new(conn, officers, group=False) + _insert_new(conn, groups, group=True)


def _insert_new(conn: Connection, values: list[dict[str, Any]], group: bool) -> int:
    if not values:
        return 0
    if conn.dialect.name == "postgresql":
        return _copy_new(conn, values, group)
    stmt = _insert_ignoring_duplicates(conn, group)
    # SQLite's executemany counts the rows it inserted, and is faster than RETURNING.
    return conn.execute(stmt, values).rowcount


def _copy_new(conn: Connection, values: list[dict[str, Any]], group: bool) -> int:
    """PostgreSQL: COPY the rows into a temporary table, then one INSERT … SELECT … ON
    CONFLICT DO NOTHING. A multi-row INSERT of six thousand digests spent a second on building
    and parsing its text (12,000 parameters a statement); COPY streams them."""
    columns = list(values[0])
    if any(list(row) != columns for row in values):
        raise ValueError("outbox rows to write must all have the same columns")
    names = ", ".join(columns)
    # Straight into the table first: the scan has left out the keys it found, so a clash
    # means another instance wrote some of these rows meanwhile; then the careful way.
    from psycopg.errors import UniqueViolation

    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        with conn.begin_nested(), cursor.copy(f"COPY outbox ({names}) FROM STDIN") as copy:
            for row in values:
                copy.write_row([row[c] for c in columns])
        return len(values)
    except UniqueViolation:
        pass
    conflict = (
        "(day, kind, unit_id, channel, chat_id) WHERE unit_id IS NOT NULL"
        if group
        else "ON CONSTRAINT uq_outbox_key"
    )
    conn.exec_driver_sql(
        f"CREATE TEMPORARY TABLE outbox_new ON COMMIT DROP AS SELECT {names} FROM outbox "
        "WITH NO DATA"
    )
    with cursor.copy(f"COPY outbox_new ({names}) FROM STDIN") as copy:
        for row in values:
            copy.write_row([row[c] for c in columns])
    inserted = conn.exec_driver_sql(
        f"INSERT INTO outbox ({names}) SELECT {names} FROM outbox_new "
        f"ON CONFLICT {conflict} DO NOTHING"
    ).rowcount
    conn.exec_driver_sql("DROP TABLE outbox_new")
    return inserted or 0


def move_group_rows(conn: Connection, channel: str, old_chat_id: str, new_chat_id: str) -> int:
    """A group chat that changed its id (a Telegram group upgraded to a supergroup) keeps its
    outbox rows: a scan later that day finds the day's row under the new id and writes no
    second one. A day that already has a row under the new id keeps its old row as it is."""
    o = OUTBOX
    other = OUTBOX.alias("other")
    taken = (
        sa.select(other.c.id)
        .where(
            other.c.day == o.c.day,
            other.c.kind == o.c.kind,
            other.c.unit_id == o.c.unit_id,
            other.c.channel == o.c.channel,
            other.c.chat_id == new_chat_id,
        )
        .exists()
    )
    result = conn.execute(
        sa.update(o)
        .where(
            o.c.channel == channel,
            o.c.chat_id == old_chat_id,
            o.c.unit_id.is_not(None),
            ~taken,
        )
        .values(chat_id=new_chat_id)
    )
    return result.rowcount or 0


def expire_group_rows(conn: Connection, channel: str, chat_id: str, reason: str) -> int:
    """A group chat unlinked from its unit: its rows not yet sent (or being sent) are expired
    with `reason`. A row being sent right now may still go out once."""
    o = OUTBOX
    result = conn.execute(
        sa.update(o)
        .where(
            o.c.channel == channel,
            o.c.chat_id == chat_id,
            o.c.unit_id.is_not(None),
            o.c.state.in_([OutboxState.PENDING, OutboxState.SENDING]),
        )
        .values(state=OutboxState.EXPIRED, last_error=reason)
    )
    return result.rowcount or 0


def outbox_keys(engine: Engine, kind: str, day: date) -> set[tuple[int, str]]:
    """(officer id, channel) of the officers' rows of `kind` already written for `day`."""
    o = OUTBOX
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(o.c.officer_id, o.c.channel).where(
                o.c.day == day, o.c.kind == kind, o.c.officer_id.is_not(None)
            )
        )
        return {(r[0], r[1]) for r in rows}


def group_outbox_keys(engine: Engine, kind: str, day: date) -> set[tuple[int, str, str]]:
    """(unit id, channel, chat id) of the unit groups' rows of `kind` already written for
    `day`."""
    o = OUTBOX
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(o.c.unit_id, o.c.channel, o.c.chat_id).where(
                o.c.day == day, o.c.kind == kind, o.c.unit_id.is_not(None)
            )
        )
        return {(r[0], r[1], r[2]) for r in rows}


def record_scan(
    conn: Connection,
    day: date,
    started: datetime,
    finished: datetime,
    digests: int,
    written: int,
    trigger: str,
) -> None:
    conn.execute(
        SCANS.insert().values(
            day=day,
            started_at=utc(started),
            finished_at=utc(finished),
            digests=digests,
            rows_written=written,
            trigger=trigger,
        )
    )


def scanned_on(engine: Engine, day: date) -> bool:
    """Whether a (non-preview) scan for `day` has completed."""
    with engine.connect() as conn:
        return (
            conn.execute(sa.select(SCANS.c.id).where(SCANS.c.day == day).limit(1)).first()
            is not None
        )


# -- the dispatcher ------------------------------------------------------------------------


@dataclass(frozen=True)
class Claimed:
    id: int
    officer_id: int | None  # None for a unit group's row
    unit_id: int | None
    day: date
    channel: str
    chat_id: str
    text: str
    payload: str
    attempts: int
    parts_sent: int
    message_ids: str


def _claimable(channels: Sequence[str], now: datetime, lease: timedelta) -> Any:
    o = OUTBOX
    return sa.and_(
        o.c.channel.in_(list(channels)),
        sa.or_(
            sa.and_(o.c.state == OutboxState.PENDING, o.c.next_attempt_at <= now),
            sa.and_(o.c.state == OutboxState.SENDING, o.c.claimed_at <= now - lease),
        ),
    )


def claim(
    engine: Engine,
    channels: Sequence[str],
    now: datetime,
    lease: timedelta,
    limit: int,
    token: str,
) -> list[Claimed]:
    """Mark up to `limit` due rows of `channels` as being sent by `token` and return them.
    Each row goes to exactly one claimer. `attempts` is left alone: a claimer that dies before
    sending has not tried to send."""
    if not channels:
        return []
    now = utc(now)
    o = OUTBOX
    due = _claimable(channels, now, lease)
    claim_values = {
        "state": OutboxState.SENDING,
        "claimed_at": now,
        "claimed_by": token,
    }
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            ids = list(
                conn.execute(
                    sa.select(o.c.id)
                    .where(due)
                    .order_by(o.c.next_attempt_at, o.c.id)
                    .limit(limit)
                    .with_for_update(skip_locked=True)
                ).scalars()
            )
            if not ids:
                return []
            conn.execute(sa.update(o).where(o.c.id.in_(ids)).values(**claim_values))
        else:
            # One statement: SQLite takes the write lock before reading, so a second claimer
            # waits and then finds these rows no longer claimable.
            pick = sa.select(o.c.id).where(due).order_by(o.c.next_attempt_at, o.c.id).limit(limit)
            conn.execute(sa.update(o).where(o.c.id.in_(pick), due).values(**claim_values))
        rows = conn.execute(
            sa.select(
                o.c.id,
                o.c.officer_id,
                o.c.unit_id,
                o.c.day,
                o.c.channel,
                o.c.chat_id,
                o.c.text,
                o.c.payload,
                o.c.attempts,
                o.c.parts_sent,
                o.c.message_ids,
            )
            .where(o.c.claimed_by == token, o.c.state == OutboxState.SENDING)
            .order_by(o.c.next_attempt_at, o.c.id)
        )
        return [Claimed(**r._mapping) for r in rows]


def _update_claimed(engine: Engine, row_id: int, token: str, **values: Any) -> bool:
    """Update a row only while `token` still holds it; False if the lease was lost."""
    o = OUTBOX
    with engine.begin() as conn:
        result = conn.execute(
            sa.update(o)
            .where(o.c.id == row_id, o.c.claimed_by == token, o.c.state == OutboxState.SENDING)
            .values(**values)
        )
        return result.rowcount == 1


def hold_claim(engine: Engine, row_id: int, token: str, now: datetime, lease: timedelta) -> bool:
    """Right before a send: True if `token` still holds the row and its lease has not run out
    (then it is renewed from `now`); False if another dispatcher may have it."""
    now = utc(now)
    o = OUTBOX
    with engine.begin() as conn:
        result = conn.execute(
            sa.update(o)
            .where(
                o.c.id == row_id,
                o.c.claimed_by == token,
                o.c.state == OutboxState.SENDING,
                o.c.claimed_at > now - lease,
            )
            .values(claimed_at=now)
        )
        return result.rowcount == 1


def renew_claims(engine: Engine, prefix: str, now: datetime) -> int:
    """The heartbeat of a dispatcher's run: every row still held by a token starting with
    `prefix` (its batches) gets its lease renewed from `now`. Returns how many it holds."""
    o = OUTBOX
    with engine.begin() as conn:
        result = conn.execute(
            sa.update(o)
            .where(
                o.c.claimed_by.startswith(prefix, autoescape=True),
                o.c.state == OutboxState.SENDING,
            )
            .values(claimed_at=utc(now))
        )
        return result.rowcount or 0


def unclaim(engine: Engine, row_id: int, token: str) -> bool:
    """Hand a row back unsent (this dispatcher stopped leading): due again at once, and no
    attempt counted."""
    return _update_claimed(engine, row_id, token, state=OutboxState.PENDING, claimed_by=None)


def record_part(
    engine: Engine, row_id: int, token: str, parts_sent: int, message_ids: str
) -> bool:
    """One more part delivered: a retry resumes after it instead of sending it again."""
    return _update_claimed(engine, row_id, token, parts_sent=parts_sent, message_ids=message_ids)


def mark_sent(
    engine: Engine,
    row_id: int,
    token: str,
    now: datetime,
    parts_sent: int | None = None,
    message_ids: str | None = None,
) -> bool:
    """Delivered; the last part's count and ids are recorded in the same statement."""
    values: dict[str, Any] = {"state": OutboxState.SENT, "sent_at": utc(now), "last_error": None}
    if parts_sent is not None:
        values["parts_sent"] = parts_sent
    if message_ids is not None:
        values["message_ids"] = message_ids
    return _update_claimed(engine, row_id, token, **values)


def mark_retry(engine: Engine, row_id: int, token: str, at: datetime, error: str) -> bool:
    """A send failed: one more attempt counted, due again at `at`."""
    return _update_claimed(
        engine,
        row_id,
        token,
        state=OutboxState.PENDING,
        attempts=OUTBOX.c.attempts + 1,
        next_attempt_at=utc(at),
        claimed_by=None,
        last_error=error,
    )


def mark_failed(engine: Engine, row_id: int, token: str, error: str) -> bool:
    """A send failed for good (a permanent error, or the last attempt)."""
    return _update_claimed(
        engine,
        row_id,
        token,
        state=OutboxState.FAILED,
        attempts=OUTBOX.c.attempts + 1,
        last_error=error,
    )


def expire_stale(
    engine: Engine,
    channels: Sequence[str],
    today: date,
    now: datetime,
    lease: timedelta,
    reason: str,
) -> int:
    """Rows of an earlier day still unsent are superseded by today's digest: marked expired
    rather than delivered late."""
    if not channels:
        return 0
    now = utc(now)
    o = OUTBOX
    with engine.begin() as conn:
        result = conn.execute(
            sa.update(o)
            .where(
                o.c.channel.in_(list(channels)),
                o.c.day < today,
                # A task's notice (kind "notice:<event>") is owed until sent: no later digest
                # says what it says.
                sa.not_(o.c.kind.startswith("notice:")),
                sa.or_(
                    o.c.state == OutboxState.PENDING,
                    sa.and_(o.c.state == OutboxState.SENDING, o.c.claimed_at <= now - lease),
                ),
            )
            .values(state=OutboxState.EXPIRED, last_error=reason)
        )
        return result.rowcount or 0


def expire_officer_rows(conn: Connection, officer_id: int, reason: str) -> int:
    """An officer who left gets nothing more: their rows not yet sent are expired."""
    o = OUTBOX
    result = conn.execute(
        sa.update(o)
        .where(o.c.officer_id == officer_id, o.c.state == OutboxState.PENDING)
        .values(state=OutboxState.EXPIRED, last_error=reason)
    )
    return result.rowcount or 0


def outbox_rows(engine: Engine, day: date | None = None) -> list[Any]:
    """The outbox (of one day), oldest first: for `nhacviec remind` and the tests."""
    o = OUTBOX
    query = sa.select(o).order_by(o.c.id)
    if day is not None:
        query = query.where(o.c.day == day)
    with engine.connect() as conn:
        return list(conn.execute(query))
