"""One dispatching leader, per-message leases and attempts, on SQLite and PostgreSQL, on an
injected clock (the processes' version of these is tests/nhacviec/test_instances.py)."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest
from sqlalchemy.engine import Engine

from nhacviec.base.clock import FixedClock
from nhacviec.base.config import Config
from scheduler.dispatch import HANDOVER_SECONDS, Dispatcher
from storage import outbox as store
from storage.db import upgrade
from tests.outbox_load import fill_outbox
from tests.reminder_helpers import FakePlatform

DAY = date(2023, 4, 3)


@pytest.fixture
def db(engine: Engine) -> Engine:
    upgrade(engine)
    return engine


def dispatcher(
    engine: Engine, clock: FixedClock, platform: FakePlatform, holder: str, waits: list[float]
) -> Dispatcher:
    heartbeat = Config().outbox.lease_seconds / 3

    async def sleep(seconds: float) -> None:
        if seconds == heartbeat:
            await asyncio.Event().wait()  # the heartbeat's: not due within these runs
        waits.append(seconds)  # the handover wait

    return Dispatcher(
        engine,
        clock,
        {"telegram": platform},
        Config().outbox,
        "Asia/Ho_Chi_Minh",
        concurrency=1,
        sleep=sleep,
        holder=holder,
    )


async def test_one_leader_sends_the_other_takes_over_when_it_stops_renewing(db: Engine) -> None:
    clock = FixedClock.on(DAY)
    fill_outbox(db, DAY, ["1", "2"], clock.now())
    a_platform, b_platform = FakePlatform(), FakePlatform()
    waits: list[float] = []
    a = dispatcher(db, clock, a_platform, "host-a:1:x", waits)
    b = dispatcher(db, clock, b_platform, "host-b:2:y", waits)

    assert (await a.dispatch_due()).sent == 2
    standby = await b.dispatch_due()
    assert standby.standby and standby.handled == 0
    fill_outbox(db, DAY, ["3"], clock.now())
    clock.advance(timedelta(seconds=29))
    assert (await b.dispatch_due()).standby  # a's lease (30 s) still runs
    clock.advance(timedelta(seconds=1))
    taken = await b.dispatch_due()
    assert taken.sent == 1 and not a.leading
    # b waited out the second in which a may still have been sending.
    assert waits == [pytest.approx(HANDOVER_SECONDS)]
    assert [c for c, _ in a_platform.sent] == ["1", "2"]
    assert [c for c, _ in b_platform.sent] == ["3"]


async def test_a_row_whose_lease_was_lost_is_not_sent_by_its_old_claimer(db: Engine) -> None:
    clock = FixedClock.on(DAY)
    fill_outbox(db, DAY, ["1", "2", "3"], clock.now())
    platform = FakePlatform()
    lease = timedelta(seconds=Config().outbox.lease_seconds)
    taken: list[store.Claimed] = []

    def stall_past_the_lease() -> None:
        # The sender freezes (its heartbeat too) for longer than the lease; meanwhile another
        # dispatcher claims what it held.
        if platform.calls == 1:
            clock.advance(lease + timedelta(seconds=1))
            taken.extend(store.claim(db, ["telegram"], clock.now(), lease, 10, "other"))

    platform.before_send = stall_past_the_lease
    report = await dispatcher(db, clock, platform, "host-a:1:x", []).dispatch_due(max_batches=1)
    # The first send was under way when it froze; the other two were never sent by it.
    assert [c for c, _ in platform.sent] == ["1"]
    assert report.lost == 3 and report.sent == 0  # not even row 1 may be marked by it now
    assert sorted(r.chat_id for r in taken) == ["1", "2", "3"]
    assert {r.state for r in store.outbox_rows(db)} == {"sending"}  # the other's to send


async def test_a_claim_is_not_an_attempt(db: Engine) -> None:
    """Nine claimers die before sending: the row is still sent, with no attempt counted."""
    clock = FixedClock.on(DAY)
    fill_outbox(db, DAY, ["1"], clock.now())
    lease = timedelta(seconds=Config().outbox.lease_seconds)
    for n in range(9):
        assert len(store.claim(db, ["telegram"], clock.now(), lease, 10, f"dead-{n}")) == 1
        clock.advance(lease)
    platform = FakePlatform()
    assert (await dispatcher(db, clock, platform, "host-a:1:x", []).dispatch_due()).sent == 1
    [row] = store.outbox_rows(db)
    assert (row.state, row.attempts) == ("sent", 0)


async def test_a_leader_that_stops_hands_over_at_once(db: Engine) -> None:
    clock = FixedClock.on(DAY)
    fill_outbox(db, DAY, ["1"], clock.now())
    a = dispatcher(db, clock, FakePlatform(), "host-a:1:x", [])
    b_platform = FakePlatform()
    b = dispatcher(db, clock, b_platform, "host-b:2:y", [])
    assert await a.lead()
    await a.resign()
    assert (await b.dispatch_due()).sent == 1
    assert [c for c, _ in b_platform.sent] == ["1"]
