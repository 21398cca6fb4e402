"""A message delivered twice changes nothing twice, even to another instance or after a restart
(storage/seen.py): the messenger's id of a message whose command wrote something is committed
with its effects. Two ChatService instances on one real database stand for two `nhacviec run`
processes (or one restarted: nothing in memory is shared); on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import threading
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.commands import ChatService
from bot.messages import Incoming
from nhacviec.app import build_app
from nhacviec.base.clock import FixedClock
from scheduler.scan import Scanner
from tests.bot.test_quick_commands import khtc_app, reports
from tests.conftest import legacy_config


def seen_rows(engine: Engine) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT channel, message_key FROM seen_message"))
        return sorted((channel, key) for channel, key in rows)


def twin(engine: Engine, clock: FixedClock) -> ChatService:
    """Another instance on the same database: its own memory, its own engine."""
    return build_app(legacy_config(), clock, engine).chat


def test_a_report_delivered_again_to_another_instance_is_recorded_once(
    engine: Engine, clock: FixedClock, tmp_path: Path
) -> None:
    app, task_id = khtc_app(engine, clock, tmp_path)
    message = Incoming("console", "a", f"/progress {task_id} 40", message_key="7001")
    first = app.chat.handle(message)
    assert first[0].text.startswith(f"📈 Nhiệm vụ {task_id}: tiến độ 0% → 40%")
    assert twin(engine, clock).handle(message) == []  # the redelivery: nothing, said or written
    assert reports(engine, task_id) == 1
    assert seen_rows(engine) == [("console", "7001")]
    # A new message (another id) is handled as ever.
    again = app.chat.handle(
        Incoming("console", "a", f"/progress {task_id} 50", message_key="7002")
    )
    assert again[0].text.startswith(f"📈 Nhiệm vụ {task_id}: tiến độ 40% → 50%")
    assert reports(engine, task_id) == 2


def test_the_report_lane_keeps_the_id_too(
    sqlite_engine: Engine, clock: FixedClock, tmp_path: Path
) -> None:
    app, task_id = khtc_app(sqlite_engine, clock, tmp_path)
    message = Incoming("console", "a", f"/progress {task_id} 40", message_key="8001")
    first = asyncio.run(app.chat.answer(message))  # the lane, on the event loop
    assert first[0].text.startswith(f"📈 Nhiệm vụ {task_id}: tiến độ 0% → 40%")
    assert asyncio.run(twin(sqlite_engine, clock).answer(message)) == []
    assert twin(sqlite_engine, clock).handle(message) == []  # nor the full path
    assert reports(sqlite_engine, task_id) == 1
    assert seen_rows(sqlite_engine) == [("console", "8001")]


def test_what_wrote_nothing_leaves_no_id_and_is_answered_again(
    engine: Engine, clock: FixedClock, tmp_path: Path
) -> None:
    app, task_id = khtc_app(engine, clock, tmp_path)
    listing = Incoming("console", "a", "/tasks", message_key="9001")
    refused = Incoming("console", "a", "/progress abc 10", message_key="9002")
    for message in (listing, refused):
        said = app.chat.handle(message)
        assert said and twin(engine, clock).handle(message) == said
    assert seen_rows(engine) == []
    assert reports(engine, task_id) == 0


def deliver(
    service: ChatService, message: Incoming, start: threading.Barrier, said: list[int]
) -> None:
    start.wait()
    said.append(len(service.handle(message)))


def test_twins_handled_at_once_on_two_instances_write_once(
    engine: Engine, clock: FixedClock, tmp_path: Path
) -> None:
    """Both start before either commits (a webhook retried on another instance while the
    first is still at work): one commits, the other is rolled back and says nothing."""
    app, task_id = khtc_app(engine, clock, tmp_path)
    services = [app.chat, twin(engine, clock)]
    for trial in range(10):
        message = Incoming(
            "console", "a", f"/progress {task_id} {trial + 10}", message_key=f"t{trial}"
        )
        start = threading.Barrier(2)
        said: list[int] = []
        threads = [
            threading.Thread(target=deliver, args=(s, message, start, said)) for s in services
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(said) == [0, 1], (trial, said)
        assert reports(engine, task_id) == trial + 1


def test_the_daily_scan_forgets_ids_older_than_two_days(
    engine: Engine, clock: FixedClock, tmp_path: Path
) -> None:
    app, task_id = khtc_app(engine, clock, tmp_path)
    app.chat.handle(Incoming("console", "a", f"/progress {task_id} 10", message_key="old"))
    clock.advance(timedelta(days=1))
    app.chat.handle(Incoming("console", "a", f"/progress {task_id} 20", message_key="new"))
    clock.advance(timedelta(days=1, hours=1))
    Scanner(engine, app.config, app.calendar, app.clock).run(date(2023, 4, 5))
    assert seen_rows(engine) == [("console", "new")]
