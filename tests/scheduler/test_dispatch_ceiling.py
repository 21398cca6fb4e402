"""Dispatch at Telegram's ceiling: the real dispatcher and python-telegram-bot against the fake
Bot API enforcing Telegram's limits as Telegram counts them (on arrival): not one 429. The
rate itself is measured by benchmarks/dispatch.py, not here."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.adapters.telegram.messenger import TelegramMessenger
from nhacviec.base.clock import FixedClock
from nhacviec.base.config import Config
from scheduler.dispatch import Dispatcher
from storage import outbox as store
from storage.db import make_engine, upgrade
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.outbox_load import fill_outbox

TOKEN = "7777777:AAH_ceiling-test-token-for-the-fake-0000"
DAY = date(2023, 4, 3)


@pytest.fixture
def outbox_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path}/ceiling.db")
    upgrade(engine)
    yield engine
    engine.dispose()


async def test_full_speed_to_many_chats_gets_no_429(outbox_engine: Engine) -> None:
    clock = FixedClock.on(DAY)
    chats = [str(900_000 + n) for n in range(150)]
    fill_outbox(outbox_engine, DAY, chats, clock.now())
    fill_outbox(outbox_engine, DAY, ["899999"], clock.now(), parts=3)  # 1 a second to one chat
    async with FakeTelegramAPI(TOKEN, limits=True) as fake:
        bot = Bot(TOKEN, base_url=fake.base_url, request=HTTPXRequest(connection_pool_size=8))
        messenger = TelegramMessenger(bot)
        dispatcher = Dispatcher(
            outbox_engine, clock, {"telegram": messenger}, Config().outbox, "Asia/Ho_Chi_Minh"
        )
        report = await dispatcher.dispatch_due()
        await bot.shutdown()
    assert report.sent == 151 and report.retried == report.failed == 0
    assert fake.limit_hits == 0
    assert not [c for c in fake.calls if c.status == 429]
    delivered = Counter(c.chat_id for c in fake.sent())
    assert delivered == Counter({**dict.fromkeys(chats, 1), "899999": 3})
    # The fake's clock saw them arrive at most 30 in any second, with room to spare.
    arrivals = sorted(c.at for c in fake.sent())
    for first, thirty_first in zip(arrivals, arrivals[30:], strict=False):
        assert thirty_first - first > 1.0
    assert {r.state for r in store.outbox_rows(outbox_engine)} == {"sent"}


async def test_a_429_that_comes_anyway_is_obeyed(outbox_engine: Engine) -> None:
    clock = FixedClock.on(DAY)
    fill_outbox(outbox_engine, DAY, ["900001"], clock.now())
    async with FakeTelegramAPI(TOKEN, limits=True) as fake:
        fake.fail("sendMessage", 429, retry_after=1)
        bot = Bot(TOKEN, base_url=fake.base_url)
        dispatcher = Dispatcher(
            outbox_engine,
            clock,
            {"telegram": TelegramMessenger(bot)},
            Config().outbox,
            "Asia/Ho_Chi_Minh",
        )
        report = await dispatcher.dispatch_due()
        await bot.shutdown()
    refused, accepted = fake.calls_to("sendMessage", ok_only=False)
    assert (refused.status, accepted.status, report.sent) == (429, 200, 1)
    assert accepted.at - refused.at >= 1.0  # retry_after waited out before the second try
