"""ChatService.answer, the entry point of the messenger adapters: an officer's report on a
SQLite file is handled on the event loop itself (no thread hop), on real SQLite and
PostgreSQL; when another writer holds SQLite's write lock, the loop is not held up behind it:
the report is made in a worker thread once the lock is free, and recorded exactly once."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import func, select

from bot.messages import Incoming
from nhacviec.app import App, build_app
from nhacviec.base import texts
from nhacviec.base.clock import FixedClock
from storage import repo
from storage.db import session_scope
from storage.models import ProgressUpdate, Task
from tests.builders import write_xlsx
from tests.conftest import legacy_config, link_chat, load
from tests.statements import recording


@pytest.fixture
def statement_threads() -> Iterator[list[tuple[int, str]]]:
    """(thread id, statement) of every statement any engine runs during the test."""
    with recording() as seen:
        yield seen


def khtc_app(engine: Engine, clock: FixedClock, tmp_path: Path) -> tuple[App, int]:
    """The small plan, CB04 (KHTC) linked on console chat "a"; one of KHTC's open tasks."""
    app = build_app(legacy_config(), clock, engine)
    load(engine, write_xlsx(tmp_path / "small.xlsx"))
    link_chat(app, "CB04", "console", "a")
    with session_scope(engine) as session:
        unit = repo.unit_by_code(session, "KHTC")
        assert unit is not None
        task = session.exec(
            select(Task).where(Task.lead_unit_id == unit.id, Task.state == "open")
        ).first()
        assert task is not None and task.id is not None
        return app, task.id


def reports(engine: Engine, task_id: int) -> int:
    with session_scope(engine) as session:
        query = select(func.count()).select_from(ProgressUpdate)
        return session.exec(query.where(ProgressUpdate.task_id == task_id)).one()


def test_report_is_answered_on_the_loop_on_sqlite_in_a_thread_on_postgresql(
    engine: Engine, clock: FixedClock, tmp_path: Path, statement_threads: list[tuple[int, str]]
) -> None:
    app, task_id = khtc_app(engine, clock, tmp_path)
    before = reports(engine, task_id)

    async def report() -> tuple[list[str], int]:
        replies = await app.chat.answer(Incoming("console", "a", f"/progress {task_id} 40"))
        return [r.text for r in replies], threading.get_ident()

    statement_threads.clear()
    texts_, loop_thread = asyncio.run(report())
    assert len(texts_) == 1 and texts_[0].startswith(f"📈 Nhiệm vụ {task_id}: tiến độ 0% → 40%")
    assert reports(engine, task_id) == before + 1
    writes = [t for t, sql in statement_threads if sql.startswith("INSERT INTO progressupdate")]
    assert len(writes) == 1
    if engine.dialect.name == "sqlite":
        assert writes == [loop_thread]  # no thread hop
    else:
        assert writes != [loop_thread]  # a network round trip per statement: off the loop

    # Anything else (here /tasks) is handled in a worker thread, on either database.
    async def tasks() -> int:
        await app.chat.answer(Incoming("console", "a", "/tasks"))
        return threading.get_ident()

    statement_threads.clear()
    loop_thread = asyncio.run(tasks())
    assert statement_threads and all(t != loop_thread for t, _ in statement_threads)


def test_a_held_write_lock_does_not_hold_up_the_loop(
    sqlite_engine: Engine, clock: FixedClock, tmp_path: Path
) -> None:
    """Another process (here a plain sqlite3 connection) holds the write lock for 0.6 s: the
    report waits for it in a thread while the loop keeps ticking, then is recorded once."""
    app, task_id = khtc_app(sqlite_engine, clock, tmp_path)
    before = reports(sqlite_engine, task_id)
    holder = sqlite3.connect(str(tmp_path / "test.db"), check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.6, holder.commit)

    async def run() -> tuple[list[str], float, float]:
        gaps: list[float] = []
        done = asyncio.Event()

        async def tick() -> None:
            last = time.monotonic()
            while not done.is_set():
                await asyncio.sleep(0.01)
                now = time.monotonic()
                gaps.append(now - last)
                last = now

        ticker = asyncio.create_task(tick())
        await asyncio.sleep(0.05)
        release.start()
        start = time.monotonic()
        replies = await app.chat.answer(Incoming("console", "a", f"/progress {task_id} 55"))
        took = time.monotonic() - start
        done.set()
        await ticker
        return [r.text for r in replies], max(gaps), took

    try:
        answered, longest_gap, took = asyncio.run(run())
    finally:
        release.cancel()
        holder.close()
    assert answered == [texts.progress_reply(task_id, answered[0].split("\n", 1)[1], 0, 55)], (
        answered
    )
    assert took >= 0.4  # it did wait for the lock...
    assert longest_gap < 0.3  # ...but not on the loop, which went on serving
    assert reports(sqlite_engine, task_id) == before + 1
