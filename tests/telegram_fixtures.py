"""Fixtures shared by the Telegram tests (a pytest plugin, see tests/conftest.py): virtual
time, the fake Bot API server, and the real TelegramService polling it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest

from bot.adapters.telegram.service import TelegramService
from nhacviec.app import App, build_app
from nhacviec.base.config import TelegramConfig
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.fakes.virtual_time import VirtualTime

TOKEN = "1234567:AAH_test-token-for-the-fake-bot-api-000"
BOT = "nhacviec_test_bot"


def config_for(fake: FakeTelegramAPI, **overrides: Any) -> TelegramConfig:
    """A [telegram] section pointing python-telegram-bot at the fake server."""
    return TelegramConfig(
        enabled=True,
        token=TOKEN,
        base_url=fake.base_url,
        base_file_url=fake.base_file_url,
        **overrides,
    )


@pytest.fixture
def vt() -> VirtualTime:
    return VirtualTime()


@pytest.fixture
async def fake(vt: VirtualTime) -> AsyncIterator[FakeTelegramAPI]:
    async with FakeTelegramAPI(TOKEN, username=BOT, clock=vt.clock) as server:
        yield server


@pytest.fixture
async def bot(app: App, fake: FakeTelegramAPI, vt: VirtualTime) -> AsyncIterator[TelegramService]:
    """The bot of the `app` fixture, polling the fake server on virtual time."""
    service = TelegramService(
        config_for(fake), app.chat, clock=vt.clock, sleep=vt.sleep, poll_timeout=1
    )
    await service.start()
    yield service
    await service.stop()


@asynccontextmanager
async def restarted(
    app: App, bot: TelegramService, fake: FakeTelegramAPI, vt: VirtualTime
) -> AsyncIterator[TelegramService]:
    """`bot`'s process gone (it polls no more) and a new one on the same database: nothing
    it held in memory is carried over, as after a crash and a restart."""
    await bot.stop_polling()
    fresh = build_app(app.config, app.clock, app.engine)
    service = TelegramService(
        config_for(fake), fresh.chat, clock=vt.clock, sleep=vt.sleep, poll_timeout=1
    )
    await service.start()
    try:
        yield service
    finally:
        await service.stop()
