"""The tables. Progress updates are append-only: history is never overwritten."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from rules.roles import Role

__all__ = ["Role"]


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(dt: datetime | None) -> datetime | None:
    """SQLite hands datetimes back naive; they were stored in UTC."""
    if dt is None or dt.tzinfo is not None:
        return dt
    return dt.replace(tzinfo=UTC)


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """An instant stored in UTC. SQLite keeps no offset: without the conversion a clock's local
    09:00 (Asia/Ho_Chi_Minh) would be stored as "09:00" and read back as 09:00 UTC."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            return value.astimezone(UTC)
        return value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        return aware(value)


def _ts(nullable: bool = True) -> sa.Column:
    return sa.Column(UTCDateTime(), nullable=nullable)


class TaskState(StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"  # left the plan and its figures; the reason is in its events
    REPORTED = "reported"  # completion reported, awaiting confirmation (chờ xác nhận)


class Plan(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=64)
    name: str
    year: int
    document: str | None = None
    agency: str | None = None


class Area(SQLModel, table=True):
    """A scored reform area, or a sub-criterion (`parent_code` set) whose tasks count for it."""

    __table_args__ = (sa.UniqueConstraint("plan_id", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    code: str = Field(max_length=16)
    name: str
    parent_code: str | None = Field(default=None, max_length=16)
    max_score: float | None = None
    target_score: float | None = None
    last_year_score: float | None = None


class Unit(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=32)
    name: str
    head_id: int | None = Field(default=None, index=True)


class Officer(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=32)
    name: str
    unit_id: int = Field(foreign_key="unit.id", index=True)
    role: str = Field(default=Role.OFFICER, max_length=16)
    active: bool = True


class ChatLink(SQLModel, table=True):
    """A chat on a messenger that acts as an officer."""

    __table_args__ = (sa.UniqueConstraint("channel", "chat_id"),)
    id: int | None = Field(default=None, primary_key=True)
    officer_id: int = Field(foreign_key="officer.id", index=True)
    channel: str = Field(max_length=16)
    chat_id: str = Field(max_length=64)
    linked_at: datetime = Field(default_factory=utcnow, sa_column=_ts(False))


class LinkCode(SQLModel, table=True):
    """A one-time code an admin hands an officer to link a chat (`/start CODE`)."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=16)
    officer_id: int = Field(foreign_key="officer.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts(False))
    expires_at: datetime = Field(sa_column=_ts(False))
    used_at: datetime | None = Field(default=None, sa_column=_ts())
    used_channel: str | None = Field(default=None, max_length=16)
    used_chat_id: str | None = Field(default=None, max_length=64)


_TASK_VERSION = sa.Column("version", sa.Integer(), nullable=False, server_default="0")


class Task(SQLModel, table=True):
    """One task, or one dated occurrence of a recurring task (`series_code` names the series)."""

    __table_args__ = (
        sa.UniqueConstraint("plan_id", "code"),
        sa.Index("ix_task_state_due", "state", "due"),
        sa.Index("ix_task_deadline", "deadline"),
        sa.Index("ix_task_unit_state", "lead_unit_id", "state"),
        # The figures' day-dependent ranges (unfinished tasks by effective deadline,
        # completions after a day) are read from this index alone (cancelled tasks skipped by
        # `state`); the rest is TaskTally.
        sa.Index(
            "ix_task_plan_completion",
            "plan_id",
            "completed_on",
            "due",
            "lead_unit_id",
            "area_id",
            "authority",
            "state",
        ),
        # The web overview's per-area figures are read from this index alone (migration 0014);
        # it also serves every lookup by area, so it replaced the plain index on area_id.
        sa.Index(
            "ix_task_area_figures",
            "area_id",
            "plan_id",
            "state",
            "completed_on",
            "deadline",
            "progress",
        ),
        # What waits for a decision: a handful of rows, indexed alone (migration 0017). A
        # plain index, all NULLs but a few, was judged useless after ANALYZE and the whole
        # table read instead.
        *(
            sa.Index(
                f"ix_task_{column}_waiting",
                column,
                sqlite_where=sa.text(f"{column} IS NOT NULL"),
                postgresql_where=sa.text(f"{column} IS NOT NULL"),
            )
            for column in ("extension_step", "confirm_step")
        ),
        # The tasks given an extension, judged again when that counts late (migration 0017).
        sa.Index(
            "ix_task_extended_from",
            "extended_from",
            sqlite_where=sa.text("extended_from IS NOT NULL"),
            postgresql_where=sa.text("extended_from IS NOT NULL"),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id")
    code: str = Field(max_length=64)
    title: str
    area_id: int | None = Field(default=None, foreign_key="area.id")
    lead_unit_id: int = Field(foreign_key="unit.id")
    authority: str | None = None
    document: str | None = None  # the assigning document's number, e.g. 123/UBND-KT
    # The officer who handles it (chuyên viên thụ lý); None: the whole lead unit.
    assignee_id: int | None = Field(default=None, index=True)
    deadline: date | None = None  # as written
    # The effective deadline: `deadline` moved off a day off to the next working day. Derived
    # by database triggers from DeadlineShift (migration 0013); never written by code.
    due: date | None = None
    recurrence: str | None = None
    series_code: str | None = Field(default=None, max_length=64)
    note: str | None = None
    progress: int = 0
    state: str = Field(default=TaskState.OPEN, max_length=16)
    completed_at: datetime | None = Field(default=None, sa_column=_ts())
    completed_on: date | None = None
    snoozed_until: date | None = None
    # An extension request waiting (the date asked for) and whose turn it is (rules.approvals).
    extension_to: date | None = None
    extension_step: str | None = Field(default=None, max_length=8)
    # The deadline in force before an approved extension; `deadline` is the one in force now.
    extended_from: date | None = None
    # The later year this unfinished task was carried into (`nhacviec plan carry-over`,
    # storage/carry.py): that year's views show it; its plan, and so its figures, stay its own.
    carried_to_year: int | None = None
    # A completion reported on this day, awaiting confirmation at `confirm_step`.
    reported_on: date | None = None
    confirm_step: str | None = Field(default=None, max_length=8)
    # Raised by every change the ORM writes, which is refused (StaleDataError) when another
    # transaction changed the task since it was read: a change is made on the task it saw.
    version: int = Field(default=0, sa_column=_TASK_VERSION)

    __mapper_args__ = {"version_id_col": _TASK_VERSION}


class TaskTally(SQLModel, table=True):
    """Per plan, lead unit, area (0: none) and assigning authority ('': none): how many tasks,
    how many completed, how many of those after their effective deadline, and the summed
    progress of the unfinished ones.

    Database triggers on `task` keep it (migration 0013); no code writes it. The figures read
    these rows instead of counting every task. No foreign keys: it is derived data, and a
    deleted plan's or unit's tasks leave zeros behind."""

    __tablename__ = "task_tally"
    __table_args__ = {"sqlite_with_rowid": False}

    plan_id: int = Field(primary_key=True)
    unit_id: int = Field(primary_key=True)
    area_id: int = Field(primary_key=True)
    authority: str = Field(primary_key=True)
    assigned: int
    done: int
    done_late: int
    open_progress: int


class DeadlineShift(SQLModel, table=True):
    """A day off and the working day a deadline written on it moves to (Civil Code 2015,
    art. 148). Kept by the application from the working-day calendar (empty when the config
    turns the rule off); triggers derive `task.due` from it."""

    __tablename__ = "deadline_shift"

    day: date = Field(primary_key=True)
    moved_to: date


class TaskCoUnit(SQLModel, table=True):
    """A co-operating unit (phối hợp) of a task."""

    task_id: int = Field(foreign_key="task.id", primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", primary_key=True)


class ProgressUpdate(SQLModel, table=True):
    """One report on a task: rows are only ever added."""

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    officer_id: int | None = Field(default=None, foreign_key="officer.id")
    at: datetime = Field(default_factory=utcnow, sa_column=_ts(False))
    kind: str = Field(default="progress", max_length=16)
    percent: int | None = None
    note: str | None = None
    channel: str = Field(default="cli", max_length=16)
    on_behalf_id: int | None = None  # the absent officer a substitute reported for


class ChatState(SQLModel, table=True):
    """A question the bot asked a chat and awaits an answer to (after "Cập nhật tiến độ":
    first the percent, then an optional note). Kept in the database so a restart loses none."""

    __table_args__ = (sa.UniqueConstraint("channel", "chat_id"),)
    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    chat_id: str = Field(max_length=64)
    awaiting: str = Field(max_length=16)  # "percent", "note", or a step of /giao or /sua
    task_id: int | None = Field(default=None, foreign_key="task.id")
    percent: int | None = None
    draft: str | None = None  # JSON: the answers so far of a multi-step dialog (/giao)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts(False))


class TaskEvent(SQLModel, table=True):
    """One change to a task: rows are only ever added (the database refuses UPDATE and DELETE,
    migration 0011). `kind` is a rules.events.EventKind; `actor` is the officer's code, or
    "admin" for the CLI and imports without one."""

    __tablename__ = "task_event"
    id: int | None = Field(default=None, primary_key=True)
    # None: an event about an officer (`subject_id`): deactivated, moved, role, leave.
    task_id: int | None = Field(default=None, foreign_key="task.id", index=True)
    at: datetime = Field(default_factory=utcnow, sa_column=_ts(False))
    officer_id: int | None = Field(default=None, foreign_key="officer.id")
    actor: str = Field(max_length=32)
    channel: str = Field(max_length=16)
    kind: str = Field(max_length=32)
    field: str | None = Field(default=None, max_length=32)
    old: str | None = None
    new: str | None = None
    reason: str | None = None
    subject_id: int | None = Field(default=None, index=True)  # the officer an event is about
    on_behalf_id: int | None = None  # the absent officer a substitute acted for


class Leave(SQLModel, table=True):
    """An officer's leave (nghỉ phép, đi học, công tác), both dates included: the substitute
    (None: the unit's head) gets their reminders and may act on their tasks. A cancelled leave
    keeps its row; its recording and cancelling are also officer events in `task_event`."""

    __table_args__ = (sa.Index("ix_leave_dates", "ends_on", "starts_on"),)
    id: int | None = Field(default=None, primary_key=True)
    officer_id: int = Field(foreign_key="officer.id", index=True)
    starts_on: date
    ends_on: date
    substitute_id: int | None = Field(default=None, foreign_key="officer.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts(False))
    created_by: str = Field(max_length=32)
    channel: str = Field(max_length=16)
    cancelled_at: datetime | None = Field(default=None, sa_column=_ts())
    cancelled_by: str | None = Field(default=None, max_length=32)


class TaskEvidence(SQLModel, table=True):
    """Proof of a task's completion: a document number, or a photo or file kept in the
    evidence folder under `filename` (a name nhacviec made). Rows are only ever added."""

    __tablename__ = "task_evidence"
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    at: datetime = Field(default_factory=utcnow, sa_column=_ts(False))
    officer_id: int | None = Field(default=None, foreign_key="officer.id")
    channel: str = Field(max_length=16)
    document_number: str | None = Field(default=None, max_length=64)
    filename: str | None = Field(default=None, max_length=128)
    original_name: str | None = Field(default=None, max_length=255)
    content_type: str | None = Field(default=None, max_length=128)
    size: int | None = None
    sha256: str | None = Field(default=None, max_length=64)


class AreaSelfScore(SQLModel, table=True):
    """A year-end self-score of an area by TCCB: rows are only ever added, the newest counts."""

    id: int | None = Field(default=None, primary_key=True)
    area_id: int = Field(foreign_key="area.id", index=True)
    points: float
    note: str | None = None
    officer_id: int | None = Field(default=None, foreign_key="officer.id")
    at: datetime = Field(default_factory=utcnow, sa_column=_ts(False))
    channel: str = Field(default="cli", max_length=16)


class Inspection(SQLModel, table=True):
    """TCCB's inspection of a unit's PAR work on a day (one row per inspection)."""

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    inspected_on: date = Field(index=True)
    note: str | None = None
    officer_id: int | None = Field(default=None, foreign_key="officer.id")
    recorded_at: datetime = Field(default_factory=utcnow, sa_column=_ts(False))
    channel: str = Field(default="cli", max_length=16)


class GroupLinkCode(SQLModel, table=True):
    """A one-time code an admin hands a unit to link its group chat (`/start CODE` in the
    group), so the unit's reminders can also go to the group."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=16)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts(False))
    expires_at: datetime = Field(sa_column=_ts(False))
    used_at: datetime | None = Field(default=None, sa_column=_ts())
    used_channel: str | None = Field(default=None, max_length=16)
    used_chat_id: str | None = Field(default=None, max_length=64)


class UnitGroupChat(SQLModel, table=True):
    """A group chat on a messenger that belongs to a unit; a group serves one unit at a time,
    a unit may have several groups."""

    __table_args__ = (sa.UniqueConstraint("channel", "chat_id"),)
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    channel: str = Field(max_length=16)
    chat_id: str = Field(max_length=64)
    linked_at: datetime = Field(default_factory=utcnow, sa_column=_ts(False))


class OutboxState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    EXPIRED = "expired"


class OutboxMessage(SQLModel, table=True):
    """A reminder owed to one officer on one channel on one day, or to one group chat of a
    unit on one day (`unit_id` set, `officer_id` empty), written before it is sent.

    The unique keys (day, kind, officer, channel) and, for group rows, (day, kind, unit,
    channel, chat) are what make a reminder go out at most once: a second scan, a restart or a
    second instance finds the row already there. Each row has exactly one recipient: an
    officer or a unit's group."""

    __tablename__ = "outbox"
    __table_args__ = (
        # Day first: the same index finds the rows of a day (a second scan skips them).
        sa.UniqueConstraint("day", "kind", "officer_id", "channel", name="uq_outbox_key"),
        # Group rows leave officer_id NULL, and NULLs never clash: the key above never
        # holds them back. Their own key covers group rows only, so the scan's thousands of
        # officer rows a day do not maintain it.
        sa.Index(
            "uq_outbox_group_key",
            "day",
            "kind",
            "unit_id",
            "channel",
            "chat_id",
            unique=True,
            sqlite_where=sa.text("unit_id IS NOT NULL"),
            postgresql_where=sa.text("unit_id IS NOT NULL"),
        ),
        sa.CheckConstraint(
            "(officer_id IS NULL) <> (unit_id IS NULL)", name="ck_outbox_one_recipient"
        ),
        sa.Index("ix_outbox_state_next", "state", "next_attempt_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    officer_id: int | None = Field(default=None, foreign_key="officer.id")
    unit_id: int | None = Field(default=None, foreign_key="unit.id")  # a unit group's row
    kind: str = Field(max_length=16)
    day: date
    channel: str = Field(max_length=16)
    chat_id: str = Field(max_length=64)
    text: str  # the whole digest as the recipient reads it, for people and logs
    payload: str  # JSON: the parts to send, each {"text", "buttons", "hint"}
    state: str = Field(default=OutboxState.PENDING, max_length=16)
    attempts: int = 0
    parts_sent: int = 0
    message_ids: str = ""  # the platform's ids of the parts sent, comma-separated
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_column=_ts(False))
    claimed_at: datetime | None = Field(default=None, sa_column=_ts())
    claimed_by: str | None = Field(default=None, max_length=64)
    sent_at: datetime | None = Field(default=None, sa_column=_ts())
    last_error: str | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts(False))


class LeaderLease(SQLModel, table=True):
    """Which instance holds a job that only one may run at a time (the outbox dispatcher, so
    that one process paces every message to the platform's limits), and until when: a holder
    that stops renewing (it died) loses it when `expires_at` has passed."""

    __tablename__ = "leader_lease"
    name: str = Field(primary_key=True, max_length=32)
    holder: str = Field(max_length=96)
    acquired_at: datetime = Field(sa_column=_ts(False))
    expires_at: datetime = Field(sa_column=_ts(False))


class SeenMessage(SQLModel, table=True):
    """A message from a chat whose effects were committed, by the messenger's own id of it
    (Telegram's update_id, Zalo's message id): a redelivery after a crash, or to another
    instance behind a load balancer, finds it here and changes nothing twice. Kept two days
    (Telegram keeps an unacknowledged update 24 hours); the daily scan forgets older ones."""

    __tablename__ = "seen_message"
    channel: str = Field(primary_key=True, max_length=16)
    message_key: str = Field(primary_key=True, max_length=64)
    seen_at: datetime = Field(sa_column=sa.Column(UTCDateTime(), nullable=False, index=True))


class ReminderScan(SQLModel, table=True):
    """One run of the daily reminder scan: the catch-up after downtime is decided from here."""

    __tablename__ = "reminder_scan"
    id: int | None = Field(default=None, primary_key=True)
    day: date = Field(index=True)
    started_at: datetime = Field(sa_column=_ts(False))
    finished_at: datetime = Field(sa_column=_ts(False))
    digests: int = 0
    rows_written: int = 0
    trigger: str = Field(default="schedule", max_length=16)


class WebLogin(SQLModel, table=True):
    """A one-time sign-in link for the web page, sent through the chat (`/web`) or printed by
    `nhacviec web-link`. Only a hash of its secret part is kept; it works once, before it
    expires."""

    __tablename__ = "web_login"
    id: int | None = Field(default=None, primary_key=True)
    officer_id: int = Field(foreign_key="officer.id", index=True)
    secret_hash: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts(False))
    expires_at: datetime = Field(sa_column=_ts(False))
    channel: str = Field(default="cli", max_length=16)
    used_at: datetime | None = Field(default=None, sa_column=_ts())


class WebSession(SQLModel, table=True):
    """A signed-in browser: the cookie holds a random token, the table only its hash; the CSRF
    token every form of the session must carry is kept with it."""

    __tablename__ = "web_session"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, max_length=64)
    officer_id: int = Field(foreign_key="officer.id", index=True)
    csrf: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts(False))
    expires_at: datetime = Field(sa_column=_ts(False))
    ended_at: datetime | None = Field(default=None, sa_column=_ts())


class WebKey(SQLModel, table=True):
    """The key that signs sign-in links when the config names none: made once, shared by
    every process using the database (the bot that sends a link, the server that opens it)."""

    __tablename__ = "web_key"
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=128)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts(False))
