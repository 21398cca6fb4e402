"""Two dispatchers racing over one outbox, each with its own engine, thread and event loop:
every row is delivered exactly once. Run on PostgreSQL (FOR UPDATE SKIP LOCKED) and SQLite
(a conditional UPDATE claim)."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import select

from nhacviec.app import build_app
from nhacviec.base.clock import FixedClock
from nhacviec.base.config import Config
from rules.policy import Digest, Item, ItemKind, OfficerView, TaskView
from scheduler.digest import DEFAULT_TRAITS, encode, render_parts
from scheduler.dispatch import Dispatcher, DispatchReport
from storage import outbox as store
from storage.db import make_engine, session_scope
from storage.models import Officer
from tests.builders import write_xlsx
from tests.conftest import load
from tests.reminder_helpers import FakePlatform

DAYS = 30
WAIT = 20.0  # seconds: a bound on waiting for the other thread, never a sleep


def fill_outbox(engine: Engine, clock: FixedClock) -> int:
    """One row per officer and day (the key is unique), written through the scan's writer."""
    with session_scope(engine) as session:
        officers = [(o.id or 0, o.code) for o in session.exec(select(Officer)).all()]
    start = date(2023, 4, 3)
    rows = []
    for n in range(DAYS):
        day = start + timedelta(days=n)
        for officer_id, code in officers:
            task = TaskView(n + 1, "KHTC", f"Nhiệm vụ {n + 1}", day)
            digest = Digest(
                OfficerView(officer_id, code, "KHTC", "officer"),
                day,
                None,
                (Item(ItemKind.DUE_TODAY, task),),
            )
            text, payload = encode(render_parts(digest, DEFAULT_TRAITS["telegram"]))
            rows.append(
                {
                    "officer_id": officer_id,
                    "kind": "digest",
                    "day": day,
                    "channel": "telegram",
                    "chat_id": f"chat-{code}-{n}",
                    "text": text,
                    "payload": payload,
                }
            )
    with engine.begin() as conn:
        return store.write_outbox(conn, rows, clock.now())


def race(engine_a: Engine, engine_b: Engine, clock: FixedClock) -> None:
    config = Config().outbox
    platform_a, platform_b = FakePlatform(), FakePlatform()
    b_has_sent = threading.Event()
    a_has_claimed = threading.Event()

    # A claims a batch, then holds its first send until B has delivered something: B must
    # find rows A did not claim while A's rows are in flight.
    def a_waits_for_b() -> None:
        a_has_claimed.set()
        assert b_has_sent.wait(WAIT), "B never sent while A held its claim"

    platform_a.before_send = lambda: asyncio.to_thread(a_waits_for_b)

    def b_signals() -> None:
        b_has_sent.set()

    platform_b.before_send = b_signals
    reports: dict[str, DispatchReport] = {}
    errors: list[BaseException] = []

    def run(name: str, engine: Engine, platform: FakePlatform, gate: Callable[[], bool]) -> None:
        try:
            assert gate()
            dispatcher = Dispatcher(
                engine,
                clock,
                {"telegram": platform},
                config,
                "Asia/Ho_Chi_Minh",
                batch=7,
                concurrency=1,
            )
            reports[name] = asyncio.run(dispatcher.dispatch_due())
        except BaseException as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=run, args=("a", engine_a, platform_a, lambda: True)),
        threading.Thread(
            target=run, args=("b", engine_b, platform_b, lambda: a_has_claimed.wait(WAIT))
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT * 3)
    assert not errors, errors
    assert not any(t.is_alive() for t in threads)

    total = store.outbox_rows(engine_a)
    sends = Counter(c for c, _ in platform_a.sent + platform_b.sent)
    assert len(sends) == len(total)
    assert set(sends.values()) == {1}, "a row was delivered twice"
    assert platform_a.sent and platform_b.sent, "both dispatchers must have delivered"
    assert reports["a"].sent + reports["b"].sent == len(total)
    assert {r.state for r in total} == {"sent"}


def test_two_dispatchers_on_postgresql(
    postgres_engine_factory: Callable[[], Engine], tmp_path: Path
) -> None:
    clock = FixedClock.on(date(2023, 4, 3))
    engine_a, engine_b = postgres_engine_factory(), postgres_engine_factory()
    build_app(Config(), clock, engine_a)
    load(engine_a, write_xlsx(tmp_path / "small.xlsx"))
    assert fill_outbox(engine_a, clock) == 7 * DAYS
    race(engine_a, engine_b, clock)


def test_two_dispatchers_on_sqlite(tmp_path: Path) -> None:
    clock = FixedClock.on(date(2023, 4, 3))
    url = f"sqlite:///{tmp_path}/race.db"
    engine_a, engine_b = make_engine(url), make_engine(url)
    try:
        build_app(Config(), clock, engine_a)
        load(engine_a, write_xlsx(tmp_path / "small.xlsx"))
        assert fill_outbox(engine_a, clock) == 7 * DAYS
        race(engine_a, engine_b, clock)
    finally:
        engine_a.dispose()
        engine_b.dispose()
