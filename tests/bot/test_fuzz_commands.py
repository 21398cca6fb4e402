"""Hostile input, answered and never crashed on: hypothesis generates commands, plain-text
answers and button presses (superscript and other Unicode digits, ids past any integer column,
NUL, lone surrogates, control characters and every kind of whitespace) from every kind of
chat, and drives ChatService in process on real SQLite and PostgreSQL.

After every message: no handler failed (nothing logged at ERROR), every reply is Vietnamese
and sendable (valid UTF-8, no control characters), a message that changed no task left tasks
and history exactly as they were, and the history invariants hold (a done task is at 100%
with one "done" row; progress stays within 0–100).

NHACVIEC_FUZZ_COMMANDS sets how many messages in all (CI: 100,000; 60% on SQLite, 40% on
PostgreSQL; elsewhere 3,000)."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Connection, Engine

from bot.messages import Incoming, Reply
from nhacviec.app import App, build_app
from nhacviec.base.clock import FixedClock
from nhacviec.base.config import Config
from storage import repo
from storage.db import session_scope
from storage.models import Task
from tests.builders import write_xlsx
from tests.conftest import link_chat, load

DEFAULT_TOTAL = 100_000 if os.environ.get("CI") else 3_000
TOTAL = int(os.environ.get("NHACVIEC_FUZZ_COMMANDS", str(DEFAULT_TOTAL)))
SHARE = {"sqlite": 0.6, "postgresql": 0.4}
BATCH = 50  # messages per generated example (fewer examples: less of hypothesis' own work)

VIETNAMESE = set(
    "ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
    "ĂÂĐÊÔƠƯÁÀẢÃẠẤẦẨẪẬẮẰẲẴẶÉÈẺẼẸẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌỐỒỔỖỘỚỜỞỠỢÚÙỦŨỤỨỪỬỮỰÝỲỶỸỴ"
)
GROUP = "-100777"
BOT = "nhacviec_bot"

# Who sends: (chat id, is group, sender id).
SENDERS = [
    ("k4", False, None),  # CB04, officer of KHTC
    ("k3", False, None),  # CB03, head of KHTC
    ("t2", False, None),  # CB02, TCCB
    ("a7", False, None),  # CB07, admin
    ("stranger", False, None),
    (GROUP, True, "k4"),  # KHTC's group, an officer writing
    (GROUP, True, "stranger"),
]
COMMANDS = [
    "start",
    "help",
    "tasks",
    "done",
    "progress",
    "status",
    "areas",
    "score",
    "inspect",
    "report",
    "snooze",
    "giao",
    "sua",
    "huy",
    "task",
    "history",
    "DONE",
    "Progress",
]
TRICKY = [
    "²",
    "¹²",
    "٣",
    "３",
    "0",
    "00",
    "100",
    "101",
    "50%",
    "-5",
    "+7",
    "#",
    "\x00",
    "1\x00",
    "\ud800",
    "\udfff1",
    "9" * 19,
    "9" * 40,
    "1" * 5000,
    str(2**31),
    str(2**63),
    str(2**64),
    "2023-Q1",
    "2023",
    "2023-H2",
    "KHTC",
    "khtc",
    "VP",
    "1",
    "6",
    "1.6",
    "9,5",
    "11",
    "nan",
    "1e999",
    "01/02/2023",
    "31/02/2023",
    "01/01/9999",
    '=HYPERLINK("http://x")',
    "\u202e",
    "\ufeff",
    "🎉",
    "Đã xong",
]
WHITESPACE = [" ", "  ", "\t", "\n", "\r\n", "\u00a0", "\u3000", "\x0b", "\x0c", "\u2028"]


@dataclass(frozen=True)
class TaskRef:
    """A real task id, picked when the message is sent (tasks are added as others get done)."""

    index: int


Arg = str | TaskRef | int


@dataclass(frozen=True)
class Message:
    sender: int
    parts: list[Arg]  # the command name (or plain text) first, then the arguments
    separators: list[str]
    press: bool = False


arg = st.one_of(
    st.builds(TaskRef, st.integers(0, 30)),
    st.sampled_from(TRICKY),
    st.integers(-(2**70), 2**70),
    st.text(max_size=12),
    st.text(st.characters(codec="ascii"), max_size=8),
)
head = st.one_of(
    st.sampled_from(COMMANDS).map(lambda name: "/" + name),
    st.sampled_from(COMMANDS).map(lambda name: f"/{name}@{BOT}"),
    st.sampled_from(COMMANDS).map(lambda name: f"/{name}@other_bot"),
    st.text(max_size=10).map(lambda text: "/" + text),
    st.text(max_size=16),  # plain text: an answer to a question, or chatter
    st.sampled_from(["-", "60", "50%", "²", "", " ", "\x00", "\ud83d"]),
)
message = st.builds(
    Message,
    sender=st.integers(0, len(SENDERS) - 1),
    parts=st.tuples(head, st.lists(arg, max_size=4)).map(lambda hp: [hp[0], *hp[1]]),
    separators=st.lists(st.sampled_from(WHITESPACE), min_size=5, max_size=5),
)
press = st.builds(
    Message,
    sender=st.integers(0, len(SENDERS) - 1),
    parts=st.tuples(
        st.one_of(st.sampled_from(["done", "prog", "snooze"]), st.text(max_size=6)), arg
    ).map(list),
    separators=st.just([":"] * 5),
    press=st.just(True),
)
# An officer's real commands on real tasks, with hostile percents and notes: the changes.
plausible = st.builds(
    Message,
    sender=st.sampled_from([0, 1, 5]),  # KHTC's officer, its head, the officer in the group
    parts=st.tuples(
        st.sampled_from(["/done", "/progress", f"/progress@{BOT}", "60", "-", "/tasks"]),
        st.builds(TaskRef, st.integers(0, 30)),
        st.one_of(st.sampled_from(["0", "50", "100", "50%", "²", "101"]), st.text(max_size=3)),
        st.text(max_size=20),
    ).map(list),
    separators=st.lists(
        st.one_of(st.just(" "), st.sampled_from(WHITESPACE)), min_size=5, max_size=5
    ),
)
batch = st.lists(st.one_of(message, message, press, plausible), min_size=BATCH, max_size=BATCH)


# What any change to tasks or history moves: every ORM write of a task raises its version
# (migration 0009), and history rows are only ever added (newest id). Aggregates, so a year of
# fuzzing (thousands of tasks) costs the same per message.
SNAPSHOT = sa.text(
    "SELECT (SELECT count(*) FROM task), (SELECT coalesce(sum(version), 0) FROM task), "
    "(SELECT coalesce(sum(progress), 0) FROM task), "
    "(SELECT count(*) FROM task WHERE state = 'done'), "
    "(SELECT count(*) FROM task WHERE snoozed_until IS NOT NULL), "
    "(SELECT coalesce(max(id), 0) FROM progressupdate)"
)
# Tasks a message may name: the open ones and the last few completed.
TARGETS = sa.text(
    "SELECT id FROM task WHERE state = 'open' OR id IN (SELECT task_id FROM progressupdate "
    "WHERE kind = 'done' ORDER BY id DESC LIMIT 3) ORDER BY id"
)
# Tasks breaking the history invariants: a done task (or one reported done, awaiting its
# confirmer) is at 100% with exactly one "done" row, a done one has its completion day; an open
# one has neither; progress within 0–100.
VIOLATIONS = sa.text(
    "SELECT t.id, t.progress, t.state, t.completed_on FROM task t "
    "WHERE t.progress < 0 OR t.progress > 100 "
    "OR (t.state = 'done') <> (t.completed_on IS NOT NULL) "
    "OR (t.state IN ('done', 'reported') AND t.progress <> 100) "
    "OR (SELECT count(*) FROM progressupdate p WHERE p.task_id = t.id AND p.kind = 'done') "
    "<> (CASE WHEN t.state IN ('done', 'reported') THEN 1 ELSE 0 END)"
)
NEW_ROWS = sa.text("SELECT percent, note FROM progressupdate WHERE id > :after")


@dataclass(frozen=True)
class Snapshot:
    tasks: tuple[int, ...]  # count, sum of versions, sum of progress, done, snoozed
    newest_row: int  # of history
    targets: list[int]


def snapshot(conn: Connection, last: Snapshot | None = None) -> Snapshot:
    """Tasks and history now; the targets are read again only if something changed."""
    *tasks, newest = conn.execute(SNAPSHOT).one()
    if last is not None and (last.tasks, last.newest_row) == (tuple(tasks), newest):
        return last
    targets = list(conn.execute(TARGETS).scalars())
    return Snapshot(tuple(tasks), newest, targets)


@dataclass
class Fuzz:
    app: App
    reader: Connection
    last: Snapshot  # tasks and history after the last message
    sent: int = 0
    presses: int = 0
    changed: int = 0
    refused: int = 0


def check_invariants(conn: Connection, before: Snapshot) -> None:
    """No task breaks the history invariants; the rows added are within 0–100, their notes
    storable, at most one per message."""
    assert conn.execute(VIOLATIONS).all() == []
    added = conn.execute(NEW_ROWS, {"after": before.newest_row}).all()
    assert len(added) <= 1, added
    for percent, note in added:
        assert 0 <= percent <= 100
        assert note is None or storable(note), repr(note)


def storable(text: str) -> bool:
    """Valid UTF-8 (no lone surrogate) and no control character but the line break."""
    text.encode("utf-8")
    return all(c == "\n" or (ord(c) >= 0x20 and c != "\x7f") for c in text)


def check_reply(reply: Reply) -> None:
    text = reply.text
    assert text, "an empty reply"
    assert storable(text), repr(text)
    assert VIETNAMESE & set(text), f"not Vietnamese: {text!r}"


def top_up_tasks(fuzz: Fuzz) -> list[int]:
    """Keep some tasks open: each /done closes one for good."""
    ids = fuzz.last.targets
    if len(ids) >= 7:
        return ids
    with session_scope(fuzz.app.engine) as session:
        plan, unit = repo.current_plan(session), repo.unit_by_code(session, "KHTC")
        assert plan is not None and unit is not None
        for _ in range(8):
            session.add(
                Task(
                    plan_id=plan.id or 0,
                    code=f"FUZZ-{fuzz.sent}-{len(ids)}",
                    title="Nhiệm vụ thử",
                    lead_unit_id=unit.id or 0,
                    deadline=date(2023, 5, 31),
                )
            )
            ids.append(0)
    fuzz.last = snapshot(fuzz.reader)
    return fuzz.last.targets


def render(part: Arg, ids: list[int]) -> str:
    if isinstance(part, TaskRef):
        return str(ids[part.index % len(ids)])
    return str(part)


def send(fuzz: Fuzz, msg: Message) -> None:
    ids = top_up_tasks(fuzz) or [1]
    parts = [render(part, ids) for part in msg.parts]
    chat, is_group, sender = SENDERS[msg.sender]
    before = fuzz.last  # nobody else writes: what the last message left
    if msg.press:
        replies = [fuzz.app.chat.press("console", chat, ":".join(parts), sender_id=sender)]
        fuzz.presses += 1
    else:
        text = parts[0]
        for separator, part in zip(msg.separators, parts[1:], strict=False):
            text += separator + part
        incoming = Incoming("console", chat, text, is_group=is_group, sender_id=sender)
        replies = fuzz.app.chat.handle(incoming)
    fuzz.sent += 1
    after = fuzz.last = snapshot(fuzz.reader, before)
    for reply in replies:
        check_reply(reply)
    if any(reply.changed for reply in replies):
        fuzz.changed += 1
        check_invariants(fuzz.reader, before)
    else:
        fuzz.refused += 1
        assert after == before, f"{parts!r} changed tasks or history without saying so"


@pytest.fixture
def fuzz(engine: Engine, tmp_path: Path) -> Iterator[Fuzz]:
    app = build_app(Config(), FixedClock.on(date(2023, 4, 3)), engine)
    app.chat.bot_username = BOT
    load(engine, write_xlsx(tmp_path / "small.xlsx"))
    for code, chat in (("CB04", "k4"), ("CB03", "k3"), ("CB02", "t2"), ("CB07", "a7")):
        link_chat(app, code, "console", chat)
    with session_scope(engine) as session:
        unit = repo.unit_by_code(session, "KHTC")
        assert unit is not None
        code = repo.new_group_code(session, unit, app.clock.now(), 7).code
    linked = app.chat.handle(
        Incoming("console", GROUP, f"/start {code}", is_group=True, sender_id="k4")
    )
    assert "Đã liên kết nhóm" in linked[0].text
    # The test's own reads: one connection, each statement its own transaction (autocommit),
    # so no snapshot is held between messages and a read costs one round trip.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as reader:
        yield Fuzz(app, reader, snapshot(reader))


def test_hostile_commands_are_answered_in_vietnamese_and_change_nothing_they_refuse(
    fuzz: Fuzz, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    target = max(BATCH, int(TOTAL * SHARE[engine.dialect.name]))
    caplog.set_level(logging.WARNING)
    started = time.perf_counter()

    @settings(
        max_examples=target // BATCH,
        deadline=None,
        database=None,
        derandomize=bool(os.environ.get("CI")),
        suppress_health_check=list(HealthCheck),
    )
    @given(batch)
    def run(messages: list[Message]) -> None:
        for msg in messages:
            send(fuzz, msg)
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert not errors, errors[0].getMessage()

    run()
    seconds = time.perf_counter() - started
    print(
        f"\nfuzz {engine.dialect.name}: {fuzz.sent} messages ({fuzz.presses} button presses), "
        f"{fuzz.changed} changed a task, {fuzz.refused} changed nothing; 0 handler failures; "
        f"{seconds:.0f} s"
    )
    assert fuzz.sent >= target
    assert fuzz.changed > 0 and fuzz.refused > 0


# What crashed a handler before (issue 18, and what this test found since), each checked alone.
KNOWN_CRASHES = [
    "/done ²",
    "/progress {id} ¹²",
    "/tasks ³",
    "/status ⁴",
    "/done 2147483648",
    "/done 9223372036854775808",
    "/progress 99999999999999999999999 50",
    "/task 9999999999999999999999999999999999999999",
    "/task ²",
    "/done {id} ghi chú\x00có NUL",
    "/progress {id} 40 nửa cặp \ud83d",
    "/\x1b",
    "/done\x0b{id}",
]


@pytest.mark.parametrize("typed", KNOWN_CRASHES)
def test_known_crashes_are_answered(
    fuzz: Fuzz, engine: Engine, caplog: pytest.LogCaptureFixture, typed: str
) -> None:
    caplog.set_level(logging.WARNING)
    task_id = fuzz.last.targets[0]
    replies = fuzz.app.chat.handle(Incoming("console", "k4", typed.format(id=task_id)))
    assert replies
    for reply in replies:
        check_reply(reply)
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
